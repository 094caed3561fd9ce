// What the project already has that a proposal should reuse rather than write anew: its atomic-write helpers
// (a function that writes a temp file and os.replace's it over the target) and its requests.Session objects.
// Computed once per linked project (memo.ts).
import type { CallSite, FileModel, ProjectModel } from '../model/types.js';
import { memoPerProject } from '../model/memo.js';

export interface AtomicWriter {
  file: FileModel;
  name: string;
  line: number;
  /** It serialises its data with json.dump (a JSON writer), rather than writing text. */
  json: boolean;
}

export interface SharedSession {
  file: FileModel;
  /** `_session` (module level) or `self.session` (set on a class's instance). */
  name: string;
  line: number;
  /** The class whose methods see `self.…`; undefined for a module-level session. */
  className?: string;
}

export interface ProjectHelpers {
  atomicWriters: AtomicWriter[];
  sessions: SharedSession[];
}

/** Module-level calls that make importing a module more than defining names (a thread, a server, a process). */
const SIDE_EFFECT = /Thread|serve_forever|Server|\.start$|\.run$|Popen|sleep|system$/;

function atomicWritersIn(file: FileModel): AtomicWriter[] {
  return [...file.functions.values()].flatMap((fn) => {
    if (fn.className || fn.qualname.includes('.') || fn.params.length !== 2) return [];
    const callees = fn.callIds.map((id) => file.calls[id]!.callee);
    const renames = callees.some((c) => c === 'os.replace' || c === 'os.rename');
    const writesTemp = callees.some((c) => /^(open|os\.fdopen|tempfile\.\w+)$/.test(c));
    return renames && writesTemp ? [{ file, name: fn.name, line: fn.span.line, json: callees.includes('json.dump') }] : [];
  });
}

function sessionsIn(file: FileModel): SharedSession[] {
  return file.calls.filter((c: CallSite) => c.callee === 'requests.Session' && c.assignedTo).flatMap((c) => {
    const fn = c.functionId ? file.functions.get(c.functionId) : undefined;
    if (!fn) return /^\w+$/.test(c.assignedTo!) ? [{ file, name: c.assignedTo!, line: c.span.line }] : [];
    return fn.className && fn.name === '__init__' && /^self\.\w+$/.test(c.assignedTo!) ? [{ file, name: c.assignedTo!, line: c.span.line, className: fn.className }] : [];
  });
}

/** The project's atomic writers and sessions, found once per project. */
export const projectHelpers = memoPerProject((project: ProjectModel): ProjectHelpers => {
  // A file that does not parse is no helper to lean on: what it defines may not be what it seems.
  const sound = project.files.filter((f) => !f.parseError && !f.modelError);
  return { atomicWriters: sound.flatMap(atomicWritersIn), sessions: sound.flatMap(sessionsIn) };
});

/** Whether `file` may be imported just to reach one of its names: nothing at its module level starts work. */
export function importable(file: FileModel): boolean {
  const guard = file.mainGuard;
  return !file.calls.some((c) => !c.functionId && !(guard && c.span.line >= guard.line && c.span.line <= guard.endLine) && SIDE_EFFECT.test(c.callee));
}
