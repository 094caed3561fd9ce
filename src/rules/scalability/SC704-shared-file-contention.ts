import { cycleRate } from '../../impact/rate.js';
import type { Operation } from '../../impact/types.js';
import type { CallSite, Expr, FileModel, ProjectModel } from '../../model/types.js';
import { contains, functionHeader, identifiers, pathArg } from '../memory/helpers.js';
import { isOpen, nameHint, num, openMode, report, SEVERITY_ORDER } from '../support.js';
import type { L10n, Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { assignmentsTo, callsOfFunction, withItemOf } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'SC704',
  name: 'shared-file-contention',
  dimension: 'scalability',
  title: { es: 'Un único fichero compartido por todos los agentes', en: 'One file shared by every agent' },
  phase: 2,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Todos los agentes añaden a, bloquean (fcntl.flock) o leen-modifican-escriben el mismo fichero (una ruta constante) en su camino caliente.',
      en: 'Every agent appends to, locks (fcntl.flock) or read-modify-writes the same file (a constant path) on its hot path.',
    },
    why: {
      es: 'Con 100 agentes el fichero es un punto único de contención: los flock se atienden de uno en uno, los read-modify-write sin lock pierden actualizaciones (dos agentes leen la misma versión y el último en escribir borra al otro) y el fichero crece sin control.',
      en: 'At 100 agents the file is a single point of contention: flocks are granted one at a time, read-modify-writes without a lock lose updates (two agents read the same version and the last writer erases the other) and the file grows unchecked.',
    },
    example: 'def append_event(kind, **data):\n    with open(EVENTS_PATH, "a") as fh:\n        fcntl.flock(fh, fcntl.LOCK_EX)\n        fh.write(json.dumps(dict(data, kind=kind)) + "\\n")\n        fcntl.flock(fh, fcntl.LOCK_UN)',
    useInstead: '# one journal per agent: no other process writes it, no lock needed\nEVENTS_DIR = os.path.join(BASE_DIR, "events")\n_events = open(os.path.join(EVENTS_DIR, AGENT_NAME + ".jsonl"), "a", buffering=1)\n\ndef append_event(kind, **data):\n    _events.write(json.dumps(dict(data, kind=kind)) + "\\n")  # one O_APPEND write',
    tradeoff: {
      es: 'Un fichero por agente obliga a los lectores a fusionar una carpeta (ordenar por timestamp) y a rotar N ficheros; a cambio desaparecen el lock, las esperas y las actualizaciones perdidas.',
      en: 'One file per agent makes readers merge a folder (sort by timestamp) and rotate N files; in exchange the lock, the waits and the lost updates disappear.',
    },
  },
};

