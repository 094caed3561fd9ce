// Links file models into the project model: the call graph across modules, which loops poll (and how
// often), and the hot-path context of every call site (DESIGN.md "Hot-path contexts").
import type { CallSite, Context, FileModel, FunctionInfo, LoopInfo, PollInfo, ProjectModel } from './types.js';
import { CONTEXT_RANK } from './types.js';
import { lastSegment } from '../util/dotted.js';

/** Handler base classes of http.server / socketserver whose methods run once per request. */
const HANDLER_BASES = [
  'http.server.BaseHTTPRequestHandler', 'http.server.SimpleHTTPRequestHandler', 'http.server.CGIHTTPRequestHandler',
  'BaseHTTPServer.BaseHTTPRequestHandler', 'SimpleHTTPServer.SimpleHTTPRequestHandler',
  'socketserver.BaseRequestHandler', 'socketserver.StreamRequestHandler', 'socketserver.DatagramRequestHandler',
  'SocketServer.BaseRequestHandler', 'SocketServer.StreamRequestHandler',
];
const HANDLER_METHOD = /^(do_[A-Z]+|handle|handle_one_request)$/;
/** Web framework routes (`@app.route("/x")`, `@router.get(...)`, bottle's bare `@route("/x")`): one call per request. */
const ROUTE_DECORATOR = /^[\w.]*\.(route|get|post|put|patch|delete|websocket|api_route)\s*\(|^(route|get|post|put|patch|delete)\s*\(\s*["']\//;

/**
 * Names of functions that run once per process when nobody in the analysed code calls them: a constructor,
 * `main`, a CLI entry, set-up, or a `run_forever`/`serve_forever` that blocks for the process's lifetime.
 */
const COLD_ENTRY_NAME = /^(main|cli|setup|configure|parse_args|init\w*|load_config|__\w+__|run_cli|entry_?point|run_forever|serve_forever|loop_forever)$/;

/** An uncalled function that runs once per process (see COLD_ENTRY_NAME, or a CLI command, route or fixture decorator). */
export function isColdEntry(fn: FunctionInfo): boolean {
  return COLD_ENTRY_NAME.test(fn.name) || fn.decorators.some((d) => /command|click|app\.|route|fixture/.test(d));
}

/** A function registered as a web route: it runs once per request, like a `do_GET`. */
export function isRouteFunction(fn: FunctionInfo): boolean {
  return fn.decorators.some((d) => ROUTE_DECORATOR.test(d));
}

/** Calls that make a loop wait between iterations, with the argument that holds the interval. */
export function sleepInterval(call: CallSite): { text: string; seconds?: number; source: PollInfo['intervalSource'] } | undefined {
  const valueOf = (index: number, keyword?: string) => {
    const arg = call.args.find((a) => a.name === keyword && keyword) ?? call.args.filter((a) => !a.name)[index];
    if (!arg) return undefined;
    const value = arg.expr.value;
    const seconds = value.kind === 'number' ? value.value : value.kind === 'string' && !Number.isNaN(Number(value.value)) ? Number(value.value) : undefined;
    const source = value.kind === 'number' || value.kind === 'string'
      ? value.source === 'environment' ? 'environment' : value.source ? 'constant' : arg.expr.type === 'identifier' || arg.expr.type === 'attribute' ? 'constant' : 'literal'
      : 'unknown';
    return { text: arg.expr.text, seconds, source: source as PollInfo['intervalSource'] };
  };
  if (call.callee === 'time.sleep') return valueOf(0) ?? { text: '?', source: 'unknown' };
  if (call.callee === 'select.select') return valueOf(3, 'timeout');
  // Event.wait(timeout) / Condition.wait(timeout): a sleep that can be interrupted, still a poll interval.
  if (call.method === 'wait' && call.receiverType !== 'subprocess.Popen' && call.args.length > 0) {
    const interval = valueOf(0, 'timeout');
    if (interval && (interval.seconds !== undefined || /interval|poll|timeout|delay|sleep|period|wait/i.test(interval.text))) return interval;
  }
  return undefined;
}

function isSleep(call: CallSite): boolean {
  // The callees and method `sleepInterval` knows, checked first: it runs for every call of the project.
  if (call.callee !== 'time.sleep' && call.callee !== 'select.select' && call.method !== 'wait') return false;
  return sleepInterval(call) !== undefined;
}

/** Back-off: the variable passed to sleep is grown inside the loop (`delay = min(delay * 2, MAX)`, `delay *= 2`). */
function hasBackoff(file: FileModel, loop: LoopInfo, intervalText: string): boolean {
  if (!/^[\w.]+$/.test(intervalText)) return /\*\*|min\(|backoff/i.test(intervalText);
  return file.assignments.some((a) =>
    a.target === intervalText && a.loopIds.includes(loop.id) &&
    (a.augmented === '*=' || a.augmented === '+=' || /\*|min\(|\+/.test(a.value.text)));
}

/**
 * `for attempt in range(3): ... sleep(...)` retries a few times and stops: not a poll loop.
 * `for _ in itertools.count()` or a range of hundreds of iterations keeps polling.
 */
function isBoundedRetry(loop: LoopInfo): boolean {
  if (loop.kind !== 'for') return false;
  const iterable = loop.iterableText?.replace(/\s+/g, '') ?? '';
  if (/^(itertools\.)?count\(|^iter\(/.test(iterable)) return false;
  const range = /^range\((?:\d+,)?(\d+)\)$/.exec(iterable);
  if (range) return Number(range[1]) < 100;
  // Any other finite iterable (a list of items, a range of a variable) is walked once, not polled forever.
  return true;
}

interface Edge {
  from: CallSite;
  fromFile: FileModel;
  /** The caller's scope: its function id, or `module:<module>` at module level. */
  fromScope: string;
  /** The caller's function number, or -1 at module level. */
  fromFn: number;
  to: string; // function id
  toFn: number;
  /** Thread targets start a new entry point: their own loops set their contexts. */
  entryPoint: boolean;
}

function indexFunctions(files: FileModel[]): ProjectModel['functionsById'] {
  const byId = new Map<string, { file: FileModel; fn: FunctionInfo }>();
  for (const file of files) for (const fn of file.functions.values()) byId.set(fn.id, { file, fn });
  return byId;
}

/**
 * Function ids numbered once (the project's functions in `functionsById` order, then any other id a call
 * names), so the passes over the call graph index arrays instead of hashing an id string per edge and round.
 */
class FunctionNumbers {
  private readonly numbers = new Map<string, number>();
  /** Ids by number. */
  readonly ids: string[] = [];
  count = 0;

  constructor(functionsById: ProjectModel['functionsById']) {
    for (const id of functionsById.keys()) this.numberOf(id);
  }

  numberOf(id: string): number {
    let number = this.numbers.get(id);
    if (number === undefined) {
      this.numbers.set(id, (number = this.count++));
      this.ids.push(id);
    }
    return number;
  }

  /** The number of an id already numbered, without numbering it. */
  find(id: string): number | undefined {
    return this.numbers.get(id);
  }
}

/** The scope id of module-level code (`pkg.mod:<module>`). */
function moduleScope(file: FileModel): string {
  return `${file.module}:<module>`;
}

/** One file's resolver: the number of the project function a dotted name (written `calleeText`, in function `functionId`) refers to. */
type Resolve = (dotted: string, calleeText: string, functionId: string | undefined) => number | undefined;

/**
 * Maps a resolved dotted callee (`pkg.worker.process`, `pkg.worker.Worker.run`) to a project function
 * (its number: the answers are remembered, and numbering them once spares a lookup per edge).
 */
function resolver(files: FileModel[], functionsById: ProjectModel['functionsById'], numbers: FunctionNumbers): (file: FileModel) => Resolve {
  const byDotted = new Map<string, number>();
  const classes = new Map<string, { file: FileModel; qualname: string; bases: string[] }>();
  for (const file of files) {
    for (const fn of file.functions.values()) byDotted.set(`${file.module}.${fn.qualname}`, numbers.numberOf(fn.id));
    for (const cls of file.classes.values()) classes.set(`${file.module}.${cls.qualname}`, { file, qualname: cls.qualname, bases: cls.bases });
  }
  // Every answer is a function whose dotted name ends like the name asked for: the function itself, a
  // method of a class named before its last dot, or the `__init__` of a class ending like it. A name whose
  // last segment ends no function or class cannot resolve, and most names (`len`, `os.path.join`) do not:
  // they are answered without building the candidate names.
  const endings = new Set<string>();
  for (const dotted of byDotted.keys()) endings.add(lastSegment(dotted));
  for (const dotted of classes.keys()) endings.add(lastSegment(dotted));
  // Method lookups through base classes repeat for every `self.x()` of a class: remember the answers.
  const methods = new Map<string, number | undefined>();
  function method(classDotted: string, name: string, depth = 0): number | undefined {
    if (depth === 0) {
      const key = `${classDotted}\0${name}`;
      if (methods.has(key)) return methods.get(key);
      const found = methodUncached(classDotted, name, 0);
      methods.set(key, found);
      return found;
    }
    return methodUncached(classDotted, name, depth);
  }
  function methodUncached(classDotted: string, name: string, depth: number): number | undefined {
    const direct = byDotted.get(`${classDotted}.${name}`);
    if (direct !== undefined || depth > 5) return direct;
    const cls = classes.get(classDotted);
    for (const base of cls?.bases ?? []) {
      const found = method(base, name, depth + 1) ?? method(`${cls!.file.module}.${base}`, name, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  function byName(dotted: string, module: string): number | undefined {
    if (!endings.has(lastSegment(dotted))) return undefined;
    for (const candidate of [dotted, `${module}.${dotted}`]) {
      if (byDotted.has(candidate)) return byDotted.get(candidate);
      if (classes.has(candidate)) return method(candidate, '__init__');
      const dot = candidate.lastIndexOf('.');
      if (dot > 0 && classes.has(candidate.slice(0, dot))) return method(candidate.slice(0, dot), candidate.slice(dot + 1));
    }
    return undefined;
  }
  /** self.method() inside a class whose method lives in a base class of the project. */
  function inheritedMethod(file: FileModel, calleeText: string, functionId: string): number | undefined {
    const owner = functionsById.get(functionId)?.fn.className;
    if (!owner) return undefined;
    const name = calleeText.slice(calleeText.indexOf('.') + 1);
    return endings.has(name) ? method(`${file.module}.${owner}`, name) : undefined;
  }
  // A module calls the same few names over and over (`len`, `self.helper`, `os.path.join`): answer each once.
  const answers = new Map<string, Map<string, number | null>>();
  return (file) => {
    let known = answers.get(file.module);
    if (!known) answers.set(file.module, (known = new Map()));
    const answered = known;
    return (dotted, calleeText, functionId) => {
      let found = answered.get(dotted);
      if (found === undefined) answered.set(dotted, (found = byName(dotted, file.module) ?? null));
      if (found !== null) return found;
      if (functionId && SELF_ATTRIBUTE.test(calleeText)) return inheritedMethod(file, calleeText, functionId);
      return undefined;
    };
  };
}

const SELF_ATTRIBUTE = /^(self|cls)\.\w+$/;

function collectEdges(files: FileModel[], functionsById: ProjectModel['functionsById'], numbers: FunctionNumbers): Edge[] {
  const resolverFor = resolver(files, functionsById, numbers);
  const edges: Edge[] = [];
  for (const file of files) {
    const resolve = resolverFor(file);
    const fileScope = moduleScope(file);
    // A function's calls mostly come one after another: its number is looked up once per run of them.
    let lastFunctionId: string | undefined;
    let lastFn = -1;
    const fromFn = (functionId: string | undefined): number => {
      if (functionId !== lastFunctionId) {
        lastFunctionId = functionId;
        lastFn = functionId === undefined ? -1 : numbers.numberOf(functionId);
      }
      return lastFn;
    };
    const edge = (call: CallSite, toFn: number, entryPoint: boolean): Edge => ({
      from: call, fromFile: file, fromScope: call.functionId ?? fileScope, fromFn: fromFn(call.functionId), to: numbers.ids[toFn]!, toFn, entryPoint,
    });
    for (const call of file.calls) {
      const { functionId } = call;
      const target = resolve(call.callee, call.calleeText, functionId);
      if (target !== undefined) edges.push(edge(call, target, false));
      // Functions passed as values: Thread(target=f), executor.submit(f, x), pool.map(f, items), signal handlers…
      for (const arg of call.args) {
        if (arg.expr.type !== 'identifier' && arg.expr.type !== 'attribute') continue;
        if (arg.expr.instance) continue; // `upload(status, fleet)` with `fleet = load_fleet()`: a result, not a function
        const passed = resolve(arg.expr.qualifiedName ?? arg.expr.text, arg.expr.text, functionId);
        if (passed === undefined || passed === target) continue;
        const entryPoint = arg.name === 'target' || /Thread|Timer|signal|atexit|register/.test(call.callee);
        edges.push(edge(call, passed, entryPoint));
      }
    }
  }
  return edges;
}

/**
 * Functions that sleep on their own path (not inside a loop of their own), directly or through callees:
 * the sleep call, by function number.
 */
function sleepingFunctions(files: FileModel[], edges: Edge[], numbers: FunctionNumbers): (CallSite | undefined)[] {
  const sleeps: (CallSite | undefined)[] = [];
  for (const file of files) {
    for (const call of file.calls) {
      if (!call.functionId || call.loopIds.length > 0 || !isSleep(call)) continue;
      const fn = numbers.numberOf(call.functionId);
      sleeps[fn] ??= call;
    }
  }
  // Only plain calls from a function's own path pass a sleep on: the others are left out of every round.
  const passing = edges.filter((edge) => !edge.entryPoint && edge.from.functionId && edge.from.loopIds.length === 0);
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const edge of passing) {
      const sleep = sleeps[edge.toFn];
      if (sleep && !sleeps[edge.fromFn]) {
        sleeps[edge.fromFn] = sleep;
        changed = true;
      }
    }
  }
  return sleeps;
}

function markPollLoops(files: FileModel[], edges: Edge[], functionsById: ProjectModel['functionsById'], numbers: FunctionNumbers): void {
  const sleeps = sleepingFunctions(files, edges, numbers);
  // Edges of calls inside loops (the only calls asked about), by file index and call id.
  const edgesFrom = new Map<number, Edge[]>();
  const fileIndexes = new Map<FileModel, number>();
  files.forEach((file, index) => { if (!fileIndexes.has(file)) fileIndexes.set(file, index); });
  for (const edge of edges) {
    if (edge.from.loopIds.length === 0) continue;
    const key = (fileIndexes.get(edge.fromFile) ?? -1) * 2 ** 24 + edge.from.id;
    const list = edgesFrom.get(key);
    if (list) list.push(edge);
    else edgesFrom.set(key, [edge]);
  }
  files.forEach((file, fileIndex) => {
    const byLoop = new Map<number, CallSite[]>();
    for (const call of file.calls) {
      for (const loopId of call.loopIds) {
        const list = byLoop.get(loopId);
        if (list) list.push(call);
        else byLoop.set(loopId, [call]);
      }
    }
    for (const loop of file.loops) {
      if (loop.kind === 'comprehension' || isBoundedRetry(loop)) continue;
      let sleepCall: CallSite | undefined;
      let sleepFile = file;
      for (const call of byLoop.get(loop.id) ?? []) {
        if (call.loopIds[0] !== loop.id && call.loopIds.indexOf(loop.id) > 0) continue; // inner loop's sleep paces the inner loop
        if (isSleep(call)) { sleepCall = call; break; }
        for (const edge of edgesFrom.get(fileIndex * 2 ** 24 + call.id) ?? []) {
          const viaCallee = edge.entryPoint ? undefined : sleeps[edge.toFn];
          if (viaCallee) {
            sleepCall = viaCallee;
            sleepFile = functionsById.get(viaCallee.functionId!)?.file ?? file;
            break;
          }
        }
        if (sleepCall) break;
      }
      if (!sleepCall) continue;
      const interval = sleepInterval(sleepCall)!;
      loop.poll = {
        sleepCallId: sleepCall.id, sleepFile: sleepFile.path, intervalSeconds: interval.seconds,
        intervalSource: interval.seconds === undefined ? 'unknown' : interval.source, intervalText: interval.text,
        hasBackoff: sleepFile === file && hasBackoff(file, loop, interval.text),
      };
    }
  });
}


interface Entry { context: Context; pollLoop?: { file: FileModel; loopId: number }; via: string[] }

/** Each file's loops by id (the first loop with an id wins, as `Array.find` would). */
const loopIndexes = new WeakMap<FileModel, Map<number, LoopInfo>>();
function loopWithId(file: FileModel, id: number): LoopInfo | undefined {
  let index = loopIndexes.get(file);
  if (!index) {
    index = new Map();
    for (const loop of file.loops) if (!index.has(loop.id)) index.set(loop.id, loop);
    loopIndexes.set(file, index);
  }
  return index.get(id);
}

/** The context a call site has from its own loops, before what its function inherits. */
function localContext(file: FileModel, call: CallSite): Entry | undefined {
  if (call.loopIds.length === 0) return undefined;
  for (const id of call.loopIds) {
    const loop = loopWithId(file, id)!;
    if (loop.poll) return { context: 'poll_loop', pollLoop: { file, loopId: loop.id }, via: [] };
  }
  return { context: 'loop', via: [] };
}

function isHandlerClass(bases: string[], classBases: (name: string) => string[], depth = 0): boolean {
  if (depth > 5) return false;
  return bases.some((base) => HANDLER_BASES.includes(base) || /RequestHandler$/.test(base) || isHandlerClass(classBases(base), classBases, depth + 1));
}

/**
 * The line where a scope's long-lived loop (a poll loop or `while True`) starts: what comes before it in
 * the same scope is set-up that runs once (`main(): configure(); while True: …`).
 */
function serviceLoopLines(files: FileModel[]): Map<string, number> {
  const lines = new Map<string, number>();
  for (const file of files) {
    for (const loop of file.loops) {
      if (!(loop.poll || (loop.kind === 'while' && loop.unbounded))) continue;
      const scope = loop.functionId ?? moduleScope(file);
      const current = lines.get(scope);
      if (current === undefined || loop.span.line < current) lines.set(scope, loop.span.line);
    }
  }
  return lines;
}

interface SetupScopes {
  serviceLoops: Map<string, number>;
  /** Functions only ever called, outside loops, before their caller's service loop (and what only they call). */
  functions: Set<string>;
}

function setupScopes(files: FileModel[], edges: Edge[], entryOf: (fnId: string) => Entry | undefined): SetupScopes {
  const serviceLoops = serviceLoopLines(files);
  const functions = new Set<string>();
  const incoming = new Map<string, Edge[]>();
  for (const edge of edges) {
    const list = incoming.get(edge.to);
    if (list) list.push(edge);
    else incoming.set(edge.to, [edge]);
  }
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const [fnId, calls] of incoming) {
      if (functions.has(fnId) || entryOf(fnId)?.context !== 'startup') continue;
      const allSetup = calls.every((edge) => {
        if (edge.entryPoint || edge.from.loopIds.length > 0) return false;
        const loopLine = serviceLoops.get(edge.fromScope);
        return (loopLine !== undefined && edge.from.span.line < loopLine) || (edge.from.functionId !== undefined && functions.has(edge.from.functionId));
      });
      if (allSetup) {
        functions.add(fnId);
        changed = true;
      }
    }
  }
  return { serviceLoops, functions };
}

/** A plain loop in set-up code (before the service loop, or in a set-up function) runs once: start-up. */
function demoteSetupLoop(file: FileModel, call: CallSite, own: Entry | undefined, setup: SetupScopes): Entry | undefined {
  if (own?.context !== 'loop') return own;
  const scope = call.functionId ?? moduleScope(file);
  if (call.functionId && setup.functions.has(call.functionId)) return { context: 'startup', via: [] };
  const loopLine = setup.serviceLoops.get(scope);
  const outermost = loopWithId(file, call.loopIds[call.loopIds.length - 1]!);
  if (loopLine !== undefined && outermost && outermost.span.endLine < loopLine) return { context: 'startup', via: [] };
  return own;
}

/** The key of `ProjectModel.callsByPollLoop`: the poll loop's file path and line. */
export function pollLoopKey(loopFile: string, loopLine: number): string {
  return `${loopLine}:${loopFile}`;
}

export function linkProject(files: FileModel[]): ProjectModel {
  const functionsById = indexFunctions(files);
  const numbers = new FunctionNumbers(functionsById);
  const edges = collectEdges(files, functionsById, numbers);
  markPollLoops(files, edges, functionsById, numbers);

  const callers = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!callers.has(edge.to)) callers.set(edge.to, new Set());
    callers.get(edge.to)!.add(edge.fromScope);
  }
  const entries = entryContexts(files, functionsById, edges);
  propagateContexts(edges, entries, numbers);
  const entryOf = (fnId: string): Entry | undefined => {
    const number = numbers.find(fnId);
    return number === undefined ? undefined : entries[number];
  };
  const setup = setupScopes(files, edges, entryOf);
  const pacedCalls = assignCallContexts(files, setup, entryOf);
  const calleesOf: string[][] = [];
  for (const edge of edges) if (edge.fromFn >= 0) (calleesOf[edge.fromFn] ??= []).push(edge.to);
  // `functionsById` is numbered first, in its own order: the n-th function has number n.
  let number = 0;
  for (const { fn } of functionsById.values()) {
    fn.callees = new Set(calleesOf[number]);
    fn.context = entries[number]?.context ?? 'startup';
    number++;
  }
  return { files, functionsById, callers, callsByPollLoop: pacedCalls };
}

/**
 * Sets where each call runs: its own loops' context, or its function's if hotter. In the same pass, the
 * calls paced by each poll loop (`callsPerPoll`), so rules need not scan every call of the project per loop.
 */
function assignCallContexts(files: FileModel[], setup: SetupScopes, entryOf: (fnId: string) => Entry | undefined): NonNullable<ProjectModel['callsByPollLoop']> {
  const callsByPollLoop = new Map<string, { file: FileModel; call: CallSite }[]>();
  for (const file of files) {
    // A function's calls mostly come one after another: its entry is looked up once per run of them.
    let functionId: string | undefined;
    let inherited: Entry | undefined;
    for (const call of file.calls) {
      const own = demoteSetupLoop(file, call, localContext(file, call), setup);
      if (call.functionId !== functionId) {
        functionId = call.functionId;
        inherited = functionId ? entryOf(functionId) : undefined;
      }
      const best = own && (!inherited || CONTEXT_RANK[own.context] >= CONTEXT_RANK[inherited.context]) ? own : inherited;
      call.context = best?.context ?? 'startup';
      if (best?.via.length) call.via = best.via;
      const pollLoop = best?.pollLoop && loopWithId(best.pollLoop.file, best.pollLoop.loopId);
      if (pollLoop?.poll) call.poll = { ...pollLoop.poll, loopFile: best!.pollLoop!.file.path, loopLine: pollLoop.span.line };
      if (!call.poll) continue;
      const key = pollLoopKey(call.poll.loopFile, call.poll.loopLine);
      const list = callsByPollLoop.get(key);
      if (list) list.push({ file, call });
      else callsByPollLoop.set(key, [{ file, call }]);
    }
  }
  return callsByPollLoop;
}

/** Entry contexts by function number: handlers, and functions nobody in the project calls (assumed per task, see below). */
function entryContexts(files: FileModel[], functionsById: ProjectModel['functionsById'], edges: Edge[]): Entry[] {
  const called: boolean[] = [];
  for (const edge of edges) called[edge.toFn] = true;
  const classBases = new Map<string, string[]>();
  for (const file of files) for (const cls of file.classes.values()) {
    classBases.set(`${file.module}.${cls.qualname}`, cls.bases);
    classBases.set(cls.qualname, cls.bases);
  }
  const entries: Entry[] = [];
  for (const { file, fn } of functionsById.values()) {
    const number = entries.length; // `functionsById` is numbered first, in its own order
    const cls = fn.className ? file.classes.get(fn.className) : undefined;
    if ((cls && HANDLER_METHOD.test(fn.name) && isHandlerClass(cls.bases, (b) => classBases.get(b) ?? [])) || isRouteFunction(fn)) {
      entries.push({ context: 'handler', via: [fn.qualname] });
    } else if (!called[number]) {
      // Nobody in the analysed code calls it: a library entry point or a callback. Cold if it is
      // a constructor, main or a CLI entry; otherwise assume it runs once per task.
      const cold = isColdEntry(fn);
      entries.push({ context: cold ? 'startup' : 'per_task', via: [] });
    } else {
      entries.push({ context: 'startup', via: [] });
    }
  }
  return entries;
}

/**
 * Propagates contexts along the call graph until nothing gets hotter. A call site's own loops do not change
 * between rounds (computed once), and a candidate that would not raise its callee is not built.
 * An edge that did not raise its callee can only do so once its caller got hotter (callees only get
 * hotter, which makes a raise less likely): it is skipped until then. Same raises, same order, same rounds.
 */
function propagateContexts(edges: Edge[], entries: (Entry | undefined)[], numbers: FunctionNumbers): void {
  const ownContexts = edges.map((edge) => localContext(edge.fromFile, edge.from));
  const evaluatedAt = new Float64Array(edges.length).fill(-1);
  // When each function was last raised (0: never), by number.
  const raisedAt = new Float64Array(numbers.count);
  let tick = 0;
  for (let changed = true, rounds = 0; changed && rounds < 32; rounds++) {
    changed = false;
    for (let index = 0; index < edges.length; index++) {
      const edge = edges[index]!;
      const own = ownContexts[index];
      const version = edge.fromFn < 0 || own ? 0 : raisedAt[edge.fromFn]!;
      if (evaluatedAt[index] === version) continue;
      evaluatedAt[index] = version;
      const site = own ?? (edge.fromFn >= 0 ? entries[edge.fromFn] : undefined) ?? { context: 'startup' as Context, via: [] };
      // A thread target started from a loop, a poll loop or per task runs once per item: per task.
      const context: Context = edge.entryPoint
        ? site.context === 'handler' ? 'handler' : site.context === 'startup' ? 'startup' : 'per_task'
        : site.context === 'loop' ? 'per_task' : site.context;
      if (context === 'startup') continue;
      const current = entries[edge.toFn];
      if (current && CONTEXT_RANK[current.context] >= CONTEXT_RANK[context]) continue;
      if (edge.entryPoint) entries[edge.toFn] = { context, via: [] };
      else if (site.context === 'loop') entries[edge.toFn] = { context: 'per_task', via: [...site.via, edge.from.calleeText] };
      else entries[edge.toFn] = { ...site, via: [...site.via, edge.from.calleeText] };
      changed = true;
      raisedAt[edge.toFn] = ++tick;
    }
  }
}
