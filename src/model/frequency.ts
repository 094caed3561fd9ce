// How often a line runs, and through which chain of calls: the hot-path context every rule reads (a
// request handler, a poll loop, a loop over items, a task, start-up), recomputed from real call sites,
// with the kind of each sleeping loop (poll, retry, throttle) and how each function is reached.
// Pure functions of the linked model, cached per project.
import type { CallSite, Context, FileModel, FunctionInfo, LoopInfo, ProjectModel } from './types.js';
import { CONTEXT_HEAT, CONTEXT_RANK } from './types.js';
import { assignmentsTo, callsOfFunction, loopById } from './file-index.js';
import { classInfo, functionOf, isConcurrentStart, resolveCallee, resolveClass } from './calls.js';
import { splitTopLevel } from '../util/split.js';
import { isColdEntry, isRouteFunction } from './link.js';
import { lastSegment } from '../util/dotted.js';


export function hotter(a: Context, b: Context): Context {
  return CONTEXT_RANK[a] >= CONTEXT_RANK[b] ? a : b;
}
// ---------- how hot a function / loop is

/** The context a function's straight-line code runs in (see `contexts()`). */
export function functionContext(project: ProjectModel, fnId: string | undefined): Context {
  if (!fnId) return 'startup';
  return contexts(project).get(fnId)?.context ?? 'startup';
}

