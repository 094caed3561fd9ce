import type { CycleRate } from '../../impact/types.js';
import { ASSUMED, cycleRate } from '../../impact/rate.js';
import type { Context, Expr, FileModel, ProjectModel, Span } from '../../model/types.js';
import { trimSite } from '../scalability/lists.js';
import { contextAt, functionInfo, identifiers, rateAt } from './helpers.js';
import { CONTEXT_RANK } from '../../model/types.js';
import { lookupTable } from '../../util/lookup.js';
import { loopById, num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { assignmentsTo, callsOfFunction } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'ME603',
  name: 'module-container-only-grows',
  dimension: 'memory',
  title: { es: 'Contenedor global que solo crece', en: 'Global container that only grows' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Una lista, dict o set de módulo (o de clase) al que se añade en cada petición, sondeo o tarea y que nunca se vacía, recorta ni acota.',
      en: 'A module-level (or class-level) list, dict or set that gets an entry per request, poll or task and is never cleared, trimmed or bounded.',
    },
    why: {
      es: 'Es una fuga de memoria a cámara lenta: a 0,2 tareas/s son ~17.000 entradas al día por agente; con 100 agentes de larga vida, cientos de MB que solo se liberan al reiniciar (y más lento cada recorrido del contenedor).',
      en: 'It is a slow-motion memory leak: at 0.2 tasks/s that is ~17,000 entries per day per agent; at 100 long-lived agents, hundreds of MB freed only by a restart (and every scan of the container gets slower).',
    },
    example: 'DURATIONS = []\n\ndef record(task_id, started):\n    DURATIONS.append(time.time() - started)',
    useInstead: 'import collections\n\nDURATIONS = collections.deque(maxlen=10_000)  # the last 10,000 only\n\ndef record(task_id, started):\n    DURATIONS.append(time.time() - started)\n\n# or keep aggregates instead of every value:\n# STATS["count"] += 1; STATS["total"] += elapsed',
    tradeoff: {
      es: 'Acotar pierde las entradas antiguas (las estadísticas pasan a ser de una ventana); quitar al terminar exige un try/finally para no dejar entradas huérfanas tras un error.',
      en: 'Bounding drops old entries (statistics become a window); removing on completion needs a try/finally so errors leave no orphan entries.',
    },
  },
};

type Kind = 'list' | 'dict' | 'set' | 'deque';

const CONTAINER_CALLS = lookupTable<Kind>({
  list: 'list', dict: 'dict', set: 'set', 'collections.defaultdict': 'dict', 'collections.OrderedDict': 'dict',
  'collections.Counter': 'dict', 'collections.deque': 'deque',
});
const GROW_METHODS: Record<Kind, RegExp> = {
  list: /^(append|extend|insert)$/, deque: /^(append|appendleft|extend|extendleft)$/, set: /^(add|update)$/, dict: /^(setdefault)$/,
};
/** Keys that are different for every request/task/message: the dict grows by one per event. */
const UNIQUE_KEY = /(^|_)(id|ids|uuid|uuid4|ts|time|timestamp|task|job|req|request|msg|message|event|seq|client|conn|addr|session|peer|pid|sid|token|nonce|digest|hash)$/i;
/** Keys that are unique per event only on a hot path (a memo cache keyed by a config path is bounded). */
const WEAK_KEY = /(^|_)(path|file|filename|url|name)$/i;

/** Bytes one entry takes (a short string or float plus the container slot), in KB. */
const ENTRY_KB = 0.2;
const BOUND = 10_000;

function containerKind(expr: Expr): Kind | undefined {
  if (expr.type === 'list') return expr.value.kind === 'list' && expr.value.items.length === 0 ? 'list' : undefined;
  if (expr.type === 'dictionary') return expr.text.replace(/\s/g, '') === '{}' ? 'dict' : undefined;
  if (expr.type !== 'call') return undefined;
  const name = (expr.qualifiedName ?? '').replace(/^(typing|builtins)\./, '');
  const kind = CONTAINER_CALLS(name);
  if (!kind) return undefined;
  if (kind === 'deque' && /maxlen/.test(expr.text)) return undefined;
  if ((name === 'list' || name === 'dict' || name === 'set') && !/\(\s*\)$/.test(expr.text)) return undefined;
  return kind;
}

interface Container { name: string; aliases: string[]; kind: Kind; span: Span }

function containers(file: FileModel): Container[] {
  const result: Container[] = [];
  for (const a of file.assignments) {
    if (a.functionId !== undefined || a.loopIds.length > 0 || a.augmented || !/^[A-Za-z_]\w*$/.test(a.target)) continue;
    const kind = containerKind(a.value);
    if (kind && !result.some((c) => c.name === a.target)) result.push({ name: a.target, aliases: [a.target], kind, span: a.span });
  }
  for (const cls of file.classes.values()) {
    for (const [attribute, value] of cls.attributes) {
      const kind = containerKind(value);
      if (!kind) continue;
      // An instance attribute of the same name shadows the class one: per object, not global.
      if (assignmentsTo(file, `self.${attribute}`).some((a) => a.functionId !== undefined && !a.augmented)) continue;
      result.push({ name: `${cls.name}.${attribute}`, aliases: [`self.${attribute}`, `cls.${attribute}`, `${cls.name}.${attribute}`], kind, span: cls.span });
    }
  }
  return result;
}

