// Prices every finding and sums the totals: the bridge from rules to reports.
import type { AnalysisResult } from '../pipeline.js';
import type { Finding, Lang } from '../rules/types.js';
import type { PricedFinding, ReportData } from '../report/data.js';
import { budgetOf, effectiveCost, priceFinding } from './price.js';
import { computeTotals } from './totals.js';
import type { UnitCost, UnitId } from './types.js';
import { unitCosts } from './units.js';

export interface PricingOptions {
  agents: number;
  lang: Lang;
  measured?: Partial<Record<UnitId, UnitCost>>;
  measuredAt?: string;
}

export function priceFindings(findings: Finding[], options: PricingOptions): PricedFinding[] {
  const costs = unitCosts(options.measured);
  return findings.map((f) => ({
    ...f,
    impact: priceFinding(f, { agents: options.agents, costs, lang: options.lang, measuredAt: options.measuredAt }),
    budget: budgetOf(effectiveCost(f), options.agents, costs),
  }));
}

export function buildReportData(result: AnalysisResult, findings: Finding[], options: PricingOptions & Partial<Pick<ReportData, 'capacityLines' | 'memoryNotes' | 'unflagged' | 'architectureAllowed'>>): ReportData {
  const costs = unitCosts(options.measured);
  const measuredCount = Object.keys(options.measured ?? {}).length;
  return {
    lang: options.lang,
    agents: options.agents,
    summary: result.summary,
    facts: result.digest.facts,
    findings: priceFindings(findings, options),
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
