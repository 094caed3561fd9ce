import type { Operation, UnitId } from '../../impact/types.js';
import type { CallSite, FileModel, LoopInfo, ProjectModel, Span } from '../../model/types.js';
import { blockingInFunction, blockingOp, contains, contextAt, functionHeader, rateAt, UNIT_MID_MS, type BlockingOp } from '../memory/helpers.js';
import { calleeFunction } from '../../model/calls.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { callsOfFunction } from '../../model/file-index.js';

const LOCK_CONSTRUCTORS = new Set([
  'threading.Lock', 'threading.RLock', 'threading.Condition', 'multiprocessing.Lock', 'multiprocessing.RLock', '_thread.allocate_lock',
]);

export const meta: RuleMeta = {
  id: 'SC702',
  name: 'global-lock-across-io',
  dimension: 'scalability',
  title: { es: 'Lock global retenido durante E/S', en: 'Global lock held across I/O' },
  phase: 2,
  severity: { handler: 'critical', poll_loop: 'important', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'Un `threading.Lock` de módulo (o de clase) se mantiene cogido mientras se lee/escribe un fichero, se hace una petición HTTP, se lanza un subproceso o se duerme.',
      en: 'A module-level (or class-level) `threading.Lock` is held while a file is read/written, an HTTP request is made, a subprocess runs or the thread sleeps.',
    },
    why: {
      es: 'Todos los hilos del proceso (una petición por agente en un ThreadingHTTPServer, un hilo por tarea) se ponen en fila detrás del lock durante toda la E/S: con 100 agentes y 5 ms de E/S bajo el lock, el último espera ~0,5 s y el proceso no pasa de 200 operaciones/s.',
      en: 'Every thread of the process (one request per agent on a ThreadingHTTPServer, one thread per task) queues behind the lock for the whole I/O: at 100 agents and 5 ms of I/O under the lock the last one waits ~0.5 s and the process tops out at 200 operations/s.',
    },
    example: '_state_lock = threading.Lock()\n\ndef update_state(agent, **fields):\n    with _state_lock:\n        with open(STATE_PATH) as fh:\n            state = json.load(fh)\n        state.setdefault(agent, {}).update(fields)\n        with open(STATE_PATH, "w") as fh:\n            json.dump(state, fh)',
    useInstead: '_state = {}\n_state_lock = threading.Lock()\n\ndef update_state(agent, **fields):\n    with _state_lock:                      # microseconds: memory only\n        _state.setdefault(agent, {}).update(fields)\n        snapshot = json.dumps(_state)\n    write_atomic(STATE_PATH, snapshot)     # temp file + os.replace, no lock held',
    tradeoff: {
      es: 'Sacar la E/S del lock obliga a pensar qué protege el lock (el estado en memoria) y a publicar con escrituras atómicas (os.replace); dos escritores pueden terminar en otro orden, así que la última escritura debe llevar el estado completo.',
      en: 'Moving the I/O out of the lock forces you to decide what the lock protects (the in-memory state) and to publish with atomic writes (os.replace); two writers may finish out of order, so the last write must carry the whole state.',
    },
  },
};

interface LockedRegion {
  span: Span;
  /** The line to report: the `with` or the `acquire()`. */
  reportSpan: Span;
  lock: string;
  functionId?: string;
}

interface ModuleIndex {
  byModule: Map<string, { file: FileModel; order: number }[]>;
  /** `filesForTarget` answers: the same modules are imported by many files. */
  byTarget: Map<string, FileModel[]>;
}

const modulesCache = new WeakMap<ProjectModel, ModuleIndex>();

/**
 * The project files whose module is `target` or a dotted prefix of it, in project order: the only files the
 * loop below can match (an index instead of a scan of every file per import).
 */
function filesForTarget(project: ProjectModel, target: string): FileModel[] {
  let index = modulesCache.get(project);
  if (!index) {
    const byModule: ModuleIndex['byModule'] = new Map();
    project.files.forEach((file, order) => {
      const list = byModule.get(file.module);
      if (list) list.push({ file, order });
      else byModule.set(file.module, [{ file, order }]);
    });
    modulesCache.set(project, (index = { byModule, byTarget: new Map() }));
  }
  let files = index.byTarget.get(target);
  if (!files) {
    const found: { file: FileModel; order: number }[] = [];
    for (let end = target.length; end > 0; end = target.lastIndexOf('.', end - 1)) {
      found.push(...(index.byModule.get(target.slice(0, end)) ?? []));
      if (end === 0) break;
    }
    index.byTarget.set(target, (files = found.sort((a, b) => a.order - b.order).map((entry) => entry.file)));
  }
  return files;
}

