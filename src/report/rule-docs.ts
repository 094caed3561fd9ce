// A rule's documentation, written from its meta (the one source of truth): `clawperf rule ID`,
// docs/rules/<ID>.md, SARIF `help` and the HTML report all come from here.
import type { Context } from '../model/types.js';
import type { Lang, Phase, RuleMeta, Severity } from '../rules/types.js';

export const DOCS_BASE_URI = 'https://github.com/clawperf/clawperf/blob/main/docs/rules/';
export const INFORMATION_URI = 'https://github.com/clawperf/clawperf';

export function helpUri(meta: RuleMeta): string {
  return `${DOCS_BASE_URI}${meta.id}.md`;
}

const CONTEXTS: Record<Context, { es: string; en: string }> = {
  handler: { es: 'handler HTTP (do_GET/do_POST… y lo que llaman)', en: 'HTTP handler (do_GET/do_POST… and what they call)' },
  poll_loop: { es: 'bucle de sondeo (duerme o espera en cada vuelta)', en: 'poll loop (sleeps or waits every pass)' },
  loop: { es: 'otro bucle', en: 'other loop' },
  per_task: { es: 'por tarea (llamado desde un bucle)', en: 'per task (called from a loop)' },
  startup: { es: 'arranque (nivel de módulo, main() antes del bucle, __init__)', en: 'start-up (module level, main() before its loop, __init__)' },
};

const SEVERITY: Record<Severity | 'quiet', { es: string; en: string }> = {
  critical: { es: '🔴 CRÍTICO', en: '🔴 CRITICAL' },
  important: { es: '🟡 IMPORTANTE', en: '🟡 IMPORTANT' },
  minor: { es: '🟢 MENOR', en: '🟢 MINOR' },
  quiet: { es: '— (no se informa)', en: '— (not reported)' },
};

const PHASES: Record<Phase, { es: string; en: string }> = {
  1: { es: 'Fase 1 — Quick Wins (1-2 días)', en: 'Phase 1 — Quick Wins (1-2 days)' },
  2: { es: 'Fase 2 — Mejoras Estructurales (3-5 días)', en: 'Phase 2 — Structural Improvements (3-5 days)' },
  3: { es: 'Fase 3 — Optimización Avanzada (1-2 semanas)', en: 'Phase 3 — Advanced Optimization (1-2 weeks)' },
};

const H = {
  what: { es: 'Qué detecta', en: 'What it does' },
  why: { es: 'Por qué importa con 100 agentes', en: 'Why it matters at 100 agents' },
  example: { es: 'Ejemplo', en: 'Example' },
  useInstead: { es: 'En su lugar', en: 'Use instead' },
  tradeoff: { es: 'Compromiso', en: 'Trade-off' },
  severity: { es: 'Severidad según el contexto', en: 'Severity by context' },
  context: { es: 'Contexto', en: 'Context' },
  level: { es: 'Severidad', en: 'Severity' },
  dimension: { es: 'Dimensión', en: 'Dimension' },
  suppress: { es: 'Suprimir en una línea', en: 'Suppress on one line' },
} as const;

/** The most severe level a rule can report anywhere (SARIF's default level). */
export function worstSeverity(meta: RuleMeta): Severity {
  const levels = Object.values(meta.severity).filter((s): s is Severity => s !== null);
  return (['critical', 'important', 'minor'] as const).find((s) => levels.includes(s)) ?? 'minor';
}

export function severityPolicy(meta: RuleMeta, lang: Lang): { context: string; severity: string }[] {
  return (Object.keys(CONTEXTS) as Context[]).map((context) => ({
    context: `\`${context}\` — ${CONTEXTS[context][lang]}`,
    severity: SEVERITY[meta.severity[context] ?? 'quiet'][lang],
  }));
}

export function phaseName(phase: Phase, lang: Lang): string {
  return PHASES[phase][lang];
}

/** The full documentation page in Markdown (what `clawperf rule ID` prints and docs/rules/<ID>.md holds). */
export function ruleDocMarkdown(meta: RuleMeta, lang: Lang): string {
  const d = meta.docs;
  const lines = [
    `# ${meta.id} ${meta.name}: ${meta.title[lang]}`,
    '',
    `${H.dimension[lang]}: \`${meta.dimension}\` · ${PHASES[meta.phase][lang]} · ${H.suppress[lang]}: \`# noqa: ${meta.id}\``,
    '',
    `## ${H.what[lang]}`, '', d.what[lang], '',
    `## ${H.why[lang]}`, '', d.why[lang], '',
    `## ${H.example[lang]}`, '', '```python', d.example.trimEnd(), '```', '',
    `## ${H.useInstead[lang]}`, '', '```python', d.useInstead.trimEnd(), '```', '',
    `## ${H.tradeoff[lang]}`, '', d.tradeoff[lang], '',
    `## ${H.severity[lang]}`, '',
    `| ${H.context[lang]} | ${H.level[lang]} |`, '|---|---|',
    ...severityPolicy(meta, lang).map((row) => `| ${row.context} | ${row.severity} |`),
  ];
  return lines.join('\n') + '\n';
}

/** Plain-text help for SARIF `help.text` (viewers that do not render Markdown). */
export function ruleDocText(meta: RuleMeta, lang: Lang): string {
  const d = meta.docs;
  return [
    `${meta.id} ${meta.title[lang]}`,
    `${H.what[lang]}: ${d.what[lang]}`,
    `${H.why[lang]}: ${d.why[lang]}`,
    `${H.example[lang]}:\n${d.example.trimEnd()}`,
    `${H.useInstead[lang]}:\n${d.useInstead.trimEnd()}`,
    `${H.tradeoff[lang]}: ${d.tradeoff[lang]}`,
  ].join('\n\n') + '\n';
}

export function ruleDocJson(meta: RuleMeta, lang: Lang) {
  return {
    id: meta.id, name: meta.name, dimension: meta.dimension, title: meta.title[lang], phase: meta.phase,
    severity: meta.severity, what: meta.docs.what[lang], why: meta.docs.why[lang], example: meta.docs.example,
    use_instead: meta.docs.useInstead, tradeoff: meta.docs.tradeoff[lang], help_uri: helpUri(meta),
  };
}
