// DK409: the same path's metadata (`shutil.disk_usage(mount)`, `os.stat(path)`, `os.path.getsize(path)`)
// asked several times in one pass of one function, one field each time: each call is a system call, and
// `statvfs` on a network mount can block.
import { cycleRate } from '../../impact/rate.js';
import type { CallSite } from '../../model/types.js';
import { withContext } from '../../model/frequency.js';
import { fmt, fmtEs, isTestFile } from '../polling/hotpath.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { repeatedCalls } from '../caching/repeats.js';

export const meta: RuleMeta = {
  id: 'DK409',
  name: 'same-path-stat-repeated',
  dimension: 'disk',
  title: { es: 'Los metadatos de la misma ruta pedidos varias veces', en: 'The same path\'s metadata asked for several times' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'La misma ruta se consulta varias veces en una pasada (`disk_usage(p).total`, `disk_usage(p).used`…, o `os.stat(p)` repetido) para leer un campo cada vez.',
      en: 'The same path is queried several times in one pass (`disk_usage(p).total`, `disk_usage(p).used`…, or `os.stat(p)` repeated) to read one field each time.',
    },
    why: {
      es: 'Cada consulta es una llamada al sistema (statvfs/stat); en un montaje de red puede bloquear segundos. Por petición o sondeo × 100 agentes, el disco y el kernel hacen N veces el trabajo.',
      en: 'Each query is a system call (statvfs/stat); on a network mount it can block for seconds. Per request or poll × 100 agents, the disk and the kernel do the work N times.',
    },
    example: "usage['total'] = psutil.disk_usage(mount).total\nusage['used'] = psutil.disk_usage(mount).used",
    useInstead: "du = psutil.disk_usage(mount)  # one statvfs\nusage['total'] = du.total\nusage['used'] = du.used",
    tradeoff: { es: 'Ninguno: una consulta da además valores coherentes entre sí.', en: 'None: one query also gives values consistent with each other.' },
  },
};

/** Metadata calls on a path: a costly one (statvfs, disk usage) counts from 2, a cheap stat from 3. */
const COSTLY = /^(os\.statvfs|shutil\.disk_usage|psutil\.disk_usage)$/;
const CHEAP = /^(os\.stat|os\.lstat|os\.path\.(getsize|getmtime|getctime|getatime|exists|isfile|isdir|islink))$/;

function metadata(call: CallSite): boolean {
  return (COSTLY.test(call.callee) || CHEAP.test(call.callee)) && call.args.length > 0;
}

export const DK409: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const group of repeatedCalls(file, metadata, (call) => (COSTLY.test(call.callee) ? 2 : 3))) {
      const call = withContext(project, group.first, file);
      // A function nobody in the project calls is assumed to run per task: the waste is there on every call.
      if (call.context === 'startup') continue;
      const rate = cycleRate(call, file);
      const extra = group.count - 1;
      findings.push(...report(meta, call.span, call.context, {
        message: {
          es: `\`${group.text}\` se consulta ${group.count} veces en la misma pasada, un campo cada vez`,
          en: `\`${group.text}\` is queried ${group.count} times in one pass, one field each time`,
        },
        whyAtScale: {
          es: `${extra} llamadas al sistema de más por pasada × ${fmtEs(rate.perSecond)}/s × ${agents} agentes = ${fmtEs(extra * rate.perSecond * agents)}/s`,
          en: `${extra} extra system calls per pass × ${fmt(rate.perSecond)}/s × ${agents} agents = ${fmt(extra * rate.perSecond * agents)}/s`,
        },
        proposal: {
          change: { es: `Consultar \`${group.text}\` una vez y leer los campos del resultado.`, en: `Query \`${group.text}\` once and read the fields from the result.` },
          justification: { es: `Una llamada al sistema en vez de ${group.count}.`, en: `One system call instead of ${group.count}.` },
          tradeoff: meta.docs.tradeoff,
          example: `info = ${group.text}\n# ... info.total, info.used`,
        },
        cost: { current: [{ unit: 'stat', count: group.count }], expected: [{ unit: 'stat', count: 1 }], rate },
        facts: { repeated: group.count },
      }));
    }
    return findings;
  },
};
