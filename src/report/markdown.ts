// The seed's mandatory five-section report, word for word in Spanish (or translated in English).
// Reporters do not analyse: everything here comes priced and counted in ReportData.
import type { ProjectFacts } from '../impact/facts.js';
import { formatNumber } from '../impact/price.js';
import type { Lang, Phase, Severity } from '../rules/types.js';
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

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, important: 1, minor: 2 };
/** Section 2 lists every critical and important finding; minor ones beyond this are summarised. */
const MAX_MINOR_BULLETS = 25;
/** Section 3 proposes one point per rule; locations beyond this are summarised. */
const MAX_LOCATIONS = 6;

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

function diagnosis(data: ReportData): string[] {
  const { lang, summary, facts, totals, agents } = data;
  const lines: string[] = [];
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
  lines.push(s(lang,
    `- Coste estimado por agente (suma de los hallazgos): ${formatNumber(per.diskOps, lang)} operaciones de disco/s, ${formatNumber(per.processes, lang)} procesos/s, ${formatNumber(per.tcpConnections, lang)} conexiones TCP/s, ${formatNumber(per.cores.low * 1000, lang)}–${formatNumber(per.cores.high * 1000, lang)} ms de CPU/E-S por segundo.`,
    `- Estimated cost per agent (sum of the findings): ${formatNumber(per.diskOps, lang)} disk operations/s, ${formatNumber(per.processes, lang)} processes/s, ${formatNumber(per.tcpConnections, lang)} TCP connections/s, ${formatNumber(per.cores.low * 1000, lang)}–${formatNumber(per.cores.high * 1000, lang)} ms of CPU/IO per second.`));
  const total = totals.total;
  lines.push(s(lang,
    `- Con ${agents} agentes: ${formatNumber(total.diskOps, lang)} operaciones de disco/s (${formatNumber(total.fsyncs, lang)} fsync/s), ${formatNumber(total.processes, lang)} procesos/s, ${formatNumber(total.tcpConnections, lang)} conexiones/s (${formatNumber(total.timeWait, lang)} sockets en TIME_WAIT), ${formatNumber(total.cores.low, lang)}–${formatNumber(total.cores.high, lang)} núcleos ocupados; crecimiento ${totals.growth === 'quadratic' ? 'cuadrático con N' : 'lineal con N'}.`,
    `- At ${agents} agents: ${formatNumber(total.diskOps, lang)} disk operations/s (${formatNumber(total.fsyncs, lang)} fsync/s), ${formatNumber(total.processes, lang)} processes/s, ${formatNumber(total.tcpConnections, lang)} connections/s (${formatNumber(total.timeWait, lang)} sockets in TIME_WAIT), ${formatNumber(total.cores.low, lang)}–${formatNumber(total.cores.high, lang)} cores busy; growth ${totals.growth === 'quadratic' ? 'quadratic in N' : 'linear in N'}.`));
  lines.push(s(lang,
    `- Memoria: ~${formatNumber(totals.memoryPerAgentMB.high, lang)} MB por agente (proceso Python base + lo que retienen los hallazgos), ~${formatNumber(total.memoryMB, lang)} MB con ${agents} agentes.`,
    `- Memory: ~${formatNumber(totals.memoryPerAgentMB.high, lang)} MB per agent (base Python process + what the findings hold), ~${formatNumber(total.memoryMB, lang)} MB at ${agents} agents.`));
  if (data.capacityLines.length) lines.push(...data.capacityLines);
  lines.push(s(lang,
    `- Costes unitarios: ${data.costSource === 'measured' ? `medidos en esta máquina (clawperf calibrate${data.measuredAt ? `, ${data.measuredAt.slice(0, 10)}` : ''})` : data.costSource === 'mixed' ? 'en parte medidos aquí, en parte de referencia' : 'tabla de referencia del brief (ejecute `clawperf calibrate` para medirlos aquí)'}.`,
    `- Unit costs: ${data.costSource === 'measured' ? `measured on this machine (clawperf calibrate${data.measuredAt ? `, ${data.measuredAt.slice(0, 10)}` : ''})` : data.costSource === 'mixed' ? 'partly measured here, partly reference' : 'the brief’s reference table (run `clawperf calibrate` to measure them here)'}.`));
  if (data.memoryNotes.length) lines.push(...data.memoryNotes.map((note) => `- ${note}`));
  if (data.unflagged.length) {
    lines.push(s(lang, '- Puntos calientes en ejecución que ninguna regla marcó:', '- Runtime hot spots no rule flagged:'));
    for (const hot of data.unflagged.slice(0, 10)) lines.push(`  - \`${hot.file}:${hot.line}\` ${formatNumber(hot.eventsPerSecond, lang)} ${hot.kind}/s`);
  }
  return lines;
}

