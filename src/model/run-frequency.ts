// How often a line runs, in the words a price needs: per request, per poll pass, only when a pass found a
// message, only while a condition holds (an incident), per item, per task, paced by a person, on a rare
// repair path, on demand (a CLI subcommand), or once at start-up — and the chain of calls that leads
// there (`do_POST → record_post → save_json`). Data in (the linked project and a line), data out.
import type { CallSite, Context, FileModel, LoopInfo, ProjectModel } from './types.js';
import { loopById, sourceText } from './file-index.js';
import { isMessageLoop, isRetryLoop, loopLines, where, withContext } from './frequency.js';
import { lastSegment } from '../util/dotted.js';
import { isRouteFunction } from './link.js';

export type Cadence =
  | 'per_request'
  | 'per_poll'
  | 'per_message'
  | 'while_condition'
  | 'per_item'
  | 'per_task'
  | 'person_paced'
  | 'admin'
  | 'on_demand'
  | 'startup';

export interface RunFrequency {
  cadence: Cadence;
  /** The hot-path context the rules price with (handler, poll_loop, loop, per_task, startup). */
  context: Context;
  /** Function names from the root of the heat to the line's own function: `Handler.do_POST`, `record_post`, `save_json`. */
  chain: string[];
  /** The poll loop that paces the line, when one does. */
  pollLoop?: { file: string; line: number; intervalSeconds?: number };
  /** The line that makes the cadence rarer than the context says (a guard, a loop header, a function). */
  reason?: { file: string; line: number; text: string };
}

/** A line of code for `runFrequencyAt`: where it is (its function and enclosing loops) and its line. */
export interface CodeAt {
  functionId?: string;
  loopIds: number[];
  line: number;
}

/** How often `call` runs, and through which chain. */
export function runFrequency(project: ProjectModel, file: FileModel, call: CallSite): RunFrequency {
  const placed = withContext(project, call, file);
  const steps = stepsUp(project, file, call);
  const chain = chainOf(project, placed, steps);
  const pollLoop = placed.poll ? { file: placed.poll.loopFile, line: placed.poll.loopLine, intervalSeconds: placed.poll.intervalSeconds } : undefined;
  const base: RunFrequency = { cadence: baseCadence(placed.context), context: placed.context, chain, ...(pollLoop ? { pollLoop } : {}) };
  const rarer = rarerCadence(project, steps, base.cadence);
  return rarer ? { ...base, cadence: rarer.cadence, reason: rarer.reason } : base;
}

/** `runFrequency` for a line that is not a call (an assignment, a `with`, a membership test). */
export function runFrequencyAt(project: ProjectModel, file: FileModel, at: CodeAt): RunFrequency {
  const span = { line: at.line, column: 1, endLine: at.line, endColumn: 1, start: -1, end: -1 };
  const stand: CallSite = {
    id: -1, span, callee: '', calleeText: '', args: [], functionId: at.functionId, loopIds: at.loopIds, inWithItem: false,
    resultDiscarded: false, isLoopIterable: false, context: 'startup',
  };
  return runFrequency(project, file, stand);
}

/** `runFrequency` of the code on `line`: the first call that starts there, else the line in its function and loops. */
export function runFrequencyOfLine(project: ProjectModel, file: FileModel, line: number): RunFrequency {
  const call = firstCallOnLine(file, line);
  if (call) return runFrequency(project, file, call);
  let functionId: string | undefined;
  let size = Infinity;
  for (const fn of file.functions.values()) {
    if (fn.span.line <= line && line <= fn.span.endLine && fn.span.endLine - fn.span.line < size) {
      functionId = fn.id;
      size = fn.span.endLine - fn.span.line;
    }
  }
  const loops = file.loops.filter((l) => l.functionId === functionId && l.span.line <= line && line <= l.span.endLine && l.kind !== 'comprehension');
  const loopIds = loops.sort((a, b) => b.span.line - a.span.line).map((l) => l.id);
  return runFrequencyAt(project, file, { functionId, loopIds, line });
}

const callsByLine = new WeakMap<FileModel, Map<number, CallSite>>();

