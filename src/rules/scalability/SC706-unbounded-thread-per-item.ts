import { ASSUMED, cycleRate } from '../../impact/rate.js';
import type { CycleRate } from '../../impact/types.js';
import type { CallSite, FileModel, LoopInfo, ProjectModel } from '../../model/types.js';
import { functionCode, functionHeader, isFixedCountLoop, loopHeader } from '../memory/helpers.js';
import { calleeFunction } from '../../model/calls.js';
import { lookupTable } from '../../util/lookup.js';
import { keyword, loopById, num, positional, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { callsOfFunction } from '../../model/file-index.js';

const WORKER_CONSTRUCTORS = lookupTable<'thread' | 'process'>({
  'threading.Thread': 'thread', 'threading.Timer': 'thread', '_thread.start_new_thread': 'thread', 'thread.start_new_thread': 'thread',
  'multiprocessing.Process': 'process',
});

export const meta: RuleMeta = {
  id: 'SC706',
  name: 'unbounded-thread-per-item',
  dimension: 'scalability',
  title: { es: 'Un hilo por elemento sin límite', en: 'One thread per item with no bound' },
  phase: 2,
  severity: { handler: 'important', poll_loop: 'important', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Arranca un `threading.Thread` (o un `multiprocessing.Process`) por cada elemento, petición o fichero, sin pool ni semáforo que limite cuántos hay a la vez.',
      en: 'Starts a `threading.Thread` (or a `multiprocessing.Process`) for every item, request or file, with no pool or semaphore bounding how many run at once.',
    },
    why: {
      es: 'El número de hilos lo decide la carga, no el código: tras una caída, 1.000 ficheros pendientes son 1.000 hilos a la vez en un agente (~8 GB de pila virtual, el GIL repartido entre todos, el límite de 1.024 descriptores), y con 100 agentes la máquina entera.',
      en: 'The load, not the code, decides the thread count: after an outage 1,000 queued files become 1,000 threads at once in one agent (~8 GB of virtual stack, the GIL shared by all, the 1,024-descriptor limit), and at 100 agents the whole machine.',
    },
    example: 'for name in os.listdir(QUEUE):\n    threading.Thread(target=process_task, args=(name,)).start()',
    useInstead: 'from concurrent.futures import ThreadPoolExecutor\n\n_pool = ThreadPoolExecutor(max_workers=8)  # once, at start-up\n\nfor name in os.listdir(QUEUE):\n    _pool.submit(process_task, name)       # waits in the queue when all 8 are busy',
    tradeoff: {
      es: 'Con el pool lleno los elementos esperan en la cola del executor (latencia en las ráfagas en lugar de memoria); la cola del executor no tiene límite, acótala con un BoundedSemaphore si el productor puede ir más rápido que los workers; los hilos del pool no son daemon y el cierre los espera.',
      en: 'With the pool full, items wait in the executor queue (latency under bursts instead of memory); the executor queue itself is unbounded, bound it with a BoundedSemaphore if producers can outrun the workers; pool threads are not daemons and shutdown waits for them.',
    },
  },
};

/** Pending items assumed in a burst (a backlog after an outage or a restart). */
const BURST_ITEMS = 1_000;
const POOL_SIZE = 8;
/** Resident memory per idle thread (stack pages touched + thread state), MB. */
const THREAD_RSS_MB = 0.1;

function isStarted(file: FileModel, call: CallSite): boolean {
  if (call.callee.endsWith('start_new_thread')) return true;
  return callsOfFunction(file, call.functionId).some((c) => c.method === 'start' &&
    (c.span.start === call.span.start || (call.assignedTo !== undefined && c.receiver === call.assignedTo) || /^(t|th|p|proc\w*|\w*thread\w*|\w*worker\w*|\w*timer\w*)$/i.test(c.receiver ?? '')));
}