function serverLines(facts: ProjectFacts, lang: Lang): string[] {
  if (!facts.servers.length && !facts.handlerClasses.length) return [s(lang, '- Servidores HTTP: ninguno encontrado.', '- HTTP servers: none found.')];
  const lines = facts.servers.map((server) => {
    const methods = server.handlerMethods.length ? ` (${server.handlerMethods.join(', ')})` : '';
    return s(lang,
      `- Servidor HTTP ${where(server)}: \`${server.serverClass}\` ${server.threaded ? 'con hilos' : '**de un solo hilo**'}, handler \`${server.handlerClass ?? '?'}\`${methods}.`,
      `- HTTP server ${where(server)}: \`${server.serverClass}\` ${server.threaded ? 'threaded' : '**single-threaded**'}, handler \`${server.handlerClass ?? '?'}\`${methods}.`);
  });
  const served = new Set(facts.servers.map((server) => server.handlerClass?.split('.').pop()));
  for (const handler of facts.handlerClasses.filter((h) => !served.has(h.name))) {
    lines.push(s(lang, `- Handler HTTP ${where(handler)}: \`${handler.name}\` (${handler.methods.join(', ') || '—'}).`, `- HTTP handler ${where(handler)}: \`${handler.name}\` (${handler.methods.join(', ') || '—'}).`));
  }
  return lines;
}

function pollLines(facts: ProjectFacts, lang: Lang): string[] {
  if (!facts.pollLoops.length) return [s(lang, '- Bucles de sondeo: ninguno encontrado.', '- Polling loops: none found.')];
  return facts.pollLoops.map((loop) => {
    const interval = loop.intervalSeconds !== undefined ? `${formatNumber(loop.intervalSeconds, lang)} s` : `? (${loop.intervalText})`;
    const source = { literal: s(lang, 'literal', 'literal'), constant: s(lang, 'constante', 'constant'), environment: s(lang, 'variable de entorno, valor por defecto', 'environment default'), 'argument-default': s(lang, 'argumento', 'argument default'), unknown: s(lang, 'desconocido', 'unknown') }[loop.intervalSource] ?? loop.intervalSource;
    return s(lang,
      `- Bucle de sondeo ${where(loop)}: cada ${interval} (\`${loop.intervalText}\`, ${source})${loop.backoff ? ', con back-off' : ', sin back-off'}; ${loop.fileOpsPerPoll} operaciones de fichero y ${loop.subprocessesPerPoll} subprocesos por vuelta.`,
      `- Polling loop ${where(loop)}: every ${interval} (\`${loop.intervalText}\`, ${source})${loop.backoff ? ', with back-off' : ', no back-off'}; ${loop.fileOpsPerPoll} file operations and ${loop.subprocessesPerPoll} subprocesses per pass.`);
  });
}

// ---------- section 2

function annotations(f: PricedFinding, lang: Lang): string {
  const notes: string[] = [];
  if (f.runtime) notes.push(s(lang, `confirmado en ejecución: ${formatNumber(f.runtime.eventsPerSecond, lang)} ${f.runtime.kind}/s`, `confirmed at runtime: ${formatNumber(f.runtime.eventsPerSecond, lang)} ${f.runtime.kind}/s`));
  if (f.memory?.regression) notes.push(s(lang, `regresión: estaba resuelto`, `regression: it had been resolved`));
  else if (f.memory) notes.push(s(lang, `conocido desde ${f.memory.knownSince}`, `known since ${f.memory.knownSince}`));
  return notes.length ? ` [${notes.join('; ')}]` : '';
}

function criticalPoints(findings: PricedFinding[], lang: Lang): string[] {
  if (!findings.length) return [s(lang, '- Ningún punto crítico detectado en el código analizado.', '- No critical points detected in the analysed code.')];
  const lines: string[] = [];
  const minor = findings.filter((f) => f.severity === 'minor');
  for (const f of findings.filter((f) => f.severity !== 'minor').concat(minor.slice(0, MAX_MINOR_BULLETS))) {
    lines.push(`- ${T.severity[f.severity][lang]}: ${f.message[lang]} (${where(f)}, ${f.rule}) — ${f.whyAtScale[lang]}${annotations(f, lang)}`);
  }
  if (minor.length > MAX_MINOR_BULLETS) {
    lines.push(s(lang, `- ${T.severity.minor.es}: y ${minor.length - MAX_MINOR_BULLETS} hallazgos menores más — ver \`--format json\``, `- ${T.severity.minor.en}: and ${minor.length - MAX_MINOR_BULLETS} more minor findings — see \`--format json\``));
  }
  return lines;
}

// ---------- sections 3–5: one point per rule

interface Point {
  rule: string;
  findings: PricedFinding[];
  lead: PricedFinding;
}

