// Lookups many rules make on one file model (a loop by id, the calls of a function or of a loop, the
// calls on a receiver, the source as one string), built once per file and shared by every rule.
// Why a memo keyed by the model is safe: models are not changed while rules run, and every index
// keeps the model's own order, so `find`/`some`/`filter` over an index answer as over `file.calls`.
import type { AssignmentInfo, CallSite, FileModel, LoopInfo, WithInfo } from './types.js';

interface FileIndex {
  loops?: Map<number, LoopInfo>;
  callsByFunction?: Map<string | undefined, CallSite[]>;
  callsByInnermostLoop?: Map<number, CallSite[]>;
  callsByLoop?: Map<number, CallSite[]>;
  callsByReceiver?: Map<string, CallSite[]>;
  assignmentsByTarget?: Map<string, AssignmentInfo[]>;
  assignmentsByFunction?: Map<string | undefined, AssignmentInfo[]>;
  withItemsByCall?: Map<number, WithItemOfCall>;
  text?: string;
}

const indexes = new WeakMap<FileModel, FileIndex>();

function indexOf(file: FileModel): FileIndex {
  let index = indexes.get(file);
  if (!index) indexes.set(file, (index = {}));
  return index;
}

/** Items grouped by key (an item may have several keys, or none), each group in the items' order. */
export function groupBy<T, K>(items: T[], keysOf: (item: T) => Iterable<K>): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    for (const key of keysOf(item)) {
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
  }
  return groups;
}

const NONE: readonly never[] = Object.freeze([]);

/** The loop with this id (the first one, should ids repeat). */
export function loopById(file: FileModel, id: number | undefined): LoopInfo | undefined {
  if (id === undefined) return undefined;
  const index = indexOf(file);
  if (!index.loops) {
    index.loops = new Map();
    for (const loop of file.loops) if (!index.loops.has(loop.id)) index.loops.set(loop.id, loop);
  }
  return index.loops.get(id);
}

/** Calls whose enclosing function is `functionId` (module-level calls for `undefined`), in source order. */
export function callsOfFunction(file: FileModel, functionId: string | undefined): readonly CallSite[] {
  const index = indexOf(file);
  index.callsByFunction ??= groupBy(file.calls, (c) => [c.functionId]);
  return index.callsByFunction.get(functionId) ?? NONE;
}

/** Calls whose innermost loop is `loopId`. */
export function callsOwnedByLoop(file: FileModel, loopId: number): readonly CallSite[] {
  const index = indexOf(file);
  index.callsByInnermostLoop ??= groupBy(file.calls, (c) => (c.loopIds.length > 0 ? [c.loopIds[0]!] : []));
  return index.callsByInnermostLoop.get(loopId) ?? NONE;
}

/** Calls anywhere inside loop `loopId`, nested loops included. */
export function callsInLoop(file: FileModel, loopId: number): readonly CallSite[] {
  const index = indexOf(file);
  index.callsByLoop ??= groupBy(file.calls, (c) => new Set(c.loopIds));
  return index.callsByLoop.get(loopId) ?? NONE;
}

/** Method calls on the receiver text `receiver` (`fh.write(…)` → `fh`). */
export function callsOnReceiver(file: FileModel, receiver: string): readonly CallSite[] {
  const index = indexOf(file);
  index.callsByReceiver ??= groupBy(file.calls, (c) => (c.receiver !== undefined ? [c.receiver] : []));
  return index.callsByReceiver.get(receiver) ?? NONE;
}

/** Assignments to the target text `target` (`x`, `self.items`), in source order. */
export function assignmentsTo(file: FileModel, target: string): readonly AssignmentInfo[] {
  const index = indexOf(file);
  index.assignmentsByTarget ??= groupBy(file.assignments, (a) => [a.target]);
  return index.assignmentsByTarget.get(target) ?? NONE;
}

/** Assignments whose enclosing function is `functionId` (module level for `undefined`), in source order. */
export function assignmentsOfFunction(file: FileModel, functionId: string | undefined): readonly AssignmentInfo[] {
  const index = indexOf(file);
  index.assignmentsByFunction ??= groupBy(file.assignments, (a) => [a.functionId]);
  return index.assignmentsByFunction.get(functionId) ?? NONE;
}

/** A `with` item that is a call (`with open(p) as fh`), and its statement. */
export interface WithItemOfCall {
  statement: WithInfo;
  item: WithInfo['items'][number];
}

/** The first `with` item made by call `callId`, if any (the same as finding it among `file.withs`, in order). */
export function withItemOf(file: FileModel, callId: number): WithItemOfCall | undefined {
  const index = indexOf(file);
  if (!index.withItemsByCall) {
    index.withItemsByCall = new Map();
    for (const statement of file.withs) {
      for (const item of statement.items) {
        if (item.callId !== undefined && !index.withItemsByCall.has(item.callId)) index.withItemsByCall.set(item.callId, { statement, item });
      }
    }
  }
  return index.withItemsByCall.get(callId);
}

/** The whole source as one string. */
export function sourceText(file: FileModel): string {
  const index = indexOf(file);
  index.text ??= file.source.join('\n');
  return index.text;
}
