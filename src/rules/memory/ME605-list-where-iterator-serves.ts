import { cycleRate } from '../../impact/rate.js';
import type { CycleRate } from '../../impact/types.js';
import type { Context, FileModel, Span } from '../../model/types.js';
import { codeOnly, contextAt, countUses, escapeRegExp, functionCode, rateAt } from './helpers.js';
import { fileGrowth, wholeRead } from './reads.js';
import { callText } from '../parallelism/independence.js';
import { assignmentsTo } from '../../model/file-index.js';
import { declaresGlobal } from '../scalability/lists.js';
import { num, positional, report } from '../support.js';
import type { L10n, Rule, RuleFinding, RuleMeta } from '../types.js';

export const meta: RuleMeta = {
  id: 'ME605',
  name: 'list-where-iterator-serves',
  dimension: 'memory',
  title: { es: 'Lista materializada donde basta un iterador', en: 'List materialised where an iterator serves' },
  phase: 1,
  severity: { handler: 'minor', poll_loop: 'minor', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Se construye una lista completa solo para recorrerla una vez, contarla o pasarla a sum/any/all/max/min: `for x in list(map(...))`, `for line in f.readlines()`, `sum([... for ...])`, `len([... if ...])`. Filtrar una lista que ya existe entera (`[n for n in os.listdir(d) if …]`) no cuenta.',
      en: 'A whole list is built only to walk it once, count it or hand it to sum/any/all/max/min: `for x in list(map(...))`, `for line in f.readlines()`, `sum([... for ...])`, `len([... if ...])`. Filtering a list that already exists whole (`[n for n in os.listdir(d) if …]`) does not count.',
    },
    why: {
      es: 'La memoria pico pasa a ser proporcional a los datos (10.000 elementos ≈ 1 MB más por llamada, por agente) y any/all pierden el cortocircuito; con 100 agentes en paralelo son 100 copias temporales.',
      en: 'Peak memory becomes proportional to the data (10,000 items ≈ 1 MB more per call, per agent) and any/all lose short-circuiting; at 100 concurrent agents that is 100 temporary copies.',
    },
    example: 'total = sum([item["finished"] - item["started"] for item in items])\nfailed = [item for item in items if item["status"] != "ok"]\nreturn len(failed)',
    useInstead: 'total = sum(item["finished"] - item["started"] for item in items)   # generator\nfailed = sum(1 for item in items if item["status"] != "ok")          # count, no list\nreturn failed',
    tradeoff: {
      es: 'Un generador solo se recorre una vez: si el resultado se usa dos veces, la lista sí hace falta. "".join y sorted construyen la lista de todos modos (por eso no se señalan).',
      en: 'A generator can be walked only once: if the result is used twice, the list is needed. "".join and sorted build the list anyway (so they are not flagged).',
    },
  },
};

/** Items assumed in the materialised list, and the memory each takes (pointer + a new small object). */
const ITEMS = 10_000;
const ITEM_KB = 0.1;

