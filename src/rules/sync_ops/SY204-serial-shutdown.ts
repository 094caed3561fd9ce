// SY204: stopping workers one at a time — `for w in workers: w.terminate(); w.wait()` — so each worker's
// shutdown waits for the previous one's: N workers take N × their grace period instead of one.
import { cycleRate } from '../../impact/rate.js';
import type { CallSite, FileModel, LoopInfo } from '../../model/types.js';
import { withContext } from '../../model/frequency.js';
import { callsOwnedByLoop } from '../../model/file-index.js';
import { isTestFile } from '../polling/hotpath.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';

export const meta: RuleMeta = {
  id: 'SY204',
  name: 'serial-shutdown',
  dimension: 'sync_ops',
  title: { es: 'Parada de procesos uno tras otro', en: 'Workers stopped one after another' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'important', loop: 'important', per_task: 'important', startup: 'important' },
  docs: {
    what: {
      es: 'Un bucle que para cada proceso o hilo y espera a que termine antes de pasar al siguiente (`terminate()` y `wait()`/`join()` en la misma vuelta).',
      en: 'A loop that stops each process or thread and waits for it to end before moving on to the next (`terminate()` and `wait()`/`join()` in the same pass).',
    },
    why: {
      es: 'Cada espera suma el tiempo de gracia del proceso: con 100 agentes que tardan 2 s en cerrar, la parada dura 200 s en vez de 2 s, y systemd puede matarlos por timeout a mitad.',
      en: 'Each wait adds the process\'s grace period: with 100 agents that take 2 s to close, shutdown takes 200 s instead of 2 s, and systemd may kill them half-way on its timeout.',
    },
    example: 'for proc in self.workers:\n    proc.terminate()\n    proc.wait(timeout=10)',
    useInstead: 'for proc in self.workers:\n    proc.terminate()          # signal them all first\nfor proc in self.workers:\n    proc.wait(timeout=10)     # then wait: the grace periods overlap',
    tradeoff: {
      es: 'Ninguno salvo que el orden de parada importe (un proceso debe cerrar antes que otro): entonces pare en orden solo esos.',
      en: 'None unless the shutdown order matters (one process must close before another): then stop only those in order.',
    },
  },
};

const STOP = /^(terminate|kill|send_signal|stop|shutdown|cancel)$/;
const WAIT = /^(wait|join|communicate)$/;

/** The stop and the wait on the same worker in one pass of `loop`. */
function stopThenWait(file: FileModel, loop: LoopInfo): { stop: CallSite; wait: CallSite } | undefined {
  const calls = callsOwnedByLoop(file, loop.id);
  for (const stop of calls) {
    if (!stop.method || !STOP.test(stop.method) || !stop.receiver) continue;
    const wait = calls.find((c) => c.span.start > stop.span.start && c.receiver === stop.receiver && c.method !== undefined && WAIT.test(c.method));
    if (wait) return { stop, wait };
  }
  return undefined;
}

export const SY204: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const loop of file.loops) {
      if (loop.kind !== 'for' || loop.poll) continue;
      const found = stopThenWait(file, loop);
      if (!found) continue;
      const call = withContext(project, found.wait, file);
      const header = (file.source[loop.span.line - 1] ?? '').trim().replace(/:$/, '');
      const rate = cycleRate(call, file);
      findings.push(...report(meta, found.wait.span, call.context, {
        message: {
          es: `\`${found.wait.calleeText}()\` espera a cada uno antes de parar el siguiente (\`${header}\`, línea ${loop.span.line}): la parada dura la suma de todas`,
          en: `\`${found.wait.calleeText}()\` waits for each one before stopping the next (\`${header}\`, line ${loop.span.line}): shutdown takes the sum of them all`,
        },
        whyAtScale: {
          es: `Con ${agents} procesos de 1–2 s de cierre cada uno, ${agents}–${agents * 2} s de parada en serie frente a 1–2 s en paralelo`,
          en: `With ${agents} workers of 1–2 s to close each, ${agents}–${agents * 2} s of serial shutdown against 1–2 s in parallel`,
        },
        proposal: {
          change: { es: 'Enviar la señal a todos primero y esperar después en un segundo bucle.', en: 'Signal them all first, then wait in a second loop.' },
          justification: { es: 'Los tiempos de gracia se solapan: la parada dura lo que el más lento.', en: 'The grace periods overlap: shutdown lasts as long as the slowest one.' },
          tradeoff: meta.docs.tradeoff,
          example: `${header}:\n    ${found.stop.calleeText}()\n${header}:\n    ${found.wait.calleeText}(timeout=10)`,
        },
        cost: { current: [{ unit: 'python_op', count: 1 }], expected: [{ unit: 'python_op', count: 1 }], rate },
        facts: { loopLine: loop.span.line },
      }));
    }
    return findings;
  },
};
