// Is a name a Python list, and a big one? For O(n) scans (SC703) and materialised lists (ME605).
import type { AssignmentInfo, Expr, FileModel } from '../../model/types.js';
import { assignmentsTo, callsOnReceiver, sourceText } from '../../model/file-index.js';

export interface ListEvidence {
  /** `grown`: appended to; `data`: built from data (comprehension, list(), listdir…); `annotated`: a `list` type hint. */
  kind: 'grown' | 'data' | 'annotated';
  /** The list lives as long as the process (module-level or class-level). */
  lifetime: boolean;
  /** How it was made, for messages (`[]`, `list(...)`, `[... for ...]`). */
  origin: string;
}

const LIST_CALLS = new Set(['list', 'sorted', 'os.listdir', 'glob.glob']);
const LIST_METHODS = new Set(['readlines']);

type ValueKind = 'empty' | 'constant' | 'literal' | 'data' | 'other';

/** A call to a function of this file that returns a list (`return [x for x in …]`, `return list(…)`). */
function returnsList(file: FileModel, value: Expr): boolean {
  const name = value.qualifiedName ?? '';
  const local = name.startsWith(`${file.module}.`) ? name.slice(file.module.length + 1) : name;
  const fn = [...file.functions.values()].find((f) => f.qualname === local);
  if (!fn) return false;
  const body = file.source.slice(fn.span.line - 1, fn.span.endLine).join('\n');
  const returns = body.match(/^\s*return\b.*$/gm) ?? [];
  return returns.length > 0 && returns.every((r) => /^\s*return\s+(\[|list\(|sorted\()/.test(r));
}

function classify(value: Expr, file?: FileModel): ValueKind {
  if (value.type === 'list') {
    if (value.value.kind !== 'list' || value.value.items.length === 0) return 'empty';
    return value.value.items.every((item) => item.value.kind !== 'unknown') ? 'constant' : 'literal';
  }
  if (value.type === 'list_comprehension') return 'data';
  if (value.type === 'call') {
    const name = value.qualifiedName ?? '';
    if (LIST_CALLS.has(name)) return 'data';
    const method = /\.(\w+)\s*\([^()]*\)\s*$/.exec(value.text)?.[1];
    if (method && LIST_METHODS.has(method)) return 'data';
    if (file && returnsList(file, value)) return 'data';
  }
  if (value.type === 'binary_operator' && /^\[\s*\]\s*\*/.test(value.text)) return 'literal';
  return 'other';
}

function isListAnnotation(annotation: string | undefined): boolean {
  return annotation !== undefined && /^(list|List|typing\.List)\b/.test(annotation.trim());
}

/** Where `name` is assigned: locals of the function, or the module/class when it is global or `self.x`. */
function assignmentsOf(file: FileModel, name: string, functionId: string | undefined): { assignments: AssignmentInfo[]; lifetime: boolean } {
  if (/^(self|cls)\.\w+$/.test(name)) {
    const owner = functionId ? file.functions.get(functionId)?.className : undefined;
    if (!owner) return { assignments: [], lifetime: false };
    const attribute = name.slice(name.indexOf('.') + 1);
    const methods = new Set(file.classes.get(owner)?.methods ?? []);
    const inMethods = file.assignments.filter((a) => !a.augmented && a.target.replace(/^cls\./, 'self.') === `self.${attribute}` && a.functionId !== undefined && methods.has(a.functionId));
    const classLevel = file.classes.get(owner)?.attributes.get(attribute);
    const atClass = classLevel ? [{ span: file.classes.get(owner)!.span, target: attribute, value: classLevel, loopIds: [] } as AssignmentInfo] : [];
    return { assignments: [...atClass, ...inMethods], lifetime: true };
  }
  if (!/^\w+$/.test(name)) return { assignments: [], lifetime: false };
  const local = assignmentsTo(file, name).filter((a) => !a.augmented && a.functionId === functionId && functionId !== undefined);
  const declaredGlobal = functionId !== undefined && declaresGlobal(functionSource(file, functionId), name);
  if (local.length > 0 && !declaredGlobal) return { assignments: local, lifetime: false };
  const module = assignmentsTo(file, name).filter((a) => !a.augmented && a.functionId === undefined);
  return { assignments: module, lifetime: module.length > 0 };
}

function functionSource(file: FileModel, functionId: string): string {
  const fn = file.functions.get(functionId);
  return fn ? file.source.slice(fn.span.line - 1, fn.span.endLine).join('\n') : '';
}

/** Calls that grow `name`: `.append/.extend/.insert`, or `name += [...]`. */
export function growthSites(file: FileModel, name: string, functionId: string | undefined, lifetime: boolean) {
  const inScope = (fnId: string | undefined) => lifetime || fnId === functionId;
  const calls = callsOnReceiver(file, name).filter((c) => /^(append|extend|insert)$/.test(c.method ?? '') && inScope(c.functionId));
  const augmented = assignmentsTo(file, name).filter((a) => a.augmented === '+=' && inScope(a.functionId));
  return { calls, augmented };
}

/** Evidence that `name` (seen from `functionId`) is a list that can hold many items. */
export function listEvidence(file: FileModel, name: string, functionId: string | undefined): ListEvidence | undefined {
  const fn = functionId ? file.functions.get(functionId) : undefined;
  const param = fn?.params.includes(name);
  if (param) {
    const local = assignmentsTo(file, name).filter((a) => a.functionId === functionId && !a.augmented);
    if (isListAnnotation(fn?.paramAnnotations?.[name]) && local.length === 0) return { kind: 'annotated', lifetime: false, origin: `${name}: ${fn!.paramAnnotations![name]}` };
    if (local.length === 0) return undefined;
  }
  const { assignments, lifetime } = assignmentsOf(file, name, functionId);
  if (assignments.length === 0) return undefined;
  const kinds = assignments.map((a) => (isListAnnotation(a.annotation) && classify(a.value, file) === 'other' ? 'data' : classify(a.value, file)));
  if (kinds.includes('other')) return undefined; // reassigned to a set, a dict, a call we do not know: not sure it is a list
  const growth = growthSites(file, name, functionId, lifetime);
  const origin = assignments[0]!.value.text.length > 40 ? `${assignments[0]!.value.text.slice(0, 37)}...` : assignments[0]!.value.text;
  if (/^(self|cls)\./.test(name)) {
    // An attribute filled only while the object is built is data; one that grows in other methods grows for the object's life.
    const isInit = (fnId: string | undefined) => fnId !== undefined && /\.__init__$/.test(fnId);
    const later = growth.calls.some((c) => !isInit(c.functionId)) || growth.augmented.some((a) => !isInit(a.functionId));
    if (later) return { kind: 'grown', lifetime: true, origin };
    if (growth.calls.length > 0 || growth.augmented.length > 0) return { kind: 'data', lifetime: false, origin };
  }
  if (growth.calls.length > 0 || growth.augmented.length > 0) return { kind: 'grown', lifetime, origin };
  if (kinds.includes('data')) return { kind: 'data', lifetime, origin };
  if (assignments.some((a) => isListAnnotation(a.annotation))) return { kind: 'annotated', lifetime, origin };
  return undefined;
}

/** A `global name` statement in `code` (`name` is a pattern; the word test first, since code may be a whole file). */
export function declaresGlobal(code: string, name: string): boolean {
  return code.includes('global') && new RegExp(`^\\s*global\\s+[\\w\\s,]*\\b${name}\\b`, 'm').test(code);
}

/** Code that bounds or empties a container: `.clear()`, `.pop…()`, `.remove()`, `del x[…]`, `x = x[-N:]`, a `len(x) >` check. */
export function trimSite(file: FileModel, name: string): string | undefined {
  const trimming = callsOnReceiver(file, name).find((c) => /^(clear|pop|popitem|popleft|remove|discard|difference_update|intersection_update)$/.test(c.method ?? ''));
  if (trimming) return `${name}.${trimming.method}()`;
  const reassigned = file.assignments.find((a) => a.functionId !== undefined && !a.augmented && (a.target === name || a.target === `${name}[:]`));
  const text = sourceText(file);
  if (reassigned && (/^(self|cls)\./.test(name) ? !/__init__$/.test(reassigned.functionId!) : declaresGlobal(text, name))) return `${name} = ${reassigned.value.text}`;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // (`includes` first: the whole file is scanned for every container.)
  if (text.includes('del') && new RegExp(`\\bdel\\s+${escaped}\\s*\\[`).test(text)) return `del ${name}[...]`;
  if (text.includes('len(') && (new RegExp(`len\\(\\s*${escaped}\\s*\\)\\s*(>|>=|==)`).test(text) || new RegExp(`(<|<=)\\s*len\\(\\s*${escaped}\\s*\\)`).test(text))) return `len(${name})`;
  if (new RegExp(`${escaped}\\s*=\\s*${escaped}\\s*\\[`).test(text)) return `${name}[...]`;
  return undefined;
}

/**
 * `seen[feed]` where `seen[key] = []` somewhere and `seen[key].append(…)` grows it: a dict of lists, each
 * list scanned by `in` and growing with every item.
 */
export function dictOfListsEvidence(file: FileModel, text: string, functionId: string | undefined): ListEvidence | undefined {
  const match = /^([\w.]+)\s*\[.+\]$/.exec(text.trim());
  if (!match) return undefined;
  const base = match[1]!;
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const element = new RegExp(`^${escaped}\\s*\\[.+\\]$`);
  const inScope = (fnId: string | undefined) => /^(self|cls)\./.test(base) || fnId === functionId;
  const made = file.assignments.find((a) => !a.augmented && element.test(a.target) && a.value.type === 'list' && a.value.value.kind === 'list' && a.value.value.items.length === 0 && inScope(a.functionId));
  if (!made) return undefined;
  const grows = file.calls.some((c) => c.receiver !== undefined && element.test(c.receiver) && /^(append|extend|insert)$/.test(c.method ?? '') && inScope(c.functionId));
  if (!grows) return undefined;
  return { kind: 'grown', lifetime: false, origin: `${made.target} = []` };
}
