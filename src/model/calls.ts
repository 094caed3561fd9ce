// Which project function a call site runs, and who calls each function: the one call resolver the rules
// share (a function, a method through the project's base classes, a constructor's `__init__`), with the
// thread/pool starts that run a function elsewhere. Pure functions of the linked model, cached per project.
import type { CallSite, ClassInfo, FileModel, FunctionInfo, ProjectModel } from './types.js';
import { memoPerCall, perFileMap, type CallAnswer } from './memo.js';
import { lastSegment } from '../util/dotted.js';

// ---------- call → project function

/** A class of the project and the file that defines it. */
export interface ClassEntry {
  file: FileModel;
  cls: ClassInfo;
}

interface FunctionIndex {
  byDotted: Map<string, string>;
  classes: Map<string, ClassEntry>;
  /** The last dotted segment of every key of `byDotted` and of `classes` (`run` for `pkg.api.Handler.run`). */
  functionNames: Set<string>;
  classNames: Set<string>;
  /** `methodOf` answers (top-level lookups), remembered. */
  methods: Map<string, string | undefined>;
  /** `resolveDotted` answers for callee names as written, remembered. */
  absolute: Map<string, string | undefined | typeof NO_MATCH>;
}

const indexCache = new WeakMap<ProjectModel, FunctionIndex>();

function functionIndex(project: ProjectModel): FunctionIndex {
  let index = indexCache.get(project);
  if (index) return index;
  index = { byDotted: new Map(), classes: new Map(), functionNames: new Set(), classNames: new Set(), methods: new Map(), absolute: new Map() };
  for (const file of project.files) {
    for (const fn of file.functions.values()) index.byDotted.set(`${file.module}.${fn.qualname}`, fn.id);
    for (const cls of file.classes.values()) index.classes.set(`${file.module}.${cls.qualname}`, { file, cls });
  }
  for (const dotted of index.byDotted.keys()) index.functionNames.add(lastSegment(dotted));
  for (const dotted of index.classes.keys()) index.classNames.add(lastSegment(dotted));
  indexCache.set(project, index);
  return index;
}

function methodOf(index: FunctionIndex, classDotted: string, name: string, depth = 0): string | undefined {
  if (depth === 0) {
    const key = `${classDotted}\0${name}`;
    if (index.methods.has(key)) return index.methods.get(key);
    const found = methodOfUncached(index, classDotted, name, 0);
    index.methods.set(key, found);
    return found;
  }
  return methodOfUncached(index, classDotted, name, depth);
}

