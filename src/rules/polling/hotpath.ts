// Shared facts for the I/O, sync, polling and caching rules: which project function a call reaches,
// how hot a function or loop is, what kind of loop a sleeping loop is (a poll, a retry, a throttle),
// and what one pass of a poll loop does. Pure functions of the linked model, cached per project.
import type { CallSite, ClassInfo, Context, FileModel, FunctionInfo, LoopInfo, ProjectModel } from '../../model/types.js';
import { sleepInterval } from '../../model/link.js';
import { assignmentsTo, callsInLoop, callsOwnedByLoop, loopById } from '../file-index.js';
import { memoPerCall, perFileMap, type CallAnswer } from '../memo.js';
import { lastSegment } from '../../util/dotted.js';

const HEAT: Record<Context, number> = { startup: 0, per_task: 1, loop: 2, poll_loop: 3, handler: 4 };

export function hotter(a: Context, b: Context): Context {
  return HEAT[a] >= HEAT[b] ? a : b;
}

// ---------- call → project function

/** A class of the project and the file that defines it. */
export interface ClassEntry {
  file: FileModel;
  cls: ClassInfo;
}

interface FunctionIndex {
  byDotted: Map<string, string>;
  classes: Map<string, ClassEntry>;
  /** The last dotted segment of every key of `byDotted` and of `classes` (`run` for `pkg.api.Handler.run`). */
  functionNames: Set<string>;
  classNames: Set<string>;
  /** `methodOf` answers (top-level lookups), remembered. */
  methods: Map<string, string | undefined>;
  /** `resolveDotted` answers for callee names as written, remembered. */
  absolute: Map<string, string | undefined | typeof NO_MATCH>;
}

const indexCache = new WeakMap<ProjectModel, FunctionIndex>();

function functionIndex(project: ProjectModel): FunctionIndex {
  let index = indexCache.get(project);
  if (index) return index;
  index = { byDotted: new Map(), classes: new Map(), functionNames: new Set(), classNames: new Set(), methods: new Map(), absolute: new Map() };
  for (const file of project.files) {
    for (const fn of file.functions.values()) index.byDotted.set(`${file.module}.${fn.qualname}`, fn.id);
    for (const cls of file.classes.values()) index.classes.set(`${file.module}.${cls.qualname}`, { file, cls });
  }
  for (const dotted of index.byDotted.keys()) index.functionNames.add(lastSegment(dotted));
  for (const dotted of index.classes.keys()) index.classNames.add(lastSegment(dotted));
  indexCache.set(project, index);
  return index;
}

function methodOf(index: FunctionIndex, classDotted: string, name: string, depth = 0): string | undefined {
  if (depth === 0) {
    const key = `${classDotted}\0${name}`;
    if (index.methods.has(key)) return index.methods.get(key);
    const found = methodOfUncached(index, classDotted, name, 0);
    index.methods.set(key, found);
    return found;
  }
  return methodOfUncached(index, classDotted, name, depth);
}

