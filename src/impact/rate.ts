// How often a call runs per agent, from its hot-path context. Where the code does not say (a request
// rate, a task rate), the model assumes a documented figure and lists it in the finding's assumptions.
import type { CallSite, FileModel, LoopInfo } from '../model/types.js';
import type { CycleRate } from './types.js';

export const ASSUMED = {
  /** HTTP requests each agent's server handles per second. */
  requestsPerSecond: 1,
  /** Tasks each agent processes per second (one every 5 s). */
  tasksPerSecond: 0.2,
  /** Items a loop walks per pass (files in an inbox, units, URLs). */
  itemsPerLoop: 10,
  /** Poll interval when the code's interval cannot be evaluated. */
  pollIntervalSeconds: 1,
};

/** Interval and rate figures in the sentence's language (0.5 in English, 0,5 in Spanish). */
function fmt(n: number, lang: 'es' | 'en' = 'en'): string {
  const text = Number.isInteger(n) ? String(n) : n.toFixed(n < 1 ? 2 : 1).replace(/\.?0+$/, '');
  return lang === 'es' ? text.replace('.', ',') : text;
}

/** Loops between the pacing loop (or function entry) and the call: each multiplies by the items per loop. */
function innerLoopFactor(call: CallSite, pollLoop?: LoopInfo): number {
  const inner = pollLoop ? call.loopIds.indexOf(pollLoop.id) : call.loopIds.length;
  const count = inner < 0 ? call.loopIds.length : inner;
  return ASSUMED.itemsPerLoop ** Math.min(count, 2);
}

/** Cycles per second per agent for a call of `file`. */
export function cycleRate(call: CallSite, file: FileModel): CycleRate {
  if (call.context === 'poll_loop' && call.poll) {
    const known = call.poll.intervalSeconds !== undefined && call.poll.intervalSeconds > 0;
    const interval = known ? call.poll.intervalSeconds! : ASSUMED.pollIntervalSeconds;
    const pollLoop = file.path === call.poll.loopFile ? file.loops.find((l) => l.poll && l.span.line === call.poll!.loopLine) : undefined;
    const factor = innerLoopFactor(call, pollLoop);
    const polls = 1 / interval;
    const basis = known
      ? { es: `un sondeo cada ${fmt(interval, 'es')} s (${call.poll.intervalText})`, en: `one poll every ${fmt(interval)} s (${call.poll.intervalText})` }
      : { es: `intervalo de sondeo desconocido (${call.poll.intervalText}), se asume ${fmt(interval, 'es')} s`, en: `unknown poll interval (${call.poll.intervalText}), assumed ${fmt(interval)} s` };
    if (factor > 1) {
      basis.es += ` × ${factor} elementos por sondeo (supuesto)`;
      basis.en += ` × ${factor} items per poll (assumed)`;
    }
    return { perSecond: polls * factor, basis };
  }
  if (call.context === 'handler') {
    const factor = innerLoopFactor(call);
    return {
      perSecond: ASSUMED.requestsPerSecond * factor,
      basis: {
        es: `${ASSUMED.requestsPerSecond} petición/s por agente (supuesto)${factor > 1 ? ` × ${factor} elementos por petición` : ''}`,
        en: `${ASSUMED.requestsPerSecond} request/s per agent (assumed)${factor > 1 ? ` × ${factor} items per request` : ''}`,
      },
    };
  }
  if (call.context === 'loop' || call.context === 'per_task') {
    const factor = call.context === 'loop' ? innerLoopFactor(call) : 1;
    return {
      perSecond: ASSUMED.tasksPerSecond * factor,
      basis: {
        es: `${fmt(ASSUMED.tasksPerSecond, 'es')} tareas/s por agente (supuesto)${factor > 1 ? ` × ${factor} iteraciones por tarea` : ''}`,
        en: `${fmt(ASSUMED.tasksPerSecond)} tasks/s per agent (assumed)${factor > 1 ? ` × ${factor} iterations per task` : ''}`,
      },
    };
  }
  return { perSecond: 0, basis: { es: 'una vez al arrancar', en: 'once at start-up' } };
}
