// Prices every finding and sums the totals: the bridge from rules to reports.
import type { AnalysisResult } from '../pipeline.js';
import type { Finding, Lang, Severity } from '../rules/types.js';
import { mentions, questionTerms } from '../report/ask.js';
import type { PricedFinding, ReportData } from '../report/data.js';
import { pricingModel, type CapacityInput } from './capacity.js';
import { expectedBudgetOf, priceAll, type PriceKind } from './load.js';
import { priceFinding } from './price.js';
import { groupId, rankPoints } from './rank.js';
import { severityOf } from './severity.js';
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

/**
 * Every finding priced at N through the topology and the load model: `budget` is its cost in its own budget
 * (`load`: idle, steady, incident; zero at start-up or on demand), the number severity and ranking read.
 */
export function priceFindings(findings: Finding[], options: PricingOptions): PricedFinding[] {
  const costs = unitCosts(options.measured);
  const prices = priceAll(findings, pricingModel({ costs, pricing: options.capacity?.pricing }), options.agents);
  return findings.map((f, i) => {
    const load = prices[i]!;
    return {
      ...f,
      severity: severityOf(f, load.budget),
      impact: priceFinding(f, { agents: options.agents, costs, lang: options.lang, measuredAt: options.measuredAt, load }),
      budget: load.budget,
      load: load.kind satisfies PriceKind,
      expectedBudget: expectedBudgetOf(load, costs),
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
