// PO306: sleeping in a loop to wait for something that can be waited on directly: a child process
// (`Popen.wait`), an Event, a thread (`join`), a future, a queue (`Queue.get`), a file (a FIFO/inotify).
import type { L10n } from '../types.js';
import { fmt, fmtEs, isTestFile, loopContext, pacingOf, sleepOf } from './hotpath.js';
import { loopKind } from '../../model/frequency.js';
import { pollRate } from './pollcost.js';
import { waitTarget, type WaitTarget } from './waits.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';

export const meta: RuleMeta = {
  id: 'PO306',
  name: 'sleep-instead-of-wait',
  dimension: 'polling',
  title: { es: 'Dormir en vez de esperar el evento', en: 'Sleeping instead of waiting on the event' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'important', loop: 'important', per_task: 'important', startup: 'minor' },
  docs: {
    what: {
      es: 'Un bucle que duerme y vuelve a mirar si algo terminó (un proceso, un Event, un hilo, una cola, un fichero) cuando ese algo se puede esperar directamente: `proc.wait()`, `event.wait()`, `thread.join()`, `queue.get()`, un FIFO.',
      en: 'A loop that sleeps and looks again whether something finished (a process, an Event, a thread, a queue, a file) when that thing can be waited on directly: `proc.wait()`, `event.wait()`, `thread.join()`, `queue.get()`, a FIFO.',
    },
    why: {
      es: 'Cada espera añade de media medio intervalo de latencia y despierta al proceso sin motivo; con 100 agentes esperando son miles de despertares inútiles por segundo, mientras que la espera bloqueante cuesta cero hasta el evento.',
      en: 'Each wait adds half an interval of latency on average and wakes the process for nothing; with 100 agents waiting that is thousands of useless wake-ups per second, while a blocking wait costs nothing until the event.',
    },
    example: 'proc = subprocess.Popen(argv)\nwhile proc.poll() is None:\n    time.sleep(0.2)',
    useInstead: 'proc = subprocess.Popen(argv)\ntry:\n    proc.wait(timeout=300)\nexcept subprocess.TimeoutExpired:\n    proc.kill()\n    proc.wait()',
    tradeoff: {
      es: 'Casi ninguno: la espera bloqueante debe llevar timeout para no colgarse; con ficheros, un FIFO o inotify exige que el productor cree el FIFO o que el código añada ~40 líneas de ctypes.',
      en: 'Hardly any: the blocking wait should carry a timeout so it cannot hang; for files, a FIFO or inotify needs the producer to create the FIFO or ~40 lines of ctypes.',
    },
  },
};

function advice(target: WaitTarget, timeout: string, interval = '1'): { change: L10n; example: string } {
  const s = target.subject;
  switch (target.kind) {
    case 'process':
      return {
        change: { es: `Esperar al proceso con \`${s}.wait(timeout=…)\` en lugar de dormir y preguntar \`${s}.poll()\`.`, en: `Wait for the process with \`${s}.wait(timeout=…)\` instead of sleeping and asking \`${s}.poll()\`.` },
        example: `try:\n    ${s}.wait(timeout=${timeout})\nexcept subprocess.TimeoutExpired:\n    ${s}.kill()\n    ${s}.wait()`,
      };
    case 'event':
      if (target.busy) {
        return {
          change: { es: `Sustituir \`${s}.is_set()\` + \`time.sleep(…)\` por \`if ${s}.wait(${interval}): break\`: la misma cadencia, pero despierta en cuanto alguien llama a \`${s}.set()\`.`, en: `Replace \`${s}.is_set()\` + \`time.sleep(…)\` with \`if ${s}.wait(${interval}): break\`: same cadence, but it wakes as soon as someone calls \`${s}.set()\`.` },
          example: `while True:\n    ...  # the loop's work\n    if ${s}.wait(${interval}):  # instead of: if ${s}.is_set(): break / time.sleep(${interval})\n        break`,
        };
      }
      return {
        change: { es: `Bloquearse en \`${s}.wait(timeout=…)\`: despierta justo cuando alguien llama a \`${s}.set()\`.`, en: `Block on \`${s}.wait(timeout=…)\`: it wakes exactly when someone calls \`${s}.set()\`.` },
        example: `if not ${s}.wait(timeout=${timeout}):\n    ...  # timed out`,
      };
    case 'thread':
      return {
        change: { es: `Esperar al hilo con \`${s}.join(timeout=…)\`.`, en: `Wait for the thread with \`${s}.join(timeout=…)\`.` },
        example: `${s}.join(timeout=${timeout})\nif ${s}.is_alive():\n    ...  # timed out`,
      };
    case 'future':
      return {
        change: { es: `Esperar el resultado con \`${s}.result(timeout=…)\` (o \`concurrent.futures.wait\` para varios).`, en: `Wait for the result with \`${s}.result(timeout=…)\` (or \`concurrent.futures.wait\` for several).` },
        example: `result = ${s}.result(timeout=${timeout})`,
      };
    case 'queue':
      return {
        change: { es: `Usar una \`queue.Queue\` y bloquearse en \`get(timeout=…)\` en lugar de mirar \`${s}\` cada poco.`, en: `Use a \`queue.Queue\` and block on \`get(timeout=…)\` instead of checking \`${s}\` every few ms.` },
        example: `import queue\n\n${/^[A-Z_0-9]+$/.test(s) ? s : 'jobs'} = queue.Queue()  # producers: .put(job)\n\nwhile True:\n    job = ${/^[A-Z_0-9]+$/.test(s) ? s : 'jobs'}.get()  # blocks, no CPU, wakes on the first put()\n    ...`,
      };
    case 'flag':
      return {
        change: { es: `Sustituir el flag \`${s}\` por un \`threading.Event\` y esperar con \`wait(timeout=…)\`.`, en: `Replace the flag \`${s}\` with a \`threading.Event\` and wait with \`wait(timeout=…)\`.` },
        example: `${s.replace(/^self\./, 'self.')}_event = threading.Event()  # the other thread calls .set() instead of assigning ${s} = True\n\nif not ${s}_event.wait(timeout=${timeout}):\n    ...  # timed out`,
      };
    case 'file':
      return {
        change: {
          es: `No preguntar por \`${s}\` cada poco: que el productor avise (un FIFO con \`os.mkfifo\` en el que se bloquea \`open\`, o inotify vía ctypes en la carpeta), o al menos back-off.`,
          en: `Do not ask about \`${s}\` every few ms: have the producer signal (a FIFO from \`os.mkfifo\` that \`open\` blocks on, or inotify through ctypes on the folder), or at least back off.`,
        },
        example: `# producer and consumer agree on a FIFO next to ${s}:\nfifo = ${s} + ".fifo"\nos.mkfifo(fifo)              # consumer, before sending the request\nwith open(fifo) as ready:    # blocks (no CPU) until the producer opens it for writing\n    ready.read()\n# producer, after writing ${s}: open(fifo, "w").close()`,
      };
  }
}