function isLock(qualifiedName: string | undefined): boolean {
  return qualifiedName !== undefined && LOCK_CONSTRUCTORS.has(qualifiedName);
}

const lockConstantsCache = new WeakMap<FileModel, string[]>();

/** The module constants of a file that hold a lock (`_state_lock = threading.Lock()`), in the file's order. */
function lockConstants(file: FileModel): string[] {
  // Asked for every file that imports this module.
  let names = lockConstantsCache.get(file);
  if (!names) {
    names = [];
    for (const [name, expr] of file.constants) if (expr.type === 'call' && isLock(expr.qualifiedName)) names.push(name);
    lockConstantsCache.set(file, names);
  }
  return names;
}

/** Names under which this file sees a process-wide lock: `LOCK`, `self._lock` (class attribute), `ipc._state_lock`. */
function lockNames(file: FileModel, project: ProjectModel): Set<string> {
  const names = new Set<string>(lockConstants(file));
  for (const cls of file.classes.values()) {
    for (const [attribute, expr] of cls.attributes) {
      if (expr.type !== 'call' || !isLock(expr.qualifiedName)) continue;
      names.add(`self.${attribute}`).add(`cls.${attribute}`).add(`${cls.name}.${attribute}`);
    }
  }
  // Locks imported from another module of the project: `from ipc import _state_lock` or `import ipc` + `ipc._state_lock`.
  for (const binding of file.imports.values()) {
    for (const other of filesForTarget(project, binding.target)) {
      if (other === file) continue;
      if (binding.target === other.module) {
        for (const name of lockConstants(other)) names.add(`${binding.local}.${name}`);
      } else if (binding.target.startsWith(`${other.module}.`)) {
        const expr = other.constants.get(binding.target.slice(other.module.length + 1));
        if (expr?.type === 'call' && isLock(expr.qualifiedName)) names.add(binding.local);
      }
    }
  }
  return names;
}

function lockedRegions(file: FileModel, locks: Set<string>): LockedRegion[] {
  const regions: LockedRegion[] = [];
  for (const w of file.withs) {
    const item = w.items.find((i) => i.callId === undefined && locks.has(i.text.trim()));
    if (item) regions.push({ span: w.span, reportSpan: { ...w.span, endLine: w.span.line }, lock: item.text.trim(), functionId: w.functionId });
  }
  // LOCK.acquire() … LOCK.release() in the same function.
  for (const acquire of file.calls) {
    if (acquire.method !== 'acquire' || !locks.has(acquire.receiver ?? '')) continue;
    const release = callsOfFunction(file, acquire.functionId).find((c) => c.method === 'release' && c.receiver === acquire.receiver && c.span.start > acquire.span.end);
    if (!release) continue;
    regions.push({
      span: { ...acquire.span, endLine: release.span.line, end: release.span.start },
      reportSpan: acquire.span, lock: acquire.receiver!, functionId: acquire.functionId,
    });
  }
  return regions;
}

function loopsAround(file: FileModel, span: Span, functionId: string | undefined): number[] {
  return file.loops
    .filter((l: LoopInfo) => l.functionId === functionId && contains(l.span, span) && l.span.start !== span.start)
    .sort((a, b) => (a.span.end - a.span.start) - (b.span.end - b.span.start))
    .map((l) => l.id);
}

function msOf(op: BlockingOp): number {
  return op.sleepSeconds !== undefined ? op.sleepSeconds * 1000 : UNIT_MID_MS[op.unit] ?? 0;
}

