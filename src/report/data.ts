// What every reporter receives: findings already priced, facts already counted.
import type { ProjectFacts } from '../impact/facts.js';
import type { PriceKind } from '../impact/load.js';
import type { ResourceBudget } from '../impact/price.js';
import type { Point } from '../impact/rank.js';
import type { Totals } from '../impact/totals.js';
import type { Impact } from '../impact/types.js';
import type { AnalysisSummary } from '../pipeline.js';
import type { Finding, Lang } from '../rules/types.js';

export interface PricedFinding extends Finding {
  impact: Impact;
  /** The finding's cost at N agents, per resource, in the budget `load` names (the number reports rank by). */
  budget: ResourceBudget;
  /** Where that cost goes: idle (every pass), steady (per message), incident, or nowhere (startup, on-demand). */
  load: PriceKind;
  /** The same after the proposed change. */
  expectedBudget: ResourceBudget;
  /** The point (call site) this finding belongs to: `file:line`. */
  group: string;
}

export interface RuntimeHotspot {
  file: string;
  line: number;
  kind: string;
  eventsPerSecond: number;
}

export interface ReportData {
  lang: Lang;
  agents: number;
  summary: AnalysisSummary;
  facts: ProjectFacts;
  findings: PricedFinding[];
  /** One point per call site, ranked by price (asked ones first). */
  points: Point[];
  /** `--ask`: the question and the words of it that matched the code (empty: none did). */
  question?: { text: string; terms: string[] };
  totals: Totals;
  costSource: 'measured' | 'reference' | 'mixed';
  measuredAt?: string;
  /** Capacity verdict sentences for section 1 (empty when not computed). */
  capacityLines: string[];
  /**
   * The seed allows architectural changes (phase 3) only when the numbers show the current design cannot
   * hold N agents; false when the capacity verdict says it holds.
   */
  architectureAllowed: boolean;
  /** What project memory already knew, one sentence each. */
  memoryNotes: string[];
  unflagged: RuntimeHotspot[];
  warnings: string[];
}
