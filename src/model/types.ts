// The semantic model of one Python file (and, once linked, of the whole project).
// Built once per file from the tree-sitter tree; every rule reads it, none re-parses.

/** Where a call runs, from hottest to coldest (DESIGN.md "Hot-path contexts"). */
export type Context = 'handler' | 'poll_loop' | 'loop' | 'per_task' | 'startup';

export const CONTEXT_HEAT: Record<Context, number> = {
  handler: 4,
  poll_loop: 4,
  loop: 3,
  per_task: 2,
  startup: 0,
};

/** Contexts from coldest to hottest, a request handler above a poll loop (CONTEXT_HEAT ties them). */
export const CONTEXT_RANK: Record<Context, number> = { startup: 0, per_task: 1, loop: 2, poll_loop: 3, handler: 4 };

export interface Span {
  line: number; // 1-based
  column: number; // 1-based
  endLine: number;
  endColumn: number;
  start: number; // string index into the source text
  end: number;
}

/** A literal-ish value an argument or constant evaluates to, when we can tell. */
export type Value =
  | { kind: 'number'; value: number; source?: string }
  | { kind: 'string'; value: string; source?: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'unknown' };

/** An expression as rules need it: its text, its node type, and what it evaluates to. */
export interface Expr {
  text: string;
  type: string; // tree-sitter node type: string, integer, float, identifier, list, call, binary_operator, …
  value: Value;
  /** For calls and attributes: the resolved dotted name (`os.environ.get`, `requests.Session`). */
  qualifiedName?: string;
  /** For string concatenations and f-strings: the literal prefix (`"cat " + path` → `cat `). */
  literalPrefix?: string;
  /** An identifier bound to a call's result (`fleet = load_fleet()`): `qualifiedName` names the call, not a function value. */
  instance?: true;
}

export interface Argument {
  name?: string; // keyword name; undefined for positional
  expr: Expr;
}

export interface CallSite {
  id: number;
  span: Span;
  /** Resolved dotted name: `subprocess.run`, `open`, `requests.get`, `time.sleep`, `mymod.helper`. */
  callee: string;
  /** The callee text as written (`sp.run`, `self.session.get`). */
  calleeText: string;
  /** For method calls: the receiver text (`self.session`, `f`, `proc`) and its tracked type if known. */
  receiver?: string;
  receiverType?: string;
  method?: string;
  args: Argument[];
  /** Enclosing function id, or undefined at module level. */
  functionId?: string;
  /** Enclosing loops, innermost first. */
  loopIds: number[];
  /** This call is the context manager of a `with` statement. */
  inWithItem: boolean;
  /** The variable the result is assigned to (`f = open(…)` → `f`), if any. */
  assignedTo?: string;
  /** The call is a whole expression statement: its result is thrown away. */
  resultDiscarded: boolean;
  /** The call is the iterable of a `for` loop or a comprehension. */
  isLoopIterable: boolean;
  /** Filled in by the linker: where this call runs. */
  context: Context;
  /** For poll-loop contexts: the poll loop that paces this call (possibly in a caller's file). */
  poll?: PollInfo & { loopFile: string; loopLine: number };
  /** Function ids on the way from the hot entry point to here (for explanations). */
  via?: string[];
}

export interface LoopInfo {
  id: number;
  kind: 'for' | 'while' | 'comprehension';
  span: Span;
  /** `while True` / `while 1` / `while not stop.is_set()`-style loops that run for the life of the process. */
  unbounded: boolean;
  conditionText?: string;
  iterableText?: string;
  /** Loop variable(s) for `for` loops. */
  targetText?: string;
  functionId?: string;
  parentLoopId?: number;
  /** Calls directly inside the body (not in nested defs). */
  callIds: number[];
  /** Set when the body sleeps or waits, directly or through a callee. */
  poll?: PollInfo;
  /** Statement-level facts the polling and busy-wait rules need. */
  hasBreakOrReturn: boolean;
}

