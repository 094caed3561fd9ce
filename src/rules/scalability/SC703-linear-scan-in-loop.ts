import { cycleRate } from '../../impact/rate.js';
import type { CycleRate } from '../../impact/types.js';
import type { Context, FileModel, LoopInfo, Span } from '../../model/types.js';
import { contextAt, isFixedCountLoop, rateAt } from '../memory/helpers.js';
import { loopById, num, numberValue, positional, report, SEVERITY_ORDER } from '../support.js';
import type { L10n, Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { dictOfListsEvidence, listEvidence, trimSite, type ListEvidence } from './lists.js';
import { oneOff } from '../memory/reads.js';

export const meta: RuleMeta = {
  id: 'SC703',
  name: 'linear-scan-in-loop',
  dimension: 'scalability',
  title: { es: 'Búsqueda lineal en lista dentro de un bucle (O(n²))', en: 'Linear list scan inside a loop (O(n²))' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: '`x in lista`, `lista.index(x)`, `lista.remove(x)` o `lista.pop(0)` dentro de un bucle: cada operación recorre la lista entera.',
      en: '`x in a_list`, `a_list.index(x)`, `a_list.remove(x)` or `a_list.pop(0)` inside a loop: every operation walks the whole list.',
    },
    why: {
      es: 'El coste por iteración crece con la lista: n iteraciones × n comparaciones = O(n²). Una lista que acumula las tareas vistas llega a decenas de miles de entradas con 100 agentes, y cada sondeo o petición paga el recorrido entero.',
      en: 'The cost per iteration grows with the list: n iterations × n comparisons = O(n²). A list that accumulates seen tasks reaches tens of thousands of entries with 100 agents, and every poll or request pays the whole scan.',
    },
    example: 'seen = []\nfor name in os.listdir(INBOX):\n    if name in seen:\n        continue\n    seen.append(name)\n\nwhile queue:\n    item = queue.pop(0)',
    useInstead: 'seen = set()\nfor name in os.listdir(INBOX):\n    if name in seen:          # O(1) hash lookup\n        continue\n    seen.add(name)\n\nqueue = collections.deque(queue)\nwhile queue:\n    item = queue.popleft()    # O(1)',
    tradeoff: {
      es: 'Un set no conserva el orden ni admite duplicados (si hace falta orden, un dict con dict.fromkeys); un deque no admite slicing. Un set ocupa ~2-4× la memoria de la lista.',
      en: 'A set keeps no order and no duplicates (use a dict via dict.fromkeys when order matters); a deque does not slice. A set takes ~2-4× the memory of the list.',
    },
  },
};

/** Entries a list holds when it grows for the life of the process (0.2 tasks/s for ~14 h). */
const LIFETIME_ITEMS = 10_000;
/** Entries assumed for a list built from data (a folder listing, a payload). */
const DATA_ITEMS = 1_000;

type Operation = 'in' | 'index' | 'remove' | 'pop0' | 'insert0' | 'count';

const OP_TEXT: Record<Operation, (name: string, needle: string) => string> = {
  in: (name, needle) => `${needle} in ${name}`,
  index: (name, needle) => `${name}.index(${needle})`,
  remove: (name, needle) => `${name}.remove(${needle})`,
  pop0: (name) => `${name}.pop(0)`,
  insert0: (name, needle) => `${name}.insert(0, ${needle})`,
  count: (name, needle) => `${name}.count(${needle})`,
};

function stronger(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER[a] >= SEVERITY_ORDER[b] ? a : b;
}

/** The loop repeats over data (not `range(3)` or a constant tuple), or the code runs per request / per poll. */
function repeatsOverData(file: FileModel, loopIds: number[], context: Context, evidence: ListEvidence): boolean {
  const loops = loopIds.map((id) => loopById(file, id)).filter((l): l is LoopInfo => l !== undefined);
  if (loops.some((l) => !isFixedCountLoop(file, l))) return true;
  return evidence.lifetime && evidence.kind === 'grown' && (context === 'handler' || context === 'poll_loop');
}

