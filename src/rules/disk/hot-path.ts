// Where a call really runs, for the disk and subprocess rules, in their own words and severities: the
// refined place (model/frequency.ts `where`) priced, ranked and described for messages.
import type { CallSite, Context, FileModel, LoopInfo } from '../../model/types.js';
import { ASSUMED, cycleRate } from '../../impact/rate.js';
import type { CycleRate } from '../../impact/types.js';
import type { Severity } from '../types.js';
import { literalItemCount, type Where } from '../../model/frequency.js';


/** `test_x.py`, `x_test.py`, `conftest.py`: tests spawn and write files on purpose, once per test. */
export function isTestFile(path: string): boolean {
  const base = path.split('/').pop() ?? path;
  return /^test_.*\.py$|_test\.py$|^conftest\.py$|^tests?\.py$/.test(base);
}

export function loopTargets(file: FileModel, loop: LoopInfo): string[] {
  let target = loop.targetText;
  if (!target) {
    const text = file.source.slice(loop.span.line - 1, loop.span.endLine).join('\n');
    const match = /\bfor\s+([\w\s,()[\]]+?)\s+in\s/.exec(text);
    target = match?.[1];
  }
  return (target?.match(/[A-Za-z_]\w*/g) ?? []).filter((name) => name !== 'in');
}

/** Names that change on every pass of `loop`: its targets and what the body assigns. */
export function loopVariables(file: FileModel, loop: LoopInfo): Set<string> {
  const names = new Set(loopTargets(file, loop));
  for (const a of file.assignments) {
    if (!a.loopIds.includes(loop.id)) continue;
    for (const name of a.target.match(/^[A-Za-z_][\w.]*|(?<=,\s*)[A-Za-z_]\w*/g) ?? []) names.add(name);
  }
  return names;
}