export interface PollInfo {
  /** The call that sleeps/waits (may be in a callee). */
  sleepCallId: number;
  sleepFile: string;
  /** Interval in seconds, if it could be evaluated. */
  intervalSeconds?: number;
  intervalSource: 'literal' | 'constant' | 'environment' | 'argument-default' | 'unknown';
  intervalText: string;
  /** The interval grows when idle (back-off): `delay = min(delay * 2, MAX)`. */
  hasBackoff: boolean;
}

export interface FunctionInfo {
  id: string; // `module:Qual.name`
  name: string;
  qualname: string;
  className?: string;
  span: Span;
  params: string[];
  decorators: string[];
  isAsync: boolean;
  callIds: number[];
  /** Resolved project-internal callees (function ids), filled by the linker. */
  callees: Set<string>;
  /** Type annotations of parameters, as written (`items: list[str]` → `items` ↦ `list[str]`). */
  paramAnnotations?: Record<string, string>;
  /** Filled by the linker: the hottest context the function's body runs in (before its own loops). */
  context?: Context;
}

export interface ClassInfo {
  name: string;
  qualname: string;
  span: Span;
  /** Base classes as resolved dotted names (`http.server.BaseHTTPRequestHandler`). */
  bases: string[];
  /** Class-level assignments (`request_queue_size = 5`, `daemon_threads = True`). */
  attributes: Map<string, Expr>;
  methods: string[]; // function ids
}

export interface ImportBinding {
  local: string; // name bound in this module
  target: string; // dotted name it refers to (`subprocess.run`, `requests`, `mypkg.worker.process`)
  line: number;
}

export interface WithInfo {
  span: Span;
  items: { callId?: number; alias?: string; text: string }[];
  functionId?: string;
}

export interface AssignmentInfo {
  span: Span;
  target: string;
  value: Expr;
  augmented?: string; // operator for augmented assignment (`+=`)
  functionId?: string;
  loopIds: number[];
  /** The annotation of an annotated assignment (`seen: list[str] = []` → `list[str]`). */
  annotation?: string;
}

/** A membership test `x in y` / `x not in y` (the scan SC703 prices). */
export interface MembershipInfo {
  span: Span;
  needle: string;
  /** The container tested, evaluated like an argument (text, resolved name, constant value). */
  haystack: Expr;
  negated: boolean;
  functionId?: string;
  /** Enclosing loops, innermost first (a test in a `for`'s iterable is outside that loop). */
  loopIds: number[];
}

export interface FileModel {
  path: string; // relative to the current directory, with forward slashes
  module: string; // dotted module name inside the project
  lines: number;
  parseError: boolean;
  /** Set when the model could not be built (e.g. nesting too deep): the file is counted, not analysed. */
  modelError?: string;
  imports: Map<string, ImportBinding>;
  constants: Map<string, Expr>;
  functions: Map<string, FunctionInfo>;
  classes: Map<string, ClassInfo>;
  calls: CallSite[];
  loops: LoopInfo[];
  withs: WithInfo[];
  assignments: AssignmentInfo[];
  /** `x in y` tests (optional: models built before this field existed have none). */
  memberships?: MembershipInfo[];
  /** Lines with `# noqa` (undefined codes = bare noqa, suppresses everything). */
  noqa: Map<number, Set<string> | undefined>;
  /** Lines inside `if __name__ == "__main__":`. */
  mainGuard?: Span;
  /** Source lines, for snippets and names in proposals. */
  source: string[];
}

/** The whole project after linking: every file model plus the cross-module facts. */
export interface ProjectModel {
  files: FileModel[];
  functionsById: Map<string, { file: FileModel; fn: FunctionInfo }>;
  /** Who calls each function (ids), for context propagation. */
  callers: Map<string, Set<string>>;
  /**
   * Calls paced by each poll loop, keyed by `pollLoopKey(loopFile, loopLine)` (link.ts), in project order.
   * Filled by the linker; optional so hand-built project models stay valid.
   */
  callsByPollLoop?: Map<string, { file: FileModel; call: CallSite }[]>;
}
