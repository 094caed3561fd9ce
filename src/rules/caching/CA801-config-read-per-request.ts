// CA801: a configuration or static file (config.json, routes, a template, an ACL, a persona) opened and
// parsed again on every request, poll or task, although it changes rarely or never.
import { cycleRate } from '../../impact/rate.js';
import type { CallSite, Expr, FileModel } from '../../model/types.js';
import { fmt, fmtEs, functionLines, isPseudoFsPath, isTestFile } from '../polling/hotpath.js';
import { heatRoot, isAssumedHeat, withContext } from '../../model/frequency.js';
import { argument, isOpen, openMode, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { pathFacts } from './paths.js';
import { callsOfFunction } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'CA801',
  name: 'config-read-per-request',
  dimension: 'caching',
  title: { es: 'Configuración releída en cada petición', en: 'Configuration re-read on every request' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'Un fichero de configuración o estático (config.json, rutas, plantillas, ACL) que se abre y se parsea de nuevo en cada petición, sondeo o tarea, aunque casi nunca cambia.',
      en: 'A configuration or static file (config.json, routes, templates, ACLs) opened and parsed again on every request, poll or task, although it almost never changes.',
    },
    why: {
      es: 'Con 100 agentes cada lectura se multiplica por peticiones/s y sondeos/s: cientos de open+read+parse por segundo de un fichero que no ha cambiado, y en un servidor de un hilo cada uno retrasa a todos los clientes.',
      en: 'With 100 agents each read is multiplied by requests/s and polls/s: hundreds of open+read+parse per second of a file that has not changed, and in a one-thread server each one delays every client.',
    },
    example: 'def do_GET(self):\n    with open(CONFIG_PATH) as fh:\n        cfg = json.load(fh)\n    ...',
    useInstead: '_config = {"mtime": None, "data": None}\n\ndef config():\n    """Cached config, reloaded only when the file changes (one stat per call)."""\n    mtime = os.stat(CONFIG_PATH).st_mtime_ns\n    if mtime != _config["mtime"]:\n        with open(CONFIG_PATH) as fh:\n            _config["data"] = json.load(fh)\n        _config["mtime"] = mtime\n    return _config["data"]',
    tradeoff: {
      es: 'La caché guarda el contenido en memoria (unos KB) y se recarga al cambiar el mtime: un cambio hecho en el mismo segundo en un sistema de ficheros con mtime grueso puede tardar en verse; con `lru_cache` sin mtime, hay que reiniciar para ver cambios.',
      en: 'The cache keeps the content in memory (a few KB) and reloads when the mtime changes: an edit within the same tick on a coarse-mtime filesystem may go unseen for a while; with a plain `lru_cache`, changes need a restart.',
    },
  },
};

