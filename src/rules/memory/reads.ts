// Whole-file reads and what file they read: shared by ME601 (unbounded read of a growing file),
// ME602 (json.load of an ever-growing history) and ME605 (readlines where iterating the file serves).
import type { CallSite, Context, Expr, FileModel, ProjectModel } from '../../model/types.js';
import type { L10n, Severity } from '../types.js';
import { contains, functionInfo, growthReason, openCallFor, pathArg } from './helpers.js';
import { calleeFunction } from '../../model/calls.js';
import { definedAnswersIn, memoPerFileCall } from '../../model/memo.js';
import { fileOp, isOpen, positional } from '../support.js';
import { assignmentsTo, callsOfFunction } from '../../model/file-index.js';

export interface WholeRead {
  call: CallSite;
  /** `read`, `readlines`, `read_text`, `read_bytes`. */
  kind: string;
  /** The path expression read, when it can be traced to an `open(...)` or a `Path(...)`. */
  path?: Expr;
  /** The `open(...)` call, when there is one. */
  open?: CallSite;
}

/** A call that reads a whole file into memory: `f.read()`, `f.readlines()`, `Path(p).read_text()`. */
export const wholeRead = memoPerFileCall(wholeReadOf);

/** Every whole read of a file, in call order. */
export const wholeReadsIn = definedAnswersIn((_project, file, call) => wholeRead(file, call));

function wholeReadOf(file: FileModel, call: CallSite): WholeRead | undefined {
  if (call.method === 'read' || call.method === 'readlines') {
    const size = positional(call, 0)?.expr;
    if (size && !(size.value.kind === 'number' && size.value.value < 0) && size.value.kind !== 'none') return undefined;
    const open = openCallFor(file, call);
    if (!open) return undefined;
    if (/[wa]/.test(modeOf(open)) && !modeOf(open).includes('+')) return undefined;
    return { call, kind: call.method, path: open.callee === 'os.fdopen' ? undefined : pathArg(open), open };
  }
  if ((call.method === 'read_text' || call.method === 'read_bytes') && fileOp(call) === 'read') {
    const receiver = call.receiver ?? '';
    const inner = /^(?:pathlib\.)?Path\((.*)\)$/s.exec(receiver)?.[1];
    const text = inner ?? receiver;
    return { call, kind: call.method, path: { text, type: inner ? 'call' : 'identifier', value: { kind: 'unknown' }, qualifiedName: inner ? undefined : receiver } };
  }
  return undefined;
}

function modeOf(open: CallSite): string {
  const mode = open.args.find((a) => a.name === 'mode') ?? open.args.filter((a) => !a.name)[1];
  return mode?.expr.value.kind === 'string' ? mode.expr.value.value : 'r';
}

/** The `open(...)` that a `json.load(fh)` reads from. */
export function openForJsonLoad(file: FileModel, call: CallSite): CallSite | undefined {
  const arg = positional(call, 0)?.expr;
  if (!arg) return undefined;
  const inline = file.calls.find((c) => c !== call && isOpen(c) && contains(call.span, c.span));
  if (inline) return inline;
  if (arg.type !== 'identifier') return undefined;
  return openCallFor(file, { ...call, receiver: arg.text });
}

export interface Growth {
  reason: L10n;
  /** The file is rewritten with the loaded list plus one more entry, in the same function. */
  appendedAndRewritten: boolean;
}