function proposalFor(op: Operation, name: string, needle: string): { change: L10n; example: string } {
  const bare = name.replace(/^(self|cls)\./, '');
  switch (op) {
    case 'pop0':
    case 'insert0':
      return {
        change: { es: `Convertir ${name} en collections.deque y usar popleft()/appendleft(): O(1) en vez de mover toda la lista.`, en: `Make ${name} a collections.deque and use popleft()/appendleft(): O(1) instead of shifting the whole list.` },
        example: `from collections import deque\n\n${name} = deque()            # was a list\n...\nwhile ${name}:\n    item = ${name}.popleft()   # O(1); ${name}.pop(0) moved every element`,
      };
    case 'index':
      return {
        change: { es: `Mantener un dict valor → posición junto a ${name} (o un dict en lugar de la lista) para buscar en O(1).`, en: `Keep a dict value → position next to ${name} (or a dict instead of the list) to look up in O(1).` },
        example: `position_of = {value: i for i, value in enumerate(${name})}  # once, O(n)\n...\ni = position_of.get(${needle})                                 # O(1) per lookup`,
      };
    case 'remove':
      return {
        change: { es: `Reunir lo que hay que quitar en un set y filtrar ${name} una sola vez, o usar un set/dict en lugar de la lista.`, en: `Collect what to remove in a set and filter ${name} once, or use a set/dict instead of the list.` },
        example: `to_remove = set(...)                      # the items removed one by one today\n${name} = [item for item in ${name} if item not in to_remove]  # one O(n) pass`,
      };
    default:
      if (!/^[\w.]+$/.test(name)) {
        const set = name.startsWith('[') ? `{${name.slice(1, -1)}}` : `set(${name})`;
        return {
          change: { es: 'Construir el conjunto una vez antes del bucle y consultar el set: O(1) por prueba en vez de reconstruir y recorrer la lista.', en: 'Build the set once before the loop and test against it: O(1) per test instead of rebuilding and scanning the list.' },
          example: `seen = ${set}  # once, before the loop\n...\nif ${needle} in seen:  # O(1)\n    ...`,
        };
      }
      return {
        change: { es: `Usar un set para ${name} (add en lugar de append): la pertenencia pasa de O(n) a O(1); si importa el orden, un dict (dict.fromkeys).`, en: `Use a set for ${name} (add instead of append): membership goes from O(n) to O(1); if order matters, a dict (dict.fromkeys).` },
        example: `${bare === name ? name : name} = set()          # was a list\n...\nif ${needle} in ${name}:     # O(1) hash lookup\n    ...\n${name}.add(${needle})       # instead of .append(${needle})`,
      };
  }
}

