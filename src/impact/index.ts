// Prices every finding and sums the totals: the bridge from rules to reports.
import type { AnalysisResult } from '../pipeline.js';
import type { Finding, Lang, Severity } from '../rules/types.js';
import { mentions, questionTerms } from '../report/ask.js';
import type { PricedFinding, ReportData } from '../report/data.js';
import { budgetOf, effectiveCost, priceFinding } from './price.js';
import { groupId, rankPoints } from './rank.js';
import { severityOf } from './severity.js';
import { computeTotals } from './totals.js';
import type { UnitCost, UnitId } from './types.js';
import { unitCosts } from './units.js';

export interface PricingOptions {
  agents: number;
  lang: Lang;
  measured?: Partial<Record<UnitId, UnitCost>>;
  measuredAt?: string;
}

/** Every finding priced at N, with its severity from that price and its context (severity.ts) and its point. */
export function priceFindings(findings: Finding[], options: PricingOptions): PricedFinding[] {
  const costs = unitCosts(options.measured);
  return findings.map((f) => {
    const budget = budgetOf(effectiveCost(f), options.agents, costs);
    return {
      ...f,
      severity: severityOf(f, budget),
      impact: priceFinding(f, { agents: options.agents, costs, lang: options.lang, measuredAt: options.measuredAt }),
      budget,
      expectedBudget: budgetOf(effectiveCost(f), options.agents, costs, 'expected'),
      group: groupId(f),
    };
  });
}

export function buildReportData(result: AnalysisResult, findings: Finding[], options: PricingOptions & Partial<Pick<ReportData, 'capacityLines' | 'memoryNotes' | 'unflagged' | 'architectureAllowed'>> & { ask?: string }): ReportData {
  const costs = unitCosts(options.measured);
  const measuredCount = Object.keys(options.measured ?? {}).length;
  const priced = priceFindings(findings, options);
  const terms = options.ask ? questionTerms(options.ask, priced) : [];
  const counts: Record<Severity, number> = { critical: 0, important: 0, minor: 0 };
  for (const f of priced) counts[f.severity]++;
  return {
    lang: options.lang,
    agents: options.agents,
    summary: { ...result.summary, findings: counts },
    facts: result.digest.facts,
    findings: priced,
    points: rankPoints(priced, (f) => mentions(f, terms)),
    ...(options.ask ? { question: { text: options.ask, terms } } : {}),
    totals: computeTotals(findings, options.agents, costs, result.digest.importsRequests),
    costSource: measuredCount === 0 ? 'reference' : measuredCount >= 12 ? 'measured' : 'mixed',
    measuredAt: options.measuredAt,
    capacityLines: options.capacityLines ?? [],
    architectureAllowed: options.architectureAllowed ?? true,
    memoryNotes: options.memoryNotes ?? [],
    unflagged: options.unflagged ?? [],
    warnings: result.warnings,
  };
}
