// What a server construction builds: which stdlib server class it ends in (through the project's own
// subclasses), whether requests run concurrently, the listen backlog, and what its handlers block on.
import type { CallSite, ClassInfo, Expr, FileModel, FunctionInfo, ProjectModel } from '../../model/types.js';
import { blockingInFunction, isTestFile, UNIT_MID_MS, type BlockingOp } from '../memory/helpers.js';
import { classInfo, resolveClass, type ClassEntry } from '../../model/calls.js';
import { definedAnswersIn, memoPerCall, type CallAnswer } from '../../model/memo.js';
import { keyword, positional } from '../support.js';
import { sourceText } from '../../model/file-index.js';

/** Stdlib servers that handle one request at a time. */
const SINGLE_THREADED = new Set([
  'http.server.HTTPServer', 'BaseHTTPServer.HTTPServer', 'socketserver.TCPServer', 'SocketServer.TCPServer',
  'socketserver.UnixStreamServer', 'SocketServer.UnixStreamServer', 'wsgiref.simple_server.WSGIServer',
  'xmlrpc.server.SimpleXMLRPCServer', 'SimpleXMLRPCServer.SimpleXMLRPCServer', 'xmlrpc.server.DocXMLRPCServer',
  'DocXMLRPCServer.DocXMLRPCServer',
]);
/** Stdlib servers and mix-ins that run each request in its own thread or process. */
const CONCURRENT = new Set([
  'http.server.ThreadingHTTPServer', 'socketserver.ThreadingTCPServer', 'socketserver.ForkingTCPServer',
  'socketserver.ThreadingUnixStreamServer', 'socketserver.ForkingUnixStreamServer', 'socketserver.ThreadingMixIn',
  'socketserver.ForkingMixIn', 'SocketServer.ThreadingMixIn', 'SocketServer.ForkingMixIn', 'SocketServer.ThreadingTCPServer',
  'SocketServer.ForkingTCPServer',
]);
const MAKE_SERVER = new Set(['wsgiref.simple_server.make_server']);
/** bottle's `run()`: with no `server=` (or `server="wsgiref"`) it serves on wsgiref's single-threaded WSGIServer. */
const BOTTLE_RUN = new Set(['bottle.run', 'bottle.Bottle.run']);

export interface ServerConstruction {
  call: CallSite;
  /** The stdlib class the construction ends in (`http.server.HTTPServer`). */
  stdlibClass: string;
  /** The class as the user wrote it (`HTTPServer`, `StatusServer`). */
  classText: string;
  threaded: boolean;
  /** The project class constructed, when it is one. */
  projectClass?: { file: FileModel; cls: ClassInfo };
  /** `request_queue_size` set in the class chain or assigned anywhere in the file. */
  backlog?: number;
  /** The class overrides `server_activate` (and calls listen itself). */
  customActivate: boolean;
  handler?: Expr;
  /** Bound to port 0 or built in a test module: a test or ephemeral server. */
  ephemeral: boolean;
  /** Started by bottle's `run()` rather than constructed directly. */
  bottle?: boolean;
}

export function projectClass(project: ProjectModel, file: FileModel, dotted: string): ClassEntry | undefined {
  const resolved = resolveClass(project, file, dotted);
  return resolved === undefined ? undefined : classInfo(project, resolved);
}

interface Walk { stdlib?: string; threaded: boolean; backlog?: number; customActivate: boolean; unknownBase: boolean }

function walkClass(project: ProjectModel, entry: ClassEntry, walk: Walk, depth: number): void {
  if (depth > 6) return;
  const size = entry.cls.attributes.get('request_queue_size')?.value;
  if (walk.backlog === undefined && size?.kind === 'number') walk.backlog = size.value;
  const methodNames = entry.cls.methods.map((id) => id.slice(id.lastIndexOf('.') + 1));
  if (methodNames.includes('process_request')) walk.threaded = true; // its own concurrency
  if (methodNames.includes('server_activate')) walk.customActivate = true;
  for (const base of entry.cls.bases) {
    if (CONCURRENT.has(base) || /(ThreadingMixIn|ForkingMixIn)$/.test(base)) {
      walk.threaded = true;
      if (!walk.stdlib && !/MixIn$/.test(base)) walk.stdlib = base;
      continue;
    }
    if (SINGLE_THREADED.has(base)) {
      walk.stdlib ??= base;
      continue;
    }
    const parent = projectClass(project, entry.file, base);
    if (parent) walkClass(project, parent, walk, depth + 1);
    else if (base !== 'object') walk.unknownBase = true;
  }
}

