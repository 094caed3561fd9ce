// The JSON contract of DESIGN.md "Stable contracts" (other tools read it: keep it stable).
import { snippetIn } from '../rules/snippet-comments.js';
import type { PricedFinding, ReportData } from './data.js';

export function findingToJson(f: PricedFinding, lang: ReportData['lang']) {
  return {
    rule: f.rule, dimension: f.dimension, severity: f.severity, file: f.file, line: f.line, column: f.column, end_line: f.endLine,
    context: f.context, message: f.message[lang], why_at_scale: f.whyAtScale[lang],
    impact: { current: f.impact.current, expected: f.impact.expected, improvement: f.impact.improvement, assumptions: f.impact.assumptions },
    proposal: { change: f.proposal.change[lang], justification: f.proposal.justification[lang], tradeoff: f.proposal.tradeoff[lang], example: snippetIn(f.proposal.example, lang) },
    phase: f.phase,
    group: f.group,
    ...(f.runtime ? { runtime: { confirmed: true, kind: f.runtime.kind, events: f.runtime.events, events_per_second: f.runtime.eventsPerSecond } } : {}),
    ...(f.memory ? { memory: { known_since: f.memory.knownSince, regression: f.memory.regression ?? false } } : {}),
  };
}

export function renderJson(data: ReportData, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: 1,
    agents: data.agents,
    summary: data.summary,
    findings: data.findings.map((f) => findingToJson(f, data.lang)),
    ...extra,
    ...(data.warnings.length ? { warnings: data.warnings } : {}),
  }, null, 2) + '\n';
}
