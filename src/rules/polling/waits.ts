// What a sleeping loop is waiting for, when the thing could be waited on directly: a child process,
// an Event, a thread, a future, a queue, a file appearing or going away, an in-memory list filling up.
import type { CallSite, FileModel, LoopInfo } from '../../model/types.js';
import { loopLines } from '../../model/frequency.js';
import { ownCalls } from './hotpath.js';

export type WaitTarget =
  | { kind: 'process'; call: CallSite; subject: string }
  | { kind: 'event'; call: CallSite; subject: string; busy?: true }
  | { kind: 'thread'; call: CallSite; subject: string }
  | { kind: 'future'; call: CallSite; subject: string }
  | { kind: 'queue'; call?: CallSite; subject: string }
  | { kind: 'file'; call: CallSite; subject: string }
  | { kind: 'flag'; subject: string };

const PROCESS_NAME = /(^|[._])(proc|process|child|popen|p|pipe|job|cmd|sub|worker|player|sound|helper)\w*$/i;

function isProcessPoll(call: CallSite): boolean {
  if (call.method !== 'poll' || call.args.length > 0) return false;
  if (/^select\.|selectors\./.test(call.receiverType ?? '')) return false;
  return call.receiverType === 'subprocess.Popen' || PROCESS_NAME.test(call.receiver ?? '');
}

const FILE_CHECK = /^(os\.path\.(exists|isfile|isdir|lexists)|pathlib\.Path\.(exists|is_file))$/;

/** A call in the loop that checks something waitable, classified. */
export function waitCheck(call: CallSite): WaitTarget | undefined {
  const subject = call.receiver ?? call.args[0]?.expr.text ?? '';
  if (isProcessPoll(call)) return { kind: 'process', call, subject };
  if (call.callee === 'os.waitpid' && /WNOHANG/.test(call.args[1]?.expr.text ?? '')) return { kind: 'process', call, subject: call.args[0]?.expr.text ?? 'pid' };
  if (call.args.length > 0) {
    if (FILE_CHECK.test(call.callee)) return { kind: 'file', call, subject };
    return undefined;
  }
  switch (call.method) {
    case 'is_set': return { kind: 'event', call, subject };
    case 'is_alive': return { kind: 'thread', call, subject };
    case 'done': return { kind: 'future', call, subject };
    case 'empty': case 'qsize': return { kind: 'queue', call, subject };
    case 'exists': case 'is_file': return call.receiverType?.startsWith('pathlib') || /path|file|sock|lock|ready|reply|done/i.test(subject) ? { kind: 'file', call, subject } : undefined;
    default: return undefined;
  }
}

/** Calls a pure wait loop may make besides its check and its sleep: the clock, logging, counters. */
const INCIDENTAL = /^(time\.\w+|len|print|int|float|str|round|min|max|TimeoutError|RuntimeError|logging\.\w+)$|\.(debug|info|warning|warn|error|exception)$/;

/** The condition the loop waits on: its `while` condition, or an `if …: break/return` in its body. */
function exitConditions(file: FileModel, loop: LoopInfo): string[] {
  const lines = loopLines(file, loop);
  const conditions = loop.conditionText ? [loop.conditionText] : [];
  lines.slice(1).forEach((line, i) => {
    // Trimmed, and `\S` after the `\s+`: no two quantifiers compete for the same spaces (a long line stays linear).
    const match = /^\s*(?:el)?if\s+(\S.*?):\s*(break|return\b.*)?$/.exec(line.trimEnd());
    if (!match) return;
    const next = match[2] ?? lines[i + 2]?.trim() ?? '';
    if (/^(break|return\b)/.test(next)) { conditions.push(match[1]!); return; }
    // `if done.is_set(): <send the last bytes> … break`: a break at the level of the if's own block.
    const indent = (l: string) => l.length - l.trimStart().length;
    const own = indent(line);
    const block: string[] = [];
    for (const l of lines.slice(i + 2)) {
      if (l.trim() === '') continue;
      if (indent(l) <= own) break;
      block.push(l);
    }
    const level = block.length > 0 ? indent(block[0]!) : -1;
    if (block.some((l) => indent(l) === level && /^(break|return\b)/.test(l.trim()))) conditions.push(match[1]!);
  });
  return conditions;
}

/**
 * What a sleeping loop waits for, when it is a pure wait on something waitable: the loop exits on the
 * check, and does nothing else but sleep, look at the clock and log. Or a consumer that sleeps while an
 * in-memory list is empty (`if not PENDING: time.sleep(0.01); continue`).
 */
export function waitTarget(file: FileModel, loop: LoopInfo, sleep: CallSite): WaitTarget | undefined {
  const calls = ownCalls(file, loop).filter((c) => c.id !== sleep.id);
  const conditions = exitConditions(file, loop);
  for (const call of calls) {
    const check = waitCheck(call);
    if (!check || !('call' in check) || !check.call) continue;
    const text = file.source[call.span.line - 1]!.slice(call.span.column - 1, call.span.endColumn - 1);
    if (!conditions.some((c) => c.includes(text))) continue;
    const others = calls.filter((c) => c.id !== call.id && !INCIDENTAL.test(c.callee) && !waitCheck(c));
    if (others.length === 0) return check;
    // An Event checked to exit and a sleep in the same loop: `event.wait(interval)` replaces both, whatever else the loop does.
    if (check.kind === 'event') return { ...check, busy: true };
  }
  // A consumer polling an in-memory container: `if not PENDING:` (or `while not PENDING`) around the sleep.
  const lines = loopLines(file, loop);
  const sleepIndex = sleep.span.line - loop.span.line;
  for (let i = sleepIndex - 1; i >= 0 && i >= sleepIndex - 2; i--) {
    const match = /^\s*(?:if|while)\s+(?:not\s+([\w.]+)|len\(([\w.]+)\)\s*==\s*0)\s*:\s*$/.exec(lines[i] ?? '');
    const name = match?.[1] ?? match?.[2];
    if (name && !/\(/.test(name) && (file.constants.has(name) || /^self\.\w+$/.test(name) || /^[A-Z_][A-Z0-9_]*$/.test(name))) {
      const flag = /ready|done|finished|started|complete|available|connected|running|stop/i.test(name) && !/queue|pending|jobs|tasks|items|work|backlog|inbox/i.test(name);
      return flag ? { kind: 'flag', subject: name } : { kind: 'queue', subject: name };
    }
  }
  if (loop.conditionText && /^not\s+self\.\w*(ready|done|finished|started|complete|available|connected)\w*$/.test(loop.conditionText.trim()) && calls.every((c) => INCIDENTAL.test(c.callee))) {
    return { kind: 'flag', subject: loop.conditionText.trim().slice(4) };
  }
  return undefined;
}
