// SY203: `time.sleep()` inside `with lock:` (or between `acquire()` and `release()`): every other thread that
// needs the lock waits out the whole nap, although nothing is being protected while the holder sleeps.
import { cycleRate } from '../../impact/rate.js';
import type { CallSite, FileModel, WithInfo } from '../../model/types.js';
import { withContext } from '../../model/frequency.js';
import { fmt, fmtEs, isTestFile } from '../polling/hotpath.js';
import { sleepInterval } from '../../model/link.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';

export const meta: RuleMeta = {
  id: 'SY203',
  name: 'sleep-holding-lock',
  dimension: 'sync_ops',
  title: { es: 'Dormir con un lock cogido', en: 'Sleeping while holding a lock' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'important', loop: 'important', per_task: 'important', startup: 'minor' },
  docs: {
    what: {
      es: 'Un `time.sleep()` dentro de `with lock:`: el hilo se duerme sin soltar el lock.',
      en: 'A `time.sleep()` inside `with lock:`: the thread goes to sleep without releasing the lock.',
    },
    why: {
      es: 'Todos los demás hilos que necesitan el lock esperan la siesta entera sin que nada se esté protegiendo; con 100 agentes o peticiones, la espera se encadena y el servicio avanza al ritmo de las siestas.',
      en: 'Every other thread that needs the lock waits out the whole nap while nothing is being protected; with 100 agents or requests, the waits chain and the service moves at the pace of the naps.',
    },
    example: 'with self._lock:\n    self._pending.append(item)\n    time.sleep(0.5)',
    useInstead: 'with self._lock:\n    self._pending.append(item)\ntime.sleep(0.5)  # outside the lock\n\n# or wait on a Condition, which releases the lock while waiting:\nwith self._cond:\n    self._cond.wait(timeout=0.5)',
    tradeoff: {
      es: 'Mover la espera fuera del lock deja ver el estado a otros hilos durante la pausa: si la pausa protegía un invariante, use un `Condition`.',
      en: 'Moving the wait out of the lock lets other threads see the state during the pause: if the pause guarded an invariant, use a `Condition`.',
    },
  },
};

const LOCK_TEXT = /(^|[._])(r?lock|mutex|_?mu)$|lock\b|Lock\(\)/i;

/** The `with` statement holding a lock around `call`, if any (`with self._lock:`, `with LOCK, open(p):`). */
function lockAround(file: FileModel, call: CallSite): WithInfo | undefined {
  return file.withs.find((w) => w.functionId === call.functionId && w.span.start < call.span.start && call.span.end <= w.span.end &&
    w.items.some((item) => LOCK_TEXT.test(item.text.trim()) && !/\bopen\(|FileLock|flock/.test(item.text)));
}

export const SY203: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      if (site.callee !== 'time.sleep') continue;
      const held = lockAround(file, site);
      if (!held) continue;
      const call = withContext(project, site, file);
      const seconds = sleepInterval(site)?.seconds;
      const lock = held.items.find((item) => LOCK_TEXT.test(item.text.trim()))!.text.trim();
      const rate = cycleRate(call, file);
      const nap = seconds !== undefined ? `${fmt(seconds)} s` : site.args[0]?.expr.text ?? '?';
      const napEs = seconds !== undefined ? `${fmtEs(seconds)} s` : nap;
      findings.push(...report(meta, site.span, call.context, {
        message: {
          es: `\`${site.calleeText}(${site.args[0]?.expr.text ?? ''})\` duerme con \`${lock}\` cogido (línea ${held.span.line}): los demás hilos esperan ${napEs} cada vez`,
          en: `\`${site.calleeText}(${site.args[0]?.expr.text ?? ''})\` sleeps holding \`${lock}\` (line ${held.span.line}): other threads wait ${nap} each time`,
        },
        whyAtScale: {
          es: `${fmtEs(rate.perSecond)} siestas/s por agente con el lock cogido: con ${agents} hilos o peticiones que lo comparten, cada uno espera en cola las siestas de los demás`,
          en: `${fmt(rate.perSecond)} naps/s per agent with the lock held: with ${agents} threads or requests sharing it, each one queues behind the others' naps`,
        },
        proposal: {
          change: { es: `Soltar \`${lock}\` antes de dormir, o esperar con \`Condition.wait(timeout)\`, que lo suelta mientras espera.`, en: `Release \`${lock}\` before sleeping, or wait with \`Condition.wait(timeout)\`, which releases it while waiting.` },
          justification: { es: 'El lock protege datos, no el paso del tiempo: fuera de él la pausa no bloquea a nadie.', en: 'The lock guards data, not the passing of time: outside it the pause blocks nobody.' },
          tradeoff: meta.docs.tradeoff,
          example: `with ${lock}:\n    ...  # only the shared-state update\n${site.calleeText}(${site.args[0]?.expr.text ?? ''})  # outside the lock`,
        },
        cost: { current: [{ unit: 'python_op', count: 1 }], expected: [{ unit: 'python_op', count: 0 }], rate },
        facts: { lock, ...(seconds !== undefined ? { seconds } : {}) },
      }));
    }
    return findings;
  },
};