/** The first call that starts on `line` (an index per file: the engine asks once per finding). */
function firstCallOnLine(file: FileModel, line: number): CallSite | undefined {
  let byLine = callsByLine.get(file);
  if (!byLine) {
    byLine = new Map();
    for (const call of file.calls) if (!byLine.has(call.span.line)) byLine.set(call.span.line, call);
    callsByLine.set(file, byLine);
  }
  return byLine.get(line);
}

function baseCadence(context: Context): Cadence {
  switch (context) {
    case 'handler': return 'per_request';
    case 'poll_loop': return 'per_poll';
    case 'loop': return 'per_item';
    case 'per_task': return 'per_task';
    default: return 'startup';
  }
}

/** The functions from the root of the heat to the line's own: the linker's chain, or the call sites up, the longer. */
function chainOf(project: ProjectModel, call: CallSite, steps: Step[]): string[] {
  const own = call.functionId ? project.functionsById.get(call.functionId)?.fn.qualname : undefined;
  const via = (call.via ?? []).map((step, index) => (index === 0 ? step : lastSegment(step)));
  if (own && lastSegment(via[via.length - 1] ?? '') !== lastSegment(own)) via.push(own);
  const up = steps.map((step) => (step.call.functionId ? project.functionsById.get(step.call.functionId)?.fn.qualname : undefined)).filter((n): n is string => !!n).reverse();
  return up.length > via.length ? up : via;
}

// ---------- what makes a line run less often than its context says

interface Rarer {
  cadence: Cadence;
  reason: { file: string; line: number; text: string };
}

/** A place on the way to the line: a call site (or the line itself) in its file, with its enclosing loops. */
interface Step {
  file: FileModel;
  call: CallSite;
}

/** The line itself, then each call site up the chain that makes its function repeat (at most 6). */
function stepsUp(project: ProjectModel, file: FileModel, call: CallSite): Step[] {
  const steps: Step[] = [{ file, call }];
  const seen = new Set<string>();
  let current: Step = { file, call };
  while (steps.length < 7 && current.call.functionId && !seen.has(current.call.functionId)) {
    seen.add(current.call.functionId);
    const site = where(project, current.file, current.call).site;
    if (!site) break;
    current = { file: site.file, call: site.call };
    steps.push(current);
  }
  return steps;
}