interface Site { span: Span; context: Context; rate: CycleRate; how: string; functionId?: string }

/** Code that runs for the life of the process: a handler, a poll loop, a `while True`, or a per-task function someone calls. */
function longRunning(project: ProjectModel, file: FileModel, functionId: string | undefined, loopIds: number[], context: Context): boolean {
  // Registries fill once per registration (`register_browser`, `install_handler`), bounded by the code, not the traffic.
  if (/^_?(register|install|setup|configure|init)/.test(functionInfo(file, functionId)?.name ?? '')) return false;
  if (context === 'handler' || context === 'poll_loop') return true;
  if (loopIds.some((id) => loopById(file, id)?.unbounded)) return true;
  const fn = functionInfo(file, functionId);
  if (!fn) return false;
  const fnContext = fn.context ?? 'startup';
  if (fnContext === 'handler' || fnContext === 'poll_loop') return true;
  // Called from other functions (not only from module level at import time, like a registration).
  return fnContext === 'per_task' && [...(project.callers.get(fn.id) ?? [])].some((caller) => !caller.endsWith(':<module>'));
}

/** Inside the item loop of a poll loop an entry is added per new item, not per listed item: the task rate. */
function growthRate(file: FileModel, loopIds: number[], context: Context, rate: CycleRate): CycleRate {
  const innermost = loopIds[0] === undefined ? undefined : loopById(file, loopIds[0]);
  if (context !== 'poll_loop' || !innermost || innermost.poll) return rate;
  return { perSecond: ASSUMED.tasksPerSecond, basis: { es: `${ASSUMED.tasksPerSecond} elementos nuevos/s por agente (supuesto)`, en: `${ASSUMED.tasksPerSecond} new items/s per agent (assumed)` } };
}

function uniqueKey(keyText: string, context: Context, memoised: boolean): boolean {
  if (/time\.time\(\)|uuid|monotonic\(\)/.test(keyText)) return true;
  const words = [...identifiers(keyText)];
  if (words.some((word) => UNIQUE_KEY.test(word))) return true;
  // `if name not in CACHE: CACHE[name] = …` keyed by a name or a path is a memo cache, bounded by the inputs.
  return (context === 'handler' || context === 'poll_loop') && !memoised && words.some((word) => WEAK_KEY.test(word));
}

/** The function tests the container before writing it (`key in X`, `X.get(key)`): memoisation. */
function memoised(file: FileModel, aliases: string[], functionId: string | undefined): boolean {
  return (file.memberships ?? []).some((m) => m.functionId === functionId && aliases.includes(m.haystack.text)) ||
    callsOfFunction(file, functionId).some((c) => c.method === 'get' && aliases.includes(c.receiver ?? ''));
}

function growthSites(project: ProjectModel, file: FileModel, container: Container): Site[] {
  const sites: Site[] = [];
  for (const call of file.calls) {
    if (!call.receiver || !call.method) continue;
    const direct = container.aliases.includes(call.receiver);
    const nested = container.kind === 'dict' && container.aliases.some((a) => call.receiver!.startsWith(`${a}[`)) && /^(append|extend|add)$/.test(call.method);
    if (!direct && !nested) continue;
    if (direct && !GROW_METHODS[container.kind].test(call.method)) continue;
    if (container.kind === 'dict') {
      const keyText = nested ? call.receiver.slice(call.receiver.indexOf('[') + 1, -1) : call.args[0]?.expr.text ?? '';
      if (!uniqueKey(keyText, call.context, memoised(file, container.aliases, call.functionId))) continue;
    }
    if (!longRunning(project, file, call.functionId, call.loopIds, call.context)) continue;
    sites.push({ span: call.span, context: call.context, rate: growthRate(file, call.loopIds, call.context, cycleRate(call, file)), how: `${call.receiver}.${call.method}(...)`, functionId: call.functionId });
  }
  for (const a of file.assignments) {
    if (a.functionId === undefined) continue;
    const alias = container.aliases.find((x) => a.target.startsWith(`${x}[`) || (a.target === x && a.augmented === '+='));
    if (!alias) continue;
    if (a.target.startsWith(`${alias}[`)) {
      if (container.kind !== 'dict' || a.augmented) continue;
    } else if (container.kind !== 'list') continue;
    const context = contextAt(file, a.functionId, a.loopIds);
    if (a.target.startsWith(`${alias}[`) && !uniqueKey(a.target.slice(alias.length + 1, -1), context, memoised(file, container.aliases, a.functionId))) continue;
    if (!longRunning(project, file, a.functionId, a.loopIds, context)) continue;
    sites.push({ span: a.span, context, rate: growthRate(file, a.loopIds, context, rateAt(file, a.functionId, a.loopIds, a.span)), how: a.augmented ? `${a.target} += ...` : `${a.target} = ...`, functionId: a.functionId });
  }
  return sites.sort((x, y) => CONTEXT_RANK[y.context] - CONTEXT_RANK[x.context] || x.span.start - y.span.start);
}

