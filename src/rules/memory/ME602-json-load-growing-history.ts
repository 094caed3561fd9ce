import { cycleRate } from '../../impact/rate.js';
import type { CallSite, Expr, FileModel } from '../../model/types.js';
import { contains, functionHeader, nameOfPath, pathArg } from './helpers.js';
import { fileGrowth, milderIf, oneOff, openForJsonLoad, wholeRead } from './reads.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';

export const meta: RuleMeta = {
  id: 'ME602',
  name: 'json-load-growing-history',
  dimension: 'memory',
  title: { es: 'json.load de un historial que no para de crecer', en: 'json.load of an ever-growing history' },
  phase: 2,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: 'minor' },
  docs: {
    what: {
      es: '`json.load` de un fichero que acumula entradas (historial, eventos, mensajes, un log en JSON, o una lista a la que se añade y se reescribe): cada lectura parsea y materializa toda la historia.',
      en: '`json.load` of a file that accumulates entries (history, events, messages, a JSON log, or a list appended to and rewritten): every read parses and materialises the whole history.',
    },
    why: {
      es: 'Con 100 agentes a 0,2 tareas/s se acumulan ~1,7 millones de entradas al día: un historial de 100.000 entradas (~20 MB) cuesta ~200 ms de CPU y ~100 MB de objetos Python por carga, y empeora cada día.',
      en: 'At 100 agents × 0.2 tasks/s ~1.7 million entries accumulate per day: a 100,000-entry history (~20 MB) costs ~200 ms of CPU and ~100 MB of Python objects per load, and gets worse every day.',
    },
    example: 'def record(entry):\n    with open(HISTORY_PATH) as fh:\n        items = json.load(fh)\n    items.append(entry)\n    with open(HISTORY_PATH, "w") as fh:\n        json.dump(items, fh)',
    useInstead: 'def record(entry):\n    # JSON Lines: one small append per entry, nothing re-read\n    with open(HISTORY_JSONL, "a", encoding="utf-8") as fh:\n        fh.write(json.dumps(entry) + "\\n")\n\ndef summary():\n    tasks = 0\n    with open(HISTORY_JSONL, encoding="utf-8") as fh:\n        for line in fh:            # streams: constant memory\n            tasks += 1\n    return tasks',
    tradeoff: {
      es: 'JSON Lines cambia el formato del fichero (los lectores deben migrar) y una línea a medio escribir debe tolerarse al leer; agregados en un fichero aparte (contadores) son aún más baratos pero hay que mantenerlos.',
      en: 'JSON Lines changes the file format (readers must migrate) and a half-written last line must be tolerated when reading; aggregates in a separate file (counters) are cheaper still but must be maintained.',
    },
  },
};

/** Entries an unrotated history reaches (assumed) and its size. */
const ENTRIES = 100_000;
const JSON_MB = 20;
const OBJECTS_MB = 100;

interface Loaded { call: CallSite; path?: Expr; kind: 'load' | 'loads' }

function loadedFile(file: FileModel, call: CallSite): Loaded | undefined {
  if (call.callee === 'json.load') {
    const open = openForJsonLoad(file, call);
    return open ? { call, path: pathArg(open), kind: 'load' } : undefined;
  }
  if (call.callee === 'json.loads') {
    const inner = file.calls.find((c) => c !== call && contains(call.span, c.span) && wholeRead(file, c) !== undefined);
    if (!inner) return undefined;
    return { call, path: wholeRead(file, inner)!.path, kind: 'loads' };
  }
  return undefined;
}

