// Facts the memory, scalability and parallelism rules share: where a non-call fact runs (its context and
// cycle rate), the text of a loop or a function, which file a `.read()` reads, and what blocks.
import { cycleRate } from '../../impact/rate.js';
import type { CycleRate, UnitId } from '../../impact/types.js';
import type { CallSite, Context, Expr, FileModel, FunctionInfo, LoopInfo, ProjectModel, Span } from '../../model/types.js';
import { CONTEXT_RANK } from '../../model/types.js';
import { callsOfFunction } from '../../model/file-index.js';
import { fileOp, isHttpCall, isOpen, isSubprocess, loopById, openMode, positional, keyword } from '../support.js';

// ---------- text

/** Source lines [span.line, span.endLine] joined (whole lines: enough for name scans). */
export function linesOf(file: FileModel, span: Pick<Span, 'line' | 'endLine'>): string {
  return file.source.slice(span.line - 1, span.endLine).join('\n');
}

/** Code without comments and string contents, for identifier scans that must not match prose. */
export function codeOnly(text: string): string {
  return text
    .replace(/("""|''')[\s\S]*?\1/g, '""')
    // f-strings keep their interpolations: f"convert {src}" → ( src )
    .replace(/\b[fF][rR]?(["'])((?:\\.|(?!\1)[^\\\n])*)\1/g, (_m, _q, body: string) => `( ${(body.match(/\{[^{}]*\}/g) ?? []).map((x) => x.slice(1, -1)).join(' ')} )`)
    .replace(/(["'])(?:\\.|(?!\1)[^\\\n])*\1/g, '""')
    .replace(/#[^\n]*/g, '');
}

/** The text of a function (or the whole module when `functionId` is undefined). */
export function functionText(file: FileModel, functionId: string | undefined): string {
  const fn = functionId ? file.functions.get(functionId) : undefined;
  return fn ? linesOf(file, fn.span) : file.source.join('\n');
}

const functionCodes = new WeakMap<FileModel, Map<string | undefined, string>>();

/** `codeOnly` of a function's text (the whole module for `undefined`), once per file and function. */
export function functionCode(file: FileModel, functionId: string | undefined): string {
  // Rules ask for it per assignment or call of the function, and a function has many.
  let codes = functionCodes.get(file);
  if (!codes) functionCodes.set(file, (codes = new Map()));
  let code = codes.get(functionId);
  if (code === undefined) codes.set(functionId, (code = codeOnly(functionText(file, functionId))));
  return code;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Identifiers mentioned in an expression (`os.path.join(INBOX, name)` → os, path, join, INBOX, name). */
export function identifiers(text: string): Set<string> {
  return new Set(codeOnly(text).match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

/** Variable names read by an expression: identifiers not preceded by a dot (`os.path.join(root, path)` → os, root, path). */
export function variables(text: string): Set<string> {
  return new Set(codeOnly(text).match(/(?<![\w.])[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

/** Counts whole-word uses of `name` (a dotted name allowed) in code. */
export function countUses(code: string, name: string): number {
  return (code.match(new RegExp(`(?<![\\w.])${escapeRegExp(name)}(?![\\w])`, 'g')) ?? []).length;
}

export function contains(outer: Span, inner: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

// ---------- where a fact runs

export function functionInfo(file: FileModel, functionId: string | undefined): FunctionInfo | undefined {
  return functionId ? file.functions.get(functionId) : undefined;
}

/** The context of code at (functionId, loopIds), the way the linker decides it for calls. */
export function contextAt(file: FileModel, functionId: string | undefined, loopIds: number[]): Context {
  const loops = loopIds.map((id) => loopById(file, id)).filter((l): l is LoopInfo => l !== undefined);
  const own: Context | undefined = loops.some((l) => l.poll) ? 'poll_loop' : loops.length > 0 ? 'loop' : undefined;
  const inherited = functionInfo(file, functionId)?.context ?? 'startup';
  if (own && CONTEXT_RANK[own] >= CONTEXT_RANK[inherited]) return own;
  return inherited;
}

/** The poll loop pacing code at (functionId, loopIds): its own loop, or the caller's loop its function inherits. */
export function pollAt(file: FileModel, functionId: string | undefined, loopIds: number[]): CallSite['poll'] {
  for (const id of loopIds) {
    const loop = loopById(file, id);
    if (loop?.poll) return { ...loop.poll, loopFile: file.path, loopLine: loop.span.line };
  }
  const fn = functionInfo(file, functionId);
  if (!fn || fn.context !== 'poll_loop') return undefined;
  for (const id of fn.callIds) {
    const call = file.calls[id];
    if (call?.poll && call.loopIds.length === 0) return call.poll;
  }
  return undefined;
}

/** A stand-in call for `cycleRate` when the fact is not a call (an assignment, a `with`, a membership test). */
export function pseudoCall(file: FileModel, functionId: string | undefined, loopIds: number[], span: Span): CallSite {
  const context = contextAt(file, functionId, loopIds);
  return {
    id: -1, span, callee: '', calleeText: '', args: [], functionId, loopIds, inWithItem: false, resultDiscarded: false,
    isLoopIterable: false, context, poll: context === 'poll_loop' ? pollAt(file, functionId, loopIds) : undefined,
  };
}

export function rateAt(file: FileModel, functionId: string | undefined, loopIds: number[], span: Span): CycleRate {
  return cycleRate(pseudoCall(file, functionId, loopIds, span), file);
}

/** Per-agent rate of one pass of `loop` (the loop itself, not its items). */
export function loopPassRate(file: FileModel, loop: LoopInfo, call: CallSite): CycleRate {
  const outer = call.loopIds.slice(call.loopIds.indexOf(loop.id) + 1);
  return cycleRate({ ...call, loopIds: outer, context: outer.length === 0 && call.context === 'loop' ? contextAt(file, call.functionId, []) : call.context }, file);
}

/** A handler reached from a test helper or a server: quiet when the whole file is a test. */
export function isTestFile(file: FileModel): boolean {
  const base = file.path.split('/').pop() ?? file.path;
  return /^test_.*\.py$|_test\.py$|^conftest\.py$/.test(base);
}

// ---------- loops

/** Items of a constant collection a loop walks (`for x in ("a", "b")`, `range(3)`), if it is one. */
export function constantLength(file: FileModel, text: string | undefined): number | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  // items[-20:] / items[:20]: at most 20, whatever the list
  const slice = /\[\s*(?:-\s*(\d+)\s*:\s*|:\s*(\d+)\s*)\]$/.exec(trimmed);
  if (slice) return Number(slice[1] ?? slice[2]);
  const range = /^range\(\s*(?:(-?\d+)\s*,\s*)?(-?\d+|[A-Z_][A-Z0-9_]*)\s*(?:,\s*\d+\s*)?\)$/.exec(trimmed);
  if (range) {
    const stop = /^-?\d+$/.test(range[2]!) ? Number(range[2]) : constantNumber(file, range[2]!);
    if (stop === undefined) return undefined;
    return Math.max(0, stop - Number(range[1] ?? 0));
  }
  if (/^[[(]/.test(trimmed) && !/\bfor\b/.test(trimmed)) {
    const inner = trimmed.slice(1, -1).trim();
    if (inner === '') return 0;
    if (!/^(?:\s*(?:"[^"]*"|'[^']*'|-?[\d.]+|[A-Z_][A-Z0-9_]*|True|False|None)\s*,?)+$/.test(inner)) return undefined;
    return inner.split(',').filter((part) => part.trim() !== '').length;
  }
  const constant = file.constants.get(trimmed);
  if (/^[A-Z_][A-Z0-9_]*$/.test(trimmed) && constant && constant.value.kind === 'list' && (constant.type === 'list' || constant.type === 'tuple')) {
    return constant.value.items.every((item) => item.value.kind !== 'unknown') ? constant.value.items.length : undefined;
  }
  return undefined;
}

function constantNumber(file: FileModel, name: string): number | undefined {
  const value = file.constants.get(name)?.value;
  return value?.kind === 'number' ? value.value : undefined;
}

/** `for i in range(N_WORKERS)` / `range(4)`: a fixed count of iterations, not one per data item. */
export function isFixedCountLoop(file: FileModel, loop: LoopInfo): boolean {
  const text = loop.iterableText?.trim() ?? '';
  if (constantLength(file, text) !== undefined) return true;
  return /^range\(\s*[\w.]+\s*\)$/.test(text) && !/len\(/.test(text) && /(worker|thread|pool|concurren|parallel|jobs|procs|n_?\w*|num_?\w*|count)\b/i.test(text);
}

/** The text of a loop's body (whole lines after the header). */
export function loopBody(file: FileModel, loop: LoopInfo): string {
  return linesOf(file, { line: loop.span.line + (loop.kind === 'comprehension' ? 0 : 1), endLine: loop.span.endLine });
}

/** Names a `for` loop binds (`for url, (up, lat) in items` → url, up, lat). */
export function loopTargets(loop: LoopInfo, file?: FileModel): Set<string> {
  if (loop.targetText) return identifiers(loop.targetText);
  if (loop.kind === 'comprehension' && file) {
    const text = linesOf(file, loop.span);
    const match = /\bfor\s+([\w\s,()]+?)\s+in\b/.exec(text);
    if (match) return identifiers(match[1]!);
  }
  return new Set();
}

// ---------- files: which path a read reads

/** The `open(...)` call a file-object method call reads from: `with open(p) as f: f.read()`, `f = open(p)`, `open(p).read()`. */
export function openCallFor(file: FileModel, call: CallSite): CallSite | undefined {
  const receiver = call.receiver;
  if (!receiver) return undefined;
  if (/^(open|io\.open|codecs\.open)\s*\(/.test(receiver) || /\.open\s*\(/.test(receiver)) {
    return file.calls.find((c) => c.span.start === call.span.start && c !== call && isOpen(c));
  }
  for (const w of file.withs) {
    if (!contains(w.span, call.span)) continue;
    const item = w.items.find((i) => i.alias === receiver && i.callId !== undefined);
    if (item) {
      const opened = file.calls[item.callId!];
      if (opened && isOpen(opened)) return opened;
      if (opened?.callee === 'os.fdopen') return opened;
    }
  }
  const assigned = callsOfFunction(file, call.functionId).filter((c) => c.assignedTo === receiver && isOpen(c) && c.span.start < call.span.start);
  return assigned[assigned.length - 1];
}

/** The path argument of an open-like call. */
export function pathArg(call: CallSite): Expr | undefined {
  return (keyword(call, 'file') ?? positional(call, 0))?.expr;
}

const GROWTH_WORDS = new Set([
  'log', 'logs', 'history', 'hist', 'event', 'events', 'journal', 'audit', 'archive', 'archives', 'messages', 'transcript',
  'transcripts', 'ledger', 'jsonl', 'ndjson', 'chat', 'conversation', 'conversations', 'timeline', 'changelog', 'activity', 'trace', 'traces',
]);

/** Words of a path expression (`HISTORY_PATH`, "~/.openclaw/events.log", `agent_log_file`) that say it only grows. */
export function growthWord(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const words = text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.find((w) => GROWTH_WORDS.has(w));
}

/** How a path expression is identified across the project: a constant's qualified name or its literal text. */
export function pathKey(expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  // The text, not the qualified name: a constant assigned from a call is "typed" by that call in the model.
  // Only names that denote one file everywhere (constants, literals): a parameter `path` is any file.
  if (expr.type === 'identifier' || expr.type === 'attribute') {
    const last = expr.text.split('.').pop() ?? '';
    return /^[A-Z][A-Z0-9_]*$/.test(last) ? last : undefined;
  }
  if (expr.value.kind === 'string') return expr.value.value;
  const words = [...identifiers(expr.text)].filter((w) => !['os', 'path', 'join', 'Path', 'pathlib', 'str', 'expanduser'].includes(w));
  return words.length > 0 && words.every((w) => /^[A-Z][A-Z0-9_]*$/.test(w)) && /["']/.test(expr.text) ? expr.text.replace(/\s+/g, '') : undefined;
}

/** Paths some code of the project opens for appending (keys as `pathKey` gives them). */
export function appendedPaths(project: ProjectModel): Set<string> {
  const cache = appendedCache.get(project);
  if (cache) return cache;
  const keys = new Set<string>();
  for (const file of project.files) {
    for (const call of file.calls) {
      if (!isOpen(call) || !openMode(call).includes('a')) continue;
      const key = pathKey(pathArg(call));
      if (key) keys.add(key);
    }
  }
  appendedCache.set(project, keys);
  return keys;
}
const appendedCache = new WeakMap<ProjectModel, Set<string>>();

/** Why a path's content grows: a name (`history`, `.log`) or an append elsewhere in the project. */
export function growthReason(project: ProjectModel, path: Expr | undefined): { es: string; en: string } | undefined {
  if (!path) return undefined;
  const key = pathKey(path);
  if (key && appendedPaths(project).has(key)) {
    return { es: 'el proyecto también le añade líneas, modo "a"', en: 'the project also appends to it, "a" mode' };
  }
  const constant = path.value.kind === 'string' ? path.value.value : undefined;
  // os.path.join(EVENTS, name) / EVENTS / name: one file of a folder; only the last component names the file.
  const parts = /^(?:os\.path\.join|(?:pathlib\.)?Path)\((.*)\)$/s.exec(path.text.trim())?.[1]?.split(',') ?? (path.type === 'binary_operator' && path.text.includes('/') ? path.text.split('/') : undefined);
  if (parts && parts.length > 1) {
    const last = parts[parts.length - 1]!.trim();
    const word = /^[rbfu]*["']/i.test(last) ? growthWord(last) : undefined;
    return word ? { es: `su nombre ("${word}") indica que crece sin límite`, en: `its name ("${word}") says it grows without bound` } : undefined;
  }
  const word = growthWord(path.text) ?? growthWord(constant);
  if (word) return { es: `su nombre ("${word}") indica que crece sin límite`, en: `its name ("${word}") says it grows without bound` };
  return undefined;
}

// ---------- what blocks

export interface BlockingOp {
  unit: UnitId;
  /** Seconds slept, for `time.sleep`. */
  sleepSeconds?: number;
  what: string;
}

/** A call that blocks the thread on the disk, the network, a child process or the clock. */
export function blockingOp(call: CallSite): BlockingOp | undefined {
  if (isSubprocess(call)) return { unit: 'subprocess', what: call.calleeText };
  const http = isHttpCall(call);
  if (http) return { unit: http === 'session' ? 'http_local_reuse' : 'http_local', what: call.calleeText };
  if (call.callee === 'time.sleep') {
    const value = positional(call, 0)?.expr.value;
    return { unit: 'python_op', sleepSeconds: value?.kind === 'number' ? value.value : undefined, what: call.calleeText };
  }
  if (call.callee === 'socket.create_connection' || (call.method && /^(recv|recv_into|recvfrom|sendall|connect|accept)$/.test(call.method) && /sock|conn|client/i.test(call.receiver ?? ''))) {
    return { unit: 'http_local', what: call.calleeText };
  }
  const op = fileOp(call);
  switch (op) {
    case 'read': return { unit: 'file_read', what: call.calleeText };
    case 'write': case 'append': case 'remove': case 'rename': case 'mkstemp': return { unit: 'file_write', what: call.calleeText };
    case 'listdir': case 'walk': return { unit: 'listdir', what: call.calleeText };
    case 'fsync': return { unit: 'fsync', what: call.calleeText };
    case 'stat': return { unit: 'stat', what: call.calleeText };
    default: break;
  }
  if (call.callee === 'fcntl.flock' || call.callee === 'fcntl.lockf') return { unit: 'file_write', what: call.calleeText };
  return undefined;
}

const methodIndex = new WeakMap<ProjectModel, Map<string, { file: FileModel; fn: FunctionInfo }[]>>();

/** Methods defined by exactly one project class, for `peer.ask(q)` when `peer` has no tracked type. */
export function uniqueMethod(project: ProjectModel, call: CallSite, file?: FileModel): { file: FileModel; fn: FunctionInfo } | undefined {
  if (!call.method || !call.receiver || !/^[a-z_]\w*$/.test(call.receiver) || call.receiver === 'self') return undefined;
  if (file?.imports.has(call.receiver) || call.callee !== call.calleeText) return undefined; // a module, or a typed object
  let byName = methodIndex.get(project);
  if (!byName) {
    byName = new Map();
    for (const entry of project.functionsById.values()) {
      if (!entry.fn.className) continue;
      if (!byName.has(entry.fn.name)) byName.set(entry.fn.name, []);
      byName.get(entry.fn.name)!.push(entry);
    }
    methodIndex.set(project, byName);
  }
  const matches = byName.get(call.method) ?? [];
  if (matches.length !== 1) return undefined;
  const match = matches[0]!;
  // The variable must name the class (`peer` → `PeerClient`, `store` → `KVStore`), not just share a method name.
  const receiverWord = call.receiver.replace(/_/g, '').toLowerCase();
  const classWord = (match.fn.className ?? '').split('.').pop()!.toLowerCase();
  if (!(receiverWord.length >= 3 && (classWord.includes(receiverWord) || receiverWord.includes(classWord)))) return undefined;
  return match;
}

/** Blocking operations a project function performs, directly or through its callees (depth-limited). */
const blockingCache = new WeakMap<ProjectModel, Map<string, { file: FileModel; call: CallSite; op: BlockingOp }[]>>();

export function blockingInFunction(project: ProjectModel, start: { file: FileModel; fn: FunctionInfo }, depth = 4): { file: FileModel; call: CallSite; op: BlockingOp }[] {
  let cache = blockingCache.get(project);
  if (!cache) blockingCache.set(project, (cache = new Map()));
  const key = `${start.fn.id}|${depth}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const computed = computeBlocking(project, start, depth);
  cache.set(key, computed);
  return computed;
}

function computeBlocking(project: ProjectModel, start: { file: FileModel; fn: FunctionInfo }, depth: number): { file: FileModel; call: CallSite; op: BlockingOp }[] {
  const result: { file: FileModel; call: CallSite; op: BlockingOp }[] = [];
  const seen = new Set<string>();
  const visit = (entry: { file: FileModel; fn: FunctionInfo }, level: number) => {
    if (seen.has(entry.fn.id) || level > depth) return;
    seen.add(entry.fn.id);
    for (const id of entry.fn.callIds) {
      const call = entry.file.calls[id];
      if (!call) continue;
      const op = blockingOp(call);
      if (op) result.push({ file: entry.file, call, op });
    }
    for (const calleeId of entry.fn.callees) {
      const next = project.functionsById.get(calleeId);
      if (next) visit(next, level + 1);
    }
  };
  visit(start, 0);
  return result;
}

/** Reference latency of a unit in ms (the midpoint of the seed's range), for queueing estimates. */
export const UNIT_MID_MS: Partial<Record<UnitId, number>> = {
  file_read: 0.3, file_write: 0.15, file_write_fsync: 3, fsync: 3, listdir: 0.75, stat: 0.006, subprocess: 27,
  shell: 3, http_local: 3, http_local_reuse: 0.75, http_external: 275, json_1kb: 0.01, thread_create: 0.75, fork: 7.5,
};

/** A short name for a path expression in sentences: `LOG_PATH`, `events.log`, `history_file`. */
export function nameOfPath(path: Expr | undefined): string {
  if (!path) return 'the file';
  if (path.value.kind === 'string') return path.value.value.split('/').pop() || path.value.value;
  if (path.type === 'identifier' || path.type === 'attribute') return path.text;
  const literal = /["']([^"']+)["']/.exec(path.text)?.[1];
  const identifiersFound = [...identifiers(path.text)].filter((w) => !['os', 'path', 'join', 'Path', 'pathlib', 'self', 'str', 'f', 'expanduser'].includes(w));
  return identifiersFound.find((w) => /^[A-Z_]+$/.test(w)) ?? literal ?? identifiersFound[0] ?? path.text;
}

/** `def update_state(agent, **fields):`-like header for examples (parameter names only). */
export function functionHeader(file: FileModel, functionId: string | undefined, fallback = 'handle'): string {
  const fn = functionInfo(file, functionId);
  if (!fn) return `def ${fallback}():`;
  const line = file.source[fn.span.line - 1] ?? '';
  const params = /\bdef\s+\w+\s*\(([^)]*)\)/.exec(line)?.[1];
  // The parameter list as written when it fits on the header line, else the bare names.
  return `def ${fn.name}(${params !== undefined && !params.includes('\n') ? params.trim() : fn.params.join(', ')}):`;
}

/** The header of a loop as written (`for path in paths:` / `while retry:`), for examples. */
export function loopHeader(loop: LoopInfo | undefined): string {
  if (!loop) return 'for item in items:';
  if (loop.kind === 'while') return `while ${loop.conditionText ?? 'True'}:`;
  if (loop.targetText && loop.iterableText) return `for ${loop.targetText} in ${loop.iterableText}:`;
  return 'for item in items:';
}
