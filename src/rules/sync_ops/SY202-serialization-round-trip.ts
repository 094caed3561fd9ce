// SY202: data serialised and parsed back for nothing, in memory: `json.loads(json.dumps(x))` used as a
// copy, a dumps→loads through a variable, or the same data parsed and re-serialised on every iteration.
// (Loading and saving a file per update is the disk dimension's read-modify-write, DK402.)
import { cycleRate } from '../../impact/rate.js';
import type { CallSite, FileModel } from '../../model/types.js';
import { callText } from '../io_blocking/http.js';
import { fmt, fmtEs, functionLines, isTestFile } from '../polling/hotpath.js';
import { isAssumedHeat, withContext } from '../../model/frequency.js';
import { milder, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { callsOfFunction, loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'SY202',
  name: 'serialization-round-trip',
  dimension: 'sync_ops',
  title: { es: 'Serializar y deserializar sin necesidad', en: 'Needless serialise/deserialise round trip' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Datos que se convierten a texto y se vuelven a parsear sin salir del proceso: `json.loads(json.dumps(x))` como copia, o el mismo estado parseado y re-serializado en cada vuelta de un bucle.',
      en: 'Data turned into text and parsed back without leaving the process: `json.loads(json.dumps(x))` as a copy, or the same state parsed and re-serialised on every pass of a loop.',
    },
    why: {
      es: 'El trabajo crece con el tamaño de los datos y con el número de elementos: cada ida y vuelta recorre y copia todo el objeto, ×100 agentes, para terminar con los mismos datos que ya había en memoria.',
      en: 'The work grows with data size and item count: every round trip walks and copies the whole object, ×100 agents, only to end with the data that was already in memory.',
    },
    example: 'payload = json.loads(json.dumps(task["payload"]))  # a "deep copy"\n\nfor event in events:\n    state = json.loads(blob)\n    state[event["id"]] = event\n    blob = json.dumps(state)',
    useInstead: 'payload = dict(task["payload"])  # or use it directly: it was just parsed\n\nstate = json.loads(blob)\nfor event in events:\n    state[event["id"]] = event\nblob = json.dumps(state)  # once, after the loop',
    tradeoff: {
      es: 'Quitar la copia JSON exige comprobar que nadie más muta el objeto (si no, `copy.deepcopy`); serializar una sola vez al final retrasa la versión en texto hasta el final del bucle.',
      en: 'Dropping the JSON copy requires checking nobody else mutates the object (otherwise `copy.deepcopy`); serialising once at the end delays the text version until the loop finishes.',
    },
  },
};

const LOADS = /^(json|pickle|marshal|ujson|orjson|simplejson)\.loads$|^yaml\.(safe_)?load$/;
const DUMPS = /^(json|pickle|marshal|ujson|orjson|simplejson)\.dumps$|^yaml\.(safe_)?dump$/;

interface RoundTrip {
  kind: 'copy' | 'variable' | 'per-item';
  anchor: CallSite;
  label: string;
  key?: string;
  /** The object that was copied through text (`task.get("payload", {})`). */
  source?: string;
}

function roundTrips(file: FileModel): RoundTrip[] {
  const found: RoundTrip[] = [];
  for (const call of file.calls) {
    if (!LOADS.test(call.callee)) continue;
    const arg = call.args.filter((a) => !a.name)[0];
    if (!arg) continue;
    // json.loads(json.dumps(x)): a deep copy through text.
    if (arg.expr.type === 'call' && DUMPS.test(arg.expr.qualifiedName ?? '')) {
      const inner = file.calls.find((c) => c.span.start >= call.span.start && c.span.end <= call.span.end && DUMPS.test(c.callee) && callText(file, c) === arg.expr.text);
      // dumps(default=str) normalises types (dates → strings): a conversion, not a copy.
      if (inner && inner.args.some((a) => a.name === 'default' || a.name === 'cls')) continue;
      found.push({ kind: 'copy', anchor: call, label: callText(file, call).replace(/\s+/g, ' '), source: inner?.args.filter((a) => !a.name)[0]?.expr.text });
      continue;
    }
    // s = json.dumps(x) … json.loads(s), with s used for nothing else.
    if (arg.expr.type === 'identifier' && call.functionId) {
      const producer = callsOfFunction(file, call.functionId).find((c) => c.assignedTo === arg.expr.text && DUMPS.test(c.callee) && c.span.line < call.span.line);
      const fn = file.functions.get(call.functionId);
      if (!producer || !fn) continue;
      if (producer.args.some((a) => a.name === 'default' || a.name === 'cls')) continue;
      const uses = functionLines(file, fn).join('\n').match(new RegExp(`\\b${arg.expr.text}\\b`, 'g'))?.length ?? 0;
      if (uses <= 2) found.push({ kind: 'variable', anchor: call, source: producer.args.filter((a) => !a.name)[0]?.expr.text, label: `${arg.expr.text} = ${callText(file, producer).replace(/\s+/g, ' ')} … ${callText(file, call).replace(/\s+/g, ' ')}` });
    }
  }
  // The same data parsed and serialised back on every pass: `state = json.loads(blob)` … `blob = json.dumps(state)`.
  // (Loading and saving a *file* per item is the disk dimension's read-modify-write, DK402.)
  for (const loop of file.loops) {
    if (loop.kind === 'comprehension') continue;
    const inLoop = file.calls.filter((c) => c.loopIds.includes(loop.id));
    for (const loader of inLoop) {
      if (!LOADS.test(loader.callee)) continue;
      const source = loader.args.filter((a) => !a.name)[0]?.expr.text;
      if (!source || !/^[\w.]+$/.test(source)) continue;
      const dumper = inLoop.find((c) => DUMPS.test(c.callee) && c.assignedTo === source && c.id !== loader.id);
      if (!dumper) continue;
      found.push({ kind: 'per-item', anchor: loader, key: source, label: `${source} = ${callText(file, dumper).replace(/\s+/g, ' ')}` });
      break;
    }
  }
  return found;
}

