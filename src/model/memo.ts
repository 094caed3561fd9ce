// Memos for answers that depend only on the linked project and the call site (what a call resolves to,
// what server it builds): rules ask about the same call sites many times, across rules and files.
// Why this is safe: models are not changed while rules run. A file's memo remembers the project it
// was made for, and is remade when the same file model is analysed in another project.
import type { CallSite, FileModel, ProjectModel } from './types.js';

export type CallAnswer<T> = (project: ProjectModel, file: FileModel, call: CallSite) => T;

/**
 * `compute`, remembered per project and call site. The answers for a file are computed together, for every
 * call, on the first question about it (the calls of `file.calls`; a stand-in call a rule builds is answered
 * without the memo).
 */
export function memoPerCall<T>(compute: CallAnswer<T>): CallAnswer<T> {
  const memo = new WeakMap<FileModel, { project: ProjectModel; answers: T[] }>();
  return (project, file, call) => {
    if (file.calls[call.id] !== call) return compute(project, file, call);
    let entry = memo.get(file);
    if (entry?.project !== project) memo.set(file, (entry = { project, answers: file.calls.map((c) => compute(project, file, c)) }));
    return entry.answers[call.id]!;
  };
}

/** `compute`, remembered per project: an index over the whole project, built on the first question. */
export function memoPerProject<T>(compute: (project: ProjectModel) => T): (project: ProjectModel) => T {
  const memo = new WeakMap<ProjectModel, T>();
  return (project) => {
    if (!memo.has(project)) memo.set(project, compute(project));
    return memo.get(project)!;
  };
}

/**
 * Per project and file, `answer`'s defined answers for the file's calls, in call order: rules that look for a
 * few kinds of call (servers built, whole reads) walk these instead of asking about every call.
 */
export function definedAnswersIn<T>(answer: CallAnswer<T | undefined>): (project: ProjectModel, file: FileModel) => T[] {
  const memo = new WeakMap<FileModel, { project: ProjectModel; answers: T[] }>();
  return (project, file) => {
    let entry = memo.get(file);
    if (entry?.project !== project) {
      const answers: T[] = [];
      for (const call of file.calls) {
        const found = answer(project, file, call);
        if (found !== undefined) answers.push(found);
      }
      memo.set(file, (entry = { project, answers }));
    }
    return entry.answers;
  };
}

/** `compute` for answers that depend on the file alone, remembered per call site like `memoPerCall`'s. */
export function memoPerFileCall<T>(compute: (file: FileModel, call: CallSite) => T): (file: FileModel, call: CallSite) => T {
  const memo = new WeakMap<FileModel, T[]>();
  return (file, call) => {
    if (file.calls[call.id] !== call) return compute(file, call);
    let answers = memo.get(file);
    if (!answers) memo.set(file, (answers = file.calls.map((c) => compute(file, c))));
    return answers[call.id]!;
  };
}

/** Per project and file, a map for answers keyed by a string (e.g. a callee name resolved in that module). */
export function perFileMap<T>(): (project: ProjectModel, file: FileModel) => Map<string, T> {
  const memo = new WeakMap<FileModel, { project: ProjectModel; map: Map<string, T> }>();
  return (project, file) => {
    let entry = memo.get(file);
    if (entry?.project !== project) memo.set(file, (entry = { project, map: new Map() }));
    return entry.map;
  };
}
