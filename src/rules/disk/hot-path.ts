// Where a call really runs, for the disk and subprocess rules: its context refined with facts the
// linker leaves implicit — a loop that only retries three times is not a hot loop, a function started
// as a thread for every task runs per task (not once at start-up), a helper called inside a caller's
// loop runs once per item.
import { callsOfFunction, loopById } from '../file-index.js';
import { splitTopLevel } from '../subprocess/command.js';
import type { CallSite, Context, FileModel, FunctionInfo, LoopInfo, ProjectModel } from '../../model/types.js';
import { CONTEXT_HEAT } from '../../model/types.js';
import { ASSUMED, cycleRate } from '../../impact/rate.js';
import type { CycleRate } from '../../impact/types.js';
import type { Severity } from '../types.js';
import { lastSegment } from '../../util/dotted.js';

export interface CallerSite {
  file: FileModel;
  call: CallSite;
  /** The function is passed as a value (Thread target, executor.submit, pool.map): it starts a new flow. */
  passed: boolean;
}

export interface FunctionReach {
  /** Runs many times per process: called from a loop, a handler, a poll loop, or started per item. */
  repeated: boolean;
  /** The hottest context it is reached from. */
  context: Context;
  /** A caller site that makes it repeat (for messages). */
  site?: CallerSite;
  /** The poll loop that paces it, when it is reached from one. */
  poll?: CallSite['poll'];
  /** Somewhere up the call chain, a loop over work items (not a poll loop) calls it once per item. */
  viaItemLoop?: boolean;
  /** The repetition lasts for the life of the process (handler, poll loop, per task), not one start-up pass. */
  steady?: boolean;
  /** How many item loops (not poll loops) wrap it up the call chain. */
  itemLoops?: number;
}

export interface Where {
  /** The effective context (hottest of the call's own loops and of how its function is reached). */
  context: Context;
  /** The call runs many times per process lifetime. */
  repeated: boolean;
  /** The call sits in a non-trivial loop of its own function (innermost first). */
  ownLoops: LoopInfo[];
  /** The enclosing function itself runs many times. */
  fnRepeated: boolean;
  fnContext: Context;
  /** The caller site that makes the function repeat. */
  site?: CallerSite;
  /** Poll interval of the pacing loop, when the call runs in one. */
  intervalSeconds?: number;
  /** The pacing poll loop (own, linker-found, or through the caller that makes the function repeat). */
  poll?: CallSite['poll'];
  /** The enclosing function runs once per item of a caller's loop (at any depth), not once per poll/request. */
  viaItemLoop: boolean;
  /** The call repeats for the life of the process (per request, poll or task), not only in one start-up pass. */
  steady: boolean;
  /** Item loops (not poll loops) around the enclosing function, up the call chain. */
  callerItemLoops: number;
}

const hottest = (a: Context, b: Context): Context => (CONTEXT_HEAT[b] > CONTEXT_HEAT[a] ? b : a);

/** Test code (rules/test-files.ts): tests spawn and write files on purpose, once per test. */
export { isTestFile } from '../test-files.js';

