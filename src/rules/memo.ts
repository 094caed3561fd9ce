// Memos for answers that depend only on the linked project and the call site (what a call resolves to,
// what server it builds): rules ask about the same call sites many times, across rules and files.
// Why this is safe: models are not changed while rules run. The slot of a call is its index in
// `file.calls`; a call that is not there (a stand-in built by a rule) is answered without the memo.
import type { CallSite, FileModel, ProjectModel } from '../model/types.js';

const UNKNOWN: unique symbol = Symbol('not computed');

export type CallAnswer<T> = (project: ProjectModel, file: FileModel, call: CallSite) => T;

/** `compute`, remembered per project, file and call site. */
export function memoPerCall<T>(compute: CallAnswer<T>): CallAnswer<T> {
  const byProject = new WeakMap<ProjectModel, WeakMap<FileModel, (T | typeof UNKNOWN)[]>>();
  return (project, file, call) => {
    if (file.calls[call.id] !== call) return compute(project, file, call);
    let byFile = byProject.get(project);
    if (!byFile) byProject.set(project, (byFile = new WeakMap()));
    let slots = byFile.get(file);
    if (!slots) byFile.set(file, (slots = new Array<T | typeof UNKNOWN>(file.calls.length).fill(UNKNOWN)));
    const known = slots[call.id]!;
    if (known !== UNKNOWN) return known;
    const answer = compute(project, file, call);
    slots[call.id] = answer;
    return answer;
  };
}

/** Per project and file, a map for answers keyed by a string (e.g. a callee name resolved in that module). */
export function perFileMap<T>(): (project: ProjectModel, file: FileModel) => Map<string, T> {
  const byProject = new WeakMap<ProjectModel, WeakMap<FileModel, Map<string, T>>>();
  return (project, file) => {
    let byFile = byProject.get(project);
    if (!byFile) byProject.set(project, (byFile = new WeakMap()));
    let map = byFile.get(file);
    if (!map) byFile.set(file, (map = new Map()));
    return map;
  };
}
