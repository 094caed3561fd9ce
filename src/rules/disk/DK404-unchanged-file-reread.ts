import type { FileModel, ProjectModel } from '../../model/types.js';
import { nameHint, num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { fileAccesses, isVirtualFile, pathKey } from './files.js';
import { cadence, exitsAfter, identifiers, isTestFile, loopVariables, mentions, placeText, rateOf, severityAt } from './hot-path.js';
import { where } from '../../model/frequency.js';
import { assignmentsTo, loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'DK404',
  name: 'unchanged-file-reread',
  dimension: 'disk',
  title: { es: 'El mismo fichero sin cambios releído en cada iteración', en: 'The same unchanged file re-read every iteration' },
  phase: 1,
  severity: { handler: null, poll_loop: 'important', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Un fichero de ruta fija (sin cambios entre vueltas) abierto, leído y parseado de nuevo en cada vuelta de un bucle o de un sondeo.',
      en: 'A fixed-path file (unchanged between passes) opened, read and parsed again on every pass of a loop or a poll.',
    },
    why: {
      es: 'Cada relectura es open+read+close (0,1–0,5 ms) más el parseo; con 100 agentes sondeando cada 0,5 s son 200 lecturas/s de un fichero que casi nunca cambia. Un os.stat (µs) basta para saber si cambió.',
      en: 'Every re-read is open+read+close (0.1–0.5 ms) plus parsing; with 100 agents polling every 0.5 s that is 200 reads/s of a file that almost never changes. One os.stat (µs) tells whether it changed.',
    },
    example: 'while True:\n    with open(ROUTES_PATH) as fh:\n        routes = json.load(fh)\n    dispatch(routes)\n    time.sleep(0.5)',
    useInstead: '_routes = {"mtime": None, "data": None}\n\ndef load_routes():\n    mtime = os.stat(ROUTES_PATH).st_mtime_ns\n    if mtime != _routes["mtime"]:\n        with open(ROUTES_PATH, encoding="utf-8") as fh:\n            _routes["data"] = json.load(fh)\n        _routes["mtime"] = mtime\n    return _routes["data"]',
    tradeoff: {
      es: 'Un cambio escrito dentro del mismo tic de mtime (1 s en algunos sistemas de ficheros) puede pasar desapercibido hasta el siguiente cambio; guardar el contenido en memoria ocupa su tamaño.',
      en: 'A change written within the same mtime tick (1 s on some filesystems) can go unnoticed until the next change; keeping the content in memory costs its size.',
    },
  },
};

/** Config-like files are the caching dimension's (CA801) unless the re-read sits right in a poll loop. */
const CONFIG_LIKE = /conf|cfg|setting|acl|persona|prompt|template|secret|token|credential|polic|schema|\.ini\b|\.toml\b|\.ya?ml\b/i;