const LAZY_SOURCE = /^(map|filter|zip|range|reversed|enumerate|iter|itertools\.\w+|os\.scandir|scandir|glob\.iglob|iglob|csv\.reader|csv\.DictReader|re\.finditer|\w+\.finditer|\w+\.iterdir|\w+\.rglob|\w+\.glob|os\.walk)\s*\(/;
const REDUCERS = new Set(['sum', 'any', 'all', 'max', 'min']);
/** Calls that return a whole list: a comprehension over one of them keeps that list alive anyway. */
const EAGER_SOURCE = /\bfor\b.+?\bin\s+(os\.listdir|listdir|glob\.glob|sorted|[\w.]+\.readlines|[\w.]+\.split|[\w.]+\.splitlines)\s*\(/s;

interface Match { span: Span; context: Context; rate: CycleRate; message: L10n; change: L10n; example: string; functionId?: string }

function singleIteration(code: string, name: string): boolean {
  const n = escapeRegExp(name);
  return new RegExp(`\\bfor\\s+\\(?\\s*\\w+(?:\\s*,\\s*\\w+)*\\s*\\)?\\s+in\\s+${n}\\s*[:)\\]]`).test(code) ||
    new RegExp(`\\b(sum|any|all|max|min|set|tuple|dict|sorted)\\(\\s*${n}\\s*[,)]`).test(code);
}

/** The loop that walks `name` runs once per execution of the assignment (not inside a deeper loop). */
function walkedAtSameDepth(file: FileModel, functionId: string, name: string, assignmentLoop: number | undefined): boolean {
  const walkers = file.loops.filter((l) => l.functionId === functionId && l.iterableText?.trim() === name);
  return walkers.every((l) => l.parentLoopId === assignmentLoop);
}

/** `keys = [k for k in d if …]; for k in keys: del d[k]`: the copy exists so the loop can mutate `d`. */
function mutatesSource(file: FileModel, functionId: string, name: string, comprehension: string): boolean {
  const source = /\bin\s+([\w.]+?)(?:\.(?:items|keys|values)\(\))?(?:\s+if\b|\s*$)/.exec(comprehension)?.[1];
  if (!source) return false;
  const walker = file.loops.find((l) => l.functionId === functionId && l.iterableText?.trim() === name);
  if (!walker) return false;
  const body = codeOnly(file.source.slice(walker.span.line - 1, walker.span.endLine).join('\n'));
  const s = escapeRegExp(source);
  return new RegExp(`\\bdel\\s+${s}\\[|(?<![\\w.])${s}\\.(pop|remove|clear|update|add|append|setdefault|discard|popitem)\\(|(?<![\\w.])${s}\\[[^\\]]*\\]\\s*=(?!=)`).test(body);
}

/** Built inside `with open(...)` and used after the block closes the file: the list must exist. */
function outlivesWith(file: FileModel, a: { span: Span; functionId?: string; target: string }): boolean {
  const w = file.withs.find((x) => x.functionId === a.functionId && x.span.start < a.span.start && a.span.end <= x.span.end);
  if (!w) return false;
  const after = codeOnly(file.source.slice(w.span.endLine, functionEnd(file, a.functionId)).join('\n'));
  return countUses(after, a.target) > 0;
}

function functionEnd(file: FileModel, functionId: string | undefined): number {
  return (functionId ? file.functions.get(functionId)?.span.endLine : undefined) ?? file.source.length;
}

function onlyLen(code: string, name: string, uses: number): boolean {
  const n = escapeRegExp(name);
  return (code.match(new RegExp(`\\blen\\(\\s*${n}\\s*\\)`, 'g')) ?? []).length === uses;
}

export const ME605: Rule = {
  meta,
  check({ file, project, agents }) {
    const matches: Match[] = [];
    // (a) for x in list(<lazy>) and (b) for line in f.readlines()
    for (const call of file.calls) {
      if (call.isLoopIterable && call.callee === 'list' && call.args.length === 1) {
        const source = call.args[0]!.expr;
        if (!(source.type === 'generator_expression' || LAZY_SOURCE.test(source.text))) continue;
        matches.push({
          span: call.span, context: call.context, rate: cycleRate(call, file), functionId: call.functionId,
          message: { es: `list(${short(source.text)}) materializa todos los elementos solo para recorrerlos una vez`, en: `list(${short(source.text)}) materialises every item only to walk them once` },
          change: { es: 'Recorrer el iterador directamente, sin list(...).', en: 'Iterate the iterator directly, without list(...).' },
          example: `for ${file.loops.find((l) => l.iterableText === callText(file, call))?.targetText ?? 'item'} in ${source.text}:  # no list(): one item in memory at a time\n    ...`,
        });
      }
      if (call.method === 'readlines' && call.args.length === 0) {
        const read = wholeRead(file, call);
        if (read && fileGrowth(project, file, read.path, undefined, call.functionId)) continue; // ME601 reports the growing file
        const receiver = call.receiver ?? 'fh';
        if (call.isLoopIterable) {
          matches.push({
            span: call.span, context: call.context, rate: cycleRate(call, file), functionId: call.functionId,
            message: { es: `${receiver}.readlines() carga todas las líneas en una lista solo para recorrerlas`, en: `${receiver}.readlines() loads every line into a list only to walk them` },
            change: { es: `Recorrer el fichero directamente: for line in ${receiver}.`, en: `Iterate the file directly: for line in ${receiver}.` },
            example: `for line in ${receiver}:  # streams: one line in memory at a time\n    ...`,
          });
        } else if (call.assignedTo && /^\w+$/.test(call.assignedTo) && call.functionId) {
          const code = functionCode(file, call.functionId);
          const uses = countUses(code, call.assignedTo) - 1;
          if (uses === 1 && singleIteration(code, call.assignedTo)) {
            matches.push({
              span: call.span, context: call.context, rate: cycleRate(call, file), functionId: call.functionId,
              message: { es: `${call.assignedTo} = ${receiver}.readlines() guarda todas las líneas para recorrerlas una sola vez`, en: `${call.assignedTo} = ${receiver}.readlines() keeps every line only to walk them once` },
              change: { es: `Recorrer ${receiver} directamente donde hoy se recorre ${call.assignedTo}.`, en: `Iterate ${receiver} directly where ${call.assignedTo} is walked today.` },
              example: `for line in ${receiver}:  # instead of ${call.assignedTo} = ${receiver}.readlines()\n    ...`,
            });
          }
        }
      }
      // len([... if ...]): a list built only to be counted
      if (call.callee === 'len' && call.args.length === 1 && positional(call, 0)?.expr.type === 'list_comprehension') {
        const inner = positional(call, 0)!.expr.text.trim().slice(1, -1).trim();
        const condition = /\bif\b(.*)$/s.exec(inner)?.[1]?.trim();
        const loop = /\bfor\b.*?(?=\bif\b|$)/s.exec(inner)?.[0]?.trim() ?? 'for ...';
        matches.push({
          span: call.span, context: call.context, rate: cycleRate(call, file), functionId: call.functionId,
          message: { es: 'len([...]) construye una lista solo para contar sus elementos', en: 'len([...]) builds a list only to count it' },
          change: { es: 'Contar con un generador: sum(1 for ... if ...).', en: 'Count with a generator: sum(1 for ... if ...).' },
          example: `sum(1 ${loop}${condition ? ` if ${condition}` : ''})  # a count, no list`,
        });
      }
      // (c) sum([... for ...]), any([...]), all([...]), max([...]), min([...])
      if (REDUCERS.has(call.callee) && call.args.filter((a) => !a.name).length === 1 && positional(call, 0)?.expr.type === 'list_comprehension') {
        const inner = positional(call, 0)!.expr.text.trim().slice(1, -1).trim();
        const rest = call.args.filter((a) => a.name).map((a) => `, ${a.name}=${a.expr.text}`).join('');
        const shortCircuit = call.callee === 'any' || call.callee === 'all';
        matches.push({
          span: call.span, context: call.context, rate: cycleRate(call, file), functionId: call.functionId,
          message: {
            es: `${call.callee}([...]) construye la lista entera antes de ${shortCircuit ? 'decidir (pierde el cortocircuito)' : 'reducirla'}`,
            en: `${call.callee}([...]) builds the whole list before ${shortCircuit ? 'deciding (no short-circuit)' : 'reducing it'}`,
          },
          change: { es: `Pasar un generador: ${call.callee}(... for ...), sin corchetes.`, en: `Pass a generator: ${call.callee}(... for ...), without brackets.` },
          example: `${call.calleeText}(${inner}${rest})`,
        });
      }
    }
    // (d) x = [... for ...] / list(...) used only by len(x) or walked once
    for (const a of file.assignments) {
      if (a.augmented || a.functionId === undefined || !/^\w+$/.test(a.target)) continue;
      const built = a.value.type === 'list_comprehension' || (a.value.type === 'call' && a.value.qualifiedName === 'list' && LAZY_SOURCE.test(a.value.text.slice(5)));
      if (!built) continue;
      const code = functionCode(file, a.functionId);
      if (declaresGlobal(code, a.target)) continue;
      const uses = countUses(code, a.target) - assignmentsTo(file, a.target).filter((x) => x.functionId === a.functionId).length;
      if (uses < 1) continue;
      const context = contextAt(file, a.functionId, a.loopIds);
      const inner = a.value.type === 'list_comprehension' ? a.value.text.trim().slice(1, -1).trim() : a.value.text.slice(5, -1);
      if (onlyLen(code, a.target, uses)) {
        const condition = /\bif\b(.*)$/s.exec(inner)?.[1]?.trim();
        const loop = /\bfor\b.*?(?=\bif\b|$)/s.exec(inner)?.[0]?.trim() ?? 'for ...';
        matches.push({
          span: a.span, context, rate: rateAt(file, a.functionId, a.loopIds, a.span), functionId: a.functionId,
          message: { es: `${a.target} se construye como lista solo para contar sus elementos con len()`, en: `${a.target} is built as a list only to count it with len()` },
          change: { es: `Contar sin lista: ${a.target} = sum(1 ${loop}${condition ? ` if ${condition}` : ''}) y usar ${a.target} donde hoy está len(${a.target}).`, en: `Count without a list: ${a.target} = sum(1 ${loop}${condition ? ` if ${condition}` : ''}) and use ${a.target} where len(${a.target}) is today.` },
          example: `${a.target} = sum(1 ${loop}${condition ? ` if ${condition}` : ''})  # a count, no list\n# ... then use ${a.target} where len(${a.target}) was`,
        });
      } else if (uses === 1 && !EAGER_SOURCE.test(inner) && singleIteration(code, a.target) && walkedAtSameDepth(file, a.functionId, a.target, a.loopIds[0]) &&
        !mutatesSource(file, a.functionId, a.target, inner) && !outlivesWith(file, a)) {
        matches.push({
          span: a.span, context, rate: rateAt(file, a.functionId, a.loopIds, a.span), functionId: a.functionId,
          message: { es: `${a.target} se materializa como lista y se recorre una sola vez`, en: `${a.target} is materialised as a list and walked only once` },
          change: { es: `Usar un generador: ${a.target} = (${short(inner)}).`, en: `Use a generator: ${a.target} = (${short(inner)}).` },
          example: `${a.target} = (${inner})  # generator: walked once, nothing stored`,
        });
      }
    }

    const findings: RuleFinding[] = [];
    for (const m of matches) {
      const memoryMB = (ITEMS * ITEM_KB) / 1024;
      findings.push(...report(meta, m.span, m.context, {
        message: m.message,
        whyAtScale: {
          es: `con ~${num(ITEMS)} elementos son ~${num(memoryMB)} MB temporales por llamada; ${num(m.rate.perSecond * agents)} llamadas/s con ${agents} agentes`,
          en: `with ~${num(ITEMS)} items that is ~${num(memoryMB)} MB of temporary memory per call; ${num(m.rate.perSecond * agents)} calls/s at ${agents} agents`,
        },
        proposal: {
          change: m.change,
          justification: {
            es: 'Mismo resultado y mismo coste de CPU, sin la lista intermedia: la memoria pico deja de depender del tamaño de los datos.',
            en: 'Same result and CPU cost without the intermediate list: peak memory no longer depends on the size of the data.',
          },
          tradeoff: meta.docs.tradeoff,
          example: m.example,
        },
        cost: {
          current: [{ unit: 'python_op', count: ITEMS }],
          expected: [{ unit: 'python_op', count: ITEMS }],
          rate: m.rate,
          currentResources: { memoryMB },
          expectedResources: { memoryMB: 0 },
          assumptions: [{ es: `~${num(ITEMS)} elementos de ~${ITEM_KB * 1000} bytes`, en: `~${num(ITEMS)} items of ~${ITEM_KB * 1000} bytes` }],
        },
      }));
    }
    return findings;
  },
};

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 50 ? `${flat.slice(0, 47)}...` : flat;
}
