// Facts for section 1 of the report ("Diagnóstico Actual"): what the project is, read off the linked model.
import { argvOf, callsPerPoll, fileOp, isSubprocess } from '../rules/support.js';
import type { ClassInfo, Context, ProjectModel } from '../model/types.js';

export interface ServerFact {
  file: string;
  line: number;
  serverClass: string;
  threaded: boolean;
  handlerClass?: string;
  handlerMethods: string[];
}

export interface PollFact {
  file: string;
  line: number;
  intervalSeconds?: number;
  intervalText: string;
  intervalSource: string;
  backoff: boolean;
  /** Filesystem operations per poll (in the loop body and its callees). */
  fileOpsPerPoll: number;
  subprocessesPerPoll: number;
}

export interface ProjectFacts {
  servers: ServerFact[];
  handlerClasses: { file: string; line: number; name: string; methods: string[] }[];
  pollLoops: PollFact[];
  subprocessSites: { file: string; line: number; program?: string; context: Context }[];
  /** Path-like constants used as files or folders (IPC locations). */
  ipcPaths: { name: string; value: string; file: string }[];
  fileOpSites: Record<Context, number>;
}

/** Standard-library servers and whether they serve each request on its own thread (a Map: a call to `toString` is not a server). */
const SERVER_CLASSES = new Map<string, boolean>([
  ['http.server.HTTPServer', false], ['http.server.ThreadingHTTPServer', true],
  ['socketserver.TCPServer', false], ['socketserver.ThreadingTCPServer', true], ['socketserver.ForkingTCPServer', true],
  ['socketserver.UDPServer', false], ['socketserver.ThreadingUDPServer', true],
  ['wsgiref.simple_server.WSGIServer', false], ['wsgiref.simple_server.make_server', false],
  ['BaseHTTPServer.HTTPServer', false], ['SocketServer.TCPServer', false],
]);

type ClassEntry = { module: string; cls: ClassInfo };

/** The project's classes by dotted name and by bare qualname, in project order (built once per project). */
const classIndexes = new WeakMap<ProjectModel, Map<string, ClassEntry[]>>();
function classesNamed(project: ProjectModel, name: string): ClassEntry[] {
  let index = classIndexes.get(project);
  if (!index) {
    index = new Map();
    const add = (key: string, entry: ClassEntry) => {
      const list = index!.get(key);
      if (list) list.push(entry);
      else index!.set(key, [entry]);
    };
    for (const file of project.files) {
      for (const cls of file.classes.values()) {
        add(`${file.module}.${cls.qualname}`, { module: file.module, cls });
        add(cls.qualname, { module: file.module, cls });
      }
    }
    classIndexes.set(project, index);
  }
  return index.get(name) ?? [];
}

/** Is a (possibly project-defined) server class threaded? Looks through project class bases. */
export function serverThreading(project: ProjectModel, qualifiedClass: string, depth = 0): boolean | undefined {
  const known = SERVER_CLASSES.get(qualifiedClass);
  if (known !== undefined) return known;
  if (depth > 5) return undefined;
  for (const { module, cls } of classesNamed(project, qualifiedClass)) {
    if (cls.bases.some((b) => /ThreadingMixIn|ForkingMixIn/.test(b))) return true;
    if (cls.attributes.get('daemon_threads') && cls.bases.some((b) => /Threading/.test(b))) return true;
    for (const base of cls.bases) {
      const threaded = serverThreading(project, base, depth + 1) ?? serverThreading(project, `${module}.${base}`, depth + 1);
      if (threaded !== undefined) return threaded;
    }
  }
  return undefined;
}

const PATH_LIKE = /^(~|\/|\.{1,2}\/|\$\{?\w+\}?\/)|\.(json|jsonl|txt|log|lock|pid|state|queue|csv|ini|toml|yaml|yml|conf)$/i;

export function projectFacts(project: ProjectModel): ProjectFacts {
  const facts: ProjectFacts = { servers: [], handlerClasses: [], pollLoops: [], subprocessSites: [], ipcPaths: [], fileOpSites: { handler: 0, poll_loop: 0, loop: 0, per_task: 0, startup: 0 } };
  for (const file of project.files) {
    for (const cls of file.classes.values()) {
      if (cls.bases.some((b) => /RequestHandler$/.test(b))) {
        facts.handlerClasses.push({ file: file.path, line: cls.span.line, name: cls.qualname, methods: cls.methods.map((m) => m.split('.').pop()!).filter((m) => /^(do_|handle)/.test(m)) });
      }
    }
    for (const call of file.calls) {
      const threaded = serverThreading(project, call.callee);
      if (threaded !== undefined && call.args.length >= 2) {
        const handler = call.args.filter((a) => !a.name)[1]?.expr.text ?? call.args.find((a) => a.name === 'RequestHandlerClass')?.expr.text;
        const handlerFact = facts.handlerClasses.find((h) => h.name === handler);
        facts.servers.push({ file: file.path, line: call.span.line, serverClass: call.calleeText, threaded, handlerClass: handler, handlerMethods: handlerFact?.methods ?? [] });
      }
      if (isSubprocess(call)) facts.subprocessSites.push({ file: file.path, line: call.span.line, program: argvOf(call).program, context: call.context });
      if (fileOp(call)) facts.fileOpSites[call.context]++;
    }
    for (const [name, expr] of file.constants) {
      if (expr.value.kind === 'string' && PATH_LIKE.test(expr.value.value) && !/^https?:/.test(expr.value.value)) {
        facts.ipcPaths.push({ name, value: expr.value.value, file: file.path });
      }
    }
  }
  // Handler classes found in other files may be named by servers built before they were seen.
  for (const server of facts.servers) {
    if (!server.handlerMethods.length) server.handlerMethods = facts.handlerClasses.find((h) => h.name === server.handlerClass?.split('.').pop())?.methods ?? [];
  }
  for (const file of project.files) {
    for (const loop of file.loops) {
      if (!loop.poll) continue;
      let fileOps = 0;
      let subprocesses = 0;
      for (const { call } of callsPerPoll(project, file, loop)) {
        if (fileOp(call)) fileOps++;
        if (isSubprocess(call)) subprocesses++;
      }
      facts.pollLoops.push({
        file: file.path, line: loop.span.line, intervalSeconds: loop.poll.intervalSeconds, intervalText: loop.poll.intervalText,
        intervalSource: loop.poll.intervalSource, backoff: loop.poll.hasBackoff, fileOpsPerPoll: fileOps, subprocessesPerPoll: subprocesses,
      });
    }
  }
  return facts;
}
