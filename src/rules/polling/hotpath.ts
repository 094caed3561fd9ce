// Shared facts for the I/O, sync, polling and caching rules about loops: the text of a loop or a function,
// which sleeping loops poll, and what one pass of a poll loop does (how often a call runs, and which
// function it reaches, are the model's: model/frequency.ts and model/calls.ts).
import type { CallSite, Context, FileModel, FunctionInfo, LoopInfo, ProjectModel } from '../../model/types.js';
import { sleepInterval } from '../../model/link.js';
import { callsInLoop, callsOwnedByLoop, loopById } from '../../model/file-index.js';
import { isConcurrentStart, resolveCallee } from '../../model/calls.js';
import { functionContext, hotter, isMessageLoop, loopKind } from '../../model/frequency.js';

// ---------- loops

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

/** Spanish number for prose: 0,5 and 2.000. */
export function fmtEs(value: number): string {
  return fmt(value).replace(/[.,]/g, (c) => (c === ',' ? '.' : ','));
}

/** Test code (`tests/`, `test/` except the labelled corpora in it, `test_*.py`, `*_test.py`, `conftest.py`): performance rules stay quiet there. */
export function isTestFile(path: string): boolean {
  return /(^|\/)tests\/|(^|\/)test\/(?!fixtures\/|corpus\/|blind\/)|(^|\/)test_[^/]*\.py$|_test\.py$|(^|\/)conftest\.py$/.test(path);
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