/** Module constants, literals and path plumbing only: `os.path.join(BASE, "routes.json")`, `CONFIG_PATH`. */
export function isConstantPath(file: FileModel, text: string): boolean {
  if (/getpid|uuid|time\(|random|mkstemp|tmp|temp/i.test(text)) return false; // unique per call
  const ids = identifiers(text);
  if (ids.length === 0) return /^[rbuRBU]?["']/.test(text.trim());
  return ids.every((id) => {
    const head = id.split('.')[0]!;
    if (/^(os|pathlib|Path|PurePath|posixpath|sys|__file__)$/.test(head)) return true;
    if (file.constants.has(head) || /^[A-Z][A-Z0-9_]*$/.test(head)) return true;
    return file.imports.has(head) && /^[A-Z][A-Z0-9_]*$/.test(head);
  });
}

/** `self._filename` reassigned outside __init__ names a different file over time. */
function mutableAttribute(file: FileModel, text: string): boolean {
  return identifiers(text).some((id) => id.startsWith('self.') &&
    assignmentsTo(file, id).some((a) => !(a.functionId ?? '').endsWith('.__init__')));
}

/** `if _CACHE is None: _CACHE = read()` / `global _CACHE`: the function already reads once. */
function looksMemoized(file: FileModel, start: number, end: number): boolean {
  const body = file.source.slice(start - 1, end).join('\n');
  return /^\s*global\s/m.test(body) || /\bif\s+(not\s+)?(self\.)?_\w+(\s+is\s+None)?\s*:/.test(body) || /lru_cache|functools\.cache\b|@cache\b/.test(body);
}

const writtenKeysCache = new WeakMap<ProjectModel, Set<string>>();

/** Paths the program itself writes, anywhere in the project: computed once per project, not once per file. */
function writtenKeysOf(project: ProjectModel): Set<string> {
  let keys = writtenKeysCache.get(project);
  if (!keys) {
    keys = new Set(project.files.flatMap((f) => fileAccesses(f).filter((a) => a.kind !== 'read' && !/^[a-z_][a-z0-9_]*$/.test(a.key)).map((a) => a.key)));
    writtenKeysCache.set(project, keys);
  }
  return keys;
}

export const DK404: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    const accesses = fileAccesses(file);
    const writtenKeys = writtenKeysOf(project);
    for (const access of accesses) {
      if (access.kind !== 'read') continue;
      const call = access.call;
      if (isVirtualFile(access.resolvedText)) continue;
      if (writtenKeys.has(access.key)) continue; // the program itself changes it (appends, rewrites)
      const at = where(project, file, call);
      if (!at.repeated || at.context === 'handler') continue;
      const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
      const params = new Set((fn?.params ?? []).filter((p) => p !== 'self' && p !== 'cls'));
      // The path must not change between passes: no loop variable, no parameter, no local assigned per pass.
      const allLoops = call.loopIds.map((id) => loopById(file, id)!).filter(Boolean);
      if (allLoops.some((l) => mentions(access.resolvedText, loopVariables(file, l)) || mentions(access.pathText, loopVariables(file, l)))) continue;
      if (mentions(access.resolvedText, params) || mentions(access.pathText, params)) continue;
      if (/^[a-z_]\w*$/.test(access.resolvedText) && !file.constants.has(access.resolvedText)) continue; // an unknown local
      const pollOwn = at.ownLoops.find((l) => l.poll);
      const itemOwn = at.ownLoops.filter((l) => !l.poll);
      const callerItem = at.viaItemLoop;
      const direct = !!pollOwn || itemOwn.length > 0;
      if (!direct && !callerItem && at.context !== 'poll_loop') continue;
      // Through a caller, only a constant path is the *same* file on every call; locals are computed per call.
      if (!direct && !isConstantPath(file, access.resolvedText)) continue;
      if (mutableAttribute(file, access.resolvedText)) continue;
      if (fn && looksMemoized(file, fn.span.line, fn.span.endLine)) continue;
      if (!pollOwn && CONFIG_LIKE.test(access.resolvedText)) continue;
      const innermost = at.ownLoops[0];
      if (innermost && exitsAfter(file, access.loadCall ?? call, innermost)) continue;
      // Written back in the same function: a read-modify-write (DK402), not a re-read of an unchanged file.
      if (accesses.some((a) => a.kind !== 'read' && a.call.functionId === call.functionId && a.key === pathKey(access.resolvedText))) continue;
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const perSecond = rate.perSecond * agents;
      const path = access.pathText;
      const hint = nameHint(path, 'data').toLowerCase();
      const parse = access.json ? 'json.load' : 'fh.read';
      const hoist = !pollOwn && (itemOwn.length > 0 || callerItem) && !at.fnRepeated && at.context !== 'poll_loop';
      const example = hoist
        ? `${hint} = ${access.json ? `json.load(open(${path}, encoding="utf-8"))` : `open(${path}, encoding="utf-8").read()`}  # once, before the loop\n# in the loop: use ${hint}; no re-read per item`
        : `_${hint}_cache = {"mtime": None, "data": None}\n\ndef load_${hint}():\n    mtime = os.stat(${path}).st_mtime_ns  # a stat, not an open+read+parse\n    if mtime != _${hint}_cache["mtime"]:\n        with open(${path}, encoding="utf-8") as fh:\n            _${hint}_cache["data"] = ${access.json ? 'json.load(fh)' : 'fh.read()'}\n        _${hint}_cache["mtime"] = mtime\n    return _${hint}_cache["data"]`;
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${path} se abre y se lee (${parse}) ${placeText(file, at).es} aunque no cambie entre vueltas: una lectura completa ${cadence(at).es}`,
          en: `${path} is opened and read (${parse}) ${placeText(file, at).en} although it does not change between passes: a full read ${cadence(at).en}`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(perSecond)} lecturas/s del mismo fichero (${rate.basis.es}); con una comprobación de mtime serían ${num(perSecond)} stat/s y una lectura solo cuando cambie`,
          en: `at ${agents} agents that is ${num(perSecond)} reads/s of the same file (${rate.basis.en}); with an mtime check it becomes ${num(perSecond)} stats/s and one read only when it changes`,
        },
        proposal: {
          change: hoist
            ? { es: `Leer ${path} una sola vez antes del bucle y reutilizar el contenido.`, en: `Read ${path} once before the loop and reuse the content.` }
            : { es: `Guardar el contenido de ${path} en memoria y releerlo solo cuando cambie su mtime (os.stat).`, en: `Keep the content of ${path} in memory and re-read it only when its mtime changes (os.stat).` },
          justification: {
            es: 'Un stat cuesta microsegundos y no abre descriptores; el contenido solo se vuelve a leer y parsear cuando alguien lo modificó.',
            en: 'A stat costs microseconds and opens no descriptor; the content is read and parsed again only after someone changed it.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: [{ unit: 'file_read', count: 1 }, ...(access.json ? [{ unit: 'json_1kb' as const, count: 1 }] : [])],
          expected: hoist ? [{ unit: 'file_read', count: 0.1 }] : [{ unit: 'stat', count: 1 }, { unit: 'file_read', count: 0.01 }],
          rate,
        },
        facts: { path, json: access.json },
      }));
    }
    return findings;
  },
};