/** Why the file grows, if it does: its name, an append elsewhere, or (for JSON) a load-append-dump cycle. */
export function fileGrowth(project: ProjectModel, file: FileModel, path: Expr | undefined, loaded?: string, functionId?: string): Growth | undefined {
  if (loaded && /^\w+$/.test(loaded)) {
    const sameFunction = callsOfFunction(file, functionId);
    // `loaded.append(x)`, or a dict of lists: `loaded[key].append(x)`, `loaded.setdefault(key, []).append(x)`.
    const element = new RegExp(`^${loaded}(\\s*\\[.+\\]|\\.setdefault\\(.*\\))$`);
    const grows = sameFunction.some((c) => c.receiver !== undefined && (c.receiver === loaded || element.test(c.receiver)) && /^(append|extend|insert)$/.test(c.method ?? '')) ||
      assignmentsTo(file, loaded).some((a) => a.functionId === functionId && a.augmented === '+=');
    const dumped = sameFunction.some((c) => c.callee === 'json.dump' && positional(c, 0)?.expr.text === loaded);
    if (grows && dumped) {
      return {
        reason: { es: `cada llamada añade una entrada a ${loaded} y reescribe el fichero entero`, en: `every call appends one entry to ${loaded} and rewrites the whole file` },
        appendedAndRewritten: true,
      };
    }
  }
  const reason = growthReason(project, path);
  if (reason) return { reason, appendedAndRewritten: false };
  // `def tail(path): open(path).read()`: what the callers pass decides.
  for (const passed of argumentsPassed(project, file, functionId, path)) {
    const viaCaller = growthReason(project, passed.expr) ?? (passed.value ? growthReason(project, passed.value) : undefined);
    if (viaCaller) {
      return {
        reason: { es: `${viaCaller.es} (${passed.expr.text}, desde ${passed.caller})`, en: `${viaCaller.en} (${passed.expr.text}, from ${passed.caller})` },
        appendedAndRewritten: false,
      };
    }
  }
  return undefined;
}

/** What the callers of `functionId` pass for the parameter `param` (and what that name was assigned, one level). */
export function argumentsPassed(project: ProjectModel, file: FileModel, functionId: string | undefined, param: Expr | undefined): { expr: Expr; value?: Expr; caller: string }[] {
  const fn = functionInfo(file, functionId);
  if (!fn || !param || param.type !== 'identifier') return [];
  const params = fn.params.filter((p) => p !== 'self' && p !== 'cls');
  const index = params.indexOf(param.text);
  if (index < 0) return [];
  const result: { expr: Expr; value?: Expr; caller: string }[] = [];
  for (const { file: other, call: site } of callSitesOf(project, fn.id)) {
    {
      const arg = site.args.find((a) => a.name === param.text) ?? site.args.filter((a) => !a.name)[index];
      if (!arg) continue;
      const assigned = arg.expr.type === 'identifier'
        ? assignmentsTo(other, arg.expr.text).filter((a) => a.functionId === site.functionId && !a.augmented).pop()?.value
        : undefined;
      result.push({ expr: arg.expr, value: assigned, caller: functionInfo(other, site.functionId)?.name ?? other.module });
    }
  }
  return result;
}

const callSites = new WeakMap<ProjectModel, Map<string, { file: FileModel; call: CallSite }[]>>();

/** Every call site of the project resolved to a function id (built once per project). */
export function callSitesOf(project: ProjectModel, functionId: string): { file: FileModel; call: CallSite }[] {
  let index = callSites.get(project);
  if (!index) {
    index = new Map();
    for (const file of project.files) {
      for (const call of file.calls) {
        const target = calleeFunction(project, file, call)?.fn.id;
        if (!target) continue;
        if (!index.has(target)) index.set(target, []);
        index.get(target)!.push({ file, call });
      }
    }
    callSites.set(project, index);
  }
  return index.get(functionId) ?? [];
}

/** Words that say a file is big by nature (archives, dumps, images), for whole reads fed to a hash. */
const BIG_FILE = /(archive|backup|tar|tgz|gz|zip|xz|bz2|dump|image|img|iso|video|mp4|blob|artifact|bundle|snapshot|sqlite|db|weights|model|bin)\b/i;

export function bigFileHint(project: ProjectModel, file: FileModel, functionId: string | undefined, path: Expr | undefined): string | undefined {
  const texts = [path?.text ?? '', ...(path?.value.kind === 'string' ? [path.value.value] : [])];
  for (const passed of argumentsPassed(project, file, functionId, path)) texts.push(passed.expr.text, passed.value?.text ?? '');
  for (const text of texts) {
    const word = BIG_FILE.exec(text.replace(/[_.\-/]/g, ' '))?.[1];
    if (word) return word;
  }
  return undefined;
}

/** A loop of a one-off script (its function runs at start-up) is not a hot path: one step milder. */
export function oneOff(file: FileModel, call: { functionId?: string }, context: Context): boolean {
  return context === 'loop' && (functionInfo(file, call.functionId)?.context ?? 'startup') === 'startup';
}

export function milderIf(condition: boolean, severity: Severity): Severity {
  if (!condition) return severity;
  return severity === 'critical' ? 'important' : 'minor';
}