/** What a project class's chain of bases says (`walkClass` from the class), once per class. */
function classWalk(project: ProjectModel, entry: ClassEntry): Walk {
  let walks = walksCache.get(project);
  if (!walks) walksCache.set(project, (walks = new WeakMap()));
  let walk = walks.get(entry.cls);
  if (!walk) {
    walk = { threaded: false, customActivate: false, unknownBase: false };
    walkClass(project, entry, walk, 0);
    walks.set(entry.cls, walk);
  }
  return walk;
}

const walksCache = new WeakMap<ProjectModel, WeakMap<ClassInfo, Walk>>();

function assignedBacklog(file: FileModel): number | undefined {
  const sizes = file.assignments
    .filter((a) => /\.request_queue_size$/.test(a.target) && a.value.value.kind === 'number')
    .map((a) => (a.value.value as { value: number }).value);
  return sizes.length ? Math.max(...sizes) : undefined;
}

function isEphemeral(file: FileModel, call: CallSite): boolean {
  if (isTestFile(file)) return true;
  const address = (positional(call, 0) ?? keyword(call, 'server_address'))?.expr;
  if (address?.value.kind === 'list') {
    const port = address.value.items[1]?.value;
    if (port?.kind === 'number' && port.value === 0) return true;
  }
  if (call.callee === 'wsgiref.simple_server.make_server') {
    const port = (positional(call, 1) ?? keyword(call, 'port'))?.expr.value;
    if (port?.kind === 'number' && port.value === 0) return true;
  }
  return false;
}

/** The server a call constructs, if it constructs a stdlib TCP/HTTP server (directly or through a project subclass). */
export const serverConstruction: CallAnswer<ServerConstruction | undefined> = memoPerCall(construction);

/** The servers a file constructs, in call order. */
export const serverConstructionsIn = definedAnswersIn(serverConstruction);

function construction(project: ProjectModel, file: FileModel, call: CallSite): ServerConstruction | undefined {
  if (BOTTLE_RUN.has(call.callee) || (call.callee === 'run' && /^from\s+bottle\s+import\s+\*/m.test(sourceText(file)))) return bottleRun(file, call);
  const known = SINGLE_THREADED.has(call.callee) || CONCURRENT.has(call.callee) || MAKE_SERVER.has(call.callee);
  if (!known && (call.method !== undefined && call.receiver !== undefined && !/^[\w.]+$/.test(call.receiver) || !projectClass(project, file, call.callee))) return undefined;
  // Most project classes constructed are not servers: that is known before anything else is looked at.
  const subclass = known ? undefined : projectClass(project, file, call.callee);
  const chain = subclass ? classWalk(project, subclass) : undefined;
  if (chain && !chain.stdlib) return undefined;
  const base = {
    call, classText: call.calleeText, customActivate: false, ephemeral: isEphemeral(file, call),
    handler: (positional(call, 1) ?? keyword(call, 'RequestHandlerClass'))?.expr,
  };
  if (SINGLE_THREADED.has(call.callee) || CONCURRENT.has(call.callee)) {
    return { ...base, stdlibClass: call.callee, threaded: CONCURRENT.has(call.callee), backlog: assignedBacklog(file) };
  }
  if (MAKE_SERVER.has(call.callee)) {
    const serverClass = keyword(call, 'server_class')?.expr ?? positional(call, 3)?.expr;
    let threaded = false;
    let backlog = assignedBacklog(file);
    let customActivate = false;
    if (serverClass) {
      const name = serverClass.qualifiedName ?? serverClass.text;
      if (CONCURRENT.has(name)) threaded = true;
      const entry = projectClass(project, file, name);
      if (entry) {
        const walk = classWalk(project, entry);
        threaded = walk.threaded;
        backlog = walk.backlog ?? backlog;
        customActivate = walk.customActivate;
      } else if (!CONCURRENT.has(name) && !SINGLE_THREADED.has(name)) {
        return undefined; // a server class we cannot see
      }
    }
    return { ...base, stdlibClass: 'wsgiref.simple_server.WSGIServer', threaded, backlog, customActivate, handler: (positional(call, 2) ?? keyword(call, 'app'))?.expr };
  }
  if (!subclass || !chain?.stdlib) return undefined;
  return {
    ...base, stdlibClass: chain.stdlib, threaded: chain.threaded, projectClass: subclass, customActivate: chain.customActivate,
    backlog: chain.backlog ?? assignedBacklog(subclass.file) ?? assignedBacklog(file),
  };
}

