// The same call, with the same arguments, made several times in one pass of one function (same function,
// same innermost loop): `psutil.virtual_memory().total`, `.available`, `.used` — each call samples again.
import type { CallSite, FileModel } from '../../model/types.js';
import { sourceText } from '../../model/file-index.js';

export interface RepeatedCall {
  /** The first call of the group: where the finding goes. */
  first: CallSite;
  /** The last call of the group. */
  last: CallSite;
  count: number;
  /** The call as written, whitespace folded. */
  text: string;
}

/** Groups of at least `min(call)` calls with the same text in one pass of one function, among the calls `accept` takes. */
export function repeatedCalls(file: FileModel, accept: (call: CallSite) => boolean, min: (call: CallSite) => number): RepeatedCall[] {
  const groups = new Map<string, CallSite[]>();
  const source = sourceText(file);
  for (const call of file.calls) {
    if (!accept(call)) continue;
    const text = source.slice(call.span.start, call.span.end).replace(/\s+/g, ' ');
    const key = `${call.functionId ?? ''}\0${call.loopIds[0] ?? -1}\0${text}`;
    const group = groups.get(key);
    if (group) group.push(call);
    else groups.set(key, [call]);
  }
  const repeated: RepeatedCall[] = [];
  for (const calls of groups.values()) {
    const first = calls[0]!;
    if (calls.length >= min(first)) repeated.push({ first, last: calls[calls.length - 1]!, count: calls.length, text: source.slice(first.span.start, first.span.end).replace(/\s+/g, ' ') });
  }
  return repeated;
}
