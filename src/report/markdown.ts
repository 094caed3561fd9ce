// The seed's mandatory five-section report, word for word in Spanish (or translated in English).
// Reporters do not analyse: everything here comes priced and counted in ReportData.
import type { ProjectFacts } from '../impact/facts.js';
import { formatNumber } from '../impact/price.js';
import type { Lang, Phase, Severity } from '../rules/types.js';
import { comparePoints, type Point } from '../impact/rank.js';
import { snippetIn } from '../rules/snippet-comments.js';
import type { PricedFinding, ReportData } from './data.js';

const T = {
  h1: { es: '## 1. Diagnóstico Actual', en: '## 1. Current Diagnosis' },
  h2: { es: '## 2. Puntos Críticos Detectados', en: '## 2. Critical Points Detected' },
  h3: { es: '## 3. Propuesta Técnica Concreta', en: '## 3. Concrete Technical Proposal' },
  h4: { es: '## 4. Impacto Estimado', en: '## 4. Estimated Impact' },
  h5: { es: '## 5. Roadmap de Optimización', en: '## 5. Optimization Roadmap' },
  point: { es: '### Punto:', en: '### Point:' },
  situation: { es: '**Situación actual**', en: '**Current situation**' },
  change: { es: '**Cambio propuesto**', en: '**Proposed change**' },
  justification: { es: '**Justificación**', en: '**Justification**' },
  example: { es: '**Código ejemplo**', en: '**Example code**' },
  tableHead: {
    es: '| Optimización | Métrica Actual (est.) | Métrica Esperada | Mejora |',
    en: '| Optimization | Current Metric (est.) | Expected Metric | Improvement |',
  },
  phases: {
    1: { es: '### Fase 1 — Quick Wins (1-2 días)', en: '### Phase 1 — Quick Wins (1-2 days)' },
    2: { es: '### Fase 2 — Mejoras Estructurales (3-5 días)', en: '### Phase 2 — Structural Improvements (3-5 days)' },
    3: { es: '### Fase 3 — Optimización Avanzada (1-2 semanas)', en: '### Phase 3 — Advanced Optimization (1-2 weeks)' },
  } as Record<Phase, { es: string; en: string }>,
  severity: {
    critical: { es: '🔴 CRÍTICO', en: '🔴 CRITICAL' },
    important: { es: '🟡 IMPORTANTE', en: '🟡 IMPORTANT' },
    minor: { es: '🟢 MENOR', en: '🟢 MINOR' },
  } as Record<Severity, { es: string; en: string }>,
} as const;