const PERSON = /(?<![\w.])(input|raw_input|getpass\.getpass|getpass)\s*\(|\.(getch|getkey|get_wch|get_key)\s*\(|sys\.stdin\.readline\s*\(/;
const HEAL_NAME = /(^|_)(heal|self_?heal|repair|recover|reinstall|respawn|revive|rescue|resurrect|reboot|fix|install|uninstall|upgrade|migrate|bootstrap|provision)(_|$|s\b)/i;
const HEAL_GUARD = /\bnot\s+[\w.]*(alive|healthy|running|ok|up|ready|responding)\b|\b(dead|crash\w*|stuck|hung|broken|unhealthy|heal\w*|repair\w*|reboot\w*)\b/i;
const COMMAND_NAME = /^_?(cmd|command|subcmd|action)_\w+$/;
const COMMAND_GUARD = /\b(args|opts|options|ns)\.\w+\s*(==|in)\s*|\b(cmd|command|action|subcommand|verb|mode)\s*(==|in)\s*["'([]|sys\.argv\[\d\]\s*(==|in)/;
const LIFETIME_FLAG = /stop|shutdown|running|quit|exit|terminat|keep_going|\brun\b|_run\b|alive\b/i;
/** A guard that tests the clock or a counter, not something that arrived: it does not make the work rarer per pass. */
const CLOCK_GUARD = /time\.|monotonic|\bnow\b|elapsed|last_|interval|\btick|%|_count\b|counter|deadline|since/i;

function rarerCadence(project: ProjectModel, steps: Step[], base: Cadence): Rarer | undefined {
  return personPaced(steps) ?? formAction(project, steps) ?? adminPath(project, steps) ?? onDemand(project, steps, base) ??
    (base === 'per_poll' || base === 'per_item' || base === 'per_task' ? whileCondition(steps) : undefined) ??
    (base === 'per_poll' ? perMessage(project, steps) : undefined);
}

function reasonAt(file: FileModel, line: number): Rarer['reason'] {
  return { file: file.path, line, text: (file.source[line - 1] ?? '').trim() };
}

function loopsOf(step: Step): LoopInfo[] {
  return step.call.loopIds.map((id) => loopById(step.file, id)).filter((l): l is LoopInfo => l !== undefined && !isRetryLoop(step.file, l));
}

/** A loop that waits for a person each pass (`input()`, curses `getch()`): it runs at human speed. */
function personPaced(steps: Step[]): Rarer | undefined {
  for (const step of steps) {
    for (const loop of loopsOf(step)) {
      if (loop.kind !== 'comprehension' && PERSON.test(loopLines(step.file, loop).join('\n'))) return { cadence: 'person_paced', reason: reasonAt(step.file, loop.span.line) };
    }
  }
  return undefined;
}

const POST_ONLY = /(^|\.)post\s*\(|methods\s*=\s*[[(]\s*["']POST["']\s*[\])]/i;

/**
 * A form action (Post/Redirect/Get): a POST-only web route that answers with a redirect. It runs when a
 * person submits a form — a button on a dashboard — not on every page view or poll.
 */
function formAction(project: ProjectModel, steps: Step[]): Rarer | undefined {
  for (const step of steps) {
    const fn = step.call.functionId ? project.functionsById.get(step.call.functionId)?.fn : undefined;
    if (!fn || !isRouteFunction(fn) || !fn.decorators.some((d) => POST_ONLY.test(d))) continue;
    const body = step.file.source.slice(fn.span.line, fn.span.endLine).join('\n');
    if (/(?<![\w.])(redirect|[\w.]+\.redirect)\s*\(/.test(body)) return { cadence: 'person_paced', reason: reasonAt(step.file, fn.span.line) };
  }
  return undefined;
}

/** A restart / repair / self-heal function on the way, or a branch taken only when something is broken. */
function adminPath(project: ProjectModel, steps: Step[]): Rarer | undefined {
  for (const step of steps) {
    const fn = step.call.functionId ? project.functionsById.get(step.call.functionId)?.fn : undefined;
    if (fn && HEAL_NAME.test(snakeCase(fn.name))) return { cadence: 'admin', reason: reasonAt(step.file, fn.span.line) };
    for (const header of blockHeaders(step.file, step.call.span.line, fn?.span.line ?? 0)) {
      if (/^(if|elif)\b/.test(header.text) && HEAL_GUARD.test(header.text)) return { cadence: 'admin', reason: reasonAt(step.file, header.line) };
    }
  }
  return undefined;
}

/** A CLI subcommand (`cmd_status`, `if args.command == "status"`): it runs when someone asks, outside any hot path. */
function onDemand(project: ProjectModel, steps: Step[], base: Cadence): Rarer | undefined {
  if (base !== 'startup' && base !== 'per_task') return undefined;
  for (const step of steps) {
    const fn = step.call.functionId ? project.functionsById.get(step.call.functionId)?.fn : undefined;
    if (fn && (COMMAND_NAME.test(fn.name) || fn.decorators.some((d) => /(^|\.)command\b|click\./.test(d)) || subcommandTarget(step.file, fn.name))) {
      return { cadence: 'on_demand', reason: reasonAt(step.file, fn.span.line) };
    }
    for (const header of blockHeaders(step.file, step.call.span.line, fn?.span.line ?? 0)) {
      if (/^(if|elif)\b/.test(header.text) && COMMAND_GUARD.test(header.text)) return { cadence: 'on_demand', reason: reasonAt(step.file, header.line) };
    }
  }
  return undefined;
}

/** `parser.set_defaults(func=cmd)` or a `{"status": cmd_status}` dispatch table names the function. */
function subcommandTarget(file: FileModel, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`set_defaults\\(\\s*(func|handler|command)\\s*=\\s*${escaped}\\b|["'][\\w-]+["']\\s*:\\s*${escaped}\\s*[,}]`).test(sourceText(file));
}

/** A loop that runs only while a condition holds (a lock file exists, a peer is down, a deadline not reached). */
function whileCondition(steps: Step[]): Rarer | undefined {
  for (const step of steps) {
    for (const loop of loopsOf(step)) {
      if (!loop.poll) continue;
      const condition = withoutStrings(loop.conditionText ?? '');
      if (loop.kind === 'while' && !loop.unbounded && /\(|\bnot\b|<|>/.test(condition) && !LIFETIME_FLAG.test(condition)) {
        return { cadence: 'while_condition', reason: reasonAt(step.file, loop.span.line) };
      }
      if (loop.kind === 'for' && /^range\(/.test(loop.iterableText ?? '') && loop.hasBreakOrReturn) return { cadence: 'while_condition', reason: reasonAt(step.file, loop.span.line) };
    }
  }
  return undefined;
}

/** Work a poll pass does only when it found something: a loop over what it found, or a guard on it. */
function perMessage(project: ProjectModel, steps: Step[]): Rarer | undefined {
  for (const step of steps) {
    const loops = loopsOf(step);
    const poll = loops.find((l) => l.poll);
    const inner = poll ? loops.slice(0, loops.indexOf(poll)) : loops;
    const message = inner.find((l) => l.kind !== 'comprehension' && isMessageLoop(step.file, l, poll));
    if (message) return { cadence: 'per_message', reason: reasonAt(step.file, message.span.line) };
    const fn = step.call.functionId ? project.functionsById.get(step.call.functionId)?.fn : undefined;
    const top = poll?.span.line ?? fn?.span.line ?? 0;
    for (const header of blockHeaders(step.file, step.call.span.line, top)) {
      if (/^(if|elif)\b/.test(header.text) && arrivalGuard(header.text)) return { cadence: 'per_message', reason: reasonAt(step.file, header.line) };
    }
    const early = earlyExit(step.file, step.call.span.line, top);
    if (early !== undefined) return { cadence: 'per_message', reason: reasonAt(step.file, early) };
    if (poll) break; // the poll loop itself is here: callers up the chain do not pace it
  }
  return undefined;
}

/** `if msgs:`, `if data is not None:`, `if os.path.exists(p):`, `if line:` — something this pass found. */
function arrivalGuard(text: string): boolean {
  const condition = withoutStrings(text).replace(/^(if|elif)\s+/, '').replace(/:\s*$/, '');
  if (CLOCK_GUARD.test(condition) || LIFETIME_FLAG.test(condition) || /^not\b/.test(condition)) return false;
  return /^[\w.]+$|\bis not None$|exists\(|isfile\(|^len\(|>\s*0$|^[\w.]+\s*!=\s*[\w.]+$|\bin\b/.test(condition);
}

/** `if not msgs: continue` (or `sleep; continue`, `return`) before the line: the rest of the pass runs on arrival only. */
function earlyExit(file: FileModel, line: number, top: number): number | undefined {
  const own = indentOf(file.source[line - 1] ?? '');
  for (let n = line - 1; n > top; n--) {
    const text = file.source[n - 1] ?? '';
    if (!text.trim() || text.trim().startsWith('#')) continue;
    const indent = indentOf(text);
    if (indent < own) break;
    if (indent !== own || !/^if\s+not\s+[\w.()[\]'"]+\s*:/.test(text.trim())) continue;
    if (CLOCK_GUARD.test(withoutStrings(text)) || LIFETIME_FLAG.test(withoutStrings(text))) continue;
    const body = [text, file.source[n] ?? '', file.source[n + 1] ?? ''].join('\n');
    if (/\b(continue|return)\b/.test(body.slice(body.indexOf(':')))) return n;
  }
  return undefined;
}

/** `doRebootDevice` → `do_reboot_device`, for name patterns written in snake case. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function withoutStrings(text: string): string {
  return text.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '""');
}

function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

/** The block headers enclosing `line` (innermost first), up to line `top`: `if …:`, `except …:`, `for …:`. */
export function blockHeaders(file: FileModel, line: number, top: number): { line: number; text: string }[] {
  const headers: { line: number; text: string }[] = [];
  let indent = indentOf(file.source[line - 1] ?? '');
  for (let n = line - 1; n > top && indent > 0; n--) {
    const text = file.source[n - 1] ?? '';
    const trimmed = text.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const own = indentOf(text);
    if (own >= indent) continue;
    indent = own;
    if (/^(if|elif|else|for|while|with|try|except|finally|def|class|async)\b/.test(trimmed)) headers.push({ line: n, text: trimmed.replace(/\s+#.*$/, '') });
  }
  return headers;
}