function exampleFor(file: FileModel, region: LockedRegion, fnName: string, ops: { call: CallSite; op: BlockingOp }[]): string {
  const first = ops[0]!.call;
  const firstLine = (file.source[first.span.line - 1] ?? '').trim().replace(/\s*#.*$/, '');
  const writes = ops.some((o) => o.op.unit === 'file_write' || o.op.unit === 'fsync');
  const lines = [
    functionHeader(file, region.functionId, fnName),
    '    # blocking work first, with no lock held',
    `    ${firstLine.length > 0 && firstLine.length < 100 && !firstLine.endsWith(':') ? firstLine : '...'}`,
    `    with ${region.lock}:  # held for microseconds: in-memory state only`,
    '        snapshot = ...  # merge the result into the shared dict, take a snapshot',
  ];
  if (writes) {
    lines.push(
      '    # publish outside the lock: temp file + os.replace (readers never see half a file)',
      '    path = ...  # the file written under the lock today',
      '    tmp = "%s.%d.tmp" % (path, os.getpid())',
      '    with open(tmp, "w", encoding="utf-8") as fh:',
      '        json.dump(snapshot, fh)',
      '    os.replace(tmp, path)',
    );
  }
  return lines.join('\n');
}

export const SC702: Rule = {
  meta,
  check({ file, project, agents }) {
    const locks = lockNames(file, project);
    if (locks.size === 0) return [];
    const findings: RuleFinding[] = [];
    for (const region of lockedRegions(file, locks)) {
      // `with LOCK: if _cache is None: _cache = load()`: a one-time lazy initialisation, not a hot path.
      const firstLine = file.source[region.reportSpan.line] ?? '';
      if (/^\s*if\s+(not\s+[\w.]+|[\w.]+\s+is\s+None|[\w.]+\s*==\s*None)\s*:/.test(firstLine)) continue;
      const inside = callsOfFunction(file, region.functionId).filter((c: CallSite) => contains(region.span, c.span) && c.receiver !== region.lock);
      const ops: { call: CallSite; op: BlockingOp }[] = [];
      for (const call of inside) {
        const op = blockingOp(call);
        if (op) {
          ops.push({ call, op });
          continue;
        }
        const callee = calleeFunction(project, file, call);
        if (callee && callee.fn.id !== region.functionId) for (const found of blockingInFunction(project, callee, 3)) ops.push({ call, op: found.op });
      }
      if (ops.length === 0) continue;
      const loopIds = loopsAround(file, region.span, region.functionId);
      const context = contextAt(file, region.functionId, loopIds);
      const holdMs = ops.reduce((sum, o) => sum + msOf(o.op), 0);
      const counts = new Map<UnitId, number>();
      for (const { op } of ops) if (op.sleepSeconds === undefined) counts.set(op.unit, (counts.get(op.unit) ?? 0) + 1);
      const current: Operation[] = [...counts].map(([unit, count]) => ({ unit, count }));
      const what = [...new Set(ops.map((o) => (o.call.calleeText === o.op.what ? o.op.what : `${o.call.calleeText} → ${o.op.what}`)))].slice(0, 3).join(', ');
      const lastWaitSeconds = ((agents - 1) * holdMs) / 1000;
      const fnName = region.functionId ? file.functions.get(region.functionId)?.name ?? 'update' : 'update';
      findings.push(...report(meta, region.reportSpan, context, {
        message: {
          es: `${region.lock} (lock de todo el proceso) se mantiene durante E/S: ${what}`,
          en: `${region.lock} (a process-wide lock) is held across I/O: ${what}`,
        },
        whyAtScale: {
          es: `cada paso retiene el lock ~${num(holdMs)} ms; con ${agents} hilos concurrentes (uno por agente) el último espera ~${num(lastWaitSeconds)} s y el proceso no pasa de ~${num(1000 / Math.max(holdMs, 0.001))} pasos/s`,
          en: `each pass holds the lock ~${num(holdMs)} ms; with ${agents} concurrent threads (one per agent) the last one waits ~${num(lastWaitSeconds)} s and the process tops out at ~${num(1000 / Math.max(holdMs, 0.001))} passes/s`,
        },
        proposal: {
          change: {
            es: `Hacer la E/S (${what}) fuera de ${region.lock} y retenerlo solo para actualizar el estado en memoria; publicar con escritura atómica (fichero temporal + os.replace).`,
            en: `Do the I/O (${what}) outside ${region.lock} and hold it only to update in-memory state; publish with an atomic write (temp file + os.replace).`,
          },
          justification: {
            es: `El lock pasa de ~${num(holdMs)} ms a microsegundos por paso: ${agents} hilos dejan de ponerse en fila y el rendimiento deja de estar limitado por la latencia de la E/S. Solo stdlib.`,
            en: `The lock goes from ~${num(holdMs)} ms to microseconds per pass: ${agents} threads stop queueing and throughput is no longer capped by I/O latency. Stdlib only.`,
          },
          tradeoff: meta.docs.tradeoff,
          example: exampleFor(file, region, fnName, ops),
        },
        cost: {
          current,
          expected: current,
          rate: rateAt(file, region.functionId, loopIds, region.span),
          currentResources: { blockedSeconds: lastWaitSeconds },
          expectedResources: { blockedSeconds: ((agents - 1) * 0.01) / 1000 },
          assumptions: [{
            es: `E/S bajo el lock ~${num(holdMs)} ms por paso (costes de referencia); ${agents} hilos compitiendo por él`,
            en: `I/O under the lock ~${num(holdMs)} ms per pass (reference costs); ${agents} threads contending for it`,
          }],
        },
        facts: { lock: region.lock, holdMs: Number(holdMs.toFixed(2)), operations: ops.length },
      }));
    }
    return findings;
  },
};
