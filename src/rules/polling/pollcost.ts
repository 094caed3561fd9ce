// What one pass of a poll loop costs (the seed's formula: polls/s × N agents × cost per poll) and how
// its interval was written (literal, module constant, environment default).
import { cycleRate } from '../../impact/rate.js';
import type { CycleRate, Operation, UnitId } from '../../impact/types.js';
import { REFERENCE_COSTS } from '../../impact/units.js';
import type { CallSite, FileModel, LoopInfo, ProjectModel } from '../../model/types.js';
import { destinationOf, httpKind, httpUnit, urlArg } from '../io_blocking/http.js';
import { fileOp, isSubprocess, type FileOp } from '../support.js';
import type { L10n } from '../types.js';
import { fmt, fmtEs, pollWork, type PollWork } from './hotpath.js';

const FILE_UNIT: Partial<Record<FileOp, UnitId>> = {
  listdir: 'listdir', walk: 'listdir', read: 'file_read', stat: 'stat', write: 'file_write', append: 'file_write', fsync: 'fsync',
};

export interface PricedWork extends PollWork {
  unit: UnitId;
  /** What the call does, for sentences: `listdir`, `read`, `GET`, `subprocess`. */
  what: string;
}

/** The priced operations of one pass: those every pass pays (idle) and those paid per item found. */
export function pollOperations(project: ProjectModel, file: FileModel, loop: LoopInfo): { idle: PricedWork[]; perItem: PricedWork[] } {
  const idle: PricedWork[] = [];
  const perItem: PricedWork[] = [];
  for (const work of pollWork(project, file, loop)) {
    const priced = price(work);
    if (!priced) continue;
    (work.perItem ? perItem : idle).push(priced);
  }
  return { idle, perItem };
}

function price(work: PollWork): PricedWork | undefined {
  const { call, file } = work;
  const op = fileOp(call) ?? pathMethodOp(call);
  const unit = op ? FILE_UNIT[op] : undefined;
  if (op && unit) return { ...work, unit, what: op };
  const http = httpKind(call, file);
  if (http) return { ...work, unit: httpUnit(destinationOf(urlArg(call, http))), what: 'http' };
  if (isSubprocess(call)) return { ...work, unit: 'subprocess', what: 'subprocess' };
  return undefined;
}

/** pathlib methods on receivers the model could not type (`self.new.iterdir()`, `job_dir.glob("*.json")`). */
function pathMethodOp(call: PollWork['call']): FileOp | undefined {
  if (!call.method || !call.receiver || call.receiver === 'glob' || /^(os|re|fnmatch)$/.test(call.receiver)) return undefined;
  if (call.method === 'iterdir' || call.method === 'rglob') return 'listdir';
  if (call.method === 'glob' && call.args[0]?.expr.value.kind === 'string') return 'listdir';
  if ((call.method === 'read_text' || call.method === 'read_bytes') && call.args.length <= 1) return 'read';
  if ((call.method === 'exists' || call.method === 'is_file' || call.method === 'is_dir') && call.args.length === 0) return 'stat';
  return undefined;
}

export function operationsOf(work: PricedWork[]): Operation[] {
  const counts = new Map<UnitId, number>();
  for (const w of work) counts.set(w.unit, (counts.get(w.unit) ?? 0) + 1);
  return [...counts].map(([unit, count]) => ({ unit, count }));
}

/** Share of one core (0–1+) that `ops` at `perSecond` cycles per second cost, low–high, from the reference table. */
export function coreShare(ops: Operation[], perSecond: number): { low: number; high: number } {
  const low = ops.reduce((sum, op) => sum + op.count * REFERENCE_COSTS[op.unit].lowMs, 0) * perSecond / 1000;
  const high = ops.reduce((sum, op) => sum + op.count * REFERENCE_COSTS[op.unit].highMs, 0) * perSecond / 1000;
  return { low, high };
}

/** `10–20 % of one core` / `1.1–10 cores`, in both languages. */
export function cpuWords(share: { low: number; high: number }): L10n {
  if (share.high >= 1) {
    const range = fmt(share.low) === fmt(share.high) ? fmt(share.low) : `${fmt(share.low)}–${fmt(share.high)}`;
    return { es: `${range.replace(/\./g, ',')} núcleos`, en: `${range} cores` };
  }
  const f = (x: number) => (x * 100 >= 10 ? Math.round(x * 100).toString() : fmt(x * 100));
  const range = f(share.low) === f(share.high) ? f(share.low) : `${f(share.low)}–${f(share.high)}`;
  return { es: `${range.replace(/\./g, ',')} % de un núcleo`, en: `${range} % of one core` };
}