export const SY202: Rule = {
  meta,
  check({ file, project }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const trip of roundTrips(file)) {
      const call = withContext(project, trip.anchor, file);
      if (isAssumedHeat(call)) continue;
      const base = meta.severity[call.context];
      if (!base) continue;
      // In-memory work: real CPU, but far from a disk or network stall.
      const severity: Severity = milder(base);
      const rate = cycleRate(call, file);
      const loop = loopById(file, call.loopIds[0]);
      const perItem = trip.kind === 'per-item';
      const key = trip.key ?? 'data';
      const copied = trip.source ?? 'data';
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: perItem
          ? { es: `\`${key}\` se parsea y se vuelve a serializar en cada vuelta del bucle (${trip.label})`, en: `\`${key}\` is parsed and serialised back on every pass of the loop (${trip.label})` }
          : trip.kind === 'copy'
            ? { es: `\`${trip.label}\` serializa y vuelve a parsear en memoria solo para copiar`, en: `\`${trip.label}\` serialises and parses back in memory just to copy` }
            : { es: `ida y vuelta a texto sin salir del proceso: \`${trip.label}\``, en: `round trip through text without leaving the process: \`${trip.label}\`` },
        whyAtScale: {
          es: `${fmtEs(rate.perSecond * 100)} idas y vueltas/s entre 100 agentes: CPU y memoria proporcionales al tamaño de los datos${perItem ? ', que además crecen con cada vuelta' : ''}, sin ningún beneficio`,
          en: `${fmt(rate.perSecond * 100)} round trips/s across 100 agents: CPU and memory proportional to the data size${perItem ? ', which also grows with every pass' : ''}, for no benefit`,
        },
        proposal: {
          change: perItem
            ? { es: `Parsear \`${key}\` una vez antes del bucle, trabajar con el objeto y serializar una vez al final.`, en: `Parse \`${key}\` once before the loop, work on the object, and serialise once at the end.` }
            : { es: 'Quitar la ida y vuelta: usar el objeto directamente, o copiar solo lo que se modifica (`dict(x)`, `copy.deepcopy` si hay anidamiento mutado).', en: 'Drop the round trip: use the object directly, or copy only what is modified (`dict(x)`, `copy.deepcopy` when nested parts are mutated).' },
          justification: perItem
            ? { es: 'El objeto ya está en memoria entre vueltas: el texto intermedio solo se necesita al final.', en: 'The object already lives in memory between passes: the text form is only needed at the end.' }
            : { es: 'Un objeto recién parseado ya es una copia privada; serializarlo otra vez solo gasta CPU y memoria.', en: 'A freshly parsed object is already a private copy; serialising it again only burns CPU and memory.' },
          tradeoff: meta.docs.tradeoff,
          example: perItem
            ? `state = json.loads(${key})  # once\nfor ${loop?.targetText ?? 'item'} in ${loop?.iterableText ?? 'items'}:\n    ...  # update state in memory\n${key} = json.dumps(state)  # once, after the loop`
            : `# no text round trip: use the object, or a shallow copy if you modify the top level\ncopy_of = dict(${copied})\n# nested structures you mutate: copy.deepcopy(${copied})`,
        },
        cost: { current: [{ unit: 'json_1kb', count: 2 }], expected: [{ unit: 'python_op', count: 20 }], rate },
        facts: { kind: trip.kind, detail: trip.label },
      }));
    }
    return findings;
  },
};