function exampleFor(file: FileModel, container: Container, site: Site): string {
  const name = container.name;
  const tested = (file.memberships ?? []).some((m) => container.aliases.includes(m.haystack.text));
  if ((container.kind === 'list' || container.kind === 'set') && tested) {
    const value = /\(([^()]*)\)/.exec(file.source[site.span.line - 1] ?? '')?.[1] ?? 'item';
    return `${name} = set()  # O(1) membership instead of a list scan\n\n${name}.add(${value})\n...\n# remove it once ${value} can no longer come back (moved, finished, expired):\n${name}.discard(${value})\n# or bound it: collections.OrderedDict + popitem(last=False) beyond ${num(BOUND)} entries`;
  }
  if (container.kind === 'list' || container.kind === 'deque') {
    return `import collections\n\n${name} = collections.deque(maxlen=${BOUND})  # keeps the last ${num(BOUND)}, O(1) append\n# or, when only aggregates are read: keep count and total instead of every value`;
  }
  if (container.kind === 'set') return `${name}.discard(key)  # when the work for key ends (in a finally)\n# or cap it: if len(${name}) > ${BOUND}: ${name}.clear()`;
  return `import collections\n\n${name} = collections.OrderedDict()\n...\n${name}[...] = ...  # where it stored the entry before\nif len(${name}) > ${BOUND}:\n    ${name}.popitem(last=False)  # drop the oldest entry\n# or ${name}.pop(key, None) when the task/request that added it ends`;
}

export const ME603: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    for (const container of containers(file)) {
      // Growth is rarer than a trim-free container, and cheaper to look for than a trim (a scan of the whole file).
      const site = growthSites(project, file, container)[0];
      if (!site) continue;
      if (container.aliases.some((alias) => trimSite(file, alias) !== undefined)) continue;
      const perDayMB = (site.rate.perSecond * 86_400 * ENTRY_KB) / 1024;
      const entriesPerDay = site.rate.perSecond * 86_400;
      const perNewItem = site.context === 'poll_loop' && site.rate.perSecond === ASSUMED.tasksPerSecond;
      const where = site.context === 'handler' ? { es: 'por petición', en: 'per request' }
        : perNewItem ? { es: 'por cada elemento nuevo del sondeo', en: 'for every new item the poll finds' }
          : site.context === 'poll_loop' ? { es: 'en cada sondeo', en: 'on every poll' } : { es: 'por tarea', en: 'per task' };
      findings.push(...report(meta, site.span, site.context, {
        message: {
          es: `${container.name} (${container.kind === 'list' ? 'lista' : container.kind} global) recibe ${site.how} ${where.es} y nunca se vacía ni se acota`,
          en: `${container.name} (a global ${container.kind}) gets ${site.how} ${where.en} and is never emptied or bounded`,
        },
        whyAtScale: {
          es: `~${num(entriesPerDay)} entradas/día por agente (~${num(perDayMB)} MB/día); con ${agents} agentes ~${num(perDayMB * agents)} MB/día que solo libera un reinicio`,
          en: `~${num(entriesPerDay)} entries/day per agent (~${num(perDayMB)} MB/day); at ${agents} agents ~${num(perDayMB * agents)} MB/day that only a restart frees`,
        },
        proposal: {
          change: container.kind === 'dict'
            ? { es: `Quitar la entrada de ${container.name} cuando termina su trabajo (pop) o acotarlo (OrderedDict + popitem).`, en: `Remove the entry from ${container.name} when its work ends (pop) or bound it (OrderedDict + popitem).` }
            : { es: `Acotar ${container.name} (collections.deque(maxlen=...), quitar al terminar con discard, o guardar solo agregados).`, en: `Bound ${container.name} (collections.deque(maxlen=...), remove on completion with discard, or keep aggregates only).` },
          justification: {
            es: `La memoria deja de depender del tiempo de vida del proceso: como mucho ~${num((BOUND * ENTRY_KB) / 1024)} MB en lugar de ~${num(perDayMB)} MB más cada día. Solo stdlib (collections).`,
            en: `Memory no longer depends on how long the process lives: at most ~${num((BOUND * ENTRY_KB) / 1024)} MB instead of ~${num(perDayMB)} MB more every day. Stdlib only (collections).`,
          },
          tradeoff: meta.docs.tradeoff,
          example: exampleFor(file, container, site),
        },
        cost: {
          current: [{ unit: 'python_op', count: 1 }],
          expected: [{ unit: 'python_op', count: 1 }],
          rate: site.rate,
          currentResources: { memoryMB: perDayMB },
          expectedResources: { memoryMB: (BOUND * ENTRY_KB) / 1024 },
          assumptions: [{
            es: `~${ENTRY_KB * 1000} bytes por entrada; memoria acumulada en un día de funcionamiento`,
            en: `~${ENTRY_KB * 1000} bytes per entry; memory accumulated over one day of uptime`,
          }],
        },
        facts: { container: container.name, kind: container.kind },
      }));
    }
    return findings;
  },
};