const RATE_WORDS: Partial<Record<UnitId, L10n>> = {
  listdir: { es: 'listdir', en: 'listdir' }, file_read: { es: 'lecturas', en: 'reads' }, stat: { es: 'stat', en: 'stats' },
  file_write: { es: 'escrituras', en: 'writes' }, fsync: { es: 'fsync', en: 'fsyncs' }, subprocess: { es: 'procesos', en: 'processes' },
  http_local: { es: 'peticiones HTTP', en: 'HTTP requests' }, http_external: { es: 'peticiones HTTP', en: 'HTTP requests' },
};

/** `200 listdir/s + 200 reads/s` for operations at a number of cycles per second. */
export function rateWords(ops: Operation[], perSecond: number): L10n {
  const parts = ops.map((o) => ({ n: fmt(o.count * perSecond), ne: fmtEs(o.count * perSecond), w: RATE_WORDS[o.unit] ?? { es: o.unit, en: o.unit } }));
  return { es: parts.map((p) => `${p.ne} ${p.w.es}/s`).join(' + '), en: parts.map((p) => `${p.n} ${p.w.en}/s`).join(' + ') };
}

/** `2 listdir + 1 read` (`2 listdir + 1 lectura`): the operations of a pass as words. */
export function opsWords(ops: Operation[]): L10n {
  const names: Partial<Record<UnitId, [string, string, string]>> = {
    // [English, Spanish singular, Spanish plural]
    listdir: ['listdir', 'listdir', 'listdir'], file_read: ['read', 'lectura', 'lecturas'], stat: ['stat', 'stat', 'stat'],
    file_write: ['write', 'escritura', 'escrituras'], fsync: ['fsync', 'fsync', 'fsync'], http_local: ['HTTP', 'HTTP', 'HTTP'],
    http_external: ['HTTP', 'HTTP', 'HTTP'], subprocess: ['subprocess', 'subproceso', 'subprocesos'],
  };
  const words = (lang: 0 | 1) => ops.map((o) => {
    const [en, one, many] = names[o.unit] ?? [o.unit, o.unit, o.unit];
    return lang === 0 ? `${fmt(o.count)} ${en}` : `${fmtEs(o.count)} ${o.count === 1 ? one : many}`;
  }).join(' + ');
  return { en: words(0), es: words(1) };
}

/** How the interval was written: `0.5 s (POLL_INTERVAL, $OPENCLAW_POLL default "0.5")`. */
export function intervalText(project: ProjectModel, file: FileModel, loop: LoopInfo): L10n {
  const poll = loop.poll!;
  if (poll.intervalSeconds === undefined) return { es: `? s (${poll.intervalText}: desconocido en el código)`, en: `? s (${poll.intervalText}: not known from the code)` };
  const seconds = fmt(poll.intervalSeconds);
  if (poll.intervalSource === 'literal') return { es: `${seconds.replace('.', ',')} s`, en: `${seconds} s` };
  const sleepFile = project.files.find((f) => f.path === poll.sleepFile) ?? file;
  const definition = sleepFile.constants.get(poll.intervalText)?.text ?? file.constants.get(poll.intervalText)?.text ?? '';
  const env = /environ(?:\.get)?\(\s*["'](\w+)["']|getenv\(\s*["'](\w+)["']/.exec(definition);
  if (env) {
    const name = env[1] ?? env[2];
    return { es: `${seconds.replace('.', ',')} s (${poll.intervalText}, $${name} por defecto)`, en: `${seconds} s (${poll.intervalText}, $${name} default)` };
  }
  return { es: `${seconds.replace('.', ',')} s (${poll.intervalText})`, en: `${seconds} s (${poll.intervalText})` };
}

/** Polls per second per agent of a poll loop (the impact model's cycle rate for it). */
export function pollRate(file: FileModel, loop: LoopInfo): CycleRate {
  const site = {
    id: -1, span: loop.span, callee: '', calleeText: '', args: [], loopIds: [loop.id], inWithItem: false, resultDiscarded: false,
    isLoopIterable: false, context: 'poll_loop', poll: { ...loop.poll!, loopFile: file.path, loopLine: loop.span.line },
  } as CallSite;
  return cycleRate(site, file);
}
