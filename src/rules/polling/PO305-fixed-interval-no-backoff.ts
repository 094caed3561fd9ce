// PO305: a loop that looks for work at the same pace whether or not it finds any.
import type { Operation } from '../../impact/types.js';
import { fmt, fmtEs, isPseudoFsPath, isTestFile, loopContext, pacingOf, pollLoops, sleepOf } from './hotpath.js';
import { httpVerb, httpKind } from '../io_blocking/http.js';
import { coreShare, cpuWords, intervalText, operationsOf, pollOperations, pollRate, type PricedWork } from './pollcost.js';
import { waitTarget } from './waits.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';

export const meta: RuleMeta = {
  id: 'PO305',
  name: 'fixed-interval-no-backoff',
  dimension: 'polling',
  title: { es: 'Intervalo fijo sin back-off en reposo', en: 'Fixed interval with no back-off when idle' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'important', per_task: 'important', startup: 'minor' },
  docs: {
    what: {
      es: 'Un bucle de sondeo que espera siempre lo mismo entre vueltas, encuentre trabajo o no: de noche, en reposo, sigue mirando al ritmo de la hora punta.',
      en: 'A poll loop that always waits the same between passes, whether it finds work or not: at night, idle, it keeps looking at rush-hour pace.',
    },
    why: {
      es: 'La mayor parte del tiempo no hay nada: con 100 agentes casi todos los sondeos son trabajo vacío. Un back-off exponencial en reposo los reduce 10–20× sin tocar la latencia cuando hay carga.',
      en: 'Most of the time there is nothing: with 100 agents nearly every poll is empty work. Exponential back-off when idle cuts them 10–20× without touching latency under load.',
    },
    example: 'while True:\n    names = os.listdir(INBOX)\n    for name in names:\n        handle(name)\n    time.sleep(0.5)',
    useInstead: 'delay = 0.5\nwhile True:\n    names = os.listdir(INBOX)\n    for name in names:\n        handle(name)\n    # busy → poll fast again; idle → wait longer, up to 10 s\n    delay = 0.5 if names else min(delay * 2, 10.0)\n    time.sleep(delay)',
    tradeoff: {
      es: 'El primer mensaje tras un periodo de reposo puede esperar hasta el máximo del back-off (10 s en el ejemplo); elija ese máximo según la latencia aceptable.',
      en: 'The first message after an idle period may wait up to the back-off maximum (10 s in the example); pick that maximum from the latency you can accept.',
    },
  },
};

/** Above this, a fixed pace is a deliberate period (a supervisor round), not an eager poll. */
const MAX_INTERVAL_SECONDS = 5;

function looksForWork(work: PricedWork): boolean {
  if (work.what === 'listdir' || work.what === 'walk' || work.what === 'stat' || work.what === 'read') return !isPseudoFsPath(work.call.args[0]?.expr.text);
  if (work.what === 'http') {
    const kind = httpKind(work.call, work.file);
    return kind !== undefined && ['GET', 'HEAD', 'REQUEST'].includes(httpVerb(work.call, kind));
  }
  return work.what === 'subprocess' && work.call.args.some((a) => a.name === 'capture_output' || a.name === 'stdout') || work.call.callee === 'subprocess.check_output';
}

export const PO305: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const loop of pollLoops(file)) {
      const poll = loop.poll!;
      const interval = poll.intervalSeconds;
      if (interval === undefined || interval > MAX_INTERVAL_SECONDS || poll.hasBackoff) continue;
      if (pacingOf(project, file, loop) !== 'sleep') continue; // Event.wait / select: already event-driven
      const sleep = sleepOf(file, loop);
      if (!sleep || sleep.functionId !== loop.functionId) continue; // the interval lives in a callee: cannot tell
      const { idle } = pollOperations(project, file, loop);
      const checks = idle.filter(looksForWork);
      const waiting = waitTarget(file, loop, sleep);
      if (checks.length === 0 && !waiting) continue; // a periodic job (flush, heartbeat, sampling), not a poll
      // Waiting on a process, an Event, a thread or a future: the fix is to block on it (PO306), not to back off.
      if (waiting && ['process', 'event', 'thread', 'future'].includes(waiting.kind)) continue;
      const context = loopContext(project, file, loop);
      // A wait that ends (`while not os.path.exists(sock)`) in start-up code runs once: back-off buys nothing there.
      if (!loop.unbounded && context === 'startup') continue;
      const severity: Severity = interval <= 1 ? 'important' : 'minor';
      const ops: Operation[] = checks.length ? operationsOf(checks) : [{ unit: 'python_op', count: 200 }];
      const rate = pollRate(file, loop);
      const polls = rate.perSecond * agents;
      const every = intervalText(project, file, loop);
      const cpu = cpuWords(coreShare(ops, polls));
      const delayName = poll.intervalText === 'delay' ? 'backoff' : 'delay';
      const condition = loop.conditionText ?? 'True';
      findings.push(...report(meta, loop.span, context === 'startup' && loop.unbounded ? 'poll_loop' : context, {
        severity,
        message: {
          es: `El bucle espera siempre ${every.es}, encuentre trabajo o no: sin back-off cuando está en reposo`,
          en: `The loop always waits ${every.en}, whether it finds work or not: no back-off when idle`,
        },
        whyAtScale: {
          es: `en reposo sigue haciendo ${fmtEs(polls)} sondeos/s entre ${agents} agentes (${cpu.es}); con back-off hasta 10 s bajarían a ~${fmtEs(agents / 10)}/s`,
          en: `idle, it still makes ${fmt(polls)} polls/s across ${agents} agents (${cpu.en}); with back-off up to 10 s they would drop to ~${fmt(agents / 10)}/s`,
        },
        proposal: {
          change: {
            es: `Duplicar la espera cada vez que una vuelta no encuentra nada (hasta un máximo, p. ej. 10 s) y volver a ${poll.intervalText} en cuanto hay trabajo.`,
            en: `Double the wait each time a pass finds nothing (up to a cap, e.g. 10 s) and go back to ${poll.intervalText} as soon as there is work.`,
          },
          justification: {
            es: 'Dos líneas de stdlib: bajo carga la latencia no cambia; en reposo los sondeos caen un orden de magnitud.',
            en: 'Two lines of stdlib: under load latency does not change; idle, polls drop by an order of magnitude.',
          },
          tradeoff: meta.docs.tradeoff,
          example: `${delayName} = ${poll.intervalText}\nwhile ${condition}:\n    found = ...  # the same check as now\n    ${delayName} = ${poll.intervalText} if found else min(${delayName} * 2, 10.0)\n    time.sleep(${delayName})`,
        },
        cost: {
          current: ops,
          expected: ops,
          rate,
          expectedRate: { perSecond: 0.1, basis: { es: 'un sondeo cada ~10 s en reposo (back-off)', en: 'one poll every ~10 s when idle (back-off)' } },
        },
        facts: { interval, intervalText: poll.intervalText },
      }));
    }
    return findings;
  },
};
