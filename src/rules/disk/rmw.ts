// Read-modify-write of a whole JSON file inside one function (DK402), found once per project:
// the read may sit in a helper (`_load()` of DATA_FILE) and the write in the caller, or both in helpers.
import type { CallSite, FileModel, FunctionInfo, ProjectModel } from '../../model/types.js';
import { groupBy } from '../../model/file-index.js';
import { argument } from '../support.js';
import { calledFunction, fileAccesses, helperIo, localText, pathKey, type FileAccess, type HelperIo } from './files.js';

export interface ReadModifyWrite {
  /** The function that reads, changes and writes. */
  fn: FunctionInfo;
  fnFile: FileModel;
  /** Where the read happens (json.load line), possibly in a helper's file. */
  readFile: FileModel;
  readCall: CallSite;
  /** The write, in `fn` (the call site of a helper, or the open/write_text itself). */
  writeCall: CallSite;
  pathText: string;
  /** The loaded value's variable (`items`, `state`), for the proposal. */
  variable?: string;
  /** The loaded value is appended to (a history list): JSON lines fit. */
  appendOnly: boolean;
  /** The write goes through a helper that is atomic (temp + os.replace). */
  atomicWrite: boolean;
}

interface Op {
  kind: 'read' | 'write';
  key: string;
  json: boolean;
  start: number;
  reportFile: FileModel;
  reportCall: CallSite;
  siteCall: CallSite;
  pathText: string;
  atomic: boolean;
}

const memo = new WeakMap<ProjectModel, ReadModifyWrite[]>();

function argKey(file: FileModel, site: CallSite, param: number, paramName: string | undefined): { key: string; text: string } | undefined {
  const arg = paramName ? argument(site, param, paramName) : site.args.filter((a) => !a.name)[param];
  if (!arg) return undefined;
  const text = localText(file, site, arg.expr.text) ?? arg.expr.text;
  return { key: pathKey(text), text: arg.expr.text };
}

function opsOf(project: ProjectModel, file: FileModel, fn: FunctionInfo, accesses: readonly FileAccess[], io: Map<string, HelperIo[]>): Op[] {
  const ops: Op[] = [];
  for (const a of accesses) {
    if (a.kind === 'append') continue;
    ops.push({
      kind: a.kind as 'read' | 'write', key: a.key, json: a.json, start: a.call.span.start, reportFile: file,
      reportCall: a.loadCall ?? a.call, siteCall: a.call, pathText: a.pathText, atomic: false,
    });
  }
  // A call of `fn` reaches one of `fn`'s callees (`calledFunction`): when none of them loads or saves, none does.
  const callsHelpers = [...fn.callees].some((id) => io.has(id));
  for (const id of fn.callIds) {
    const site = file.calls[id]!;
    if (!callsHelpers && site.functionId === fn.id) continue;
    const target = calledFunction(project, file, site);
    if (!target || target === fn.id) continue;
    const helper = project.functionsById.get(target);
    for (const h of io.get(target) ?? []) {
      let key = h.key;
      let text = h.access.pathText;
      if (key === undefined && h.param !== undefined) {
        const params = helper?.fn.params.filter((p) => p !== 'self' && p !== 'cls') ?? [];
        const found = argKey(file, site, h.param, params[h.param]);
        if (!found) continue;
        key = found.key;
        text = found.text;
      }
      if (key === undefined) continue;
      // A constant path read in the helper is reported there (the helper is the read); a parameter path at the call.
      const inHelper = h.kind === 'read' && h.key !== undefined;
      ops.push({
        kind: h.kind, key, json: h.json, start: site.span.start,
        reportFile: inHelper ? h.file : file, reportCall: inHelper ? h.access.loadCall ?? h.access.call : site, siteCall: site,
        pathText: text, atomic: h.atomic,
      });
    }
  }
  return ops.sort((a, b) => a.start - b.start);
}

/** Every read-modify-write of a JSON file in the project. */
export function readModifyWrites(project: ProjectModel): ReadModifyWrite[] {
  const cached = memo.get(project);
  if (cached) return cached;
  const result: ReadModifyWrite[] = [];
  const io = helperIo(project);
  for (const file of project.files) {
    const accessesByFunction = groupBy(fileAccesses(file), (access) => [access.call.functionId]);
    for (const fn of file.functions.values()) {
      const ops = opsOf(project, file, fn, accessesByFunction.get(fn.id) ?? [], io);
      for (const read of ops) {
        if (read.kind !== 'read' || !read.json) continue;
        // Read and write must repeat together: a checkpoint loaded once before the loop and saved inside it is not a RMW.
        const write = ops.find((w) => w.kind === 'write' && w.key === read.key && w.start > read.start && w.siteCall.loopIds[0] === read.siteCall.loopIds[0]);
        if (!write) continue;
        const variable = read.siteCall.assignedTo ?? (read.reportCall.assignedTo && /^\w+$/.test(read.reportCall.assignedTo) ? read.reportCall.assignedTo : undefined);
        const body = file.source.slice(fn.span.line - 1, fn.span.endLine).join('\n');
        const appendOnly = !!variable && new RegExp(`\\b${variable}\\.(append|extend)\\(`).test(body);
        result.push({
          fn, fnFile: file, readFile: read.reportFile, readCall: read.reportCall, writeCall: write.siteCall, pathText: read.pathText,
          variable, appendOnly, atomicWrite: write.atomic,
        });
        break;
      }
    }
  }
  memo.set(project, result);
  return result;
}