/** The identifiers an expression text mentions (attribute chains kept whole: `self.path`). */
export function identifiers(text: string): string[] {
  // f-string interpolations count (`f"openclaw-agent@{name}.service"` mentions name); other string content does not.
  const interpolated = [...text.matchAll(/\b[rR]?[fF][rR]?(["'])((?:\\.|(?!\1).)*)\1/g)].flatMap((m) => [...m[2]!.matchAll(/\{([^{}:!]+)/g)].map((x) => x[1]!));
  const withoutStrings = `${text.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '""')} ${interpolated.join(' ')}`;
  return withoutStrings.match(/[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*/g) ?? [];
}

/** Does `text` depend on any of `names` (a name or the head of an attribute chain)? */
export function mentions(text: string, names: Set<string>): boolean {
  return identifiers(text).some((id) => names.has(id) || names.has(id.split('.')[0]!) || [...names].some((n) => id.startsWith(`${n}.`)));
}

/** A call shaped for `cycleRate` with the refined context. */
export function withContext(call: CallSite, at: Where): CallSite {
  return { ...call, context: at.context, loopIds: at.ownLoops.length === call.loopIds.length ? call.loopIds : at.ownLoops.map((l) => l.id) };
}

/** Severity of a per-poll cost from the poll interval: ≤ 2 s critical, ≤ 30 s important, slower minor. */
export function pollSeverity(interval: number | undefined, unknown: Severity = 'important'): Severity {
  if (interval === undefined || interval <= 0) return unknown;
  if (interval <= 2) return 'critical';
  return interval <= 30 ? 'important' : 'minor';
}

/** Items per pass of a loop: the literal's size, else the model's assumption. */
export function itemsPerLoop(loop: LoopInfo | undefined, file?: FileModel): number {
  const count = literalItemCount(loop?.iterableText);
  if (count && count > 0) return count;
  const constant = loop?.iterableText && file?.constants.get(loop.iterableText.trim());
  if (constant && constant.value.kind === 'list' && constant.value.items.length > 0) return constant.value.items.length;
  return ASSUMED.itemsPerLoop;
}

/** How the call is reached, in words, for messages: "inside `for unit in units`", "from the loop in dispatch_forever". */
export function placeText(file: FileModel, at: Where): { es: string; en: string } {
  const loop = at.ownLoops[0];
  if (loop) {
    const header = file.source[loop.span.line - 1]?.replace(/#.*$/, '').trim().replace(/:$/, '') ?? '';
    const short = header.length > 60 ? `${header.slice(0, 57)}…` : header;
    if (at.context !== 'poll_loop') return { es: `dentro de \`${short}\` (línea ${loop.span.line})`, en: `inside \`${short}\` (line ${loop.span.line})` };
    if (loop.poll) return { es: `en el bucle de sondeo \`${short}\` (línea ${loop.span.line})`, en: `in the polling loop \`${short}\` (line ${loop.span.line})` };
    const outer = at.ownLoops.find((l) => l.poll);
    const pollEs = outer ? ` (línea ${outer.span.line})` : at.poll ? ` de ${at.poll.loopFile}:${at.poll.loopLine}` : '';
    const pollEn = outer ? ` (line ${outer.span.line})` : at.poll ? ` at ${at.poll.loopFile}:${at.poll.loopLine}` : '';
    return {
      es: `dentro de \`${short}\` (línea ${loop.span.line}) en cada vuelta del bucle de sondeo${pollEs}`,
      en: `inside \`${short}\` (line ${loop.span.line}) on every pass of the polling loop${pollEn}`,
    };
  }
  if (at.site) {
    const caller = at.site.call.functionId ? at.site.call.functionId.split(':').pop() : '<module>';
    const how = at.site.passed ? { es: 'en un hilo lanzado por', en: 'started by' } : { es: 'desde', en: 'called from' };
    return { es: `${how.es} ${caller} (${at.site.file.path}:${at.site.call.span.line})`, en: `${how.en} ${caller} (${at.site.file.path}:${at.site.call.span.line})` };
  }
  switch (at.context) {
    case 'handler': return { es: 'en un manejador HTTP (una vez por petición)', en: 'in an HTTP handler (once per request)' };
    case 'poll_loop': return { es: 'en un bucle de sondeo', en: 'in a polling loop' };
    default: return { es: 'una vez por tarea', en: 'once per task' };
  }
}

/** Cycles per second for the refined context (wraps `cycleRate`, which reads the linker's context). */
export function rateOf(call: CallSite, file: FileModel, at: Where): CycleRate {
  if (at.context === 'poll_loop' && !call.poll && at.poll) return cycleRate({ ...call, context: 'poll_loop', poll: at.poll }, file);
  if (at.context === 'poll_loop' && !call.poll) return cycleRate({ ...call, context: 'loop', loopIds: call.loopIds.length ? call.loopIds : [-1] }, file);
  if (at.context === 'per_task' && at.fnRepeated && at.site && at.site.call.loopIds.length > 0 && !at.site.passed) {
    return cycleRate({ ...call, context: 'loop', loopIds: [-1, ...call.loopIds] }, file);
  }
  return cycleRate(withContext(call, at), file);
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 3, important: 2, minor: 1 };

function cap(severity: Severity, ceiling: Severity): Severity {
  return SEVERITY_RANK[severity] > SEVERITY_RANK[ceiling] ? ceiling : severity;
}

function soften(severity: Severity): Severity {
  return severity === 'critical' ? 'important' : 'minor';
}

/**
 * The severity of a rule at a refined place: the rule's policy for the context, with the poll interval
 * deciding inside poll loops, a loop inside a cold (start-up) function one step milder, and a per-task
 * function called inside a caller's loop treated as that loop.
 */
export function severityAt(policy: Record<Context, Severity | null>, at: Where): Severity | null {
  switch (at.context) {
    case 'handler':
      return policy.handler;
    case 'poll_loop': {
      const ceiling = policy.poll_loop;
      return ceiling ? cap(pollSeverity(at.intervalSeconds, soften(ceiling)), ceiling) : null;
    }
    case 'loop': {
      const base = policy.loop;
      if (!base) return null;
      return at.fnRepeated || at.fnContext === 'per_task' ? base : soften(base);
    }
    case 'per_task': {
      if (at.fnRepeated && at.site && !at.site.passed && at.site.call.loopIds.length > 0) return policy.loop ?? policy.per_task;
      return policy.per_task;
    }
    default:
      return policy.startup;
  }
}

/** How often the call runs, in words: "per request", "per poll (every 0.5 s)", "per item". */
export function cadence(at: Where): { es: string; en: string } {
  switch (at.context) {
    case 'handler': return { es: 'por petición', en: 'per request' };
    case 'poll_loop': {
      const every = at.intervalSeconds !== undefined ? ` (cada ${fmtSeconds(at.intervalSeconds)} s)` : '';
      return { es: `por sondeo${every}`, en: `per poll${every.replace('cada', 'every')}` };
    }
    case 'loop': return { es: 'por iteración', en: 'per iteration' };
    case 'per_task':
      return at.site && !at.site.passed && at.site.call.loopIds.length > 0
        ? { es: 'por elemento del bucle que la llama', en: "per item of the caller's loop" }
        : { es: 'por tarea', en: 'per task' };
    default: return { es: 'al arrancar', en: 'at start-up' };
  }
}

function fmtSeconds(n: number): string {
  return String(Number(n.toPrecision(3)));
}

/** `return json.load(fh)` / `break` right after the read: it happens once, then the loop ends. */
export function exitsAfter(file: FileModel, call: CallSite, loop: LoopInfo): boolean {
  const line = file.source[call.span.line - 1] ?? '';
  if (/^\s*return\b/.test(line)) return true;
  const indent = line.length - line.trimStart().length;
  for (let n = call.span.endLine; n < loop.span.endLine && n < call.span.endLine + 6; n++) {
    const text = file.source[n] ?? '';
    if (!text.trim() || text.trim().startsWith('#')) continue;
    const own = text.length - text.trimStart().length;
    if (own < indent) break;
    if (own === indent && /^(return|break)\b/.test(text.trim())) return true;
  }
  return false;
}