/** Number of items of a literal list/tuple/set iterable, or undefined when not literal. */
export function literalItemCount(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = text.trim();
  // A bare tuple of literals: `for index in "index.html", "index.htm":`
  const bare = /^(?:[rbuRBU]?(?:"[^"\n]*"|'[^'\n]*')|-?\d+(?:\.\d+)?)(?:\s*,\s*(?:[rbuRBU]?(?:"[^"\n]*"|'[^'\n]*')|-?\d+(?:\.\d+)?))+\s*,?$/.test(t);
  if (bare) return t.replace(/,\s*$/, '').split(',').length;
  if (!/^[[({]/.test(t) || !/[\])}]$/.test(t)) return undefined;
  const inner = t.slice(1, -1).trim();
  if (inner === '') return 0;
  if (/\bfor\b/.test(inner)) return undefined; // a comprehension, not a literal
  return splitTopLevel(inner).length;
}

/** The names a loop binds: `for unit in units` → unit; `for i, (a, b) in …` → i, a, b; comprehensions too. */
export function loopTargets(file: FileModel, loop: LoopInfo): string[] {
  let target = loop.targetText;
  if (!target) {
    const text = file.source.slice(loop.span.line - 1, loop.span.endLine).join('\n');
    const match = /\bfor\s+([\w\s,()[\]]+?)\s+in\s/.exec(text);
    target = match?.[1];
  }
  return (target?.match(/[A-Za-z_]\w*/g) ?? []).filter((name) => name !== 'in');
}

/** Names that change on every pass of `loop`: its targets and what the body assigns. */
export function loopVariables(file: FileModel, loop: LoopInfo): Set<string> {
  const names = new Set(loopTargets(file, loop));
  for (const a of file.assignments) {
    if (!a.loopIds.includes(loop.id)) continue;
    for (const name of a.target.match(/^[A-Za-z_][\w.]*|(?<=,\s*)[A-Za-z_]\w*/g) ?? []) names.add(name);
  }
  return names;
}

/** The identifiers an expression text mentions (attribute chains kept whole: `self.path`). */
export function identifiers(text: string): string[] {
  // f-string interpolations count (`f"openclaw-agent@{name}.service"` mentions name); other string content does not.
  const interpolated = [...text.matchAll(/\b[rR]?[fF][rR]?(["'])((?:\\.|(?!\1).)*)\1/g)].flatMap((m) => [...m[2]!.matchAll(/\{([^{}:!]+)/g)].map((x) => x[1]!));
  const withoutStrings = `${text.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '""')} ${interpolated.join(' ')}`;
  return withoutStrings.match(/[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*/g) ?? [];
}

/** Does `text` depend on any of `names` (a name or the head of an attribute chain)? */
export function mentions(text: string, names: Set<string>): boolean {
  return identifiers(text).some((id) => names.has(id) || names.has(id.split('.')[0]!) || [...names].some((n) => id.startsWith(`${n}.`)));
}

/**
 * A loop that does not repeat work in a way that matters: a bounded retry (`for attempt in range(3)`
 * ending in break/return) or a walk over a literal of one to three items.
 */
export function isTrivialLoop(loop: LoopInfo): boolean {
  const iterable = loop.iterableText?.trim();
  if (!iterable) return false;
  const count = literalItemCount(iterable);
  if (count !== undefined && count <= 3) return true;
  const range = /^range\(\s*(\d+)\s*\)$/.exec(iterable);
  if (range) {
    const n = Number(range[1]);
    if (n <= 3) return true;
    if (n <= 10 && loop.hasBreakOrReturn) return true; // retry / wait-until-ready
  }
  return false;
}

const memo = new WeakMap<ProjectModel, { reach: Map<string, FunctionReach>; sites: Map<string, CallerSite[]> }>();

function cacheOf(project: ProjectModel) {
  let cache = memo.get(project);
  if (!cache) {
    cache = { reach: new Map(), sites: new Map() };
    memo.set(project, cache);
  }
  return cache;
}

/** The file of each module-level caller id (`pkg.mod:<module>`); the first file, should two share a module. */
function moduleFiles(project: ProjectModel): Map<string, FileModel> {
  let files = moduleFilesCache.get(project);
  if (!files) {
    files = new Map();
    for (const file of project.files) {
      const id = `${file.module}:<module>`;
      if (!files.has(id)) files.set(id, file);
    }
    moduleFilesCache.set(project, files);
  }
  return files;
}

const moduleFilesCache = new WeakMap<ProjectModel, Map<string, FileModel>>();

/** The call sites in the project that call `fn` or pass it as a value (Thread target, submit, map). */
export function callerSites(project: ProjectModel, fnId: string): CallerSite[] {
  const cache = cacheOf(project);
  const cached = cache.sites.get(fnId);
  if (cached) return cached;
  const target = project.functionsById.get(fnId);
  const result: CallerSite[] = [];
  if (target) {
    for (const callerId of project.callers.get(fnId) ?? []) result.push(...(sitesByName(project, callerId)?.get(target.fn.name) ?? []));
  }
  cache.sites.set(fnId, result);
  return result;
}

const sitesByNameCache = new WeakMap<ProjectModel, Map<string, Map<string, CallerSite[]> | undefined>>();

/**
 * The calls of a caller (a function, or a module's top level), by the last name segment each one calls or,
 * failing that, passes as an argument: in source order, each call at most once per name. One pass over the
 * caller answers `callerSites` for every function it calls (a module's top level may call hundreds).
 */
function sitesByName(project: ProjectModel, callerId: string): Map<string, CallerSite[]> | undefined {
  let byCaller = sitesByNameCache.get(project);
  if (!byCaller) sitesByNameCache.set(project, (byCaller = new Map()));
  if (byCaller.has(callerId)) return byCaller.get(callerId);
  const caller = project.functionsById.get(callerId);
  const file = caller?.file ?? moduleFiles(project).get(callerId);
  let sites: Map<string, CallerSite[]> | undefined;
  if (file) {
    sites = new Map();
    const add = (name: string, site: CallerSite) => {
      const list = sites!.get(name);
      if (list) list.push(site);
      else sites!.set(name, [site]);
    };
    const calls = caller ? caller.fn.callIds.map((id) => file.calls[id]!) : callsOfFunction(file, undefined);
    for (const call of calls) {
      const named = new Set([lastSegment(call.calleeText), lastSegment(call.callee)]);
      for (const name of named) add(name, { file, call, passed: false });
      for (const a of call.args) {
        if (a.expr.type !== 'identifier' && a.expr.type !== 'attribute') continue;
        const name = lastSegment(a.expr.text);
        if (named.has(name)) continue;
        named.add(name);
        add(name, { file, call, passed: true });
      }
    }
  }
  byCaller.set(callerId, sites);
  return sites;
}

function functionOf(project: ProjectModel, fnId: string | undefined): { file: FileModel; fn: FunctionInfo } | undefined {
  return fnId ? project.functionsById.get(fnId) : undefined;
}

/** How a function is reached: repeated or not, and from which context. */
export function functionReach(project: ProjectModel, fnId: string, depth = 0, visiting = new Set<string>()): FunctionReach {
  const cache = cacheOf(project);
  const cached = cache.reach.get(fnId);
  if (cached) return cached;
  const entry = functionOf(project, fnId);
  if (!entry || depth > 8 || visiting.has(fnId)) return { repeated: false, context: 'startup' };
  visiting.add(fnId);
  const { file, fn } = entry;
  // What the linker inherited: a call of the function outside its own loops carries the entry context.
  const loopFree = fn.callIds.map((id) => file.calls[id]!).filter((c) => c.loopIds.length === 0);
  let result: FunctionReach = { repeated: false, context: 'startup' };
  const inherited = loopFree.reduce<Context>((ctx, c) => hottest(ctx, c.context), 'startup');
  const sites = callerSites(project, fnId);
  // The linker's inherited context is trusted for entry points (handler methods, callbacks we cannot see
  // called); when we see the callers, they decide (a variable holding a function's result is not the function).
  if (sites.length === 0 && (inherited === 'handler' || inherited === 'poll_loop')) result = { repeated: true, context: inherited, poll: loopFree.find((c) => c.poll)?.poll, steady: true };
  if (sites.length === 0 && !result.repeated) {
    // Nobody calls it: the linker's guess (a per-task entry point, or a cold main/__init__).
    result = { repeated: false, context: inherited === 'per_task' || loopFree.length === 0 ? guessUncalled(fn) : inherited };
  }
  for (const site of sites) {
    if (result.context === 'handler') break;
    // Recursion (a tree walk calling itself per entry) visits each node once: it does not repeat the work.
    if (site.call.functionId === fnId || (site.call.functionId && visiting.has(site.call.functionId))) continue;
    const ownLoops = site.call.loopIds.map((id) => loopById(site.file, id)!).filter((l) => l && !isTrivialLoop(l));
    let candidate: FunctionReach | undefined;
    if (site.call.context === 'handler') candidate = { repeated: true, context: 'handler', site, steady: true };
    else if (ownLoops.length > 0) {
      const ctx: Context = site.call.context === 'poll_loop' && !site.passed ? 'poll_loop' : 'per_task';
      // A thread started per item runs once per task: that is the task's own cadence, not an inner item loop.
      const itemLoop = !site.passed && ownLoops.some((l) => !l.poll);
      const up = site.call.functionId ? functionReach(project, site.call.functionId, depth + 1, visiting) : undefined;
      const steady = ownLoops.some((l) => l.poll || l.unbounded) || (up ? (up.repeated ? !!up.steady : up.context !== 'startup') : false);
      const itemLoops = site.passed ? 0 : ownLoops.filter((l) => !l.poll).length + (up?.itemLoops ?? 0);
      candidate = { repeated: true, context: ctx, site, poll: ctx === 'poll_loop' ? site.call.poll : undefined, viaItemLoop: itemLoop || (!site.passed && !!up?.viaItemLoop), steady, itemLoops };
    } else if (site.call.context === 'poll_loop' && site.call.loopIds.length === 0 && !site.passed) candidate = { repeated: true, context: 'poll_loop', site, poll: site.call.poll, steady: true };
    else if (site.call.functionId) {
      const up = functionReach(project, site.call.functionId, depth + 1, visiting);
      const ctx: Context = site.passed && up.context === 'poll_loop' ? 'per_task' : up.context;
      if (up.repeated) candidate = { repeated: true, context: ctx, site, poll: ctx === 'poll_loop' ? up.poll ?? site.call.poll : undefined, viaItemLoop: !site.passed && up.viaItemLoop, steady: up.steady, itemLoops: site.passed ? 0 : up.itemLoops ?? 0 };
      else if (!result.repeated && CONTEXT_HEAT[up.context] > CONTEXT_HEAT[result.context]) candidate = { repeated: false, context: up.context, site };
    }
    if (!candidate) continue;
    if ((candidate.repeated && !result.repeated) || (candidate.repeated === result.repeated && CONTEXT_HEAT[candidate.context] > CONTEXT_HEAT[result.context])) result = candidate;
  }
  visiting.delete(fnId);
  if (depth === 0 || result.repeated) cache.reach.set(fnId, result);
  return result;
}

function guessUncalled(fn: FunctionInfo): Context {
  const cold = fn.name === '__init__' || /^(main|cli|setup|configure|parse_args|init\w*|load_config|__\w+__)$/.test(fn.name) ||
    fn.decorators.some((d) => /command|click|app\.|route|fixture/.test(d));
  return cold ? 'startup' : 'per_task';
}

/** The refined context of a call (see the file comment). */
/** The call sits in the loop's `else:` clause (runs once, after the loop), which the model counts as the loop body. */
export function inElseClause(file: FileModel, loop: LoopInfo, call: CallSite): boolean {
  if (loop.kind === 'comprehension') return false;
  const header = file.source[loop.span.line - 1] ?? '';
  const indent = header.length - header.trimStart().length;
  for (let n = loop.span.line; n < call.span.line - 1; n++) {
    const text = file.source[n] ?? '';
    if (text.length - text.trimStart().length === indent && /^else\s*:/.test(text.trim())) return true;
  }
  return false;
}

export function where(project: ProjectModel, file: FileModel, call: CallSite): Where {
  const loops = call.loopIds.map((id) => loopById(file, id)!).filter((l) => l && !inElseClause(file, l, call));
  // The linker demotes plain loops in set-up code (before the service loop) to start-up: they run once.
  const setupLoop = call.loopIds.length > 0 && call.context === 'startup';
  const ownLoops = setupLoop ? [] : loops.filter((l) => !isTrivialLoop(l));
  const reach = call.functionId ? functionReach(project, call.functionId) : { repeated: false, context: 'startup' as Context };
  let context: Context = reach.context;
  const pollLoop = ownLoops.find((l) => l.poll);
  if (pollLoop) context = hottest(context, 'poll_loop');
  else if (ownLoops.length > 0) context = hottest(context, 'loop');
  // The linker's own verdict still counts when our loops are not trivial (or it saw a hotter path).
  if (call.context !== 'loop' && call.context !== 'poll_loop') context = hottest(context, call.context === 'per_task' && !reach.repeated ? context : call.context);
  else if (ownLoops.length > 0 || reach.context === call.context) context = hottest(context, call.context);
  const poll = context !== 'poll_loop' ? undefined : pollLoop?.poll ? { ...pollLoop.poll, loopFile: file.path, loopLine: pollLoop.span.line } : call.poll ?? reach.poll;
  const interval = poll?.intervalSeconds;
  return {
    context,
    repeated: reach.repeated || ownLoops.length > 0 || context === 'handler' || context === 'poll_loop',
    ownLoops,
    fnRepeated: reach.repeated,
    fnContext: reach.context,
    site: reach.site,
    intervalSeconds: interval,
    poll,
    viaItemLoop: !!(reach as FunctionReach).viaItemLoop,
    callerItemLoops: (reach as FunctionReach).itemLoops ?? 0,
    steady: context === 'handler' || context === 'poll_loop' ||
      (reach.repeated ? !!(reach as FunctionReach).steady : ownLoops.length > 0 && (reach.context !== 'startup' || ownLoops.some((l) => l.unbounded))),
  };
}

/** A call shaped for `cycleRate` with the refined context. */
export function withContext(call: CallSite, at: Where): CallSite {
  return { ...call, context: at.context, loopIds: at.ownLoops.length === call.loopIds.length ? call.loopIds : at.ownLoops.map((l) => l.id) };
}

/** Severity of a per-poll cost from the poll interval: ≤ 2 s critical, ≤ 30 s important, slower minor. */
export function pollSeverity(interval: number | undefined, unknown: Severity = 'important'): Severity {
  if (interval === undefined || interval <= 0) return unknown;
  if (interval <= 2) return 'critical';
  return interval <= 30 ? 'important' : 'minor';
}

/** Items per pass of a loop: the literal's size, else the model's assumption. */
export function itemsPerLoop(loop: LoopInfo | undefined, file?: FileModel): number {
  const count = literalItemCount(loop?.iterableText);
  if (count && count > 0) return count;
  const constant = loop?.iterableText && file?.constants.get(loop.iterableText.trim());
  if (constant && constant.value.kind === 'list' && constant.value.items.length > 0) return constant.value.items.length;
  return ASSUMED.itemsPerLoop;
}

/** How the call is reached, in words, for messages: "inside `for unit in units`", "from the loop in dispatch_forever". */
export function placeText(file: FileModel, at: Where): { es: string; en: string } {
  const loop = at.ownLoops[0];
  if (loop) {
    const header = file.source[loop.span.line - 1]?.replace(/#.*$/, '').trim().replace(/:$/, '') ?? '';
    const short = header.length > 60 ? `${header.slice(0, 57)}…` : header;
    if (at.context !== 'poll_loop') return { es: `dentro de \`${short}\` (línea ${loop.span.line})`, en: `inside \`${short}\` (line ${loop.span.line})` };
    if (loop.poll) return { es: `en el bucle de sondeo \`${short}\` (línea ${loop.span.line})`, en: `in the polling loop \`${short}\` (line ${loop.span.line})` };
    const outer = at.ownLoops.find((l) => l.poll);
    const pollEs = outer ? ` (línea ${outer.span.line})` : at.poll ? ` de ${at.poll.loopFile}:${at.poll.loopLine}` : '';
    const pollEn = outer ? ` (line ${outer.span.line})` : at.poll ? ` at ${at.poll.loopFile}:${at.poll.loopLine}` : '';
    return {
      es: `dentro de \`${short}\` (línea ${loop.span.line}) en cada vuelta del bucle de sondeo${pollEs}`,
      en: `inside \`${short}\` (line ${loop.span.line}) on every pass of the polling loop${pollEn}`,
    };
  }
  if (at.site) {
    const caller = at.site.call.functionId ? at.site.call.functionId.split(':').pop() : '<module>';
    const how = at.site.passed ? { es: 'en un hilo lanzado por', en: 'started by' } : { es: 'desde', en: 'called from' };
    return { es: `${how.es} ${caller} (${at.site.file.path}:${at.site.call.span.line})`, en: `${how.en} ${caller} (${at.site.file.path}:${at.site.call.span.line})` };
  }
  switch (at.context) {
    case 'handler': return { es: 'en un manejador HTTP (una vez por petición)', en: 'in an HTTP handler (once per request)' };
    case 'poll_loop': return { es: 'en un bucle de sondeo', en: 'in a polling loop' };
    default: return { es: 'una vez por tarea', en: 'once per task' };
  }
}

/** Cycles per second for the refined context (wraps `cycleRate`, which reads the linker's context). */
export function rateOf(call: CallSite, file: FileModel, at: Where): CycleRate {
  if (at.context === 'poll_loop' && !call.poll && at.poll) return cycleRate({ ...call, context: 'poll_loop', poll: at.poll }, file);
  if (at.context === 'poll_loop' && !call.poll) return cycleRate({ ...call, context: 'loop', loopIds: call.loopIds.length ? call.loopIds : [-1] }, file);
  if (at.context === 'per_task' && at.fnRepeated && at.site && at.site.call.loopIds.length > 0 && !at.site.passed) {
    return cycleRate({ ...call, context: 'loop', loopIds: [-1, ...call.loopIds] }, file);
  }
  return cycleRate(withContext(call, at), file);
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 3, important: 2, minor: 1 };

function cap(severity: Severity, ceiling: Severity): Severity {
  return SEVERITY_RANK[severity] > SEVERITY_RANK[ceiling] ? ceiling : severity;
}

function soften(severity: Severity): Severity {
  return severity === 'critical' ? 'important' : 'minor';
}

/**
 * The severity of a rule at a refined place: the rule's policy for the context, with the poll interval
 * deciding inside poll loops, a loop inside a cold (start-up) function one step milder, and a per-task
 * function called inside a caller's loop treated as that loop.
 */
export function severityAt(policy: Record<Context, Severity | null>, at: Where): Severity | null {
  switch (at.context) {
    case 'handler':
      return policy.handler;
    case 'poll_loop': {
      const ceiling = policy.poll_loop;
      return ceiling ? cap(pollSeverity(at.intervalSeconds, soften(ceiling)), ceiling) : null;
    }
    case 'loop': {
      const base = policy.loop;
      if (!base) return null;
      return at.fnRepeated || at.fnContext === 'per_task' ? base : soften(base);
    }
    case 'per_task': {
      if (at.fnRepeated && at.site && !at.site.passed && at.site.call.loopIds.length > 0) return policy.loop ?? policy.per_task;
      return policy.per_task;
    }
    default:
      return policy.startup;
  }
}

/** How often the call runs, in words: "per request", "per poll (every 0.5 s)", "per item". */
export function cadence(at: Where): { es: string; en: string } {
  switch (at.context) {
    case 'handler': return { es: 'por petición', en: 'per request' };
    case 'poll_loop': {
      const every = at.intervalSeconds !== undefined ? ` (cada ${fmtSeconds(at.intervalSeconds)} s)` : '';
      return { es: `por sondeo${every}`, en: `per poll${every.replace('cada', 'every')}` };
    }
    case 'loop': return { es: 'por iteración', en: 'per iteration' };
    case 'per_task':
      return at.site && !at.site.passed && at.site.call.loopIds.length > 0
        ? { es: 'por elemento del bucle que la llama', en: "per item of the caller's loop" }
        : { es: 'por tarea', en: 'per task' };
    default: return { es: 'al arrancar', en: 'at start-up' };
  }
}

function fmtSeconds(n: number): string {
  return String(Number(n.toPrecision(3)));
}

/** `return json.load(fh)` / `break` right after the read: it happens once, then the loop ends. */
export function exitsAfter(file: FileModel, call: CallSite, loop: LoopInfo): boolean {
  const line = file.source[call.span.line - 1] ?? '';
  if (/^\s*return\b/.test(line)) return true;
  const indent = line.length - line.trimStart().length;
  for (let n = call.span.endLine; n < loop.span.endLine && n < call.span.endLine + 6; n++) {
    const text = file.source[n] ?? '';
    if (!text.trim() || text.trim().startsWith('#')) continue;
    const own = text.length - text.trimStart().length;
    if (own < indent) break;
    if (own === indent && /^(return|break)\b/.test(text.trim())) return true;
  }
  return false;
}