export const ME602: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      const loaded = loadedFile(file, call);
      if (!loaded) continue;
      const target = call.assignedTo && /^\w+$/.test(call.assignedTo) ? call.assignedTo : undefined;
      const growth = fileGrowth(project, file, loaded.path, target, call.functionId);
      if (!growth) continue;
      const base = meta.severity[call.context];
      if (!base) continue;
      const severity = milderIf(oneOff(file, call, call.context), base);
      const pathText = loaded.path?.text ?? 'path';
      const pathName = nameOfPath(loaded.path);
      const rate = cycleRate(call, file);
      const jsonl = /^[A-Z_]+$/.test(pathText) ? `${pathText.replace(/_(PATH|FILE)$/, '')}_JSONL` : `${pathText} + "l"`;
      const fnName = call.functionId ? file.functions.get(call.functionId)?.name ?? 'record' : 'record';
      const variable = target ?? 'items';
      // The new file sits beside the old one: readers move to it with the writer.
      const define = /^[A-Z_]+$/.test(pathText) ? `${jsonl} = ${pathText} + "l"  # JSON Lines beside the old file\n\n` : '';
      const example = define + (growth.appendedAndRewritten
        ? `${functionHeader(file, call.functionId, fnName)}\n    entry = ...  # the entry appended to ${variable} today\n    # append one JSON line instead of load + append + rewrite of the whole list\n    with open(${jsonl}, "a", encoding="utf-8") as fh:\n        fh.write(json.dumps(entry) + "\\n")`
        : `${variable} = []\nwith open(${jsonl}, encoding="utf-8") as fh:\n    for line in fh:  # streams; keep only what this call needs\n        item = json.loads(line)\n        ...  # aggregate (count, sum) or keep the last N with collections.deque(maxlen=N)`);
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `json.${loaded.kind} carga el historial completo de ${pathText} (${growth.reason.es})`,
          en: `json.${loaded.kind} loads the whole history in ${pathText} (${growth.reason.en})`,
        },
        whyAtScale: {
          es: `con ~${num(ENTRIES)} entradas (~${JSON_MB} MB) cada carga son ~${num(JSON_MB * 10)} ms de CPU y ~${OBJECTS_MB} MB de objetos; ${num(rate.perSecond * agents)} cargas/s con ${agents} agentes = ~${num(rate.perSecond * agents * JSON_MB * 10 / 1000)} s de CPU por segundo, y sigue creciendo`,
          en: `with ~${num(ENTRIES)} entries (~${JSON_MB} MB) each load is ~${num(JSON_MB * 10)} ms of CPU and ~${OBJECTS_MB} MB of objects; ${num(rate.perSecond * agents)} loads/s at ${agents} agents = ~${num(rate.perSecond * agents * JSON_MB * 10 / 1000)} CPU-seconds per second, and still growing`,
        },
        proposal: {
          change: growth.appendedAndRewritten
            ? { es: `Pasar ${pathName} a JSON Lines: añadir una línea por entrada (modo "a") en lugar de cargar, añadir y reescribir la lista entera.`, en: `Move ${pathName} to JSON Lines: append one line per entry ("a" mode) instead of loading, appending to and rewriting the whole list.` }
            : { es: `Guardar ${pathName} como JSON Lines y leerlo en streaming (línea a línea, agregando), o mantener los agregados en un fichero pequeño aparte.`, en: `Store ${pathName} as JSON Lines and stream it (line by line, aggregating), or keep the aggregates in a small separate file.` },
          justification: {
            es: `El coste por operación deja de depender de la antigüedad: una escritura de ~200 bytes en vez de parsear y reescribir ~${JSON_MB} MB; solo stdlib (json, modo "a").`,
            en: `The cost per operation no longer depends on the age of the system: one ~200-byte write instead of parsing and rewriting ~${JSON_MB} MB; stdlib only (json, "a" mode).`,
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: [{ unit: 'file_read', count: 1 }, { unit: 'json_1kb', count: JSON_MB * 1000 }],
          expected: growth.appendedAndRewritten ? [{ unit: 'file_write', count: 1 }, { unit: 'json_1kb', count: 1 }] : [{ unit: 'file_read', count: 1 }, { unit: 'json_1kb', count: 1 }],
          rate,
          currentResources: { memoryMB: OBJECTS_MB },
          expectedResources: { memoryMB: 0.01 },
          assumptions: [{
            es: `${pathName} con ~${num(ENTRIES)} entradas de ~200 bytes (~${JSON_MB} MB de JSON, ~${OBJECTS_MB} MB como objetos Python)`,
            en: `${pathName} holding ~${num(ENTRIES)} entries of ~200 bytes (~${JSON_MB} MB of JSON, ~${OBJECTS_MB} MB as Python objects)`,
          }],
        },
        facts: { path: pathText, appendedAndRewritten: growth.appendedAndRewritten },
      }));
    }
    return findings;
  },
};