function bottleRun(file: FileModel, call: CallSite): ServerConstruction | undefined {
  const server = keyword(call, 'server')?.expr;
  if (server && !(server.value.kind === 'string' && server.value.value === 'wsgiref')) return undefined;
  return {
    call, classText: `${call.calleeText}`, customActivate: false, ephemeral: isTestFile(file), bottle: true,
    stdlibClass: 'wsgiref.simple_server.WSGIServer', threaded: false, backlog: assignedBacklog(file),
  };
}

export interface HandlerWork {
  /** Handler methods found (`StatusHandler.do_GET`). */
  methods: string[];
  /** The slowest method and its blocking operations. */
  slowest?: { method: string; ops: { file: FileModel; call: CallSite; op: BlockingOp }[]; ms: number };
  resolved: boolean;
}

/** What the request handler blocks on, per method (`do_GET`, `do_POST`, `handle`), through the call graph. */
export function handlerWork(project: ProjectModel, file: FileModel, server: ServerConstruction): HandlerWork {
  const handler = server.handler;
  if (!handler) return { methods: [], resolved: false };
  const entry = projectClass(project, file, handler.qualifiedName ?? handler.text);
  const functions: { file: FileModel; fn: FunctionInfo }[] = [];
  if (entry) {
    const visit = (e: ClassEntry, depth: number) => {
      if (depth > 5) return;
      for (const id of e.cls.methods) {
        const found = project.functionsById.get(id);
        if (found && /^(do_[A-Z]+|handle)$/.test(found.fn.name) && !functions.some((f) => f.fn.name === found.fn.name)) functions.push(found);
      }
      for (const base of e.cls.bases) {
        const parent = projectClass(project, e.file, base);
        if (parent) visit(parent, depth + 1);
      }
    };
    visit(entry, 0);
  } else {
    // A WSGI app function.
    const name = handler.qualifiedName ?? handler.text;
    const dot = name.lastIndexOf('.');
    const fn = project.functionsById.get(dot > 0 ? `${name.slice(0, dot)}:${name.slice(dot + 1)}` : `${file.module}:${name}`);
    if (fn) functions.push(fn);
  }
  if (functions.length === 0) return { methods: [], resolved: false };
  let slowest: HandlerWork['slowest'];
  for (const f of functions) {
    const ops = blockingInFunction(project, f);
    const ms = ops.reduce((sum, o) => sum + (o.op.sleepSeconds !== undefined ? o.op.sleepSeconds * 1000 : UNIT_MID_MS[o.op.unit] ?? 0), 0);
    if (!slowest || ms > slowest.ms) slowest = { method: f.fn.qualname, ops, ms };
  }
  return { methods: functions.map((f) => f.fn.qualname), slowest, resolved: true };
}

/** `HTTPServer` → `ThreadingHTTPServer`, and the import line that brings it. */
export function threadedCounterpart(stdlibClass: string): { name: string; importLine: string } {
  if (stdlibClass.endsWith('.HTTPServer')) return { name: 'ThreadingHTTPServer', importLine: 'from http.server import ThreadingHTTPServer' };
  if (stdlibClass.endsWith('.TCPServer')) return { name: 'socketserver.ThreadingTCPServer', importLine: 'import socketserver' };
  if (stdlibClass.endsWith('.UnixStreamServer')) return { name: 'socketserver.ThreadingUnixStreamServer', importLine: 'import socketserver' };
  if (stdlibClass.endsWith('WSGIServer')) return { name: 'ThreadingWSGIServer', importLine: 'import socketserver\nfrom wsgiref.simple_server import WSGIServer, make_server' };
  return { name: 'ThreadingXMLRPCServer', importLine: 'import socketserver\nfrom xmlrpc.server import SimpleXMLRPCServer' };
}
