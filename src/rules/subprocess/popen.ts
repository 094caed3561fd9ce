// How the result of a `Popen(...)` is used after the call: waited, drained, escaped, or forgotten.
// Read from the text of the enclosing function (or class, for `self.proc`), after the call.
import type { CallSite, FileModel } from '../../model/types.js';
import { keyword } from '../support.js';
import { withItemOf } from '../../model/file-index.js';

export interface PopenUse {
  /** `proc`, `self.proc`, or undefined when the result is thrown away. */
  variable?: string;
  contextManager: boolean;
  /** wait/communicate/poll/kill/terminate/send_signal/returncode: the child is reaped or controlled. */
  waited: boolean;
  /** `.wait()` calls without a timeout. */
  waitsWithoutTimeout: number;
  /** The output pipes are read (communicate, .stdout.read/readline, iteration, handed to another process). */
  drained: boolean;
  /** The object leaves the function: returned, yielded, stored, or passed to a call. */
  escapes: boolean;
  /** A pipe is read to EOF in one go (`proc.stdout.read()`, `.readlines()`): the child has exited but is not reaped. */
  readsToEnd: boolean;
  /** The scope is a generator (`yield`): a streaming reader whose child outlives the call. */
  streams: boolean;
  /** Streams connected to a pipe (`stdout=PIPE`). */
  pipes: ('stdin' | 'stdout' | 'stderr')[];
  discarded: boolean;
}

const POPEN_CALLS = new Set(['subprocess.Popen', 'asyncio.create_subprocess_exec', 'asyncio.create_subprocess_shell']);

export function isPopen(call: CallSite): boolean {
  return POPEN_CALLS.has(call.callee);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The source text where the variable lives: the function after the call, or the whole class for `self.x`. */
function scopeText(file: FileModel, call: CallSite, variable: string): string {
  const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
  if (variable.startsWith('self.') && fn?.className) {
    const cls = file.classes.get(fn.className);
    if (cls) return file.source.slice(cls.span.line - 1, cls.span.endLine).join('\n');
  }
  const endLine = fn ? fn.span.endLine : file.source.length;
  const lines = file.source.slice(call.span.endLine - 1, endLine);
  // From the end of the call onwards (the rest of its last line included).
  if (lines.length > 0) lines[0] = lines[0]!.slice(call.span.endLine === call.span.line ? call.span.endColumn - 1 : call.span.endColumn - 1);
  return lines.join('\n');
}

export function pipesOf(call: CallSite): PopenUse['pipes'] {
  return (['stdin', 'stdout', 'stderr'] as const).filter((name) => /\bPIPE\b/.test(keyword(call, name)?.expr.text ?? ''));
}

export function popenUse(file: FileModel, call: CallSite): PopenUse {
  const pipes = pipesOf(call);
  const alias = withItemOf(file, call.id)?.item.alias;
  const variable = alias ?? (call.assignedTo && /^[\w.]+$/.test(call.assignedTo) ? call.assignedTo : undefined);
  const base: PopenUse = {
    variable, contextManager: call.inWithItem, waited: false, waitsWithoutTimeout: 0, drained: false, escapes: false, readsToEnd: false, streams: false, pipes,
    discarded: call.resultDiscarded,
  };
  if (call.inWithItem) return { ...base, waited: true, drained: true };
  if (!variable) {
    // Chained use: `Popen(...).wait()`, `Popen(...).communicate()`, or handed straight to something else.
    const after = file.source[call.span.endLine - 1]?.slice(call.span.endColumn - 1) ?? '';
    const chained = /^\s*\.\s*(wait|communicate|poll|kill|terminate)\b/.exec(after);
    const escapes = !call.resultDiscarded && !chained && !call.assignedTo;
    return { ...base, waited: !!chained, drained: chained?.[1] === 'communicate', escapes: escapes || !!call.assignedTo };
  }
  const text = scopeText(file, call, variable);
  const v = escapeRegex(variable);
  const waited = new RegExp(`\\b${v}\\s*\\.\\s*(wait|communicate|poll|kill|terminate|send_signal|returncode|__exit__)\\b`).test(text) ||
    new RegExp(`with\\s+${v}\\b`).test(text) || new RegExp(`waitpid\\(\\s*${v}\\.pid`).test(text);
  const waitsWithoutTimeout = (text.match(new RegExp(`\\b${v}\\s*\\.\\s*(wait|communicate)\\(\\s*\\)`, 'g')) ?? []).length;
  const drained = new RegExp(`\\b${v}\\s*\\.\\s*(communicate\\b|stdout\\b|stderr\\b)`).test(text);
  const escapes =
    new RegExp(`\\b(return|yield)\\b[^\\n]*\\b${v}\\b(?!\\s*\\.)`).test(text) ||
    new RegExp(`[(,\\[{:]\\s*${v}\\s*[,)\\]}]`).test(text) ||
    new RegExp(`=\\s*${v}\\s*$`, 'm').test(text) ||
    (variable.startsWith('self.') && !waited);
  const readsToEnd = new RegExp(`\\b${v}\\s*\\.\\s*(stdout|stderr)\\s*\\.\\s*(read|readlines)\\(\\s*\\)`).test(text);
  const streams = /\byield\b/.test(text);
  return { ...base, waited, waitsWithoutTimeout, drained, escapes, readsToEnd, streams };
}