/** Something in the function (or the thread's target) caps how many run: a semaphore, a pool size check, active_count(). */
function isBounded(project: ProjectModel, file: FileModel, call: CallSite, target: string | undefined): boolean {
  const bound = /Semaphore\s*\(|\.acquire\s*\(|active_count\s*\(|len\(\s*[\w.]*(thread|worker|job|proc|running|active)\w*\s*\)\s*(>=|>|<|<=|==)|max_workers/i;
  if (bound.test(functionCode(file, call.functionId))) return true;
  if (target) {
    const fakeCall: CallSite = { ...call, callee: target, calleeText: target };
    const resolved = calleeFunction(project, file, fakeCall);
    if (resolved && /\.acquire\s*\(|with\s+[\w.]*(sem|slot|limit)\w*\s*:/i.test(functionCode(resolved.file, resolved.fn.id))) return true;
  }
  return false;
}

/** `t.join()` on a thread in the same function: joined in the same iteration (sequential) or after the loop (a batch). */
function joins(file: FileModel, call: CallSite): 'same-iteration' | 'after-loop' | undefined {
  const threadJoins = callsOfFunction(file, call.functionId).filter((c) => c.method === 'join' && c.receiver !== undefined &&
    /^[A-Za-z_][\w.]*$/.test(c.receiver) && !/^(os\.path|path|str|sep|["'])/.test(c.receiver) && c.args.length <= 1 &&
    (c.receiver === call.assignedTo || /(^|[._])(t|th|p|proc\w*|\w*thread\w*|\w*worker\w*)$/i.test(c.receiver) || c.args.length === 0 || c.args[0]?.expr.value.kind === 'number' || c.args[0]?.name === 'timeout'));
  if (threadJoins.length === 0) return undefined;
  const innermost = call.loopIds[0];
  if (innermost !== undefined && threadJoins.some((j) => j.loopIds.includes(innermost))) return 'same-iteration';
  return 'after-loop';
}

/** `if key in running: continue` … `running[key] = worker`: at most one thread per key (a crontab line, a unit). */
function oneWorkerPerKey(file: FileModel, call: CallSite): boolean {
  const handle = call.assignedTo;
  if (!handle) return false;
  const registry = file.assignments.find((a) => a.functionId === call.functionId && a.value.text === handle && /^[\w.]+\[.+\]$/.test(a.target));
  if (!registry) return false;
  const name = registry.target.slice(0, registry.target.indexOf('['));
  return (file.memberships ?? []).some((m) => m.functionId === call.functionId && m.haystack.text === name);
}

function argsText(call: CallSite): { target?: string; args: string } {
  if (call.callee === 'threading.Timer') {
    return { target: positional(call, 1)?.expr.text ?? keyword(call, 'function')?.expr.text, args: stripTuple(keyword(call, 'args')?.expr.text ?? positional(call, 2)?.expr.text) };
  }
  if (call.callee.endsWith('start_new_thread')) return { target: positional(call, 0)?.expr.text, args: stripTuple(positional(call, 1)?.expr.text) };
  return { target: keyword(call, 'target')?.expr.text, args: stripTuple(keyword(call, 'args')?.expr.text) };
}

function stripTuple(text: string | undefined): string {
  if (!text) return '';
  const trimmed = text.trim();
  if (trimmed.startsWith('(') && trimmed.endsWith(')')) return trimmed.slice(1, -1).replace(/,\s*$/, '').trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) return trimmed.slice(1, -1).trim();
  return `*${trimmed}`;
}

export const SC706: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      const kind = WORKER_CONSTRUCTORS(call.callee);
      if (!kind) continue;
      const loops = call.loopIds.map((id) => loopById(file, id)).filter((l): l is LoopInfo => l !== undefined);
      const dataLoop = loops.some((l) => !isFixedCountLoop(file, l));
      const perItem = dataLoop || call.context === 'handler' || call.context === 'poll_loop' || (call.context === 'per_task' && (call.via?.length ?? 0) > 0);
      if (!perItem || !isStarted(file, call)) continue;
      if (loops.length > 0 && !dataLoop && call.context !== 'handler' && call.context !== 'poll_loop') continue; // a fixed pool of workers
      const { target, args } = argsText(call);
      if (isBounded(project, file, call, target)) continue;
      if (oneWorkerPerKey(file, call)) continue;
      const joined = joins(file, call);
      if (joined === 'same-iteration') continue;
      let severity: Severity | null = meta.severity[call.context];
      if (!severity) continue;
      if (joined === 'after-loop') severity = 'minor';

      let rate: CycleRate;
      if (call.context === 'handler') rate = cycleRate(call, file);
      else if (call.context === 'poll_loop') {
        rate = { perSecond: ASSUMED.tasksPerSecond, basis: { es: `${ASSUMED.tasksPerSecond} elementos nuevos/s por agente (supuesto)`, en: `${ASSUMED.tasksPerSecond} new items/s per agent (assumed)` } };
      } else rate = cycleRate(call, file);
      const what = kind === 'process' ? { es: 'proceso', en: 'process' } : { es: 'hilo', en: 'thread' };
      const targetText = target ?? 'work';
      const submitArgs = args ? `, ${args}` : '';
      const executor = kind === 'process' ? 'ProcessPoolExecutor' : 'ThreadPoolExecutor';
      const where = call.context === 'handler' ? { es: 'por petición', en: 'per request' } : call.context === 'poll_loop' ? { es: 'por elemento de cada sondeo', en: 'per item of every poll' } : { es: 'por elemento del bucle', en: 'per loop item' };
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `Un ${what.es} nuevo ${where.es} (${call.calleeText}(target=${targetText})) sin pool ni semáforo que lo limite`,
          en: `A new ${what.en} ${where.en} (${call.calleeText}(target=${targetText})) with no pool or semaphore bounding it`,
        },
        whyAtScale: {
          es: `una ráfaga de ${num(BURST_ITEMS)} elementos arranca ${num(BURST_ITEMS)} ${what.es}s a la vez en un agente (~${num(BURST_ITEMS * THREAD_RSS_MB)} MB, ${num(BURST_ITEMS)} × 0,5-1 ms de creación, el GIL repartido); con ${agents} agentes, hasta ${num(BURST_ITEMS * agents)} en la máquina`,
          en: `a burst of ${num(BURST_ITEMS)} items starts ${num(BURST_ITEMS)} ${what.en}s at once in one agent (~${num(BURST_ITEMS * THREAD_RSS_MB)} MB, ${num(BURST_ITEMS)} × 0.5-1 ms to create, the GIL shared by all); at ${agents} agents, up to ${num(BURST_ITEMS * agents)} on the machine`,
        },
        proposal: {
          change: {
            es: `Crear un ${executor}(max_workers=${POOL_SIZE}) una vez al arrancar y enviarle ${targetText} con submit(): como mucho ${POOL_SIZE} ${what.es}s por agente, el resto espera en cola.`,
            en: `Create one ${executor}(max_workers=${POOL_SIZE}) at start-up and submit() ${targetText} to it: at most ${POOL_SIZE} ${what.en}s per agent, the rest wait in the queue.`,
          },
          justification: {
            es: `concurrent.futures es stdlib: reutiliza ${POOL_SIZE} ${what.es}s en lugar de crear uno por elemento (ahorra 0,5-1 ms por elemento) y la memoria deja de depender de la carga (~${num(POOL_SIZE * THREAD_RSS_MB)} MB en vez de ~${num(BURST_ITEMS * THREAD_RSS_MB)} MB en una ráfaga).`,
            en: `concurrent.futures is stdlib: it reuses ${POOL_SIZE} ${what.en}s instead of creating one per item (saving 0.5-1 ms per item) and memory no longer depends on the load (~${num(POOL_SIZE * THREAD_RSS_MB)} MB instead of ~${num(BURST_ITEMS * THREAD_RSS_MB)} MB in a burst).`,
          },
          tradeoff: meta.docs.tradeoff,
          example: `from concurrent.futures import ${executor}\n\n_pool = ${executor}(max_workers=${POOL_SIZE})  # once, at start-up\n\n${loops[0] ? headerOf(file, loops[0]) : functionHeader(file, call.functionId)}\n    _pool.submit(${targetText}${submitArgs})  # queued when all ${POOL_SIZE} workers are busy`,
        },
        cost: {
          current: [{ unit: kind === 'process' ? 'fork' : 'thread_create', count: 1 }],
          expected: [{ unit: 'python_op', count: 1 }],
          rate,
          currentResources: { threads: BURST_ITEMS, memoryMB: BURST_ITEMS * THREAD_RSS_MB, ...(kind === 'process' ? { processes: 1 } : {}) },
          expectedResources: { threads: POOL_SIZE, memoryMB: POOL_SIZE * THREAD_RSS_MB },
          assumptions: [{
            es: `ráfaga de ${num(BURST_ITEMS)} elementos pendientes (tras un reinicio); ~${THREAD_RSS_MB} MB de RSS por ${what.es}`,
            en: `a burst of ${num(BURST_ITEMS)} pending items (after a restart); ~${THREAD_RSS_MB} MB RSS per ${what.en}`,
          }],
        },
        facts: { target: targetText, kind, joined: joined ?? 'never' },
      }));
    }
    return findings;
  },
};

/** A loop's header for the example; a comprehension's own `for x in xs` as written. */
function headerOf(file: FileModel, loop: LoopInfo): string {
  if (loop.kind !== 'comprehension' || loop.targetText || !loop.iterableText) return loopHeader(loop);
  const text = file.source.slice(loop.span.line - 1, loop.span.endLine).join(' ');
  const before = text.slice(0, text.lastIndexOf(loop.iterableText));
  const target = /\bfor\s+([\w\s,()]+?)\s+in\s*$/.exec(before)?.[1];
  return target ? `for ${target} in ${loop.iterableText}:` : loopHeader(loop);
}
