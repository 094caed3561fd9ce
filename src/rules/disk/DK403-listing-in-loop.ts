import type { FileModel, LoopInfo } from '../../model/types.js';
import { nameHint, num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { cadence, isTestFile, itemsPerLoop, loopVariables, mentions, placeText, rateOf, severityAt } from './hot-path.js';
import { isTrivialLoop, where } from '../../model/frequency.js';
import { isConstantPath } from './DK404-unchanged-file-reread.js';
import { listingOf } from './listing.js';
import { loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'DK403',
  name: 'listing-in-loop',
  dimension: 'disk',
  title: { es: 'Listado de directorio dentro de un bucle', en: 'Directory listing inside a loop' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'os.listdir/os.scandir/glob/Path.iterdir ejecutado por cada elemento de un bucle: por cada tarea, por cada agente, por cada mensaje.',
      en: 'os.listdir/os.scandir/glob/Path.iterdir run for every item of a loop: per task, per agent, per message.',
    },
    why: {
      es: 'Un listado de 100 entradas cuesta 0,5–1 ms y crece con el directorio. Dentro de un bucle se multiplica: 100 agentes × 10 colas × 2 tareas/s son 2.000 listados/s, casi un núcleo entero solo leyendo directorios.',
      en: 'A listing of 100 entries costs 0.5–1 ms and grows with the folder. Inside a loop it multiplies: 100 agents × 10 queues × 2 tasks/s is 2,000 listings/s, close to a whole core just reading directories.',
    },
    example: 'def least_loaded(agents):\n    return min(agents, key=lambda name: len(os.listdir(agent_dir(name, "queue"))))',
    useInstead: '_listing = {}  # folder -> (mtime_ns, names)\n\ndef cached_listdir(folder):\n    mtime = os.stat(folder).st_mtime_ns  # changes when entries are added or removed\n    hit = _listing.get(folder)\n    if hit is None or hit[0] != mtime:\n        hit = _listing[folder] = (mtime, os.listdir(folder))\n    return hit[1]',
    tradeoff: {
      es: 'La caché por mtime cuesta un stat por directorio y algo de memoria; la resolución de mtime (ns en ext4/tmpfs) basta para IPC, pero en sistemas de ficheros con mtime de 1 s conviene invalidar también por tiempo.',
      en: 'The mtime cache costs one stat per folder and a little memory; mtime resolution (ns on ext4/tmpfs) is enough for IPC, but on filesystems with 1 s mtimes also expire entries by age.',
    },
  },
};

export const DK403: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      const listing = listingOf(call);
      if (!listing || listing.kind !== 'listdir') continue;
      const at = where(project, file, call);
      if (!at.repeated) continue;
      const ownItems = at.ownLoops.filter((l) => !l.poll);
      const site = at.site && !at.site.passed ? at.site : undefined;
      const siteLoops: LoopInfo[] = site ? site.call.loopIds.map((id) => loopById(site.file, id)!).filter((l) => l && !l.poll && !isTrivialLoop(l)) : [];
      const viaItems = siteLoops.length > 0 || at.viaItemLoop;
      if (ownItems.length === 0 && !viaItems) continue;
      const params = new Set((call.functionId ? file.functions.get(call.functionId)?.params : undefined) ?? []);
      const varies = ownItems.some((l) => mentions(listing.pathText, loopVariables(file, l))) || (viaItems && mentions(listing.pathText, params));
      // Distinct folders listed once each per pass are the pass's own scan (PO301 prices it for poll loops);
      // the problem is nesting (N folders for every task) or listing the same folder again and again.
      const levels = ownItems.length + Math.max(at.callerItemLoops, viaItems ? 1 : 0);
      if (varies && levels < 2 && at.context !== 'handler') continue;
      if (!varies && ownItems.length === 0 && !isConstantPath(file, listing.pathText)) continue; // via a caller: a local path is not "the same folder"
      // A start-up pass (main() walking the agents once) lists each distinct folder once.
      if (varies && !at.steady) continue;
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const loop = ownItems[0] ?? siteLoops[0];
      const items = itemsPerLoop(loop, file);
      const perSecond = rate.perSecond * agents;
      const folder = listing.pathText;
      const hint = nameHint(folder, 'folder');
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${listing.display} ${placeText(file, at).es}: un listado completo por elemento (${varies ? `${items} carpetas` : 'la misma carpeta una y otra vez'}) ${cadence(at).es}`,
          en: `${listing.display} ${placeText(file, at).en}: a full listing per item (${varies ? `${items} folders` : 'the same folder again and again'}) ${cadence(at).en}`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(perSecond)} listados/s (${rate.basis.es}): ${num(perSecond * 0.5 / 1000)}–${num(perSecond / 1000)} s de CPU por segundo, y crecen con el número de ficheros`,
          en: `at ${agents} agents that is ${num(perSecond)} listings/s (${rate.basis.en}): ${num(perSecond * 0.5 / 1000)}–${num(perSecond / 1000)} s of CPU per second, growing with the number of files`,
        },
        proposal: {
          change: varies
            ? { es: `Listar cada carpeta solo cuando cambió: guardar (mtime, nombres) por carpeta y comprobar con un os.stat (o llevar un contador en memoria al mover ficheros).`, en: 'List each folder only when it changed: keep (mtime, names) per folder and check with one os.stat (or keep an in-memory counter as files are moved).' }
            : { es: `Sacar el listado de ${hint} fuera del bucle: listar una vez y reutilizar el resultado.`, en: `Hoist the listing of ${hint} out of the loop: list once and reuse the result.` },
          justification: {
            es: 'El mtime de un directorio cambia al crear, borrar o renombrar entradas: un stat (~µs) sustituye al listado completo (~ms) cuando nada cambió.',
            en: "A directory's mtime changes when entries are created, removed or renamed: one stat (~µs) replaces a full listing (~ms) when nothing changed.",
          },
          tradeoff: meta.docs.tradeoff,
          example: varies
            ? `_listing = {}  # folder -> (mtime_ns, names)\n\ndef cached_listdir(folder):\n    mtime = os.stat(folder).st_mtime_ns\n    hit = _listing.get(folder)\n    if hit is None or hit[0] != mtime:\n        hit = _listing[folder] = (mtime, os.listdir(folder))\n    return hit[1]\n\n# instead of ${listing.display}:\nnames = cached_listdir(${folder})`
            : `names = ${listing.display}  # once, before the loop\n${loopHeader(file, loop)}\n    ...  # use names; no listing per item`,
        },
        cost: { current: [{ unit: 'listdir', count: 1 }], expected: varies ? [{ unit: 'stat', count: 1 }, { unit: 'listdir', count: 0.1 }] : [{ unit: 'listdir', count: 1 / items }], rate },
        facts: { folder, api: listing.api },
      }));
    }
    return findings;
  },
};

/** The loop's own header as written (comment dropped), or a loop over the listing when there is none. */
function loopHeader(file: FileModel, loop: LoopInfo | undefined): string {
  const header = loop ? (file.source[loop.span.line - 1] ?? '').trim().replace(/\s+#.*$/, '') : '';
  return /^(for|while)\s.+:$/.test(header) ? header : 'for name in names:';
}