/** Signs that the function already caches: lru_cache, an mtime check, a cache variable. */
const CACHED = /lru_cache|@cache\b|cached_property|@cached|_cache\b|_CACHE\b|\bcache\[|st_mtime|getmtime|\.mtime\b/;

/** The path read by a call: `open(P)`, `Path(P).read_text()`, `configparser.read(P)`. */
function readPath(call: CallSite): Expr | undefined {
  if (isOpen(call)) {
    if (call.method === 'open' && call.receiver) {
      // pathlib: `path.open("rb")` — the receiver is the path, the first argument the mode.
      const mode = call.args[0]?.expr.value;
      if (mode?.kind === 'string' && /[wax+]/.test(mode.value)) return undefined;
      const ctor = /^(?:pathlib\.)?Path\((.+)\)$/.exec(call.receiver);
      return { text: ctor ? ctor[1]! : call.receiver, type: 'identifier', value: { kind: 'unknown' } };
    }
    if (/[wax+]/.test(openMode(call)) || /\bO_[A-Z]+\b/.test(call.args[1]?.expr.text ?? '')) return undefined;
    return argument(call, 0, 'file')?.expr;
  }
  if (call.method === 'read_text' || call.method === 'read_bytes') {
    const ctor = /^(?:pathlib\.)?Path\((.+)\)$/.exec(call.receiver ?? '');
    if (ctor) return { text: ctor[1]!, type: 'identifier', value: { kind: 'unknown' } };
    if (call.receiver && /^[\w.]+$/.test(call.receiver)) return { text: call.receiver, type: 'identifier', value: { kind: 'unknown' } };
  }
  if (call.method === 'read' && /configparser\.(Raw|Safe)?ConfigParser/.test(call.receiverType ?? '')) return call.args[0]?.expr;
  return undefined;
}

/** The same path is written in the same function: the file changes, it is state, not configuration. */
function writtenToo(file: FileModel, call: CallSite, pathText: string): boolean {
  return callsOfFunction(file, call.functionId).some((c) => c.id !== call.id && (
    (isOpen(c) && /[wax+]/.test(openMode(c)) && c.args[0]?.expr.text === pathText) ||
    (/^(os\.replace|os\.rename|shutil\.move|shutil\.copy\w*)$/.test(c.callee) && c.args[1]?.expr.text === pathText) ||
    (/^write_(text|bytes)$/.test(c.method ?? '') && c.receiver === pathText)));
}

function cachedAlready(file: FileModel, call: CallSite): boolean {
  const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
  if (!fn) return false;
  const decorated = fn.decorators.some((d) => /cache/.test(d));
  return decorated || CACHED.test(functionLines(file, fn).join('\n'));
}

export const CA801: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      const path = readPath(site);
      if (!path || isPseudoFsPath(path.text) || isPseudoFsPath(path.value.kind === 'string' ? `"${path.value.value}"` : '')) continue;
      const call = withContext(project, site, file);
      if (call.context === 'startup') continue;
      // A per-task function nobody in the project calls is an assumption, not a measured hot path.
      if (isAssumedHeat(call)) continue;
      // Per task only counts when the tasks come from a poll loop or a request, not any loop anywhere.
      if (call.context === 'per_task' && heatRoot(project, site, file) === 'loop') continue;
      const facts = pathFacts(project, file, call, path);
      if (facts.dynamic) continue; // state, queues, logs: other processes change them, re-reading is the IPC
      if (!facts.config && !facts.constant) continue;
      if (cachedAlready(file, call) || writtenToo(file, call, path.text)) continue;
      const rate = cycleRate(call, file);
      const perSecond = rate.perSecond * agents;
      const name = facts.name;
      const where = call.context === 'handler' ? { es: 'cada petición', en: 'every request' }
        : call.context === 'poll_loop' ? { es: 'cada sondeo', en: 'every poll' }
          : call.context === 'loop' ? { es: 'cada iteración', en: 'every iteration' } : { es: 'cada tarea', en: 'every task' };
      findings.push(...report(meta, call.span, call.context, {
        message: {
          es: `\`${name}\` se abre y se parsea de nuevo en ${where.es}, aunque no cambia`,
          en: `\`${name}\` is opened and parsed again on ${where.en}, although it does not change`,
        },
        whyAtScale: {
          es: `${agents} agentes × ${fmtEs(rate.perSecond)}/s = ${fmtEs(perSecond)} lecturas/s del mismo fichero (open+read+parse); con caché por mtime, ${fmtEs(perSecond)} stat/s y una lectura cuando cambia`,
          en: `${agents} agents × ${fmt(rate.perSecond)}/s = ${fmt(perSecond)} reads/s of the same file (open+read+parse); cached by mtime, ${fmt(perSecond)} stats/s and one read when it changes`,
        },
        proposal: {
          change: {
            es: `Leer \`${name}\` una vez y guardarlo en memoria, recargando solo si cambia su mtime (o al arrancar y con SIGHUP).`,
            en: `Read \`${name}\` once and keep it in memory, reloading only when its mtime changes (or at start-up and on SIGHUP).`,
          },
          justification: {
            es: 'Un `os.stat` cuesta ~10 µs frente a 0,1–0,5 ms de open+read+parse; la caché es stdlib puro y sigue viendo los cambios.',
            en: 'An `os.stat` costs ~10 µs against 0.1–0.5 ms for open+read+parse; the cache is plain stdlib and still sees changes.',
          },
          tradeoff: meta.docs.tradeoff,
          example: `_cached = {"mtime": None, "data": None}\n\n\ndef cached_${safeName(name)}():\n    mtime = os.stat(${path.text}).st_mtime_ns\n    if mtime != _cached["mtime"]:\n        with open(${path.text}, encoding="utf-8") as fh:\n            _cached["data"] = fh.read()  # or json.load(fh)\n        _cached["mtime"] = mtime\n    return _cached["data"]`,
        },
        cost: {
          current: [{ unit: 'file_read', count: 1 }, { unit: 'json_1kb', count: 1 }],
          expected: [{ unit: 'stat', count: 1 }],
          rate,
        },
        facts: { path: facts.definition, constant: facts.constant },
      }));
    }
    return findings;
  },
};

function safeName(name: string): string {
  const base = name.replace(/\.\w+$/, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
  return base || 'config';
}
