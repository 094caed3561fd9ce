import { nameHint, num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import type { CallSite, FileModel, LoopInfo } from '../../model/types.js';
import { cadence, isTestFile, loopVariables, mentions, placeText, rateOf, severityAt } from './hot-path.js';
import { inElseClause, isTrivialLoop, where, type Where } from '../../model/frequency.js';
import { listingOf } from './listing.js';
import { loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'DK408',
  name: 'recursive-walk-hot-path',
  dimension: 'disk',
  title: { es: 'Recorrido recursivo del árbol en una ruta caliente', en: 'Recursive tree walk on a hot path' },
  phase: 2,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'os.walk, glob(..., recursive=True), Path.rglob o Path.glob("**/…") por cada petición, sondeo o tarea.',
      en: 'os.walk, glob(..., recursive=True), Path.rglob or Path.glob("**/…") on every request, poll or task.',
    },
    why: {
      es: 'Un recorrido recursivo lista cada subdirectorio: su coste crece con todo el árbol (agentes × resultados), no con lo que se busca. Con 100 agentes y miles de ficheros, cada petición cuesta decenas de milisegundos de E/S de metadatos y vacía la caché de inodos.',
      en: 'A recursive walk lists every subfolder: its cost grows with the whole tree (agents × results), not with what you look for. With 100 agents and thousands of files, every request costs tens of milliseconds of metadata I/O and churns the inode cache.',
    },
    example: 'def do_GET(self):\n    paths = glob.glob(os.path.join(AGENTS_DIR, "**", "results", "*.json"), recursive=True)',
    useInstead: '# keep an index that writers append to, and read it instead of walking the tree\nwith open(RESULTS_INDEX, encoding="utf-8") as fh:\n    paths = [line.rstrip("\\n") for line in fh]',
    tradeoff: {
      es: 'Un índice mantenido por los escritores hay que actualizarlo en cada alta/baja (y reconstruirlo si se desincroniza); una caché con TTL puede mostrar resultados con unos segundos de retraso.',
      en: 'An index kept by the writers must be updated on every add/remove (and rebuilt if it drifts); a TTL cache can show results a few seconds late.',
    },
  },
};


/**
 * Does the loop ever end on its own? A `break`/`return` counts unless it only answers Ctrl-C
 * (`except KeyboardInterrupt: break`) or belongs to a nested loop (`break` there leaves the inner one).
 */
