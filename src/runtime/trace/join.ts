// Joining runtime evidence to static findings: a finding whose line (±1) shows the kind of event its
// rule is about is "confirmed at runtime" with the measured rate; hot lines no finding covers are
// returned so the report can list what no rule flagged.
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import type { Dimension, Finding } from '../../rules/types.js';
import type { TraceLine, TraceResult } from './types.js';

/** Kinds of runtime event that confirm a rule, most telling first. */
const BY_RULE: Record<string, string[]> = {
  IO101: ['connect', 'dns', 'http'],
  IO102: ['open', 'connect', 'listdir', 'stat', 'dns', 'sleep', 'subprocess'],
  IO103: ['open'],
  IO104: ['sleep'],
  IO105: ['connect', 'http', 'dns'],
  SY201: ['subprocess', 'connect', 'http', 'thread'],
  SY202: ['open'],
  PO301: ['listdir', 'stat', 'open', 'sleep'],
  PO302: ['listdir', 'stat', 'open', 'connect'],
  PO303: ['sleep', 'listdir', 'stat', 'open'],
  PO304: ['connect', 'http', 'dns', 'sleep'],
  PO305: ['sleep', 'listdir', 'stat', 'open', 'connect'],
  PO306: ['sleep'],
  DK401: ['fsync'],
  DK402: ['open', 'rename'],
  DK403: ['listdir'],
  DK404: ['open', 'stat'],
  DK405: ['open', 'rename'],
  DK406: ['open', 'remove', 'rename'],
  DK407: ['open', 'fsync'],
  DK408: ['listdir', 'stat'],
  SP501: ['subprocess', 'exec', 'fork'],
  SP502: ['subprocess'],
  SP503: ['subprocess'],
  SP504: ['subprocess'],
  SP505: ['subprocess'],
  SP506: ['subprocess'],
  ME601: ['open'],
  ME602: ['open'],
  SC701: ['connect', 'open'],
  SC702: ['open', 'connect', 'subprocess', 'sleep'],
  SC704: ['open', 'fsync', 'rename'],
  SC706: ['thread'],
  CA801: ['open', 'stat'],
  CA802: ['connect', 'dns', 'http'],
  CA803: ['dns', 'open'],
  PA901: ['connect', 'open', 'http', 'listdir', 'dns'],
  PA903: ['subprocess'],
};

/** Findings spanning more lines than this are matched on their first line only. */
const MAX_SPAN = 40;

/** For rules without an entry above (new ones), by dimension. */
const BY_DIMENSION: Record<Dimension, string[]> = {
  io_blocking: ['open', 'connect', 'dns', 'http', 'listdir', 'stat', 'sleep'],
  sync_ops: ['subprocess', 'connect', 'http', 'open'],
  polling: ['listdir', 'stat', 'open', 'connect', 'sleep'],
  disk: ['open', 'listdir', 'fsync', 'rename', 'remove', 'stat', 'mkdir', 'shutil', 'truncate'],
  subprocess: ['subprocess', 'exec', 'fork'],
  memory: ['open'],
  scalability: ['open', 'connect', 'thread', 'fsync'],
  caching: ['open', 'connect', 'dns', 'stat', 'http'],
  parallelism: ['connect', 'open', 'subprocess', 'http', 'listdir', 'fork'],
};

/** The runtime kinds that would confirm `finding` (empty: nothing observable, e.g. ME604). */
export function kindsForFinding(finding: Pick<Finding, 'rule' | 'dimension'>): string[] {
  return BY_RULE[finding.rule] ?? (/^(ME60[345]|SC703|SC705|PA902|CA804)$/.test(finding.rule) ? [] : BY_DIMENSION[finding.dimension] ?? []);
}

export interface JoinOptions {
  /** What findings' `file` is relative to (default: process.cwd()). */
  cwd?: string;
  /** Unflagged lines need at least this many events… (default 10) */
  minEvents?: number;
  /** …or at least this rate (default 1 event/s). */
  minEventsPerSecond?: number;
  /** At most this many unflagged lines, hottest first (default 20). */
  limit?: number;
}

function canonical(path: string): string {
  let abs = path;
  try {
    abs = realpathSync(path);
  } catch {
    abs = resolve(path);
  }
  return abs.split(sep).join('/');
}

export function joinTrace(
  findings: Finding[],
  trace: TraceResult,
  options: JoinOptions = {},
): { findings: Finding[]; unflagged: TraceLine[] } {
  const cwd = options.cwd ?? process.cwd();
  const root = trace.projectRoot ?? cwd;
  const minEvents = options.minEvents ?? 10;
  const minRate = options.minEventsPerSecond ?? 1;
  const limit = options.limit ?? 20;

  // Trace lines by absolute file.
  const byFile = new Map<string, TraceLine[]>();
  for (const line of trace.lines) {
    const abs = canonical(isAbsolute(line.file) ? line.file : resolve(root, line.file));
    let list = byFile.get(abs);
    if (!list) byFile.set(abs, (list = []));
    list.push(line);
  }
  // A trace recorded in another checkout (its root does not exist here): match path tails instead.
  const foreign = !existsSync(root);
  const tail = (l: TraceLine): string => l.file.replace(/^\/+/, '');
  const tailMatch = (abs: string): TraceLine[] | undefined => {
    if (!foreign) return undefined;
    let bestLen = 0;
    for (const l of trace.lines) if (abs.endsWith(`/${tail(l)}`) && tail(l).length > bestLen) bestLen = tail(l).length;
    return bestLen ? trace.lines.filter((l) => tail(l).length === bestLen && abs.endsWith(`/${tail(l)}`)) : undefined;
  };

  const covered = new Set<TraceLine>();
  const canonicalCache = new Map<string, string>();
  const out = findings.map((finding) => {
    const kinds = kindsForFinding(finding);
    if (!kinds.length) return finding;
    let abs = canonicalCache.get(finding.file);
    if (abs === undefined) canonicalCache.set(finding.file, (abs = canonical(resolve(cwd, finding.file))));
    const lines = byFile.get(abs) ?? tailMatch(abs);
    if (!lines) return finding;
    const first = finding.line;
    // A finding may span a loop (its events anywhere in the body count); a long span (a class, a whole
    // function) would confirm it with anything, so then only its first line (±1) counts.
    const end = Math.max(finding.line, finding.endLine ?? finding.line);
    const last = end - first > MAX_SPAN ? first : end;
    const near = lines.filter((l) => l.line >= first - 1 && l.line <= last + 1 && kinds.includes(l.kind));
    if (!near.length) return finding;
    for (const l of near) covered.add(l);
    // Prefer the finding's own line, then the kind most telling for the rule, then the most events.
    const best = [...near].sort(
      (a, b) =>
        Number(b.line === first) - Number(a.line === first) ||
        kinds.indexOf(a.kind) - kinds.indexOf(b.kind) ||
        b.events - a.events,
    )[0]!;
    return { ...finding, runtime: { eventsPerSecond: best.eventsPerSecond, kind: best.kind, events: best.events } };
  });

  const unflagged = trace.lines
    .filter((l) => !covered.has(l) && (l.events >= minEvents || l.eventsPerSecond >= minRate))
    .sort((a, b) => b.eventsPerSecond - a.eventsPerSecond || b.events - a.events)
    .slice(0, limit);
  return { findings: out, unflagged };
}