function points(findings: PricedFinding[]): Point[] {
  const byRule = new Map<string, PricedFinding[]>();
  for (const f of findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
  return [...byRule].map(([rule, list]) => {
    const sorted = [...list].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.budget.cores.high - a.budget.cores.high);
    return { rule, findings: sorted, lead: sorted[0]! };
  }).sort((a, b) => SEVERITY_RANK[a.lead.severity] - SEVERITY_RANK[b.lead.severity] || b.lead.budget.cores.high - a.lead.budget.cores.high || (a.rule < b.rule ? -1 : 1));
}

function locations(point: Point): string {
  const shown = point.findings.slice(0, MAX_LOCATIONS).map(where).join(', ');
  return point.findings.length > MAX_LOCATIONS ? `${shown} (+${point.findings.length - MAX_LOCATIONS})` : shown;
}

function proposals(list: Point[], lang: Lang): string[] {
  const lines: string[] = [];
  const shown = list.filter((p) => p.lead.severity !== 'minor');
  for (const point of shown.length ? shown : list.slice(0, 3)) {
    const f = point.lead;
    lines.push(`${T.point[lang]} ${f.title[lang]} (${point.rule})`, '');
    const situations = point.findings.slice(0, MAX_LOCATIONS).map((x) => `${where(x)} ${x.message[lang]}`);
    const more = point.findings.length > MAX_LOCATIONS ? s(lang, `; y ${point.findings.length - MAX_LOCATIONS} sitios más`, `; and ${point.findings.length - MAX_LOCATIONS} more places`) : '';
    lines.push(`- ${T.situation[lang]}: ${situations.join('; ')}${more}.`);
    lines.push(`- ${T.change[lang]}: ${f.proposal.change[lang]}`);
    lines.push(`- ${T.justification[lang]}: ${f.proposal.justification[lang]} ${s(lang, 'Impacto esperado', 'Expected impact')}: ${f.impact.improvement} (${f.impact.current} → ${f.impact.expected}). ${s(lang, 'Compromiso', 'Trade-off')}: ${f.proposal.tradeoff[lang]}`);
    lines.push(`- ${T.example[lang]}:`, '', '```python', f.proposal.example.trimEnd(), '```', '');
  }
  if (!list.length) lines.push(s(lang, 'No hay cambios que proponer: ningún hallazgo.', 'Nothing to propose: no findings.'), '');
  return lines;
}

function impactTable(list: Point[], lang: Lang): string[] {
  const lines: string[] = [T.tableHead[lang], '|---|---|---|---|'];
  for (const point of list) {
    const f = point.lead;
    const count = point.findings.length > 1 ? s(lang, ` ×${point.findings.length} sitios`, ` ×${point.findings.length} places`) : '';
    lines.push(`| ${cell(`${f.title[lang]} (${point.rule}, ${f.file}:${f.line}${count})`)} | ${cell(f.impact.current)} | ${cell(f.impact.expected)} | ${cell(f.impact.improvement)} |`);
  }
  if (!list.length) lines.push(`| — | — | — | — |`);
  const assumptions = [...new Set(list.flatMap((p) => p.lead.impact.assumptions))].slice(0, 12);
  if (assumptions.length) lines.push('', `${s(lang, 'Supuestos', 'Assumptions')}: ${assumptions.join('; ')}.`);
  return lines;
}

const HOLDS_NOTE = {
  es: '- [ ] Sin cambios de arquitectura: el veredicto de capacidad muestra que el diseño actual aguanta los agentes pedidos (regla estricta 1 del brief).',
  en: '- [ ] No architectural change: the capacity verdict shows the current design holds the requested agents (the brief’s strict rule 1).',
};

function roadmap(list: Point[], lang: Lang, architectureAllowed: boolean): string[] {
  const lines: string[] = [];
  for (const phase of [1, 2, 3] as Phase[]) {
    lines.push(T.phases[phase][lang]);
    if (phase === 3 && !architectureAllowed) {
      lines.push(HOLDS_NOTE[lang], '');
      continue;
    }
    const items = list.filter((p) => p.lead.phase === phase);
    for (const point of items) lines.push(`- [ ] ${point.lead.title[lang]} — ${locations(point)} (${point.lead.impact.improvement})`);
    if (!items.length) lines.push(s(lang, '- [ ] Nada pendiente en esta fase.', '- [ ] Nothing pending in this phase.'));
    lines.push('');
  }
  return lines;
}

export function renderMarkdown(data: ReportData): string {
  const { lang } = data;
  const ordered = [...data.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  // Architectural (phase 3) proposals only when the design cannot hold N agents (the seed's strict rule 1).
  const list = points(ordered).filter((p) => data.architectureAllowed || p.lead.phase !== 3);
  const out = [
    T.h1[lang], '', ...diagnosis(data), '',
    T.h2[lang], '', ...criticalPoints(ordered, lang), '',
    T.h3[lang], '', ...proposals(list, lang),
    T.h4[lang], '', ...impactTable(list, lang), '',
    T.h5[lang], '', ...roadmap(list, lang, data.architectureAllowed),
  ];
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