function loopEnds(file: FileModel, loop: LoopInfo): boolean {
  const indentOf = (text: string) => text.length - text.trimStart().length;
  const headerIndent = indentOf(file.source[loop.span.line - 1] ?? '');
  for (let n = loop.span.line; n < loop.span.endLine; n++) {
    const text = file.source[n] ?? '';
    const statement = /^\s*(break|return)\b/.exec(text)?.[1];
    if (!statement) continue;
    // Walk up the enclosing block headers to the loop header.
    let indent = indentOf(text);
    let ends = true;
    for (let m = n - 1; m >= loop.span.line - 1 && indent > headerIndent; m--) {
      const up = file.source[m] ?? '';
      if (!up.trim() || up.trim().startsWith('#') || indentOf(up) >= indent) continue;
      indent = indentOf(up);
      if (m === loop.span.line - 1) break;
      if (/^\s*except\s*\(?\s*KeyboardInterrupt\b/.test(up)) ends = false;
      else if (statement === 'break' && /^\s*(for|while)\b/.test(up)) ends = false;
    }
    if (ends) return true;
  }
  return false;
}

/**
 * A `while True:` that never ends and never pauses (no sleep, no wait): the linker sees no poll and leaves
 * module-level code at start-up, yet every statement in it repeats for the life of the process.
 */
function perpetualLoop(file: FileModel, call: CallSite): LoopInfo | undefined {
  for (const id of call.loopIds) {
    const loop = loopById(file, id);
    if (!loop || loop.kind !== 'while' || !loop.unbounded || inElseClause(file, loop, call)) continue;
    if (!loopEnds(file, loop)) return loop;
  }
  return undefined;
}

/** Re-reads `where` for a call inside a perpetual loop: it repeats on every pass, like a poll loop with no interval. */
function inPerpetualLoop(file: FileModel, call: CallSite, at: Where, loop: LoopInfo): Where {
  const ownLoops = call.loopIds.map((id) => loopById(file, id)!).filter((l) => l && !inElseClause(file, l, call) && (l === loop || !isTrivialLoop(l)));
  return { ...at, context: 'poll_loop', repeated: true, steady: true, ownLoops, intervalSeconds: undefined, poll: undefined };
}

export const DK408: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      const listing = listingOf(call);
      if (!listing || listing.kind !== 'walk') continue;
      let at = where(project, file, call);
      // A `while True:` that rescans without ever pausing repeats the walk as fast as it can: hotter than any poll.
      const perpetual = at.context === 'handler' || at.context === 'poll_loop' ? undefined : perpetualLoop(file, call);
      if (perpetual) at = inPerpetualLoop(file, call, at, perpetual);
      if (!at.repeated) continue;
      // A start-up pass over a few distinct roots (each walked once) is set-up work.
      const varies = at.ownLoops.some((l) => mentions(listing.pathText, loopVariables(file, l)));
      if (varies && !at.steady) continue;
      // Outside requests and polls, a walk is hot only if its function runs again and again (per task, per item).
      if (at.context !== 'handler' && at.context !== 'poll_loop' && !at.fnRepeated) continue;
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const perSecond = rate.perSecond * agents;
      const root = listing.pathText;
      const hint = nameHint(root, 'root');
      const cacheName = `_${hint.toLowerCase()}_walk`;
      const header = perpetual ? (file.source[perpetual.span.line - 1] ?? '').replace(/#.*$/, '').trim().replace(/:$/, '') : '';
      const place = perpetual
        ? perpetual.poll
          ? { es: `en \`${header}\` (línea ${perpetual.span.line}), que no termina nunca`, en: `in \`${header}\` (line ${perpetual.span.line}), which never ends` }
          : { es: `en \`${header}\` (línea ${perpetual.span.line}), que vuelve a empezar sin pausa`, en: `in \`${header}\` (line ${perpetual.span.line}), which starts over with no pause` }
        : placeText(file, at);
      const per = perpetual ? { es: 'en cada vuelta', en: 'on every pass' } : cadence(at);
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${listing.display} recorre todo el árbol de ${hint} ${place.es}: un listado por subdirectorio ${per.es}`,
          en: `${listing.display} walks the whole ${hint} tree ${place.en}: one listing per subfolder ${per.en}`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(perSecond)} recorridos/s (${rate.basis.es}); con 100 subcarpetas cada uno, ${num(perSecond * 100)} listados/s`,
          en: `at ${agents} agents that is ${num(perSecond)} walks/s (${rate.basis.en}); with 100 subfolders each, ${num(perSecond * 100)} listings/s`,
        },
        proposal: {
          change: {
            es: `No recorrer ${hint} ${per.es}: mantener un índice (JSON Lines) que actualizan quienes escriben los ficheros, o cachear el resultado del recorrido con un TTL de unos segundos.`,
            en: `Do not walk ${hint} ${per.en}: keep an index (JSON lines) updated by whoever writes the files, or cache the walk's result with a TTL of a few seconds.`,
          },
          justification: {
            es: 'Leer un índice cuesta una lectura; la caché con TTL convierte N recorridos por segundo en uno cada pocos segundos. Ambos son stdlib.',
            en: 'Reading an index costs one read; a TTL cache turns N walks per second into one every few seconds. Both are stdlib.',
          },
          tradeoff: meta.docs.tradeoff,
          example: `${cacheName} = {"at": 0.0, "paths": []}\n\ndef walk_cached(ttl=5.0):\n    now = time.monotonic()\n    if now - ${cacheName}["at"] > ttl:\n        ${cacheName}["paths"] = ${/^(glob\.|os\.|Path)/.test(listing.api) ? listing.display : `list(${listing.display})`}\n        ${cacheName}["at"] = now\n    return ${cacheName}["paths"]\n\n# better still: writers append each new path to an index file and readers read that file`,
        },
        cost: { current: [{ unit: 'listdir', count: 100 }], expected: [{ unit: 'listdir', count: 100 }], rate, expectedRate: { perSecond: Math.min(rate.perSecond, 0.2), basis: { es: 'un recorrido cada 5 s por agente (TTL)', en: 'one walk every 5 s per agent (TTL)' } }, assumptions: [{ es: 'árbol de ~100 subcarpetas', en: 'a tree of ~100 subfolders' }] },
        facts: { root, api: listing.api },
      }));
    }
    return findings;
  },
};
