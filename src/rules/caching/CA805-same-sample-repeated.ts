// CA805: the same system sample or command — `psutil.virtual_memory()`, `subprocess.check_output([...])`,
// `requests.get(url)` — called several times with the same arguments in one pass of one function, to read
// one field each time, where one call and a local variable would do.
import { cycleRate } from '../../impact/rate.js';
import type { CallSite, FileModel } from '../../model/types.js';
import { withContext } from '../../model/frequency.js';
import { fmt, fmtEs, isTestFile } from '../polling/hotpath.js';
import { isHttpCall, isSubprocess, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { repeatedCalls } from './repeats.js';

export const meta: RuleMeta = {
  id: 'CA805',
  name: 'same-sample-repeated',
  dimension: 'caching',
  title: { es: 'La misma muestra o comando repetido en una pasada', en: 'The same sample or command repeated in one pass' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'La misma llamada cara —una muestra del sistema (`psutil.virtual_memory()`), un comando, una petición HTTP— se repite con los mismos argumentos en una misma pasada de una función, para leer un campo cada vez (no cuenta la muestra, espera y muestra que mide un ritmo, ni el uso de disco de una ruta, que es DK409).',
      en: 'The same costly call — a system sample (`psutil.virtual_memory()`), a command, an HTTP request — is repeated with the same arguments in one pass of one function, to read one field each time (not a sample, a wait and a sample, which measures a rate, nor the disk usage of a path, which is DK409).',
    },
    why: {
      es: 'Cada llamada vuelve a leer /proc, a lanzar el proceso o a cruzar la red: N veces el coste por petición o sondeo × 100 agentes, y los campos ni siquiera son de la misma muestra.',
      en: 'Each call reads /proc again, spawns the process again or crosses the network again: N times the cost per request or poll × 100 agents, and the fields do not even come from the same sample.',
    },
    example: "usage['total'] = psutil.virtual_memory().total\nusage['used'] = psutil.virtual_memory().used\nusage['free'] = psutil.virtual_memory().available",
    useInstead: "memory = psutil.virtual_memory()  # one sample\nusage['total'] = memory.total\nusage['used'] = memory.used\nusage['free'] = memory.available",
    tradeoff: {
      es: 'Ninguno: una sola muestra es además coherente (todos los campos del mismo instante).',
      en: 'None: one sample is also consistent (every field from the same instant).',
    },
  },
};

/**
 * System samples: each call reads the kernel again (psutil, os.getloadavg, the /proc readers of the stdlib).
 * Not a path's metadata (`psutil.disk_usage(mount)`): DK409 reports that, once.
 */
const SAMPLE = /^psutil\.(?!Process$|disk_usage$)\w+$|^psutil\.Process\.\w+$|^os\.(getloadavg|times)$|^resource\.getrusage$/;

/**
 * Sample, wait, sample (`cpu_percent(); time.sleep(1); cpu_percent()`): the second call is meant to see a
 * later value — a rate over an interval — not the same one again.
 */
function sampledAcrossAWait(file: FileModel, first: CallSite, last: CallSite): boolean {
  return file.calls.some((call) => call.functionId === first.functionId && call.span.start > first.span.end && call.span.end < last.span.start &&
    (call.callee === 'time.sleep' || call.method === 'wait'));
}

function costly(call: CallSite): boolean {
  return SAMPLE.test(call.callee) || isSubprocess(call) || !!isHttpCall(call);
}

export const CA805: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const group of repeatedCalls(file, costly, () => 2)) {
      const call = withContext(project, group.first, file);
      // A function nobody in the project calls is assumed to run per task: the waste is there on every call.
      if (call.context === 'startup') continue;
      if (sampledAcrossAWait(file, group.first, group.last)) continue;
      const rate = cycleRate(call, file);
      const unit = isSubprocess(call) ? 'subprocess' as const : isHttpCall(call) ? 'http_local' as const : 'file_read' as const;
      const extra = group.count - 1;
      findings.push(...report(meta, call.span, call.context, {
        message: {
          es: `\`${group.text}\` se llama ${group.count} veces seguidas con los mismos argumentos en la misma pasada`,
          en: `\`${group.text}\` is called ${group.count} times with the same arguments in one pass`,
        },
        whyAtScale: {
          es: `${extra} llamadas de más por pasada × ${fmtEs(rate.perSecond)}/s × ${agents} agentes = ${fmtEs(extra * rate.perSecond * agents)} llamadas/s que repiten la misma muestra`,
          en: `${extra} extra calls per pass × ${fmt(rate.perSecond)}/s × ${agents} agents = ${fmt(extra * rate.perSecond * agents)} calls/s repeating the same sample`,
        },
        proposal: {
          change: { es: `Llamar una vez a \`${group.text}\`, guardar el resultado en una variable local y leer de ella cada campo.`, en: `Call \`${group.text}\` once, keep the result in a local variable and read every field from it.` },
          justification: { es: `Quita ${extra} de cada ${group.count} llamadas y los campos salen de la misma muestra.`, en: `Removes ${extra} of every ${group.count} calls, and the fields come from one sample.` },
          tradeoff: meta.docs.tradeoff,
          example: `sample = ${group.text}\n# ... sample.field_a, sample.field_b`,
        },
        cost: { current: [{ unit, count: group.count }], expected: [{ unit, count: 1 }], rate },
        facts: { repeated: group.count },
      }));
    }
    return findings;
  },
};