function s(lang: Lang, es: string, en: string): string {
  return lang === 'es' ? es : en;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function where(f: { file: string; line: number }): string {
  return `\`${f.file}:${f.line}\``;
}

function pluralize(n: number, lang: Lang, es: [string, string], en: [string, string]): string {
  const [one, many] = lang === 'es' ? es : en;
  return `${formatNumber(n, lang)} ${n === 1 ? one : many}`;
}

// ---------- section 1

/** The asked points section 1 names one by one (all of them lead sections 2–5). */
const ASKED_SHOWN = 4;

/** `--ask`: the question, the names it used, and the points that explain it (they lead sections 2–5). */
function answerLine(data: ReportData): string[] {
  const { lang, question } = data;
  if (!question) return [];
  const asked = data.points.filter((p) => p.asked);
  if (!asked.length) {
    return [s(lang,
      `- Pregunta: «${question.text}»: no nombra ningún fichero, función ni variable del código; el informe sigue el orden por coste.`,
      `- Question: “${question.text}”: it names no file, function or variable of the code; the report keeps the order by cost.`)];
  }
  const explain = asked.filter((p) => p.severity !== 'minor');
  const cheap = asked.filter((p) => p.severity === 'minor');
  const list = (points: Point[]) => points.slice(0, ASKED_SHOWN).map((p) => `${where(p.lead)} (${p.lead.title[lang]})`).join(', ') +
    (points.length > ASKED_SHOWN ? s(lang, ` y ${points.length - ASKED_SHOWN} más`, ` and ${points.length - ASKED_SHOWN} more`) : '');
  const names = question.terms.map((t) => `\`${t}\``).join(', ');
  return [s(lang,
    `- Pregunta: «${question.text}» (nombra ${names}): ${explain.length ? `lo explica${explain.length > 1 ? 'n' : ''} ${list(explain)}` : 'ningún punto caro lo explica'}${cheap.length ? `; relacionado${cheap.length > 1 ? 's' : ''} pero de bajo coste: ${list(cheap)}` : ''}. Van primero en las secciones 2–5.`,
    `- Question: “${question.text}” (names ${names}): ${explain.length ? `explained by ${list(explain)}` : 'no costly point explains it'}${cheap.length ? `; related but cheap: ${list(cheap)}` : ''}. They lead sections 2–5.`)];
}

function diagnosis(data: ReportData): string[] {
  const { lang, summary, facts, totals, agents } = data;
  const lines: string[] = [...answerLine(data)];
  lines.push(s(lang,
    `- Analizados ${pluralize(summary.files, lang, ['fichero', 'ficheros'], ['file', 'files'])} Python, ${formatNumber(summary.lines, lang)} líneas${summary.parse_errors ? `; ${summary.parse_errors} con errores de sintaxis (analizados donde el árbol es válido)` : ''}.`,
    `- Analysed ${pluralize(summary.files, lang, ['fichero', 'ficheros'], ['Python file', 'Python files'])}, ${formatNumber(summary.lines, lang)} lines${summary.parse_errors ? `; ${summary.parse_errors} with syntax errors (analysed where the tree is sound)` : ''}.`));
  lines.push(...serverLines(facts, lang));
  lines.push(...pollLines(facts, lang));
  const hotSubprocesses = facts.subprocessSites.filter((site) => site.context !== 'startup');
  if (facts.subprocessSites.length) {
    const programs = [...new Set(facts.subprocessSites.map((site) => site.program).filter(Boolean))].slice(0, 8).join(', ');
    lines.push(s(lang,
      `- Subprocesos: ${facts.subprocessSites.length} puntos de llamada (${hotSubprocesses.length} en rutas calientes)${programs ? `; programas: ${programs}` : ''}.`,
      `- Subprocesses: ${facts.subprocessSites.length} call sites (${hotSubprocesses.length} on hot paths)${programs ? `; programs: ${programs}` : ''}.`));
  }
  if (facts.ipcPaths.length) {
    const shown = facts.ipcPaths.slice(0, 8).map((p) => `\`${p.name}\` = \`${p.value}\``).join(', ');
    lines.push(s(lang, `- Directorios y ficheros de IPC: ${shown}${facts.ipcPaths.length > 8 ? ` y ${facts.ipcPaths.length - 8} más` : ''}.`,
      `- IPC folders and files: ${shown}${facts.ipcPaths.length > 8 ? ` and ${facts.ipcPaths.length - 8} more` : ''}.`));
  }
  const ops = facts.fileOpSites;
  lines.push(s(lang,
    `- Operaciones de fichero en el código: ${ops.handler} en handlers, ${ops.poll_loop} en bucles de sondeo, ${ops.loop + ops.per_task} por tarea/iteración, ${ops.startup} al arrancar.`,
    `- File operations in the code: ${ops.handler} in handlers, ${ops.poll_loop} in poll loops, ${ops.loop + ops.per_task} per task/iteration, ${ops.startup} at start-up.`));
  const per = totals.perAgent;
  // The unit costs' source in the same line as the estimate they make.
  const unitCosts = s(lang,
    `costes unitarios ${data.costSource === 'measured' ? `medidos en esta máquina (clawperf calibrate${data.measuredAt ? `, ${data.measuredAt.slice(0, 10)}` : ''})` : data.costSource === 'mixed' ? 'en parte medidos aquí, en parte de referencia' : 'de la tabla de referencia del brief; `clawperf calibrate` los mide aquí'}`,
    `unit costs ${data.costSource === 'measured' ? `measured on this machine (clawperf calibrate${data.measuredAt ? `, ${data.measuredAt.slice(0, 10)}` : ''})` : data.costSource === 'mixed' ? 'partly measured here, partly reference' : 'from the brief’s reference table; `clawperf calibrate` measures them here'}`);
  lines.push(s(lang,
    `- Coste estimado por agente (suma de los hallazgos, ${unitCosts}): ${formatNumber(per.diskOps, lang)} operaciones de disco/s, ${formatNumber(per.processes, lang)} procesos/s, ${formatNumber(per.tcpConnections, lang)} conexiones TCP/s, ${formatNumber(per.cores.low * 1000, lang)}–${formatNumber(per.cores.high * 1000, lang)} ms de CPU/E-S por segundo, ~${formatNumber(totals.memoryPerAgentMB.high, lang)} MB de memoria (proceso Python base + lo que retienen los hallazgos).`,
    `- Estimated cost per agent (sum of the findings, ${unitCosts}): ${formatNumber(per.diskOps, lang)} disk operations/s, ${formatNumber(per.processes, lang)} processes/s, ${formatNumber(per.tcpConnections, lang)} TCP connections/s, ${formatNumber(per.cores.low * 1000, lang)}–${formatNumber(per.cores.high * 1000, lang)} ms of CPU/IO per second, ~${formatNumber(totals.memoryPerAgentMB.high, lang)} MB of memory (base Python process + what the findings hold).`));
  const total = totals.total;
  lines.push(s(lang,
    `- Con ${agents} agentes: ${formatNumber(total.diskOps, lang)} operaciones de disco/s (${formatNumber(total.fsyncs, lang)} fsync/s), ${formatNumber(total.processes, lang)} procesos/s, ${formatNumber(total.tcpConnections, lang)} conexiones/s (${formatNumber(total.timeWait, lang)} sockets en TIME_WAIT), ${formatNumber(total.cores.low, lang)}–${formatNumber(total.cores.high, lang)} núcleos ocupados, ~${formatNumber(total.memoryMB, lang)} MB; crecimiento ${totals.growth === 'quadratic' ? 'cuadrático con N' : 'lineal con N'}.`,
    `- At ${agents} agents: ${formatNumber(total.diskOps, lang)} disk operations/s (${formatNumber(total.fsyncs, lang)} fsync/s), ${formatNumber(total.processes, lang)} processes/s, ${formatNumber(total.tcpConnections, lang)} connections/s (${formatNumber(total.timeWait, lang)} sockets in TIME_WAIT), ${formatNumber(total.cores.low, lang)}–${formatNumber(total.cores.high, lang)} cores busy, ~${formatNumber(total.memoryMB, lang)} MB; growth ${totals.growth === 'quadratic' ? 'quadratic in N' : 'linear in N'}.`));
  if (data.capacityLines.length) lines.push(...data.capacityLines);
  if (data.memoryNotes.length) lines.push(...data.memoryNotes.map((note) => `- ${note}`));
  if (data.unflagged.length) {
    lines.push(s(lang, '- Puntos calientes en ejecución que ninguna regla marcó:', '- Runtime hot spots no rule flagged:'));
    for (const hot of data.unflagged.slice(0, 10)) lines.push(`  - \`${hot.file}:${hot.line}\` ${formatNumber(hot.eventsPerSecond, lang)} ${hot.kind}/s`);
  }
  return lines;
}

function serverLines(facts: ProjectFacts, lang: Lang): string[] {
  if (!facts.servers.length && !facts.handlerClasses.length) return [s(lang, '- Servidores HTTP: ninguno encontrado.', '- HTTP servers: none found.')];
  // One line for all of them: the report's length budget (≤ 250 lines) goes to the points.
  const parts = facts.servers.map((server) => {
    const methods = server.handlerMethods.length ? ` (${server.handlerMethods.join(', ')})` : '';
    return s(lang,
      `${where(server)} \`${server.serverClass}\` ${server.threaded ? 'con hilos' : '**de un solo hilo**'}, handler \`${server.handlerClass ?? '?'}\`${methods}`,
      `${where(server)} \`${server.serverClass}\` ${server.threaded ? 'threaded' : '**single-threaded**'}, handler \`${server.handlerClass ?? '?'}\`${methods}`);
  });
  const served = new Set(facts.servers.map((server) => server.handlerClass?.split('.').pop()));
  for (const handler of facts.handlerClasses.filter((h) => !served.has(h.name))) {
    parts.push(s(lang, `handler sin servidor ${where(handler)} \`${handler.name}\` (${handler.methods.join(', ') || '—'})`, `handler without a server ${where(handler)} \`${handler.name}\` (${handler.methods.join(', ') || '—'})`));
  }
  return [s(lang, `- Servidores HTTP: ${parts.join('; ')}.`, `- HTTP servers: ${parts.join('; ')}.`)];
}

const FILE_OPS = { es: ['operación de fichero', 'operaciones de fichero'], en: ['file operation', 'file operations'] } as { es: [string, string]; en: [string, string] };
const SUBPROCESSES = { es: ['subproceso', 'subprocesos'], en: ['subprocess', 'subprocesses'] } as { es: [string, string]; en: [string, string] };

function pollLines(facts: ProjectFacts, lang: Lang): string[] {
  if (!facts.pollLoops.length) return [s(lang, '- Bucles de sondeo: ninguno encontrado.', '- Polling loops: none found.')];
  const parts = facts.pollLoops.map((loop) => {
    const interval = loop.intervalSeconds !== undefined ? `${formatNumber(loop.intervalSeconds, lang)} s` : `? (${loop.intervalText})`;
    const source = { literal: s(lang, 'literal', 'literal'), constant: s(lang, 'constante', 'constant'), environment: s(lang, 'variable de entorno, valor por defecto', 'environment default'), 'argument-default': s(lang, 'argumento', 'argument default'), unknown: s(lang, 'desconocido', 'unknown') }[loop.intervalSource] ?? loop.intervalSource;
    return s(lang,
      `${where(loop)} cada ${interval} (\`${loop.intervalText}\`, ${source})${loop.backoff ? ', con back-off' : ', sin back-off'}, ${pluralize(loop.fileOpsPerPoll, lang, FILE_OPS.es, FILE_OPS.en)} y ${pluralize(loop.subprocessesPerPoll, lang, SUBPROCESSES.es, SUBPROCESSES.en)} por vuelta`,
      `${where(loop)} every ${interval} (\`${loop.intervalText}\`, ${source})${loop.backoff ? ', with back-off' : ', no back-off'}, ${pluralize(loop.fileOpsPerPoll, lang, FILE_OPS.es, FILE_OPS.en)} and ${pluralize(loop.subprocessesPerPoll, lang, SUBPROCESSES.es, SUBPROCESSES.en)} per pass`);
  });
  return [s(lang, `- Bucles de sondeo: ${parts.join('; ')}.`, `- Polling loops: ${parts.join('; ')}.`)];
}

// ---------- section 2: the top points by price, one bullet per call site

/** Section 2 and the impact table show this many points; the rest are one line each in `--format concise`. */
export const TOP_POINTS = 10;
/** Phase 1 lists at most this many changes (the brief's "quick wins"); phases 2 and 3 as many as they hold. */
export const MAX_PHASE_ITEMS: Record<Phase, number> = { 1: 7, 2: 7, 3: 5 };
/** Days of work a change of each phase takes (the phase headings' own estimate), for "saving per day". */
const PHASE_DAYS: Record<Phase, number> = { 1: 1, 2: 4, 3: 10 };

function annotations(f: PricedFinding, lang: Lang): string {
  const notes: string[] = [];
  if (f.runtime) notes.push(s(lang, `confirmado en ejecución: ${formatNumber(f.runtime.eventsPerSecond, lang)} ${f.runtime.kind}/s`, `confirmed at runtime: ${formatNumber(f.runtime.eventsPerSecond, lang)} ${f.runtime.kind}/s`));
  if (f.memory?.regression) notes.push(s(lang, `regresión: estaba resuelto`, `regression: it had been resolved`));
  else if (f.memory) notes.push(s(lang, `conocido desde ${f.memory.knownSince}`, `known since ${f.memory.knownSince}`));
  return notes.length ? ` [${notes.join('; ')}]` : '';
}

/** `file:line` and the rule tags of a point: `shell.py:18` [SP501 SP504 SP505 PA903]. */
function site(point: Point): string {
  return sites([point]);
}

/** One line for what a section leaves out, and where it is. `what`: lower cost (section 2) or lower saving per day (a phase). */
function rest(count: number, lang: Lang, what: 'cost' | 'saving'): string[] {
  if (count <= 0) return [];
  const es = what === 'cost' ? ['punto más', 'puntos más', 'de menor coste'] : ['cambio más', 'cambios más', 'de menor ahorro por día de trabajo'];
  const en = what === 'cost' ? ['more point', 'more points', 'of lower cost'] : ['more change', 'more changes', 'with a lower saving per day of work'];
  return [s(lang,
    `Y ${pluralize(count, lang, [es[0]!, es[1]!], [en[0]!, en[1]!])}, ${es[2]}: \`clawperf analyze --format concise\` los lista uno por línea; \`--format json\` y \`--format html\` traen todos los hallazgos.`,
    `And ${pluralize(count, lang, [es[0]!, es[1]!], [en[0]!, en[1]!])} ${en[2]}: \`clawperf analyze --format concise\` lists them one per line; \`--format json\` and \`--format html\` carry every finding.`)];
}

function criticalPoints(data: ReportData): string[] {
  const { lang, points } = data;
  if (!points.length) return [s(lang, '- Ningún punto crítico detectado en el código analizado.', '- No critical points detected in the analysed code.')];
  const lines = points.slice(0, TOP_POINTS).map((p) =>
    `- ${T.severity[p.severity][lang]}: ${p.lead.message[lang]} (${site(p)}) — ${p.lead.whyAtScale[lang]}${annotations(p.lead, lang)}`);
  return [...lines, ...(points.length > TOP_POINTS ? ['', ...rest(points.length - TOP_POINTS, lang, 'cost')] : [])];
}

// ---------- section 3: one block per critical or important point of the top

/** The other rules of a point, each with its own change, so the proposal covers every item the point lists. */
function alsoChange(point: Point, lang: Lang): string {
  const others = point.findings.filter((f, i) => i > 0 && f.rule !== point.lead.rule && f.proposal.change[lang] !== point.lead.proposal.change[lang]);
  const seen = new Set<string>();
  const parts = others.filter((f) => !seen.has(f.rule) && seen.add(f.rule)).map((f) => `${f.rule}: ${f.proposal.change[lang]}`);
  return parts.length ? ` ${s(lang, 'Además', 'Also')} — ${parts.join(' ')}` : '';
}

/** The first sentence of a change, for a list of other sites. */
function gist(change: string): string {
  return change.split(/(?<=\.)\s/)[0]!.replace(/\.$/, '');
}

function sitesList(ids: string[], lang: Lang, max: number): string {
  const shown = ids.slice(0, max).map((id) => `\`${id}\``).join(', ');
  return ids.length > max ? `${shown} ${s(lang, `y ${ids.length - max} más`, `and ${ids.length - max} more`)}` : shown;
}

/** Where the same change applies too, and where the same problem needs its own change: a block fixes its whole finding. */
function recurrences(point: Point, lang: Lang): string[] {
  const rules = [...new Set(point.elsewhere.map((e) => e.rule))];
  const same = rules.flatMap((rule) => {
    const ids = [...new Set(point.elsewhere.filter((e) => e.rule === rule && e.sameFix).map((e) => e.id))];
    return ids.length ? [`${sitesList(ids, lang, 5)} (${rule})`] : [];
  });
  // The root cause's rule only: the other rules of the point each ask one small thing (a timeout, an argv list).
  const own = point.elsewhere.filter((e) => e.rule === point.lead.rule && !e.sameFix).slice(0, 5).map((e) => `\`${e.id}\` (${gist(e.change[lang])})`);
  return [
    ...(same.length ? [`  - ${s(lang, 'El mismo cambio vale para', 'The same change applies to')} ${same.join('; ')}.`] : []),
    ...(own.length ? [`  - ${s(lang, 'El mismo problema en otros puntos, cada uno con su cambio', 'The same problem elsewhere, each with its own change')}: ${own.join('; ')}.`] : []),
  ];
}

function proposals(data: ReportData, top: Point[]): string[] {
  const { lang } = data;
  const shown = top.filter((p) => p.severity !== 'minor');
  const lines: string[] = [];
  for (const point of shown.length ? shown : top.slice(0, 3)) {
    const f = point.lead;
    const situations = point.findings.map((x) => `${x.message[lang]}`);
    lines.push(`${T.point[lang]} ${f.title[lang]} — ${site(point)}`);
    lines.push(`- ${T.situation[lang]}: ${[...new Set(situations)].join('; ')}.`);
    lines.push(`- ${T.change[lang]}: ${f.proposal.change[lang]}${alsoChange(point, lang)}`, ...recurrences(point, lang));
    lines.push(`- ${T.justification[lang]}: ${f.proposal.justification[lang]} ${s(lang, 'Impacto esperado', 'Expected impact')}: ${f.impact.improvement} (${f.impact.current} → ${f.impact.expected}). ${s(lang, 'Compromiso', 'Trade-off')}: ${f.proposal.tradeoff[lang]}`);
    lines.push(`- ${T.example[lang]}:`, '```python', snippetIn(f.proposal.example, lang).trimEnd(), '```', '');
  }
  if (!top.length) lines.push(s(lang, 'No hay cambios que proponer: ningún hallazgo.', 'Nothing to propose: no findings.'), '');
  return lines;
}

// ---------- section 4: one row per point of the top

function impactTable(data: ReportData, top: Point[]): string[] {
  const { lang } = data;
  const lines: string[] = [T.tableHead[lang], '|---|---|---|---|'];
  for (const point of top) {
    const f = point.lead;
    lines.push(`| ${cell(`${f.title[lang]} (${f.file}:${f.line})`)} | ${cell(f.impact.current)} | ${cell(f.impact.expected)} | ${cell(f.impact.improvement)} |`);
  }
  if (!top.length) lines.push(`| — | — | — | — |`);
  const assumptions = [...new Set(top.flatMap((p) => p.lead.impact.assumptions))].slice(0, 8);
  if (assumptions.length) lines.push('', `${s(lang, 'Supuestos', 'Assumptions')}: ${assumptions.join('; ')}.`);
  return lines;
}

// ---------- section 5: by saving per day of work

const HOLDS_NOTE = {
  es: '- [ ] Sin cambios de arquitectura: el veredicto de capacidad muestra que el diseño actual aguanta los agentes pedidos (regla estricta 1 del brief).',
  en: '- [ ] No architectural change: the capacity verdict shows the current design holds the requested agents (the brief’s strict rule 1).',
};

/** Saving per day of work first (then the ranking), so phase 1 holds the cheapest big wins. */
function byValue(a: Point, b: Point): number {
  return b.saving / PHASE_DAYS[b.lead.phase] - a.saving / PHASE_DAYS[a.lead.phase] || comparePoints(a, b);
}

/** Points whose lead is the same rule with the same title and the same saving: one roadmap item, several sites. */
function sameChangeGroups(points: Point[], lang: Lang): Point[][] {
  const groups = new Map<string, Point[]>();
  for (const p of points) {
    const key = `${p.lead.rule}\u0000${p.lead.title[lang]}\u0000${p.lead.impact.improvement}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()];
}

/** `a.py:1`, `b.py:2` [RULES]: the sites of a group of points and their rule tags. */
function sites(group: Point[]): string {
  return `${group.map((p) => where(p.lead)).join(', ')} [${[...new Set(group.flatMap((p) => p.findings.map((f) => f.rule)))].join(' ')}]`;
}

function roadmap(data: ReportData, list: Point[]): string[] {
  const { lang } = data;
  const lines: string[] = [];
  for (const phase of [1, 2, 3] as Phase[]) {
    lines.push(T.phases[phase][lang]);
    if (phase === 3 && !data.architectureAllowed) {
      lines.push(HOLDS_NOTE[lang], '');
      continue;
    }
    const items = list.filter((p) => p.lead.phase === phase).sort(byValue);
    lines.push(...sameChangeGroups(items.slice(0, MAX_PHASE_ITEMS[phase]), lang).map((group) => `- [ ] ${group[0]!.lead.title[lang]} — ${sites(group)} (${group[0]!.lead.impact.improvement})`));
    if (!items.length) lines.push(s(lang, '- [ ] Nada pendiente en esta fase.', '- [ ] Nothing pending in this phase.'));
    if (items.length > MAX_PHASE_ITEMS[phase]) lines.push('', ...rest(items.length - MAX_PHASE_ITEMS[phase], lang, 'saving'));
    lines.push('');
  }
  return lines;
}

export function renderMarkdown(data: ReportData): string {
  const { lang } = data;
  // Architectural (phase 3) proposals only when the design cannot hold N agents (the seed's strict rule 1).
  const list = data.points.filter((p) => data.architectureAllowed || p.lead.phase !== 3);
  const top = list.slice(0, TOP_POINTS);
  const out = [
    T.h1[lang], '', ...diagnosis(data), '',
    T.h2[lang], '', ...criticalPoints(data), '',
    T.h3[lang], '', ...proposals(data, top),
    T.h4[lang], '', ...impactTable(data, top), '',
    T.h5[lang], '', ...roadmap(data, list),
  ];
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
