// When are the iterations of a loop independent of each other (so the work could run concurrently)?
// Shared by PA901 (blocking I/O), PA902 (CPU-bound work) and PA903 (subprocesses).
import { ASSUMED } from '../../impact/rate.js';
import type { CallSite, FileModel, LoopInfo } from '../../model/types.js';
import { constantLength, loopTargets, variables } from '../memory/helpers.js';
import { loopById } from '../support.js';
import { callsInLoop } from '../../model/file-index.js';

export interface IndependentLoop {
  loop: LoopInfo;
  /** The loop variable(s) and names derived from them inside the body. */
  perItem: Set<string>;
  /** Items per pass: the constant collection's length, or the model's assumption. */
  items: number;
  itemsKnown: boolean;
}

/** Names assigned in the loop body from per-item names (`url = base + name` makes `url` per item), and names
 *  carried from one iteration to the next (augmented, or assigned after the call: `cursor = resp["next"]`). */
function derivedNames(file: FileModel, loop: LoopInfo, targets: Set<string>, call: CallSite): { derived: Set<string>; carried: Set<string> } {
  const derived = new Set(targets);
  const inLoop = file.assignments.filter((a) => a.loopIds.includes(loop.id));
  const withsInLoop = file.withs.filter((w) => w.span.start > loop.span.start && w.span.end <= loop.span.end);
  for (let round = 0; round < 3; round++) {
    // `with open(path) as fh:` makes `fh` per item when `path` is.
    for (const w of withsInLoop) {
      for (const item of w.items) if (item.alias && [...variables(item.text)].some((id) => derived.has(id))) derived.add(item.alias);
    }
    for (const a of inLoop) {
      if (a.augmented) continue;
      if ([...variables(a.value.text)].some((id) => derived.has(id))) for (const id of variables(a.target)) derived.add(id);
    }
  }
  const carried = new Set<string>();
  for (const a of inLoop) {
    if (!/^[A-Za-z_]\w*$/.test(a.target)) continue;
    if (a.augmented || a.span.start > call.span.end) carried.add(a.target);
  }
  return { derived, carried };
}

/** The innermost loop of `call`, if its iterations are independent and the call works on the current item. */
export function independentLoopOf(file: FileModel, call: CallSite, argumentText?: string): IndependentLoop | undefined {
  const loopId = call.loopIds[0];
  if (loopId === undefined) return undefined;
  const loop = loopById(file, loopId);
  if (!loop || loop.kind === 'while' || loop.poll || loop.hasBreakOrReturn) return undefined;
  // A sleep in the body paces the loop on purpose (rate limiting, politeness): serial by design.
  if (callsInLoop(file, loop.id).some((c) => c.callee === 'time.sleep' || c.callee === 'asyncio.sleep')) return undefined;
  const constant = constantLength(file, loop.iterableText);
  if (constant !== undefined && constant <= 2) return undefined;
  const targets = loopTargets(loop, file);
  if (targets.size === 0) return undefined;
  const { derived, carried } = derivedNames(file, loop, targets, call);
  const used = variables(argumentText ?? call.args.map((a) => a.expr.text).join(' '));
  if (![...used].some((id) => derived.has(id))) return undefined; // the same work repeated, or a retry: not per item
  if ([...used].some((id) => carried.has(id))) return undefined; // depends on the previous iteration (a cursor, a token)
  return { loop, perItem: derived, items: constant ?? ASSUMED.itemsPerLoop, itemsKnown: constant !== undefined };
}

/** The source text of a call when it fits on one line (for examples that reuse the user's code). */
export function callText(file: FileModel, call: CallSite): string {
  if (call.span.line === call.span.endLine) {
    const line = file.source[call.span.line - 1] ?? '';
    const text = line.slice(call.span.column - 1, call.span.endColumn - 1);
    if (text.includes('(')) return text;
  }
  const args = call.args.map((a) => (a.name ? `${a.name}=${a.expr.text}` : a.expr.text)).join(', ');
  return `${call.calleeText}(${args})`;
}

/** `f(x)` where `x` is the loop variable: `pool.map(f, items)` needs no wrapper. */
export function mapsDirectly(call: CallSite, target: string): boolean {
  return call.args.length === 1 && !call.args[0]!.name && call.args[0]!.expr.text === target;
}