function methodOfUncached(index: FunctionIndex, classDotted: string, name: string, depth: number): string | undefined {
  const direct = index.byDotted.get(`${classDotted}.${name}`);
  if (direct || depth > 5) return direct;
  const entry = index.classes.get(classDotted);
  for (const base of entry?.cls.bases ?? []) {
    const found = methodOf(index, base, name, depth + 1) ?? methodOf(index, `${entry!.file.module}.${base}`, name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The project class a dotted name refers to (`status_api.StatusHandler`), as `module.Qual`. */
export function resolveClass(project: ProjectModel, file: FileModel, dotted: string): string | undefined {
  // Asked for most call sites (is it a server class?): remembered per file and name.
  const resolved = resolvedClasses(project, file);
  let found = resolved.get(dotted);
  if (found === undefined && !resolved.has(dotted)) resolved.set(dotted, (found = resolveClassUncached(project, file, dotted)));
  return found;
}

const resolvedClasses = perFileMap<string | undefined>();

function resolveClassUncached(project: ProjectModel, file: FileModel, dotted: string): string | undefined {
  const index = functionIndex(project);
  // Both candidates end like `dotted`: most names (`len`, `os.path.join`) end like no project class.
  if (!index.classNames.has(lastSegment(dotted))) return undefined;
  for (const candidate of [dotted, `${file.module}.${dotted}`]) if (index.classes.has(candidate)) return candidate;
  return undefined;
}

export function classInfo(project: ProjectModel, dotted: string): ClassEntry | undefined {
  return functionIndex(project).classes.get(dotted);
}

/** The project function a call site runs (a function, a method, a constructor's `__init__`), if any. */
export const resolveCallee: CallAnswer<string | undefined> = memoPerCall((project, file, call) => {
  const byName = resolvedNames(project, file);
  let named = byName.get(call.callee);
  if (named === undefined && !byName.has(call.callee)) byName.set(call.callee, (named = resolveName(project, file, call.callee)));
  if (named !== NO_MATCH) return named;
  if (/^(self|cls)\.\w+$/.test(call.calleeText) && call.functionId) {
    const owner = project.functionsById.get(call.functionId)?.fn.className;
    if (owner) return methodOf(functionIndex(project), `${file.module}.${owner}`, call.calleeText.split('.')[1]!);
  }
  return undefined;
});

/** No project function or class has the callee's name: `self.x`/`cls.x` may still name a method. */
const NO_MATCH = null;

/** Answers of `resolveName`, per file: a callee name (`os.path.join`) recurs across a file's calls. */
const resolvedNames = perFileMap<string | undefined | typeof NO_MATCH>();

/** The project function a dotted callee name refers to from `file`'s module (a class's method, when it names one). */
function resolveName(project: ProjectModel, file: FileModel, callee: string): string | undefined | typeof NO_MATCH {
  const index = functionIndex(project);
  // The callee as written is tried first, and means the same from every module: asked once per project.
  let absolute = index.absolute.get(callee);
  if (absolute === undefined && !index.absolute.has(callee)) index.absolute.set(callee, (absolute = resolveDotted(index, callee)));
  if (absolute !== NO_MATCH) return absolute;
  return mayNameInModule(index, file.module, callee) ? resolveDotted(index, `${file.module}.${callee}`) : NO_MATCH;
}

/**
 * False when `resolveDotted` of `module.callee` is surely `NO_MATCH`, told without building that name: it
 * matches only when its last segment names a project function or class, or the segment before it a class.
 */
function mayNameInModule(index: FunctionIndex, module: string, callee: string): boolean {
  const dot = callee.lastIndexOf('.');
  const name = callee.slice(dot + 1);
  if (index.functionNames.has(name) || index.classNames.has(name)) return true;
  const owner = dot >= 0 ? callee.slice(dot > 0 ? callee.lastIndexOf('.', dot - 1) + 1 : 0, dot) : lastSegment(module);
  return index.classNames.has(owner);
}

/** The function, constructor or method a dotted name (`pkg.mod.Class.run`) names, or `NO_MATCH`. */
function resolveDotted(index: FunctionIndex, dotted: string): string | undefined | typeof NO_MATCH {
  const direct = index.byDotted.get(dotted);
  if (direct) return direct;
  if (index.classes.has(dotted)) return methodOf(index, dotted, '__init__');
  const dot = dotted.lastIndexOf('.');
  if (dot > 0 && index.classes.has(dotted.slice(0, dot))) return methodOf(index, dotted.slice(0, dot), dotted.slice(dot + 1));
  return NO_MATCH;
}

/** The project function a call site runs, with its file (`resolveCallee`'s answer, looked up). */
export function calleeFunction(project: ProjectModel, file: FileModel, call: CallSite): { file: FileModel; fn: FunctionInfo } | undefined {
  return functionOf(project, resolveCallee(project, file, call));
}

export function functionOf(project: ProjectModel, id: string | undefined): { file: FileModel; fn: FunctionInfo } | undefined {
  return id ? project.functionsById.get(id) : undefined;
}

/** Calls that start `fn` elsewhere (a thread, a pool): the callee does not run on the caller's path. */
export function isConcurrentStart(call: CallSite): boolean {
  return /(^|\.)(Thread|Timer|Process|ThreadPoolExecutor|ProcessPoolExecutor|Pool)(\.|$)|\.(submit|map|imap\w*|apply_async|map_async|starmap\w*|start_new_thread)$|signal\.signal|atexit\.register/.test(call.callee) ||
    /\.(submit|apply_async|map_async|start_new_thread)$/.test(call.calleeText);
}

/** Direct callees of a function (calls that run on its own thread), each with the call that reaches it. */
export function directCallees(project: ProjectModel, fnId: string): { call: CallSite; file: FileModel; to: string }[] {
  const owner = project.functionsById.get(fnId);
  if (!owner) return [];
  const result: { call: CallSite; file: FileModel; to: string }[] = [];
  for (const id of owner.fn.callIds) {
    const call = owner.file.calls[id];
    if (!call || isConcurrentStart(call)) continue;
    const to = resolveCallee(project, owner.file, call);
    if (to && to !== fnId) result.push({ call, file: owner.file, to });
  }
  return result;
}

/** Every function reached from `roots` through direct calls (not thread/pool starts), with depth. */
export function reachable(project: ProjectModel, roots: string[], maxDepth = 8): Map<string, number> {
  const seen = new Map<string, number>();
  let frontier = roots.filter((r) => project.functionsById.has(r));
  for (const r of frontier) seen.set(r, 0);
  for (let depth = 1; depth <= maxDepth && frontier.length; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const { to } of directCallees(project, id)) {
        if (seen.has(to)) continue;
        seen.set(to, depth);
        next.push(to);
      }
    }
    frontier = next;
  }
  return seen;
}
const callersCache = new WeakMap<ProjectModel, Map<string, { file: FileModel; call: CallSite }[]>>();

/** Every real call site of each project function (not values passed as arguments). */
export function callSitesOf(project: ProjectModel, fnId: string): { file: FileModel; call: CallSite }[] {
  let index = callersCache.get(project);
  if (!index) {
    index = new Map();
    for (const file of project.files) {
      for (const call of file.calls) {
        const to = resolveCallee(project, file, call);
        if (!to) continue;
        const sites = index.get(to);
        if (sites) sites.push({ file, call });
        else index.set(to, [{ file, call }]);
      }
    }
    callersCache.set(project, index);
  }
  return index.get(fnId) ?? [];
}
