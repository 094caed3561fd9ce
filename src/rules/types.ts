// What a rule is and what it produces. Rules are pure: a file model in, findings out.
import type { CallSite, Context, FileModel, ProjectModel, Span } from '../model/types.js';
import type { CostSpec } from '../impact/types.js';

export const DIMENSIONS = [
  'io_blocking',
  'sync_ops',
  'polling',
  'disk',
  'subprocess',
  'memory',
  'scalability',
  'caching',
  'parallelism',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const SEVERITIES = ['critical', 'important', 'minor'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Text in both report languages, side by side so a missing translation is a type error. */
export interface L10n {
  es: string;
  en: string;
}
export type Lang = keyof L10n;

export type Phase = 1 | 2 | 3;

export interface RuleDocs {
  /** What it does. */
  what: L10n;
  /** Why it is bad at 100 agents. */
  why: L10n;
  /** Python that triggers the rule. */
  example: string;
  /** The stdlib fix. */
  useInstead: string;
  tradeoff: L10n;
}

export interface RuleMeta {
  id: string; // `PO301`
  name: string; // `sleep-polling-filesystem`
  dimension: Dimension;
  /** Short name of the problem, used in `### Punto:` and the impact table. */
  title: L10n;
  phase: Phase;
  /** Severity by context; `null` = quiet there. */
  severity: Record<Context, Severity | null>;
  docs: RuleDocs;
  /** The hazard does not depend on how often the line runs: the rule also reports on rare repair paths and person-paced loops. */
  anyCadence?: true;
}

export interface Proposal {
  change: L10n;
  justification: L10n;
  tradeoff: L10n;
  /** Python, using the names of the user's code. */
  example: string;
}

/** What a rule reports; the engine adds file, rule id, dimension and the priced impact. */
export interface RuleFinding {
  span: Span;
  severity: Severity;
  context: Context;
  message: L10n;
  whyAtScale: L10n;
  proposal: Proposal;
  cost: CostSpec;
  /** Overrides the rule's phase when the fix is bigger here (e.g. an architectural change). */
  phase?: Phase;
  /** Facts the report's section 1 may cite (interval, argv, path…). */
  facts?: Record<string, string | number | boolean>;
}

export interface RuleContext {
  file: FileModel;
  project: ProjectModel;
  agents: number;
  /** The call sites of this file by id, for convenience. */
  call(id: number): CallSite;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): RuleFinding[];
}

/** A finding as the engine hands it to reports, memory and integrations (the JSON contract's `findings[]`). */
export interface Finding {
  rule: string;
  dimension: Dimension;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  context: Context;
  title: L10n;
  message: L10n;
  whyAtScale: L10n;
  proposal: Proposal;
  phase: Phase;
  cost: CostSpec;
  facts?: Record<string, string | number | boolean>;
  /** Set when `clawperf trace` saw this line at runtime: measured events per second. */
  runtime?: { eventsPerSecond: number; kind: string; events: number };
  /** Set when project memory already knew this bottleneck. */
  memory?: { knownSince: string; regression?: boolean };
}
