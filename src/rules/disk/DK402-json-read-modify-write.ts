import type { Operation } from '../../impact/types.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { cadence, isTestFile, placeText, rateOf, severityAt } from './hot-path.js';
import { where } from '../../model/frequency.js';
import { readModifyWrites } from './rmw.js';

export const meta: RuleMeta = {
  id: 'DK402',
  name: 'json-read-modify-write',
  dimension: 'disk',
  title: { es: 'Lectura-modificación-escritura del fichero JSON completo por actualización', en: 'Whole-file JSON read-modify-write per update' },
  phase: 2,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'Cada actualización carga el fichero JSON entero (json.load), cambia una entrada y lo reescribe entero (json.dump).',
      en: 'Every update loads the whole JSON file (json.load), changes one entry and rewrites the whole file (json.dump).',
    },
    why: {
      es: 'El coste crece con el tamaño del fichero, no con el cambio: un historial de 1 MB son 2 MB de E/S y de JSON por tarea. Con 100 agentes escribiendo a la vez, además, las actualizaciones concurrentes se pisan (se pierden escrituras) y los lectores ven ficheros a medias.',
      en: 'The cost grows with the file, not the change: a 1 MB history is 2 MB of I/O and JSON per task. With 100 agents writing at once, concurrent updates also overwrite each other (lost writes) and readers see half-written files.',
    },
    example: 'def record(entry):\n    with open(HISTORY_PATH) as fh:\n        items = json.load(fh)\n    items.append(entry)\n    with open(HISTORY_PATH, "w") as fh:\n        json.dump(items, fh)',
    useInstead: '# append-only JSON lines: one small write per record, no re-read\ndef record(entry):\n    with open(HISTORY_PATH + "l", "a", encoding="utf-8") as fh:\n        fh.write(json.dumps(entry) + "\\n")',
    tradeoff: {
      es: 'JSON Lines obliga a los lectores a leer línea a línea (y a compactar de vez en cuando); un fichero por clave multiplica los ficheros; mantener el estado en memoria exige un único proceso dueño que lo vuelque de forma atómica.',
      en: 'JSON Lines makes readers read line by line (and compact now and then); one file per key multiplies files; keeping state in memory needs a single owning process that flushes it atomically.',
    },
  },
};

export const DK402: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const rmw of readModifyWrites(project)) {
      if (rmw.readFile !== file) continue;
      const at = where(project, rmw.fnFile, rmw.writeCall);
      if (!at.repeated) continue;
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(rmw.writeCall, rmw.fnFile, at);
      const perSecond = rate.perSecond * agents;
      const path = rmw.pathText;
      const variable = rmw.variable ?? 'state';
      const fnName = rmw.fn.name;
      const current: Operation[] = [{ unit: 'file_read', count: 1 }, { unit: 'file_write', count: 1 }, { unit: 'json_1kb', count: 2 * 50 }];
      const expected: Operation[] = rmw.appendOnly ? [{ unit: 'file_write', count: 1 }, { unit: 'json_1kb', count: 1 }] : [{ unit: 'json_1kb', count: 1 }];
      const example = rmw.appendOnly
        ? `# ${fnName}: append one JSON line instead of rewriting ${path}\ndef ${fnName}(entry):\n    with open(${path} + "l", "a", encoding="utf-8") as fh:  # history.jsonl\n        fh.write(json.dumps(entry) + "\\n")  # one write, O(1) in the history size\n\n# readers: [json.loads(line) for line in open(${path} + "l")]`
        : `# ${fnName}: keep ${variable} in memory; flush it atomically when it changed, at most every few seconds\n_${variable} = None\n_dirty = False\n\ndef ${fnName}_update(key, value):\n    global _${variable}, _dirty\n    if _${variable} is None:\n        with open(${path}, encoding="utf-8") as fh:\n            _${variable} = json.load(fh)  # once per process\n    _${variable}[key] = value\n    _dirty = True\n\ndef flush():  # from a timer thread every 2-5 s\n    global _dirty\n    if _dirty:\n        tmp = ${path} + ".tmp"\n        with open(tmp, "w", encoding="utf-8") as fh:\n            json.dump(_${variable}, fh)\n        os.replace(tmp, ${path})  # atomic for readers\n        _dirty = False`;
      findings.push(...report(meta, rmw.readCall.span, at.context, {
        severity,
        message: {
          es: `${fnName}() carga ${path} entero, lo modifica y lo reescribe entero ${placeText(rmw.fnFile, at).es}: 1 lectura + 1 escritura completas y 2 (de)serializaciones ${cadence(at).es}`,
          en: `${fnName}() loads all of ${path}, changes it and rewrites all of it ${placeText(rmw.fnFile, at).en}: one full read + one full write and 2 JSON passes ${cadence(at).en}`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(perSecond)} reescrituras completas/s de ${path} (${rate.basis.es}); el coste crece con el fichero y las escrituras simultáneas se pierden${rmw.appendOnly ? ' (la lista solo crece)' : ''}`,
          en: `at ${agents} agents that is ${num(perSecond)} full rewrites/s of ${path} (${rate.basis.en}); the cost grows with the file and concurrent writes get lost${rmw.appendOnly ? ' (the list only grows)' : ''}`,
        },
        proposal: {
          change: rmw.appendOnly
            ? { es: `Añadir una línea JSON por registro (open(…, "a")) en lugar de releer y reescribir ${path}.`, en: `Append one JSON line per record (open(…, "a")) instead of re-reading and rewriting ${path}.` }
            : { es: `Mantener ${variable} en memoria en el proceso dueño y volcarlo de forma atómica (temporal + os.replace) solo si cambió, cada pocos segundos; si varios procesos escriben, un fichero por clave.`, en: `Keep ${variable} in memory in the owning process and flush it atomically (temp file + os.replace) only when it changed, every few seconds; if several processes write, one file per key.` },
          justification: {
            es: 'La escritura pasa a costar lo que ocupa el cambio, no el fichero; con JSON Lines cada append de menos de 4 KB es atómico en O_APPEND, y os.replace evita lecturas a medias. Todo stdlib.',
            en: 'A write costs the size of the change, not of the file; with JSON Lines each append under 4 KB is atomic under O_APPEND, and os.replace avoids half-read files. All stdlib.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current, expected, rate,
          assumptions: [{ es: `${path} de ~50 KB (crece con el uso)`, en: `${path} of ~50 KB (grows with use)` }],
        },
        facts: { path, function: fnName, appendOnly: rmw.appendOnly },
      }));
    }
    return findings;
  },
};
