// File accesses as the disk rules need them: which path a call reads or writes (through `open`,
// a handle bound by `with open(...) as fh`, or pathlib's read_text/write_text), whether the content is
// JSON, and which project functions load or save a file for their callers (`state = load(); save(state)`).
import type { CallSite, FileModel, ProjectModel } from '../../model/types.js';
import { assignmentsTo, callsOfFunction, withItemOf } from '../../model/file-index.js';
import { argument, isOpen, openMode, positional } from '../support.js';

export interface FileAccess {
  /** The call that names the file: `open(...)`, `p.read_text()`, `p.write_text(...)`. */
  call: CallSite;
  /** Where a read-modify-write is reported: the `json.load`/`json.loads` call (else the access itself). */
  loadCall?: CallSite;
  kind: 'read' | 'write' | 'append';
  /** The path expression as written (`STATE_PATH`, `self.spool / "stats.json"`). */
  pathText: string;
  /** The path with one level of local variables resolved (`path` → `agent_dir(agent, "results", …)`). */
  resolvedText: string;
  /** Comparable form of the path. */
  key: string;
  /** The content goes through json.load(s)/json.dump(s). */
  json: boolean;
  /** The handle name (`fh`), when bound. */
  handle?: string;
  /** For JSON writes: the object dumped (`state` of `json.dump(state, fh)`). */
  dumped?: string;
}

const READ_METHODS = new Set(['read_text', 'read_bytes']);
const WRITE_METHODS = new Set(['write_text', 'write_bytes']);
const JSON_LOADS = new Set(['json.load', 'json.loads', 'simplejson.load', 'simplejson.loads', 'orjson.loads', 'ujson.load', 'ujson.loads']);
const JSON_DUMPS = new Set(['json.dump', 'json.dumps', 'simplejson.dump', 'simplejson.dumps', 'orjson.dumps', 'ujson.dump', 'ujson.dumps']);

export function isJsonLoad(call: CallSite): boolean {
  return JSON_LOADS.has(call.callee);
}

export function isJsonDump(call: CallSite): boolean {
  return JSON_DUMPS.has(call.callee);
}

function inside(inner: CallSite, outer: CallSite): boolean {
  return inner.span.start >= outer.span.start && inner.span.end <= outer.span.end && inner !== outer;
}

/** The earlier assignment of a local name in the same function, as text (`path = self.spool / "x"`). */
export function localText(file: FileModel, call: CallSite, name: string): string | undefined {
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  let best: { start: number; text: string } | undefined;
  for (const a of assignmentsTo(file, name)) {
    if (a.functionId !== call.functionId || a.augmented || a.span.start >= call.span.start) continue;
    if (!best || a.span.start > best.start) best = { start: a.span.start, text: a.value.text };
  }
  return best?.text;
}

