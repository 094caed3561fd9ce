// Prices every finding and sums the totals: the bridge from rules to reports.
import type { AnalysisResult } from '../pipeline.js';
import type { Finding, Lang } from '../rules/types.js';
import type { PricedFinding, ReportData } from '../report/data.js';
import { pricingModel, type CapacityInput } from './capacity.js';
import { priceAll, type PriceKind } from './load.js';
import { priceFinding } from './price.js';
import { computeTotals } from './totals.js';
import type { UnitCost, UnitId } from './types.js';
import { unitCosts } from './units.js';

export interface PricingOptions {
  agents: number;
  lang: Lang;
  /** The topology and the stated load (session.ts builds it once per run; every section prices with it). */
  capacity?: Pick<CapacityInput, 'pricing' | 'baseMemoryMB'>;
  measured?: Partial<Record<UnitId, UnitCost>>;
  measuredAt?: string;
}

/** Every finding priced at N through the topology: `budget` is its cost in its own budget (`load`). */
export function priceFindings(findings: Finding[], options: PricingOptions): PricedFinding[] {
  const costs = unitCosts(options.measured);
  const prices = priceAll(findings, pricingModel({ costs, pricing: options.capacity?.pricing }), options.agents);
  return findings.map((f, i) => {
    const load = prices[i]!;
    return {
      ...f,
      impact: priceFinding(f, { agents: options.agents, costs, lang: options.lang, measuredAt: options.measuredAt, load }),
      budget: load.budget,
      load: load.kind satisfies PriceKind,
    };
  });
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
    totals: computeTotals({ findings: [...findings, ...result.hidden], costs, ...options.capacity }, options.agents),
    costSource: measuredCount === 0 ? 'reference' : measuredCount >= 12 ? 'measured' : 'mixed',
    measuredAt: options.measuredAt,
    capacityLines: options.capacityLines ?? [],
    architectureAllowed: options.architectureAllowed ?? true,
    memoryNotes: options.memoryNotes ?? [],
    unflagged: options.unflagged ?? [],
    warnings: result.warnings,
  };
}