export const SC703: Rule = {
  meta,
  check({ file, agents }) {
    const findings: RuleFinding[] = [];
    const emit = (span: Span, op: Operation, name: string, needle: string, functionId: string | undefined, loopIds: number[], context: Context, evidence: ListEvidence, rate: CycleRate) => {
      if (!repeatsOverData(file, loopIds, context, evidence)) return;
      // A one-off pass over a list that does not grow (start-up, a CLI command): n is small and paid once.
      if (evidence.kind !== 'grown' && context === 'loop' && oneOff(file, { functionId }, context)) return;
      let severity = meta.severity[context];
      if (!severity) return;
      if (evidence.lifetime && evidence.kind === 'grown') severity = stronger(severity, 'important');
      const items = evidence.lifetime && evidence.kind === 'grown' ? LIFETIME_ITEMS : DATA_ITEMS;
      const scan = op === 'pop0' || op === 'insert0' ? items : items / 2;
      const shown = name.length > 40 ? `${name.slice(0, 37)}...` : name;
      const opText = OP_TEXT[op](shown, needle);
      const trimmed = evidence.lifetime && trimSite(file, name) !== undefined;
      const growth: L10n = evidence.lifetime && evidence.kind === 'grown'
        ? trimmed
          ? { es: `${shown} crece durante la vida del proceso`, en: `${shown} grows over the life of the process` }
          : { es: `${shown} crece durante toda la vida del proceso y nunca se vacía`, en: `${shown} grows for the life of the process and is never emptied` }
        : evidence.kind === 'grown'
          ? { es: `${shown} crece dentro del mismo bucle`, en: `${shown} grows inside the same loop` }
          : name === evidence.origin ? { es: 'la lista se reconstruye en cada iteración', en: 'the list is rebuilt on every iteration' }
            : { es: `${shown} es una lista (${evidence.origin})`, en: `${shown} is a list (${evidence.origin})` };
      const fix = proposalFor(op, name, needle);
      findings.push(...report(meta, span, context, {
        severity,
        message: {
          es: `${opText} recorre la lista entera en cada iteración (${growth.es})`,
          en: `${opText} walks the whole list on every iteration (${growth.en})`,
        },
        whyAtScale: {
          es: `con ~${num(items)} elementos son ~${num(scan)} pasos por operación; ${num(rate.perSecond * agents)} operaciones/s con ${agents} agentes = ~${num(rate.perSecond * agents * scan)} pasos/s, y empeora a medida que la lista crece`,
          en: `with ~${num(items)} items that is ~${num(scan)} steps per operation; ${num(rate.perSecond * agents)} operations/s at ${agents} agents = ~${num(rate.perSecond * agents * scan)} steps/s, getting worse as the list grows`,
        },
        proposal: {
          change: fix.change,
          justification: {
            es: `Estructuras de la stdlib (set, dict, collections.deque): el coste por operación deja de depender del tamaño (de ~${num(scan)} a 1 paso).`,
            en: `Stdlib structures (set, dict, collections.deque): the cost per operation no longer depends on the size (from ~${num(scan)} steps to 1).`,
          },
          tradeoff: meta.docs.tradeoff,
          example: fix.example,
        },
        cost: {
          current: [{ unit: 'python_op', count: scan }],
          expected: [{ unit: 'python_op', count: 1 }],
          rate,
          assumptions: [{
            es: evidence.lifetime && evidence.kind === 'grown' ? `${name} acumula ~${num(items)} entradas (0,2 tareas/s durante ~14 h)` : `${name} con ~${num(items)} elementos (supuesto)`,
            en: evidence.lifetime && evidence.kind === 'grown' ? `${name} accumulates ~${num(items)} entries (0.2 tasks/s for ~14 h)` : `${name} holds ~${num(items)} items (assumed)`,
          }],
        },
        facts: { container: name, operation: op, evidence: evidence.kind },
      }));
    };

    for (const test of file.memberships ?? []) {
      const haystack = test.haystack;
      const context = contextAt(file, test.functionId, test.loopIds);
      if (haystack.type === 'identifier' || haystack.type === 'attribute') {
        const evidence = listEvidence(file, haystack.text, test.functionId);
        if (!evidence) continue;
        if (test.loopIds.length === 0 && !(evidence.lifetime && evidence.kind === 'grown')) continue;
        emit(test.span, 'in', haystack.text, test.needle, test.functionId, test.loopIds, context, evidence, rateAt(file, test.functionId, test.loopIds, test.span));
      } else if (haystack.type === 'subscript' && test.loopIds.length > 0) {
        // A dict of lists (`seen[feed] = []` … `seen[feed].append(key)`): each list grows with every item.
        const evidence = dictOfListsEvidence(file, haystack.text, test.functionId);
        if (evidence) emit(test.span, 'in', haystack.text, test.needle, test.functionId, test.loopIds, context, evidence, rateAt(file, test.functionId, test.loopIds, test.span));
      } else if (test.loopIds.length > 0 && (haystack.type === 'list_comprehension' || (haystack.type === 'call' && /^(list|sorted)$/.test(haystack.qualifiedName ?? '')))) {
        // The list is rebuilt for every test: O(n) to build plus O(n) to scan, per iteration.
        const evidence: ListEvidence = { kind: 'data', lifetime: false, origin: haystack.text };
        emit(test.span, 'in', haystack.text, test.needle, test.functionId, test.loopIds, context, evidence, rateAt(file, test.functionId, test.loopIds, test.span));
      }
    }
    for (const call of file.calls) {
      if (!call.receiver || !call.method) continue;
      let op: Operation | undefined;
      if (call.method === 'index' || call.method === 'remove' || call.method === 'count') op = call.method;
      else if (call.method === 'pop' && numberValue(positional(call, 0)) === 0) op = 'pop0';
      else if (call.method === 'insert' && numberValue(positional(call, 0)) === 0) op = 'insert0';
      if (!op) continue;
      if (call.loopIds.length === 0) continue;
      const evidence = listEvidence(file, call.receiver, call.functionId);
      if (!evidence) continue;
      const needle = op === 'insert0' ? positional(call, 1)?.expr.text ?? 'item' : positional(call, 0)?.expr.text ?? 'item';
      emit(call.span, op, call.receiver, needle, call.functionId, call.loopIds, call.context, evidence, cycleRate(call, file));
    }
    return findings;
  },
};