/** True when the function is handler code: a `do_GET`… method or reached from one. */
export function isHandlerFunction(project: ProjectModel, fnId: string | undefined): boolean {
  return functionContext(project, fnId) === 'handler';
}
/** Source lines of a loop (header included), comments stripped. */
export function loopLines(file: FileModel, loop: LoopInfo): string[] {
  return file.source.slice(loop.span.line - 1, loop.span.endLine).map((l) => l.replace(/(?<!\s)\s+#.*$/, '').replace(/^\s*#.*$/, ''));
}
export type LoopKind = 'poll' | 'retry' | 'throttle';

const RETRY_WORDS = /attempt|retr(y|ies)|tries|tried|backoff|n_try|ntry/i;

/** A small literal bound (`range(3)`, `range(MAX_RETRIES)` = 5, `range(attempts)` with default 5). */
function rangeBound(file: FileModel, loop: LoopInfo): number | undefined {
  const match = /^range\(\s*(?:[^,()]+,\s*)?([^,()]+?)\s*(?:,[^()]*)?\)$/.exec(loop.iterableText ?? '');
  if (!match) return undefined;
  const arg = match[1]!.trim();
  if (/^\d+$/.test(arg)) return Number(arg);
  const constant = file.constants.get(arg);
  if (constant?.value.kind === 'number') return constant.value.value;
  // A parameter with a numeric default: `def wait_for(path, attempts=5)`.
  const fn = loop.functionId ? file.functions.get(loop.functionId) : undefined;
  if (fn) {
    const header = file.source.slice(fn.span.line - 1, fn.span.line + 3).join(' ');
    const param = new RegExp(`\\b${arg.replace(/\W/g, '')}\\s*(?::\\s*int)?\\s*=\\s*(\\d+)`).exec(header);
    if (param) return Number(param[1]);
  }
  return undefined;
}

/**
 * What a loop that sleeps is for. `poll`: it waits for something to change (`while True`, `while not
 * done`, `for _ in range(600)`); `retry`: a few attempts at one operation; `throttle`: it walks items and
 * sleeps between them to pace itself.
 */
export function loopKind(file: FileModel, loop: LoopInfo): LoopKind {
  // Asked for every call in the loop, by many rules; a loop's kind is a fact of its own file.
  let kind = loopKinds.get(loop);
  if (!kind) loopKinds.set(loop, (kind = loopKindUncached(file, loop)));
  return kind;
}

const loopKinds = new WeakMap<LoopInfo, LoopKind>();

function loopKindUncached(file: FileModel, loop: LoopInfo): LoopKind {
  if (loop.kind === 'while') {
    if (loop.unbounded) return RETRY_WORDS.test(loopLines(file, loop).join('\n')) && loop.hasBreakOrReturn && /except/.test(loopLines(file, loop).join('\n')) ? 'retry' : 'poll';
    return RETRY_WORDS.test(loop.conditionText ?? '') ? 'retry' : 'poll';
  }
  const iterable = loop.iterableText ?? '';
  if (/^(itertools\.)?count\(|^iter\(/.test(iterable)) return 'poll';
  if (/^range\(/.test(iterable)) {
    const bound = rangeBound(file, loop);
    if (RETRY_WORDS.test(`${loop.targetText ?? ''} ${iterable}`)) return 'retry';
    if (bound !== undefined && bound <= 10) return 'retry';
    return 'poll';
  }
  return 'throttle';
}

/** A loop that repeats one operation until it succeeds (`for attempt in range(3): try … except: sleep`). */
export function isRetryLoop(file: FileModel, loop: LoopInfo): boolean {
  if (loop.kind === 'comprehension' || loopKind(file, loop) !== 'retry') return false;
  let retry = retryLoops.get(loop);
  if (retry === undefined) {
    const body = loopLines(file, loop).join('\n');
    retry = /\bexcept\b|sleep\(/.test(body) || RETRY_WORDS.test(`${loop.targetText ?? ''} ${loop.iterableText ?? ''} ${loop.conditionText ?? ''}`);
    retryLoops.set(loop, retry);
  }
  return retry;
}

const retryLoops = new WeakMap<LoopInfo, boolean>();
/** Where a call's heat comes from: its own loop, or the root of its function's chain (handler, poll loop, loop). */
export function heatRoot(project: ProjectModel, call: CallSite, file: FileModel): 'handler' | 'poll_loop' | 'loop' | undefined {
  const local = localLoopContext(file, call);
  const inherited = call.functionId ? contexts(project).get(call.functionId) : undefined;
  const fromChain = inherited?.evidence ? inherited.root : undefined;
  if (local?.context === 'poll_loop' || fromChain === 'handler' || fromChain === 'poll_loop') return fromChain === 'handler' ? 'handler' : fromChain ?? 'poll_loop';
  return local ? 'loop' : fromChain;
}
/** Per-task heat that is only the assumption made for a function nobody in the project calls. */
export function isAssumedHeat(call: CallSite): boolean {
  return call.context === 'per_task' && !call.via;
}
// ---------- contexts, recomputed from real call sites

/**
 * Why recompute what the linker already did: the linker also follows values passed as arguments, and a
 * variable holding a project function's *result* (`fleet = load_fleet()` … `upload(status, fleet)`) is
 * typed with that function's name, so the function looks called from wherever the variable travels.
 * Here only real call sites (and thread/pool targets) propagate heat. A thread or pool started per item
 * (`Thread(target=process_task)` in a poll loop) makes its target per-task work, not start-up code.
 */
export interface FunctionContext {
  context: Context;
  /** The poll loop that paces it, when the context is `poll_loop`. */
  pollLoop?: { file: FileModel; loop: LoopInfo };
  /** Inherited from a real caller (or a thread start), rather than assumed for an uncalled function. */
  inherited: boolean;
  /** The heat traces back to evidence (a handler, a loop, a poll loop), not to the per-task assumption. */
  evidence: boolean;
  /** Where the evidence starts: a request handler, a poll loop, or a plain loop over items. */
  root?: 'handler' | 'poll_loop' | 'loop';
  via: string[];
}

const contextCache = new WeakMap<ProjectModel, Map<string, FunctionContext>>();
const HANDLER_BASES = /(^|\.)(BaseHTTPRequestHandler|SimpleHTTPRequestHandler|CGIHTTPRequestHandler|BaseRequestHandler|StreamRequestHandler|DatagramRequestHandler)$|RequestHandler$/;
const HANDLER_NAME = /^(do_[A-Z]+|handle|handle_one_request)$/;
function isHandlerClassDotted(project: ProjectModel, file: FileModel, bases: string[], depth = 0): boolean {
  if (depth > 5) return false;
  return bases.some((base) => {
    if (HANDLER_BASES.test(base)) return true;
    const resolved = resolveClass(project, file, base);
    const info = resolved ? classInfo(project, resolved) : undefined;
    return info ? isHandlerClassDotted(project, info.file, info.cls.bases, depth + 1) : false;
  });
}

function localLoopContext(file: FileModel, call: CallSite): { context: Context; pollLoop?: { file: FileModel; loop: LoopInfo } } | undefined {
  if (call.loopIds.length === 0) return undefined;
  const loops = call.loopIds.map((id) => loopById(file, id)).filter((l): l is LoopInfo => l !== undefined);
  // A retry repeats one operation only when it fails: it does not make the work hotter.
  const iterating = loops.filter((l) => !isRetryLoop(file, l));
  const poll = iterating.find((l) => l.poll);
  if (poll) return { context: 'poll_loop', pollLoop: { file, loop: poll } };
  if (iterating.length > 0) return { context: 'loop' };
  return undefined;
}

/** The target functions a thread/pool start runs: `target=f`, or the first positional argument. */
function startedTargets(project: ProjectModel, file: FileModel, call: CallSite): string[] {
  const arg = call.args.find((a) => a.name === 'target') ?? call.args.find((a) => !a.name);
  if (!arg || (arg.expr.type !== 'identifier' && arg.expr.type !== 'attribute')) return [];
  // A local variable holds a value, not a function (`pool.submit(work, data)` passes work, not data).
  if (call.functionId && assignmentsTo(file, arg.expr.text).some((a) => a.functionId === call.functionId)) return [];
  const target = resolveCallee(project, file, { ...call, callee: arg.expr.qualifiedName ?? arg.expr.text, calleeText: arg.expr.text });
  return target ? [target] : [];
}

interface ContextEdge {
  file: FileModel;
  call: CallSite;
  to: string;
  spawn: boolean;
  /** `to` and the calling function as numbers (-1: module level), for the array reads of the fixed point. */
  toNumber: number;
  callerNumber: number;
}

export function contexts(project: ProjectModel): Map<string, FunctionContext> {
  const cached = contextCache.get(project);
  if (cached) return cached;
  const result = new Map<string, FunctionContext>();
  // Function ids get numbers so that the fixed point below reads arrays rather than maps keyed by long strings.
  const numbers = new Map<string, number>();
  const numberOf = (id: string): number => {
    let n = numbers.get(id);
    if (n === undefined) numbers.set(id, (n = numbers.size));
    return n;
  };
  const edges: ContextEdge[] = [];
  const called = new Set<number>();
  const addEdge = (file: FileModel, call: CallSite, to: string, spawn: boolean) => {
    const toNumber = numberOf(to);
    edges.push({ file, call, to, spawn, toNumber, callerNumber: call.functionId ? numberOf(call.functionId) : -1 });
    called.add(toNumber);
  };
  for (const file of project.files) {
    for (const call of file.calls) {
      if (isConcurrentStart(call)) {
        for (const to of startedTargets(project, file, call)) addEdge(file, call, to, true);
        continue;
      }
      const to = resolveCallee(project, file, call);
      if (to && to !== call.functionId) addEdge(file, call, to, false);
    }
  }
  for (const { file, fn } of project.functionsById.values()) {
    const cls = fn.className ? file.classes.get(fn.className) : undefined;
    if ((cls && HANDLER_NAME.test(fn.name) && isHandlerClassDotted(project, file, cls.bases)) || isRouteFunction(fn)) {
      result.set(fn.id, { context: 'handler', inherited: true, evidence: true, root: 'handler', via: [fn.qualname] });
    } else if (!called.has(numberOf(fn.id))) {
      const cold = isColdEntry(fn) || fn.decorators.some((d) => /property|abstractmethod/.test(d));
      result.set(fn.id, { context: cold ? 'startup' : 'per_task', inherited: false, evidence: false, via: [] });
    } else {
      result.set(fn.id, { context: 'startup', inherited: false, evidence: false, via: [] });
    }
  }
  // `result` by function number, kept equal to it.
  const contextOf: (FunctionContext | undefined)[] = new Array(numbers.size);
  for (const [id, context] of result) contextOf[numberOf(id)] = context;
  // Performance (same result): a call site's own loop context never changes, so it is computed once; and an
  // edge whose caller has not changed since it was last tried cannot update its callee (callees only get
  // hotter or gain evidence), so it is skipped until its caller changes.
  const locals = edges.map((edge) => localLoopContext(edge.file, edge.call));
  const triedAt = new Float64Array(edges.length).fill(-1);
  const updatedAt = new Float64Array(numbers.size);
  let tick = 0;
  for (let changed = true, rounds = 0; changed && rounds < 32; rounds++) {
    changed = false;
    for (let index = 0; index < edges.length; index++) {
      const edge = edges[index]!;
      const version = edge.callerNumber >= 0 ? updatedAt[edge.callerNumber]! : 0;
      if (triedAt[index] === version) continue;
      triedAt[index] = version;
      const caller = edge.callerNumber >= 0 ? contextOf[edge.callerNumber] : undefined;
      const local = locals[index];
      // The call site's own loop, when it is at least as hot as its caller; else the caller (module level: start-up).
      const ownLoop = local !== undefined && (!caller || CONTEXT_RANK[local.context] >= CONTEXT_RANK[caller.context]);
      const siteContext: Context = ownLoop ? local.context : caller?.context ?? 'startup';
      if (siteContext === 'startup') continue; // a start-up site passes nothing on, spawned or not
      const siteEvidence = ownLoop || caller!.evidence;
      const context: Context = edge.spawn ? (siteContext === 'handler' ? 'handler' : 'per_task') : siteContext === 'loop' ? 'per_task' : siteContext;
      // Only a hotter context, or the same one with evidence where there was none, replaces the callee's.
      const current = contextOf[edge.toNumber];
      if (current && (CONTEXT_RANK[current.context] > CONTEXT_RANK[context] || (CONTEXT_RANK[current.context] === CONTEXT_RANK[context] && (current.evidence || !siteEvidence)))) continue;
      const via = [...(caller?.via ?? []), edge.call.calleeText];
      const root = ownLoop ? (local.context as 'loop' | 'poll_loop') : caller!.root;
      const inherited: FunctionContext = edge.spawn || siteContext === 'loop'
        ? { context, inherited: true, evidence: siteEvidence, root, via }
        : { context, pollLoop: ownLoop ? local.pollLoop : caller!.pollLoop, inherited: true, evidence: siteEvidence, root, via };
      result.set(edge.to, inherited);
      contextOf[edge.toNumber] = inherited;
      updatedAt[edge.toNumber] = ++tick;
      changed = true;
    }
  }
  contextCache.set(project, result);
  return result;
}

/** The call's context from real call sites: its own loops, or what its function inherits. */
export function effectiveContext(project: ProjectModel, call: CallSite, file?: FileModel): Context {
  return withContext(project, call, file).context;
}

/** Function ids whose context comes from a real caller or a thread start (not the uncalled-function assumption). */
export function spawnedContexts(project: ProjectModel): Map<string, Context> {
  const map = new Map<string, Context>();
  for (const [id, ctx] of contexts(project)) if (ctx.evidence && ctx.context !== 'startup') map.set(id, ctx.context);
  return map;
}

/**
 * The call with its recomputed context, poll-loop facts and `via` chain, for severity policies and
 * `cycleRate`. `via` is set only when the heat has evidence (a handler, a loop, a poll loop on the way);
 * a per-task context with no `via` is only the assumption made for functions nobody calls.
 */
export function withContext(project: ProjectModel, call: CallSite, inFile?: FileModel): CallSite {
  const owner = call.functionId ? project.functionsById.get(call.functionId) : undefined;
  const file = inFile ?? owner?.file ?? project.files.find((f) => f.calls[call.id] === call);
  const local = file ? localLoopContext(file, call) : undefined;
  const inherited = call.functionId ? contexts(project).get(call.functionId) : undefined;
  let context: Context = 'startup';
  let pollLoop: { file: FileModel; loop: LoopInfo } | undefined;
  let via: string[] | undefined;
  if (local && (!inherited || CONTEXT_RANK[local.context] >= CONTEXT_RANK[inherited.context])) {
    context = local.context;
    pollLoop = local.pollLoop;
    via = inherited?.evidence && inherited.via.length ? inherited.via : [];
  } else if (inherited) {
    context = inherited.context;
    pollLoop = inherited.pollLoop;
    via = inherited.evidence ? inherited.via : undefined;
  }
  const poll = pollLoop?.loop.poll ? { ...pollLoop.loop.poll, loopFile: pollLoop.file.path, loopLine: pollLoop.loop.span.line } : undefined;
  return { ...call, context, poll, via };
}

// ---------- how a function is reached (callers, repetition, the loop that paces it)

/** The hotter context, a handler and a poll loop tied (CONTEXT_HEAT): the first one named wins a tie. */
const hottestTied = (a: Context, b: Context): Context => (CONTEXT_HEAT[b] > CONTEXT_HEAT[a] ? b : a);

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
  const inherited = loopFree.reduce<Context>((ctx, c) => hottestTied(ctx, c.context), 'startup');
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
  const cold = isColdEntry(fn);
  return cold ? 'startup' : 'per_task';
}

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
  if (pollLoop) context = hottestTied(context, 'poll_loop');
  else if (ownLoops.length > 0) context = hottestTied(context, 'loop');
  // The linker's own verdict still counts when our loops are not trivial (or it saw a hotter path).
  if (call.context !== 'loop' && call.context !== 'poll_loop') context = hottestTied(context, call.context === 'per_task' && !reach.repeated ? context : call.context);
  else if (ownLoops.length > 0 || reach.context === call.context) context = hottestTied(context, call.context);
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

// ---------- what a poll pass found

const LISTING = /listdir|scandir|glob|iterdir|walk|inbox|queue|pending|new_?files|names|entries|files|messages|msgs|tasks|jobs|retry|batch|items|results|events/i;

/**
 * A loop that walks what this pass found (a listing, a queue, the answer of a request), so its body
 * runs per message; a loop over a fixed list (units, peers from the config) runs on every pass.
 */
export function isMessageLoop(file: FileModel, loop: LoopInfo, pollLoop?: LoopInfo): boolean {
  if (loop.kind === 'while') return true;
  const iterable = loop.iterableText ?? '';
  if (LISTING.test(iterable)) return true;
  if (/^(range|enumerate|zip|sorted|reversed|list|tuple|dict\.items)\(\s*[A-Z_][A-Z0-9_]*\s*\)$/.test(iterable) || /^range\(/.test(iterable)) return false;
  if (/\(/.test(iterable) && !/^(sorted|list|reversed|enumerate)\(\s*[\w.]+\s*\)$/.test(iterable)) return true; // fetched now: `for u in get_updates()`
  const name = /^(?:sorted|list|reversed|enumerate)?\(?\s*([\w.]+)\s*\)?$/.exec(iterable)?.[1] ?? iterable;
  const assigned = assignmentsTo(file, name).filter((a) => a.functionId === loop.functionId);
  if (assigned.some((a) => LISTING.test(a.value.text))) return true;
  // Assigned inside the poll loop, in this pass: `updates = get_updates(offset)` then `for update in updates`.
  if (pollLoop && assigned.some((a) => a.loopIds.includes(pollLoop.id))) return true;
  return false;
}