/** Identifiers that make a path per agent/process/task rather than shared. */
const PER_AGENT = /^(agent\w*|\w*_agent|pid|getpid|worker\w*|\w*_worker|task\w*|\w*_task|uuid\w*|uuid4|instance\w*|\w*_id|id|hostname|gethostname|node\w*|mkstemp|tempfile)$/i;
const NOT_A_SHARED_FILE = /^["']?\/(dev|proc|sys)\//;

/** The definition text of a constant path, followed into other modules of the project. */
function constantDefinition(project: ProjectModel, file: FileModel, expr: Expr): string | undefined {
  const name = expr.qualifiedName ?? expr.text;
  if (file.constants.has(expr.text)) return file.constants.get(expr.text)!.text;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const module = name.slice(0, dot);
  const other = project.files.find((f) => f.module === module);
  return other?.constants.get(name.slice(dot + 1))?.text;
}

/** Lower-case roots that name a folder every worker shares (`self.spool / "done.log"`). */
const SHARED_ROOT = /^(spool|spool_dir|spool_path|shared|shared_dir|common_dir|queue_dir|state_dir|data_dir|var_dir|run_dir|base_dir|root_dir|home_dir)$/i;

/** A local name assigned once in the function (`path = self.spool / "stats.json"`): its value. */
function resolveLocal(file: FileModel, functionId: string | undefined, expr: Expr | undefined): Expr | undefined {
  if (!expr || expr.type !== 'identifier' || /^[A-Z][A-Z0-9_]*$/.test(expr.text) || functionId === undefined) return expr;
  const assigned = assignmentsTo(file, expr.text).filter((a) => a.functionId === functionId && !a.augmented);
  return assigned.length === 1 ? assigned[0]!.value : expr;
}

/** A path every agent process resolves to the same file: a literal, an UPPER_CASE constant, or a join of those. */
/** Where a private state or cache lives (one process or user owns it): `~/.cache`, `~/.local/state`, `$BOT_STATE`. */
const PRIVATE_LOCATION = /~\/\.cache\b|~\/\.local\/state\b|XDG_(STATE|CACHE)_HOME|environ(?:\.get)?\s*[([]\s*["'][A-Z_]*(STATE|CACHE)[A-Z_]*["']|getenv\(\s*["'][A-Z_]*(STATE|CACHE)[A-Z_]*["']/;

/** The text of a path and of the constants it is built from (three hops: LOG_PATH → BASE_DIR → os.environ…). */
function definitionTexts(project: ProjectModel, file: FileModel, expr: Expr): string[] {
  const texts = [expr.text];
  let frontier = [expr.text];
  for (let hop = 0; hop < 3 && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const text of frontier) {
      for (const name of identifiers(text)) {
        if (!/^[A-Z][A-Z0-9_]*$/.test(name)) continue;
        const binding = file.imports.get(name);
        const definition = constantDefinition(project, file, { text: name, type: 'identifier', value: { kind: 'unknown' }, qualifiedName: binding?.target });
        if (definition && !texts.includes(definition)) {
          texts.push(definition);
          next.push(definition);
        }
      }
    }
    frontier = next;
  }
  return texts;
}

function isSharedPath(project: ProjectModel, file: FileModel, expr: Expr | undefined): boolean {
  if (!expr) return false;
  if (NOT_A_SHARED_FILE.test(expr.text) || /sys\.std(out|err|in)/.test(expr.text)) return false;
  // A process's own state or cache folder is not shared with the other agents.
  if (definitionTexts(project, file, expr).some((text) => PRIVATE_LOCATION.test(text))) return false;
  const words = [...identifiers(expr.text)];
  if (words.some((w) => PER_AGENT.test(w))) return false;
  if (expr.type === 'string') {
    const literal = expr.value.kind === 'string' ? expr.value.value : '';
    return literal.includes('/') || /\.\w+$/.test(literal);
  }
  if (expr.type === 'identifier' || expr.type === 'attribute') {
    const last = expr.text.split('.').pop() ?? '';
    if (!/^[A-Z][A-Z0-9_]*$/.test(last)) return false;
    const definition = constantDefinition(project, file, expr);
    return !definition || ![...identifiers(definition)].some((w) => PER_AGENT.test(w));
  }
  if (expr.type === 'call' || expr.type === 'binary_operator') {
    // os.path.join(BASE_DIR, "state.json"), BASE / "events.log": only constants, modules and literals.
    const names = words.filter((w) => !['os', 'path', 'join', 'pathlib', 'Path', 'expanduser', 'str', 'environ', 'get', 'getenv', 'self'].includes(w));
    if (names.length === 0 || /["'][^"']*\{/.test(expr.text) || /\bf["']/.test(expr.text)) return false;
    if (names.every((w) => /^[A-Z][A-Z0-9_]*$/.test(w))) return true;
    // A shared folder plus a literal file name: every worker of that folder writes the same file.
    return names.every((w) => /^[A-Z][A-Z0-9_]*$/.test(w) || SHARED_ROOT.test(w)) && /["'][^"'{}]*\.\w+["']/.test(expr.text);
  }
  return false;
}

type Pattern = 'append' | 'flock' | 'rmw' | 'lockfile';

function stronger(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER[a] >= SEVERITY_ORDER[b] ? a : b;
}

function describe(pattern: Pattern, path: string): { message: L10n; why: (writesPerSecond: number, agents: number) => L10n; change: L10n } {
  switch (pattern) {
    case 'flock':
      return {
        message: { es: `Todos los agentes bloquean (fcntl.flock) y escriben el mismo fichero ${path}`, en: `Every agent locks (fcntl.flock) and writes the same file ${path}` },
        why: (w, n) => ({ es: `${num(w)} escrituras/s de ${n} agentes se ponen en fila detrás de un único flock: el rendimiento total queda limitado a una escritura cada vez`, en: `${num(w)} writes/s from ${n} agents queue behind one flock: total throughput is one write at a time` }),
        change: { es: `Un diario por agente (una ruta distinta por agente, p. ej. ${path} + nombre del agente): nadie más lo escribe y el flock sobra; los lectores fusionan la carpeta.`, en: `One journal per agent (a different path per agent, e.g. ${path} + the agent name): nobody else writes it, so the flock goes away; readers merge the folder.` },
      };
    case 'rmw':
      return {
        message: { es: `Todos los agentes leen, modifican y reescriben el mismo fichero ${path}`, en: `Every agent reads, modifies and rewrites the same file ${path}` },
        why: (w, n) => ({ es: `${num(w)} actualizaciones/s de ${n} procesos sobre un fichero sin lock entre procesos: dos agentes leen la misma versión y el último en escribir borra la actualización del otro (actualizaciones perdidas)`, en: `${num(w)} updates/s from ${n} processes on one file with no cross-process lock: two agents read the same version and the last writer erases the other's update (lost updates)` }),
        change: { es: `Partir ${path} en un fichero por agente (escrito con fichero temporal + os.replace); quien necesite la vista global lee la carpeta.`, en: `Split ${path} into one file per agent (written with a temp file + os.replace); whoever needs the global view reads the folder.` },
      };
    case 'lockfile':
      return {
        message: { es: `Todos los agentes compiten por el mismo fichero de lock ${path}`, en: `Every agent competes for the same lock file ${path}` },
        why: (w, n) => ({ es: `${num(w)} intentos/s de ${n} agentes sobre un único lock: se sirven de uno en uno y los demás reintentan`, en: `${num(w)} attempts/s from ${n} agents on one lock: served one at a time while the rest retry` }),
        change: { es: 'Eliminar el lock global: recursos por agente, o un único propietario del recurso que recibe peticiones por una carpeta de entrada.', en: 'Remove the global lock: per-agent resources, or a single owner of the resource that takes requests through an inbox folder.' },
      };
    default:
      return {
        message: { es: `Todos los agentes añaden al mismo fichero ${path}`, en: `Every agent appends to the same file ${path}` },
        why: (w, n) => ({ es: `${num(w)} aperturas+escrituras/s de ${n} agentes sobre un único fichero: compiten por el mismo inodo, se reabre en cada línea y crece sin rotación`, en: `${num(w)} opens+writes/s from ${n} agents on one file: they contend for the same inode, it is reopened per line and grows with no rotation` }),
        change: { es: `Un fichero por agente (o logging con un único proceso escritor), abierto una vez y no por línea.`, en: 'One file per agent (or logging through a single writer process), opened once rather than per line.' },
      };
  }
}

/** This agent's own name, for the per-agent file (systemd template units pass it as %i). */
const AGENT_LINE = 'AGENT_NAME = os.environ.get("AGENT_NAME", str(os.getpid()))  # Environment=AGENT_NAME=%i in the unit\n\n';

function exampleFor(pattern: Pattern, pathText: string, header: string): string {
  const hint = nameHint(pathText, 'SHARED_PATH');
  if (pattern === 'rmw') {
    return `${AGENT_LINE}${header}\n    data = ...  # only this agent's part of the shared document\n    # one file per agent: no other process writes it, no lost updates\n    path = os.path.join(os.path.dirname(${hint}), "by-agent", AGENT_NAME + ".json")\n    tmp = path + ".tmp"\n    with open(tmp, "w", encoding="utf-8") as fh:\n        json.dump(data, fh)\n    os.replace(tmp, path)  # atomic for readers; a reader merges the folder`;
  }
  if (pattern === 'lockfile') {
    return `${AGENT_LINE}# per-agent resource instead of one global lock file\nlock_path = "%s.%s" % (${hint}, AGENT_NAME)\nfd = os.open(lock_path, os.O_CREAT | os.O_RDWR)\nfcntl.flock(fd, fcntl.LOCK_EX)  # only this agent ever takes it`;
  }
  return `${AGENT_LINE}# opened once per agent process; each line is a single O_APPEND write, no flock\n_journal = open("%s.%s" % (${hint}, AGENT_NAME), "a", encoding="utf-8", buffering=1)\n\n\n${header}\n    line = ...  # the line written today\n    _journal.write(line + "\\n")`;
}

export const SC704: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const call of file.calls) {
      if (call.context === 'startup') continue;
      let pattern: Pattern | undefined;
      let path: Expr | undefined;
      if (call.callee === 'os.open' && /O_EXCL/.test(call.args[1]?.expr.text ?? '')) {
        path = pathArg(call);
        pattern = 'lockfile';
      } else if ((call.method === 'read_text' || call.method === 'read_bytes') && call.receiver) {
        // pathlib read-modify-write: path.read_text() … path.write_text(…) in the same function
        const receiver = call.receiver;
        const rewritten = callsOfFunction(file, call.functionId).some((c) => c.receiver === receiver && /^write_(text|bytes)$/.test(c.method ?? '') && c.span.start > call.span.start);
        if (rewritten) {
          pattern = 'rmw';
          path = resolveLocal(file, call.functionId, { text: receiver, type: /^[\w.]+$/.test(receiver) ? (receiver.includes('.') ? 'attribute' : 'identifier') : 'binary_operator', value: { kind: 'unknown' } });
        }
      } else if (isOpen(call)) {
        const pathMethod = call.method === 'open' && call.callee !== 'open' && call.receiver !== undefined && !/^(io|codecs|os)$/.test(call.receiver);
        path = pathMethod
          ? resolveLocal(file, call.functionId, { text: call.receiver!, type: /^[\w.]+$/.test(call.receiver!) ? 'identifier' : 'binary_operator', value: { kind: 'unknown' } })
          : resolveLocal(file, call.functionId, pathArg(call));
        const modeArg = pathMethod ? call.args.find((a) => a.name === 'mode') ?? call.args.filter((a) => !a.name)[0] : undefined;
        const mode = pathMethod ? (modeArg?.expr.value.kind === 'string' ? modeArg.expr.value.value : 'r') : openMode(call);
        const sameFunction = callsOfFunction(file, call.functionId).filter((c) => c.functionId !== undefined);
        const locks = sameFunction.some((c) => (c.callee === 'fcntl.flock' || c.callee === 'fcntl.lockf') && !/LOCK_UN/.test(c.args[1]?.expr.text ?? ''));
        if (mode.includes('a')) pattern = locks ? 'flock' : 'append';
        else if (/[wx+]/.test(mode)) pattern = locks ? 'flock' : undefined;
        else {
          const rewritten = sameFunction.some((c) => c !== call && isOpen(c) && /[wa+]/.test(openMode(c)) && pathArg(c)?.text === pathArg(call)?.text && c.span.start > call.span.start);
          if (rewritten) pattern = 'rmw';
          else if (locks && withLocksThis(file, call)) pattern = 'flock';
        }
      }
      if (!pattern || !isSharedPath(project, file, path)) continue;
      // Configuration is rewritten by an operator now and then, not by every agent per task.
      if (pattern === 'rmw' && /(config|settings|options|preferences|prefs)/i.test(path?.text ?? '')) continue;
      // A server appending per request is one writer for all agents (the recommended shape), not a shared file.
      if (pattern === 'append' && call.context === 'handler') continue;
      const dedupe = `${call.functionId}|${path?.text}`;
      if (reported.has(dedupe)) continue;
      reported.add(dedupe);
      let severity = meta.severity[call.context];
      if (!severity) continue;
      if (pattern !== 'append') severity = stronger(severity, 'important');
      if (pattern !== 'append' && call.context === 'handler') severity = 'critical';
      const rate = cycleRate(call, file);
      const pathText = path!.text;
      const words = describe(pattern, pathText);
      const current: Operation[] = pattern === 'rmw' ? [{ unit: 'file_read', count: 1 }, { unit: 'file_write', count: 1 }] : [{ unit: 'file_write', count: 1 }];
      const holdSeconds = pattern === 'rmw' ? 0.00045 : 0.00015;
      const fnName = call.functionId ? file.functions.get(call.functionId)?.name ?? 'write_entry' : 'write_entry';
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: words.message,
        whyAtScale: words.why(rate.perSecond * agents, agents),
        proposal: {
          change: words.change,
          justification: {
            es: `Sin recurso compartido no hay contención: cada agente escribe su propio fichero en paralelo y la espera en fila (hasta ~${num((agents - 1) * holdSeconds * 1000)} ms por escritura) desaparece. Solo stdlib (os.replace, O_APPEND).`,
            en: `No shared resource, no contention: each agent writes its own file in parallel and the queueing (up to ~${num((agents - 1) * holdSeconds * 1000)} ms per write) disappears. Stdlib only (os.replace, O_APPEND).`,
          },
          tradeoff: meta.docs.tradeoff,
          example: exampleFor(pattern, pathText, functionHeader(file, call.functionId, fnName)),
        },
        cost: {
          current,
          expected: current,
          rate,
          currentResources: { blockedSeconds: pattern === 'append' ? 0 : (agents - 1) * holdSeconds },
          expectedResources: { blockedSeconds: 0 },
          growth: pattern === 'rmw' ? 'quadratic' : 'linear',
          assumptions: [{
            es: `${agents} agentes escriben la misma ruta (${pathText}); contención estimada con los costes de referencia de una escritura`,
            en: `${agents} agents write the same path (${pathText}); contention estimated from the reference cost of one write`,
          }],
        },
        facts: { path: pathText, pattern },
      }));
    }
    return findings;
  },
};

/** `with open(P) as fh: fcntl.flock(fh, …)`: the lock is taken on this very file. */
function withLocksThis(file: FileModel, open: CallSite): boolean {
  const withItem = withItemOf(file, open.id);
  const alias = withItem?.item.alias;
  if (!withItem || !alias) return false;
  return file.calls.some((c) => (c.callee === 'fcntl.flock' || c.callee === 'fcntl.lockf') && contains(withItem.statement.span, c.span) && identifiers(c.args[0]?.expr.text ?? '').has(alias));
}
