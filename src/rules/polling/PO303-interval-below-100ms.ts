// PO303: a poll loop that wakes up more than ten times a second.
import type { Operation } from '../../impact/types.js';
import { callsInside, fmt, fmtEs, isTestFile, loopContext, pacingOf, pollLoops } from './hotpath.js';
import type { FileModel, LoopInfo } from '../../model/types.js';
import { coreShare, cpuWords, intervalText, operationsOf, pollOperations, pollRate, rateWords } from './pollcost.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';

export const meta: RuleMeta = {
  id: 'PO303',
  name: 'interval-below-100ms',
  dimension: 'polling',
  title: { es: 'Intervalo de sondeo menor de 100 ms', en: 'Poll interval below 100 ms' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'critical', per_task: 'important', startup: 'minor' },
  docs: {
    what: {
      es: 'Un bucle de sondeo que duerme menos de 100 ms entre vueltas: más de 10 despertares por segundo y agente, haya trabajo o no.',
      en: 'A poll loop that sleeps under 100 ms between passes: more than 10 wake-ups per second per agent, whether there is work or not.',
    },
    why: {
      es: 'A 50 ms, 100 agentes suman 2.000 despertares/s, cada uno con sus operaciones (listdir, stat, lecturas): CPU y disco ocupados solo en mirar.',
      en: 'At 50 ms, 100 agents add up to 2,000 wake-ups/s, each with its operations (listdir, stat, reads): CPU and disk busy just looking.',
    },
    example: 'QUEUE_POLL = 0.05\nwhile True:\n    for entry in os.listdir(queue):\n        ...\n    time.sleep(QUEUE_POLL)',
    useInstead: '# wait for events (inotify, a systemd .path unit, queue.Queue.get, Event.wait);\n# if you must poll: start at 0.5 s and back off when idle\ndelay = 0.5\nwhile True:\n    entries = os.listdir(queue)\n    ...\n    delay = 0.5 if entries else min(delay * 2, 5.0)\n    time.sleep(delay)',
    tradeoff: {
      es: 'Un intervalo mayor añade latencia (hasta el intervalo) a la detección de trabajo nuevo; con eventos no hay latencia extra pero hay más código (inotify vía ctypes) o una unidad systemd.',
      en: 'A longer interval adds latency (up to the interval) before new work is noticed; events add no latency but more code (inotify through ctypes) or a systemd unit.',
    },
  },
};

/** Below this interval a poll loop is too eager. */
export const FAST_INTERVAL_SECONDS = 0.1;

/**
 * The loop also blocks on a queue or an event with a timeout (`q.get(timeout=1.0)`, `event.wait(1)`): that
 * wait paces it, and the short sleep beside it only spaces the wake-ups a little more.
 */
function blocksOnQueue(file: FileModel, loop: LoopInfo): boolean {
  return callsInside(file, loop).some((call) => call.id !== loop.poll?.sleepCallId &&
    ((call.method === 'get' && /queue|(^|[._])q$|inbox|events?$|jobs?$|tasks?$/i.test(call.receiver ?? '') && !call.args.some((a) => a.name === 'block' && a.expr.text === 'False')) ||
      (call.method === 'wait' && call.args.length > 0 && !/^(proc|process|p|child)$/.test(call.receiver ?? ''))));
}

export const PO303: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const loop of pollLoops(file)) {
      const poll = loop.poll!;
      const interval = poll.intervalSeconds;
      if (interval === undefined || interval >= FAST_INTERVAL_SECONDS) continue;
      if (poll.hasBackoff) continue; // starts small but grows: `delay = min(delay * 2, …)`
      if (pacingOf(project, file, loop) === 'select' || blocksOnQueue(file, loop)) continue;
      const context = loopContext(project, file, loop);
      // A wait that ends, in cold code, is brief; an endless loop (`while True`) is hot wherever it is.
      let severity: Severity | null = loop.unbounded ? 'critical' : meta.severity[context];
      if (!severity) continue;
      const { idle } = pollOperations(project, file, loop);
      const ops: Operation[] = idle.length ? operationsOf(idle) : [{ unit: 'python_op', count: 200 }];
      const rate = pollRate(file, loop);
      const wakeups = rate.perSecond * agents;
      const every = intervalText(project, file, loop);
      const cpu = cpuWords(coreShare(ops, wakeups));
      const words = rateWords(ops, wakeups);
      if (interval === 0) severity = 'critical';
      findings.push(...report(meta, loop.span, loop.unbounded ? 'poll_loop' : context, {
        severity,
        message: {
          es: `El bucle duerme solo ${every.es} entre vueltas: ${interval > 0 ? `${fmtEs(1 / interval)} despertares/s por agente` : 'sleep(0) no espera nada: es una espera activa'}`,
          en: `The loop sleeps only ${every.en} between passes: ${interval > 0 ? `${fmt(1 / interval)} wake-ups/s per agent` : 'sleep(0) waits for nothing: a busy wait'}`,
        },
        whyAtScale: {
          es: `${agents} agentes × ${fmtEs(rate.perSecond)}/s = ${fmtEs(wakeups)} despertares/s${idle.length ? ` → ${words.es}` : ''}, ${cpu.es}, haya trabajo o no`,
          en: `${agents} agents × ${fmt(rate.perSecond)}/s = ${fmt(wakeups)} wake-ups/s${idle.length ? ` → ${words.en}` : ''}, ${cpu.en}, whether there is work or not`,
        },
        proposal: {
          change: {
            es: `Esperar eventos (inotify, unidad .path, \`queue.Queue.get\`, \`Event.wait\`) o, si hay que sondear, subir ${poll.intervalText} a ≥ 0,5 s con back-off cuando no hay trabajo.`,
            en: `Wait for events (inotify, a .path unit, \`queue.Queue.get\`, \`Event.wait\`) or, if you must poll, raise ${poll.intervalText} to ≥ 0.5 s with back-off when idle.`,
          },
          justification: {
            es: `Pasar de ${fmtEs(interval)} s a 0,5 s divide los despertares por ${fmtEs(0.5 / Math.max(interval, 0.001))}; el back-off los reduce a uno cada pocos segundos en reposo.`,
            en: `Going from ${fmt(interval)} s to 0.5 s divides wake-ups by ${fmt(0.5 / Math.max(interval, 0.001))}; back-off brings them to one every few seconds when idle.`,
          },
          tradeoff: meta.docs.tradeoff,
          example: `${/^[A-Z_][A-Z0-9_]*$/.test(poll.intervalText) ? `${poll.intervalText} = 0.5  # was ${fmt(interval)}\n` : ''}delay = 0.5\nwhile ${loop.conditionText ?? 'True'}:\n    found = ...  # the same check as before\n    delay = 0.5 if found else min(delay * 2, 5.0)\n    time.sleep(delay)`,
        },
        cost: {
          current: ops,
          expected: ops,
          rate,
          expectedRate: { perSecond: 1, basis: { es: 'intervalo de 0,5 s con back-off (≤ 1 despertar/s de media)', en: '0.5 s interval with back-off (≤ 1 wake-up/s on average)' } },
          assumptions: idle.length ? undefined : [{ es: 'cada despertar cuesta ~200 operaciones de Python (cambio de contexto + comprobación)', en: 'each wake-up costs ~200 Python operations (context switch + check)' }],
        },
        facts: { interval, intervalText: poll.intervalText, wakeupsPerSecondAtN: wakeups },
      }));
    }
    return findings;
  },
};
