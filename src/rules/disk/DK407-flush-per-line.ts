import type { CallSite, FileModel } from '../../model/types.js';
import { fileOp, num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { cadence, isTestFile, placeText, rateOf, severityAt } from './hot-path.js';
import { where } from '../../model/frequency.js';
import { callsOfFunction } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'DK407',
  name: 'flush-per-line',
  dimension: 'disk',
  title: { es: 'flush() por línea', en: 'flush() per line' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'fh.flush() después de cada línea o registro escrito en un bucle, o en una función que se llama una vez por línea.',
      en: 'fh.flush() after every line or record written in a loop, or in a function called once per line.',
    },
    why: {
      es: 'El búfer de Python agrupa miles de líneas en una sola llamada write(2); flush() por línea la convierte en una llamada al sistema por línea. Con 100 agentes registrando decenas de líneas por segundo son miles de syscalls/s en lugar de decenas.',
      en: "Python's buffer groups thousands of lines into one write(2); flush() per line turns that into one syscall per line. With 100 agents logging tens of lines a second that is thousands of syscalls/s instead of tens.",
    },
    example: 'for line in lines:\n    out.write(line + "\\n")\n    out.flush()',
    useInstead: 'out.writelines(line + "\\n" for line in lines)\nout.flush()  # once, after the batch',
    tradeoff: {
      es: 'Sin flush por línea, un lector que sigue el fichero (tail -f) ve las líneas en bloques y un fallo puede perder el último búfer (≤ 8 KB); si hace falta inmediatez, flush como mucho una vez por segundo.',
      en: 'Without a per-line flush, a reader tailing the file sees lines in bursts and a crash can lose the last buffer (≤ 8 KB); if promptness matters, flush at most once a second.',
    },
  },
};

/** `fh.flush(); os.fsync(fh.fileno())`: the flush is needed for the fsync (DK401 carries the cost). */
function beforeFsync(file: FileModel, call: CallSite): boolean {
  return callsOfFunction(file, call.functionId).some((c) => (c.callee === 'os.fsync' || c.callee === 'os.fdatasync') &&
    c.span.line >= call.span.line && c.span.line <= call.span.line + 3);
}

export const DK407: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      if (fileOp(call) !== 'flush') continue;
      if (/^sys\.(stdout|stderr)$|wfile|sock|conn|stdin/.test(call.receiver ?? '')) continue; // terminals and sockets: flushing is the protocol
      if (beforeFsync(file, call)) continue;
      const at = where(project, file, call);
      if (!at.repeated) continue;
      const itemLoop = at.ownLoops.find((l) => !l.poll);
      if (!itemLoop && !at.viaItemLoop) continue; // once per poll or per request is not per line
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const perSecond = rate.perSecond * agents;
      const handle = call.receiver ?? 'fh';
      const loopHeader = itemLoop ? file.source[itemLoop.span.line - 1]?.replace(/#.*$/, '').trim() : undefined;
      const example = itemLoop && loopHeader
        ? `${loopHeader}\n    ${handle}.write(...)  # buffered: Python groups the lines\n${handle}.flush()  # once, after the loop`
        : `_last_flush = 0.0\n\ndef flush_now_and_then(${handle}, every=1.0):\n    global _last_flush\n    now = time.monotonic()\n    if now - _last_flush >= every:  # at most once a second, not once per line\n        ${handle}.flush()\n        _last_flush = now`;
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${handle}.flush() ${placeText(file, at).es}: una llamada write(2) por línea en lugar de una por búfer (${cadence(at).es})`,
          en: `${handle}.flush() ${placeText(file, at).en}: one write(2) syscall per line instead of one per buffer (${cadence(at).en})`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(perSecond)} flush/s (${rate.basis.es}); sin ellos, el búfer de 8 KB los agruparía en una fracción`,
          en: `at ${agents} agents that is ${num(perSecond)} flushes/s (${rate.basis.en}); without them, the 8 KB buffer would group them into a fraction`,
        },
        proposal: {
          change: itemLoop
            ? { es: `Quitar el flush del bucle y hacer uno solo al terminar.`, en: 'Drop the flush from the loop and do one when it ends.' }
            : { es: `Dejar que el búfer agrupe las líneas: flush como mucho una vez por segundo (o al cerrar), no por línea.`, en: 'Let the buffer group the lines: flush at most once a second (or on close), not per line.' },
          justification: {
            es: 'El búfer de E/S de Python existe para esto: agrupa escrituras pequeñas en una sola syscall sin cambiar el contenido del fichero.',
            en: "Python's I/O buffer exists for this: it groups small writes into one syscall without changing the file's content.",
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: { current: [{ unit: 'python_op', count: 100 }], expected: [{ unit: 'python_op', count: 1 }], rate, assumptions: [{ es: 'una syscall write(2) ≈ 100 operaciones Python', en: 'one write(2) syscall ≈ 100 Python operations' }] },
        facts: { handle },
      }));
    }
    return findings;
  },
};