export function pathKey(text: string): string {
  return text.replace(/\s+/g, '').replace(/^\((.*)\)$/, '$1').replace(/'/g, '"');
}

/** Every file access of a file model, with its JSON-ness and the handle it binds. */
export function fileAccesses(file: FileModel): FileAccess[] {
  const cached = cache.get(file);
  if (cached) return cached;
  const result: FileAccess[] = [];
  for (const call of file.calls) {
    let kind: FileAccess['kind'] | undefined;
    let pathText: string | undefined;
    if (isOpen(call) && call.callee !== 'pathlib.Path.open' && !(call.method === 'open' && call.receiver)) {
      const mode = openMode(call);
      kind = mode.includes('a') ? 'append' : /[wx+]/.test(mode) ? 'write' : 'read';
      if (/x/.test(mode) || mode.includes('r+')) continue; // exclusive create (locks) and in-place updates: not our patterns
      pathText = positional(call, 0)?.expr.text ?? argument(call, 0, 'file')?.expr.text;
    } else if (call.method === 'open' && call.receiver) {
      const modeArg = argument(call, 0, 'mode');
      const mode = modeArg ? (modeArg.expr.value.kind === 'string' ? modeArg.expr.value.value : '?') : 'r';
      if (!/path|Path|file|dir|\//.test(call.receiver)) continue;
      kind = mode.includes('a') ? 'append' : /[wx+]/.test(mode) ? 'write' : 'read';
      pathText = call.receiver;
    } else if (call.method && call.receiver && (READ_METHODS.has(call.method) || WRITE_METHODS.has(call.method))) {
      kind = READ_METHODS.has(call.method) ? 'read' : 'write';
      pathText = call.receiver;
    }
    if (!kind || !pathText) continue;
    const withItem = withItemOf(file, call.id)?.item;
    const handle = withItem?.alias ?? (call.assignedTo && /^\w+$/.test(call.assignedTo) ? call.assignedTo : undefined);
    const resolvedText = localText(file, call, pathText.replace(/^\((.*)\)$/, '$1')) ?? pathText;
    const access: FileAccess = { call, kind, pathText, resolvedText, key: pathKey(resolvedText), json: false, handle };
    const siblings = callsOfFunction(file, call.functionId);
    if (kind === 'read') {
      // json.load(open(p)) / json.loads(p.read_text()) / json.load(fh) / json.loads(fh.read())
      const wrapping = siblings.find((c) => isJsonLoad(c) && inside(call, c));
      const viaHandle = handle
        ? siblings.find((c) => isJsonLoad(c) && c.span.start > call.span.start && new RegExp(`^${handle}(\\.read\\(\\))?$`).test(c.args[0]?.expr.text ?? ''))
        : undefined;
      const load = wrapping ?? viaHandle;
      if (load) {
        access.json = true;
        access.loadCall = load;
      }
    } else {
      const dump = siblings.find((c) =>
        (isJsonDump(c) && (inside(call, c) || (handle !== undefined && c.args[1]?.expr.text === handle && c.span.start > call.span.start))) ||
        (isJsonDump(c) && inside(c, call)) ||
        (handle !== undefined && c.receiver === handle && c.method === 'write' && /\bjson\.dumps\(/.test(c.args[0]?.expr.text ?? '')));
      if (dump) {
        access.json = true;
        const arg = dump.callee.endsWith('dumps') || dump.callee.endsWith('dump') ? dump.args[0]?.expr.text : undefined;
        access.dumped = dump.method === 'write' ? /json\.dumps\(([^,)]+)/.exec(dump.args[0]?.expr.text ?? '')?.[1] : arg;
      }
    }
    result.push(access);
  }
  cache.set(file, result);
  return result;
}

const cache = new WeakMap<FileModel, FileAccess[]>();

/** Where a function reads or writes a file for its caller: a constant path, or the path it gets as parameter `index`. */
export interface HelperIo {
  fnId: string;
  file: FileModel;
  kind: 'read' | 'write';
  json: boolean;
  /** A path known without the caller (`DATA_FILE`, `self.path`). */
  key?: string;
  /** Or the parameter that carries it. */
  param?: number;
  access: FileAccess;
  /** The write goes through a temp file and os.replace: atomic. */
  atomic: boolean;
}

const helperCache = new WeakMap<ProjectModel, Map<string, HelperIo[]>>();

/** Calls that publish a finished file under its final name at once; `os.link` does it and refuses to overwrite. */
const RENAMES = new Set(['os.replace', 'os.rename', 'os.link', 'shutil.move', 'pathlib.Path.replace', 'pathlib.Path.rename', 'pathlib.Path.hardlink_to']);

function isRename(call: CallSite): boolean {
  return RENAMES.has(call.callee) || ((call.method === 'replace' || call.method === 'rename') && !!call.receiver && call.args.length === 1);
}

/** Per file, the first rename of each function (module level: `undefined`), in source order. */
const firstRenames = new WeakMap<FileModel, Map<string | undefined, CallSite>>();

/** The function renames a file into place (temp file + os.replace): its writes are atomic. */
export function renamesInto(file: FileModel, functionId: string | undefined): CallSite | undefined {
  // Asked for every function of the project: one pass over the file answers them all.
  let renames = firstRenames.get(file);
  if (!renames) {
    renames = new Map();
    for (const call of file.calls) if (!renames.has(call.functionId) && isRename(call)) renames.set(call.functionId, call);
    firstRenames.set(file, renames);
  }
  return renames.get(functionId);
}

/** What each project function loads and saves for its callers. */
export function helperIo(project: ProjectModel): Map<string, HelperIo[]> {
  let map = helperCache.get(project);
  if (map) return map;
  map = new Map();
  for (const file of project.files) {
    for (const access of fileAccesses(file)) {
      const fnId = access.call.functionId;
      if (!fnId || access.kind === 'append') continue;
      const fn = file.functions.get(fnId);
      if (!fn) continue;
      const atomic = access.kind === 'write' && !!renamesInto(file, fnId);
      let param = fn.params.indexOf(access.resolvedText);
      if (param >= 0 && fn.params[0] === 'self') param -= 1;
      const io: HelperIo = { fnId, file, kind: access.kind, json: access.json, access, atomic };
      if (param >= 0) io.param = param;
      else if (/^[A-Z_][A-Z0-9_]*$/.test(access.key) || /^self\.\w+$/.test(access.key) || /^["']/.test(access.key)) io.key = access.key;
      else if (atomic) {
        // write_json_atomic(path, data): the temp name differs from the target; the target is os.replace's second argument.
        const target = renamesInto(file, fnId)!.args[1]?.expr.text;
        const p = target ? fn.params.indexOf(target) : -1;
        if (p >= 0) io.param = fn.params[0] === 'self' ? p - 1 : p;
        else if (target && /^[A-Z_][A-Z0-9_]*$|^self\.\w+$/.test(target)) io.key = pathKey(target);
      }
      if (io.key === undefined && io.param === undefined) continue;
      map.set(fnId, [...(map.get(fnId) ?? []), io]);
    }
  }
  // Atomic writers that never call open() on the target: `fd, tmp = mkstemp(); …; os.replace(tmp, path)`.
  for (const file of project.files) {
    for (const fn of file.functions.values()) {
      if ((map.get(fn.id) ?? []).some((io) => io.kind === 'write')) continue;
      const rename = renamesInto(file, fn.id);
      const target = rename?.args[1]?.expr.text;
      if (!rename || !target) continue;
      const params = fn.params.filter((p) => p !== 'self' && p !== 'cls');
      const io: HelperIo = {
        fnId: fn.id, file, kind: 'write', json: callsOfFunction(file, fn.id).some(isJsonDump), atomic: true,
        access: { call: rename, kind: 'write', pathText: target, resolvedText: target, key: pathKey(target), json: false },
      };
      if (params.includes(target)) io.param = params.indexOf(target);
      else if (/^[A-Z_][A-Z0-9_]*$|^self\.\w+$/.test(target)) io.key = pathKey(target);
      else continue;
      map.set(fn.id, [...(map.get(fn.id) ?? []), io]);
    }
  }
  helperCache.set(project, map);
  return map;
}

/** The project function a call reaches, among its enclosing function's callees (matched by name). */
export function calledFunction(project: ProjectModel, file: FileModel, call: CallSite): string | undefined {
  const name = call.callee.slice(call.callee.lastIndexOf('.') + 1);
  const owner = call.functionId ? file.functions.get(call.functionId) : undefined;
  const candidates = owner ? [...owner.callees] : [...project.functionsById.keys()].filter((id) => id.startsWith(`${file.module}:`));
  return candidates.find((id) => project.functionsById.get(id)?.fn.name === name);
}

/** Paths under /proc, /sys and /dev change on every read: there is nothing to cache or batch. */
export function isVirtualFile(text: string): boolean {
  return /["'](\/proc|\/sys|\/dev)\b/.test(text);
}
