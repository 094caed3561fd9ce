// HTTP/socket servers of the project: which server class each is (single-threaded `HTTPServer`,
// `TCPServer`, or a threading/forking one), which handler class it is constructed with, and which
// functions run on the request path of each handler (do_GET… and their direct callees).
import type { CallSite, FileModel, ProjectModel } from '../../model/types.js';
import { classInfo, reachable, resolveClass } from '../../model/calls.js';
import { contexts } from '../../model/frequency.js';
import { isRouteFunction } from '../../model/link.js';
import { keyword, positional } from '../support.js';
import { qualifyText } from './http.js';

export type ServerKind = 'single' | 'threaded';

const SINGLE_SERVERS = new Set([
  'http.server.HTTPServer', 'BaseHTTPServer.HTTPServer', 'socketserver.TCPServer', 'socketserver.UDPServer',
  'socketserver.UnixStreamServer', 'socketserver.UnixDatagramServer', 'SocketServer.TCPServer', 'SocketServer.UDPServer',
  'xmlrpc.server.SimpleXMLRPCServer', 'SimpleXMLRPCServer.SimpleXMLRPCServer',
]);
const THREADED_SERVER = /Threading|Forking|ThreadPool|ThreadedHTTPServer|ThreadedTCPServer/;

export interface ServerSite {
  file: FileModel;
  call: CallSite;
  /** The server class as written in the code (`HTTPServer`, `socketserver.TCPServer`). */
  serverClass: string;
  kind: ServerKind;
  /** The handler class as `module.Qual`, when it is defined in the project. */
  handlerClass?: string;
  handlerText: string;
}

/** The kind of a server class (stdlib or a project subclass), or undefined when it is not a server. */
export function serverKind(project: ProjectModel, file: FileModel, dotted: string, depth = 0): ServerKind | undefined {
  if (depth > 6) return undefined;
  if (THREADED_SERVER.test(dotted)) return 'threaded';
  if (SINGLE_SERVERS.has(dotted)) return 'single';
  const cls = resolveClass(project, file, dotted);
  const info = cls ? classInfo(project, cls) : undefined;
  if (!info) return undefined;
  const kinds = info.cls.bases.map((base) => serverKind(project, info.file, base, depth + 1));
  if (kinds.includes('threaded')) return 'threaded';
  if (kinds.includes('single')) return 'single';
  return undefined;
}

/**
 * The default of a parameter of the call's function, for the Python docs idiom
 * `def run(server_class=HTTPServer, handler_class=Handler): server_class(addr, handler_class)`.
 */
function parameterDefault(file: FileModel, call: CallSite, name: string): string | undefined {
  const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
  if (!fn || !fn.params.includes(name)) return undefined;
  const header = file.source.slice(fn.span.line - 1, Math.min(fn.span.endLine, fn.span.line + 6)).join(' ');
  const match = new RegExp(`[(,]\\s*${name}\\s*(?::[^=,)]+)?=\\s*([\\w.]+)`).exec(header);
  return match ? qualifyText(file, match[1]!) : undefined;
}

function handlerClassOf(project: ProjectModel, file: FileModel, call: CallSite): { dotted?: string; text: string } {
  const arg = keyword(call, 'RequestHandlerClass') ?? positional(call, 1);
  if (!arg) return { text: '' };
  let name = arg.expr.qualifiedName ?? arg.expr.text;
  const fromDefault = /^\w+$/.test(arg.expr.text) ? parameterDefault(file, call, arg.expr.text) : undefined;
  if (fromDefault) return { dotted: resolveClass(project, file, fromDefault), text: fromDefault.split('.').pop()! };
  // functools.partial(Handler, directory=…)
  const partial = /^(?:functools\.)?partial\(\s*([\w.]+)/.exec(arg.expr.text);
  if (partial) name = qualifyText(file, partial[1]!);
  return { dotted: resolveClass(project, file, name) ?? resolveClass(project, file, arg.expr.text), text: partial ? partial[1]! : arg.expr.text };
}

export interface ServerMap {
  servers: ServerSite[];
  /** Function id → the servers whose request path runs it. */
  requestPath: Map<string, ServerSite[]>;
}

const cache = new WeakMap<ProjectModel, ServerMap>();

const HANDLER_METHOD = /^(do_[A-Z]+|handle|handle_one_request)$/;

/** Handler entry methods of a handler class, including those inherited from project base classes. */
function handlerMethods(project: ProjectModel, classDotted: string, depth = 0): string[] {
  const info = classInfo(project, classDotted);
  if (!info || depth > 5) return [];
  const own = info.cls.methods.filter((id) => HANDLER_METHOD.test(project.functionsById.get(id)?.fn.name ?? ''));
  const inherited = info.cls.bases.flatMap((base) => {
    const resolved = resolveClass(project, info.file, base);
    return resolved ? handlerMethods(project, resolved, depth + 1) : [];
  });
  return [...own, ...inherited];
}

export function serverMap(project: ProjectModel): ServerMap {
  const cached = cache.get(project);
  if (cached) return cached;
  const servers: ServerSite[] = [];
  for (const file of project.files) {
    for (const call of file.calls) {
      const viaParameter = /^\w+$/.test(call.calleeText) ? parameterDefault(file, call, call.calleeText) : undefined;
      const kind = serverKind(project, file, call.callee) ?? (viaParameter ? serverKind(project, file, viaParameter) : undefined);
      if (!kind) continue;
      const handler = handlerClassOf(project, file, call);
      servers.push({ file, call, serverClass: viaParameter && !serverKind(project, file, call.callee) ? viaParameter.split('.').pop()! : call.calleeText, kind, handlerClass: handler.dotted, handlerText: handler.text });
    }
  }
  const requestPath = new Map<string, ServerSite[]>();
  for (const server of servers) {
    if (!server.handlerClass) continue;
    for (const id of reachable(project, handlerMethods(project, server.handlerClass)).keys()) {
      requestPath.set(id, [...(requestPath.get(id) ?? []), server]);
    }
  }
  const map = { servers, requestPath };
  cache.set(project, map);
  return map;
}

/** The servers whose requests run function `fnId`: `single` when every one is single-threaded. */
export function requestPathKind(project: ProjectModel, fnId: string | undefined): { kind: ServerKind | 'unknown'; server?: ServerSite } {
  if (!fnId) return { kind: 'unknown' };
  const sites = serverMap(project).requestPath.get(fnId);
  if (!sites?.length) return { kind: 'unknown' };
  const single = sites.filter((s) => s.kind === 'single');
  return single.length === sites.length ? { kind: 'single', server: single[0] } : { kind: 'threaded', server: sites.find((s) => s.kind === 'threaded') };
}

const handlerPathCache = new WeakMap<ProjectModel, Map<string, number>>();

/**
 * Functions on some handler's request path: `do_GET`/`handle` methods of handler classes (whatever server
 * runs them) and what they call directly. Thread and pool starts are cut: that work is off the request.
 */
export function handlerPath(project: ProjectModel): Map<string, number> {
  const cached = handlerPathCache.get(project);
  if (cached) return cached;
  const roots: string[] = [];
  const known = contexts(project);
  for (const { fn } of project.functionsById.values()) {
    const isRoot = (fn.className && HANDLER_METHOD.test(fn.name)) || isRouteFunction(fn);
    if (isRoot && known.get(fn.id)?.context === 'handler') roots.push(fn.id);
  }
  const map = reachable(project, roots);
  handlerPathCache.set(project, map);
  return map;
}