export const PO306: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const loop of file.loops) {
      if (!loop.poll || loop.kind === 'comprehension' || loopKind(file, loop) === 'throttle') continue;
      if (pacingOf(project, file, loop) !== 'sleep') continue;
      const sleep = sleepOf(file, loop);
      if (!sleep || sleep.functionId !== loop.functionId || sleep.loopIds[0] !== loop.id) continue;
      const target = waitTarget(file, loop, sleep);
      if (!target) continue;
      // A loop doing real work with an Event stop check: only a short sleep (< 1 s) is a wait in disguise; a longer one is the period.
      if ('busy' in target && target.busy && !(loop.poll.intervalSeconds !== undefined && loop.poll.intervalSeconds < 1)) continue;
      const context = loopContext(project, file, loop);
      const interval = loop.poll.intervalSeconds;
      const rate = pollRate(file, loop);
      const timeout = '300';
      const { change, example } = advice(target, timeout, interval !== undefined ? fmt(interval) : loop.poll.intervalText ?? '1');
      const checkText = 'call' in target && target.call ? `${target.call.calleeText}(${target.call.args.map((a) => a.expr.text).join(', ')})` : target.subject;
      findings.push(...report(meta, loop.span, context, {
        message: {
          es: `El bucle duerme ${interval !== undefined ? `${fmtEs(interval)} s` : loop.poll.intervalText} y vuelve a mirar \`${checkText}\`: se puede esperar directamente`,
          en: `The loop sleeps ${interval !== undefined ? `${fmt(interval)} s` : loop.poll.intervalText} and checks \`${checkText}\` again: it can be waited on directly`,
        },
        whyAtScale: {
          es: `cada espera suma de media ${interval !== undefined ? `${fmtEs(interval / 2)} s` : 'medio intervalo'} de latencia y ${fmtEs(rate.perSecond * agents)} despertares/s con ${agents} agentes esperando; una espera bloqueante no cuesta nada hasta el evento`,
          en: `each wait adds ${interval !== undefined ? `${fmt(interval / 2)} s` : 'half an interval'} of latency on average and ${fmt(rate.perSecond * agents)} wake-ups/s with ${agents} agents waiting; a blocking wait costs nothing until the event`,
        },
        proposal: {
          change,
          justification: {
            es: 'Solo stdlib: el kernel o el propio objeto despiertan al proceso en el momento exacto, sin sondeos ni latencia añadida.',
            en: 'Stdlib only: the kernel or the object itself wakes the process at the exact moment, with no polls and no added latency.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: [{ unit: target.kind === 'file' ? 'stat' : 'python_op', count: target.kind === 'file' ? 1 : 200 }],
          expected: [{ unit: 'python_op', count: 200 }],
          rate,
          expectedRate: { perSecond: 0.01, basis: { es: 'un despertar por evento', en: 'one wake-up per event' } },
        },
        facts: { waitsFor: target.kind, subject: target.subject, interval: interval ?? 'unknown' },
      }));
    }
    return findings;
  },
};