function methodOfUncached(index: FunctionIndex, classDotted: string, name: string, depth: number): string | undefined {
  const direct = index.byDotted.get(`${classDotted}.${name}`);
  if (direct || depth > 5) return direct;
  const entry = index.classes.get(classDotted);
  for (const base of entry?.cls.bases ?? []) {
    const found = methodOf(index, base, name, depth + 1) ?? methodOf(index, `${entry!.file.module}.${base}`, name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The project class a dotted name refers to (`status_api.StatusHandler`), as `module.Qual`. */
export function resolveClass(project: ProjectModel, file: FileModel, dotted: string): string | undefined {
  // Asked for most call sites (is it a server class?): remembered per file and name.
  const resolved = resolvedClasses(project, file);
  let found = resolved.get(dotted);
  if (found === undefined && !resolved.has(dotted)) resolved.set(dotted, (found = resolveClassUncached(project, file, dotted)));
  return found;
}

const resolvedClasses = perFileMap<string | undefined>();

function resolveClassUncached(project: ProjectModel, file: FileModel, dotted: string): string | undefined {
  const index = functionIndex(project);
  // Both candidates end like `dotted`: most names (`len`, `os.path.join`) end like no project class.
  if (!index.classNames.has(lastSegment(dotted))) return undefined;
  for (const candidate of [dotted, `${file.module}.${dotted}`]) if (index.classes.has(candidate)) return candidate;
  return undefined;
}

export function classInfo(project: ProjectModel, dotted: string): ClassEntry | undefined {
  return functionIndex(project).classes.get(dotted);
}

/** The project function a call site runs (a function, a method, a constructor's `__init__`), if any. */
export const resolveCallee: CallAnswer<string | undefined> = memoPerCall((project, file, call) => {
  const byName = resolvedNames(project, file);
  let named = byName.get(call.callee);
  if (named === undefined && !byName.has(call.callee)) byName.set(call.callee, (named = resolveName(project, file, call.callee)));
  if (named !== NO_MATCH) return named;
  if (/^(self|cls)\.\w+$/.test(call.calleeText) && call.functionId) {
    const owner = project.functionsById.get(call.functionId)?.fn.className;
    if (owner) return methodOf(functionIndex(project), `${file.module}.${owner}`, call.calleeText.split('.')[1]!);
  }
  return undefined;
});

/** No project function or class has the callee's name: `self.x`/`cls.x` may still name a method. */
const NO_MATCH = null;

/** Answers of `resolveName`, per file: a callee name (`os.path.join`) recurs across a file's calls. */
const resolvedNames = perFileMap<string | undefined | typeof NO_MATCH>();

/** The project function a dotted callee name refers to from `file`'s module (a class's method, when it names one). */
function resolveName(project: ProjectModel, file: FileModel, callee: string): string | undefined | typeof NO_MATCH {
  const index = functionIndex(project);
  // The callee as written is tried first, and means the same from every module: asked once per project.
  let absolute = index.absolute.get(callee);
  if (absolute === undefined && !index.absolute.has(callee)) index.absolute.set(callee, (absolute = resolveDotted(index, callee)));
  if (absolute !== NO_MATCH) return absolute;
  return mayNameInModule(index, file.module, callee) ? resolveDotted(index, `${file.module}.${callee}`) : NO_MATCH;
}

/**
 * False when `resolveDotted` of `module.callee` is surely `NO_MATCH`, told without building that name: it
 * matches only when its last segment names a project function or class, or the segment before it a class.
 */
function mayNameInModule(index: FunctionIndex, module: string, callee: string): boolean {
  const dot = callee.lastIndexOf('.');
  const name = callee.slice(dot + 1);
  if (index.functionNames.has(name) || index.classNames.has(name)) return true;
  const owner = dot >= 0 ? callee.slice(dot > 0 ? callee.lastIndexOf('.', dot - 1) + 1 : 0, dot) : lastSegment(module);
  return index.classNames.has(owner);
}

/** The function, constructor or method a dotted name (`pkg.mod.Class.run`) names, or `NO_MATCH`. */
function resolveDotted(index: FunctionIndex, dotted: string): string | undefined | typeof NO_MATCH {
  const direct = index.byDotted.get(dotted);
  if (direct) return direct;
  if (index.classes.has(dotted)) return methodOf(index, dotted, '__init__');
  const dot = dotted.lastIndexOf('.');
  if (dot > 0 && index.classes.has(dotted.slice(0, dot))) return methodOf(index, dotted.slice(0, dot), dotted.slice(dot + 1));
  return NO_MATCH;
}

export function functionOf(project: ProjectModel, id: string | undefined): { file: FileModel; fn: FunctionInfo } | undefined {
  return id ? project.functionsById.get(id) : undefined;
}

/** Calls that start `fn` elsewhere (a thread, a pool): the callee does not run on the caller's path. */
export function isConcurrentStart(call: CallSite): boolean {
  return /(^|\.)(Thread|Timer|Process|ThreadPoolExecutor|ProcessPoolExecutor|Pool)(\.|$)|\.(submit|map|imap\w*|apply_async|map_async|starmap\w*|start_new_thread)$|signal\.signal|atexit\.register/.test(call.callee) ||
    /\.(submit|apply_async|map_async|start_new_thread)$/.test(call.calleeText);
}

/** Direct callees of a function (calls that run on its own thread), each with the call that reaches it. */
export function directCallees(project: ProjectModel, fnId: string): { call: CallSite; file: FileModel; to: string }[] {
  const owner = project.functionsById.get(fnId);
  if (!owner) return [];
  const result: { call: CallSite; file: FileModel; to: string }[] = [];
  for (const id of owner.fn.callIds) {
    const call = owner.file.calls[id];
    if (!call || isConcurrentStart(call)) continue;
    const to = resolveCallee(project, owner.file, call);
    if (to && to !== fnId) result.push({ call, file: owner.file, to });
  }
  return result;
}

/** Every function reached from `roots` through direct calls (not thread/pool starts), with depth. */
export function reachable(project: ProjectModel, roots: string[], maxDepth = 8): Map<string, number> {
  const seen = new Map<string, number>();
  let frontier = roots.filter((r) => project.functionsById.has(r));
  for (const r of frontier) seen.set(r, 0);
  for (let depth = 1; depth <= maxDepth && frontier.length; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const { to } of directCallees(project, id)) {
        if (seen.has(to)) continue;
        seen.set(to, depth);
        next.push(to);
      }
    }
    frontier = next;
  }
  return seen;
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

// ---------- loops

/** Source lines of a loop (header included), comments stripped. */
export function loopLines(file: FileModel, loop: LoopInfo): string[] {
  return file.source.slice(loop.span.line - 1, loop.span.endLine).map((l) => l.replace(/(?<!\s)\s+#.*$/, '').replace(/^\s*#.*$/, ''));
}

/** Source lines of a function, comments stripped. */
export function functionLines(file: FileModel, fn: FunctionInfo): string[] {
  return file.source.slice(fn.span.line - 1, fn.span.endLine).map((l) => l.replace(/(?<!\s)\s+#.*$/, '').replace(/^\s*#.*$/, ''));
}

/** Calls whose innermost loop is `loop` (its own body and, for `while`, its condition). */
export function ownCalls(file: FileModel, loop: LoopInfo): readonly CallSite[] {
  return callsOwnedByLoop(file, loop.id);
}

/** Calls anywhere inside `loop`, nested loops included (not nested functions). */
export function callsInside(file: FileModel, loop: LoopInfo): readonly CallSite[] {
  return callsInLoop(file, loop.id);
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

/** The sleep/wait call that paces a loop, when it is in this file. */
export function sleepOf(file: FileModel, loop: LoopInfo): CallSite | undefined {
  if (!loop.poll || loop.poll.sleepFile !== file.path) return undefined;
  return file.calls[loop.poll.sleepCallId];
}

export { sleepInterval };

/** Sleeping loops that poll: unbounded or waiting loops, not retries or throttles. */
export function pollLoops(file: FileModel): LoopInfo[] {
  return file.loops.filter((loop) => loop.poll && loop.kind !== 'comprehension' && loopKind(file, loop) === 'poll');
}

/** The context the loop runs in: the context of the function that holds it. */
export function loopContext(project: ProjectModel, file: FileModel, loop: LoopInfo): Context {
  const outer = loop.parentLoopId !== undefined ? loopById(file, loop.parentLoopId) : undefined;
  const own = functionContext(project, loop.functionId);
  if (outer?.poll) return hotter(own, 'poll_loop');
  if (outer) return hotter(own, 'loop');
  return own;
}

export interface PollWork {
  call: CallSite;
  file: FileModel;
  /** Runs once per message found (inside a loop over a listing or a queue), not on every poll. */
  perItem: boolean;
  /** The call in the poll loop's own body that leads here (itself when it is in the body). */
  root: CallSite;
}

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

/** Every call one pass of a poll loop makes, through project callees, marking per-message work. */
export function pollWork(project: ProjectModel, file: FileModel, loop: LoopInfo, maxDepth = 4): PollWork[] {
  const result: PollWork[] = [];
  const visited = new Set<string>();
  const inMessageLoop = (f: FileModel, loopIds: number[]) => loopIds.some((id) => {
    const inner = loopById(f, id);
    return inner !== undefined && isMessageLoop(f, inner, f === file ? loop : undefined);
  });
  const visit = (calls: PollWork[], depth: number) => {
    for (const item of calls) {
      result.push(item);
      if (depth >= maxDepth || isConcurrentStart(item.call)) continue;
      const target = resolveCallee(project, item.file, item.call);
      if (!target || visited.has(target)) continue;
      visited.add(target);
      const owner = project.functionsById.get(target);
      if (!owner) continue;
      visit(owner.fn.callIds.map((id) => {
        const call = owner.file.calls[id]!;
        return { call, file: owner.file, perItem: item.perItem || inMessageLoop(owner.file, call.loopIds), root: item.root };
      }), depth + 1);
    }
  };
  visit(callsInside(file, loop).map((call) => {
    const between = call.loopIds.slice(0, Math.max(0, call.loopIds.indexOf(loop.id)));
    return { call, file, perItem: inMessageLoop(file, between), root: call };
  }), 0);
  return result;
}

/** A number for sentences: 2, 0.5, 1,240. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(0);
  return String(Number(value.toPrecision(2)));
}

/** Spanish decimal comma for prose. */
export function fmtEs(value: number): string {
  return fmt(value).replace(/,/g, '\u00a0').replace(/\./g, ',');
}

/** Test code (rules/test-files.ts): performance rules stay quiet there. */
export { isTestFile } from '../test-files.js';

/** Where a call's heat comes from: its own loop, or the root of its function's chain (handler, poll loop, loop). */
export function heatRoot(project: ProjectModel, call: CallSite, file: FileModel): 'handler' | 'poll_loop' | 'loop' | undefined {
  const local = localLoopContext(file, call);
  const inherited = call.functionId ? contexts(project).get(call.functionId) : undefined;
  const fromChain = inherited?.evidence ? inherited.root : undefined;
  if (local?.context === 'poll_loop' || fromChain === 'handler' || fromChain === 'poll_loop') return fromChain === 'handler' ? 'handler' : fromChain ?? 'poll_loop';
  return local ? 'loop' : fromChain;
}

const callersCache = new WeakMap<ProjectModel, Map<string, { file: FileModel; call: CallSite }[]>>();

/** Every real call site of each project function (not values passed as arguments). */
export function callSitesOf(project: ProjectModel, fnId: string): { file: FileModel; call: CallSite }[] {
  let index = callersCache.get(project);
  if (!index) {
    index = new Map();
    for (const file of project.files) {
      for (const call of file.calls) {
        const to = resolveCallee(project, file, call);
        if (!to) continue;
        const sites = index.get(to);
        if (sites) sites.push({ file, call });
        else index.set(to, [{ file, call }]);
      }
    }
    callersCache.set(project, index);
  }
  return index.get(fnId) ?? [];
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
const COLD_NAME = /^(main|cli|setup|configure|parse_args|init\w*|load_config|__\w+__|run_cli|entry_?point)$/;
/** Web framework routes (`@app.route("/x")`, `@router.get(...)`, `@bp.post(...)`): one call per request. */
const ROUTE_DECORATOR = /^[\w.]*\.(route|get|post|put|patch|delete|websocket|api_route)\s*\(/;

/** A function registered as a web route: it runs once per request, like a `do_GET`. */
export function isRouteFunction(fn: FunctionInfo): boolean {
  return fn.decorators.some((d) => ROUTE_DECORATOR.test(d));
}

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
      const cold = COLD_NAME.test(fn.name) || fn.decorators.some((d) => /command|click|app\.|route|fixture|property|abstractmethod/.test(d));
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
      const ownLoop = local !== undefined && (!caller || HEAT[local.context] >= HEAT[caller.context]);
      const siteContext: Context = ownLoop ? local.context : caller?.context ?? 'startup';
      if (siteContext === 'startup') continue; // a start-up site passes nothing on, spawned or not
      const siteEvidence = ownLoop || caller!.evidence;
      const context: Context = edge.spawn ? (siteContext === 'handler' ? 'handler' : 'per_task') : siteContext === 'loop' ? 'per_task' : siteContext;
      // Only a hotter context, or the same one with evidence where there was none, replaces the callee's.
      const current = contextOf[edge.toNumber];
      if (current && (HEAT[current.context] > HEAT[context] || (HEAT[current.context] === HEAT[context] && (current.evidence || !siteEvidence)))) continue;
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
  if (local && (!inherited || HEAT[local.context] >= HEAT[inherited.context])) {
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

/** What paces a sleeping loop: a plain sleep, an interruptible `Event/Condition.wait`, or a `select` on descriptors. */
export function pacingOf(project: ProjectModel, file: FileModel, loop: LoopInfo): 'sleep' | 'event' | 'select' | undefined {
  if (!loop.poll) return undefined;
  const sleepFile = loop.poll.sleepFile === file.path ? file : project.files.find((f) => f.path === loop.poll!.sleepFile);
  const sleep = sleepFile?.calls[loop.poll.sleepCallId];
  if (!sleep) return 'sleep';
  if (/^(select|selectors)\./.test(sleep.callee) || /^(select\.(poll|epoll)|selectors\.\w+)\./.test(sleep.receiverType ?? '')) return 'select';
  if (sleep.method === 'wait') return 'event';
  return 'sleep';
}

/** Paths of the kernel's pseudo-filesystems: re-reading them is sampling, not polling for messages. */
export function isPseudoFsPath(text: string | undefined): boolean {
  return /["'`]\/(proc|sys|dev)(\/|["'`])/.test(text ?? '');
}
