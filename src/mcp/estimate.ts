// `estimate`: prices a pattern the agent describes (operations per cycle × unit cost × cycles per second ×
// N agents) with the same impact model, unit costs and sentences the report uses for a finding.
import { priceFinding, budgetOf, type ResourceBudget } from '../impact/price.js';
import { UNIT_LABELS, unitCosts } from '../impact/units.js';
import type { CostSpec, CycleRate, Operation, ResourceUse, UnitCost, UnitId } from '../impact/types.js';
import type { Finding, Lang } from '../rules/types.js';

export interface EstimateOperation {
  operation: UnitId;
  countPerCycle: number;
}

export interface EstimateSide {
  operations?: EstimateOperation[];
  /** Seconds between two cycles of one agent (a poll interval). */
  cycleSeconds?: number;
  /** Or: cycles per second of one agent (requests/s, tasks/s). */
  perSecond?: number;
  resources?: ResourceUse;
}

export interface EstimateInput extends EstimateSide {
  /** Shorthand for a single operation. */
  operation?: UnitId;
  countPerCycle?: number;
  agents?: number;
  /** The same pattern after the proposed change: its operations, rate or resources (what is missing stays as now). */
  expected?: EstimateSide;
  growth?: 'linear' | 'quadratic';
  /** What the pattern is, echoed in the result ("dispatcher polls inbox/ every 0.5 s"). */
  description?: string;
  lang: Lang;
}

export class EstimateError extends Error {}

export interface EstimateResult {
  description?: string;
  agents: number;
  current: string;
  expected?: string;
  improvement?: string;
  assumptions: string[];
  budget: { current: ResourceBudget; expected?: ResourceBudget };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(3)));
}

function rateOf(side: EstimateSide, which: string): CycleRate | undefined {
  const { cycleSeconds, perSecond } = side;
  if (cycleSeconds !== undefined && perSecond !== undefined) throw new EstimateError(`${which}: give cycleSeconds or perSecond, not both`);
  if (cycleSeconds !== undefined) {
    if (!(cycleSeconds > 0) || !Number.isFinite(cycleSeconds)) throw new EstimateError(`${which}: cycleSeconds must be a number above 0 (got ${cycleSeconds})`);
    return {
      perSecond: 1 / cycleSeconds,
      basis: { es: `un ciclo cada ${fmt(cycleSeconds)} s por agente (descrito)`, en: `one cycle every ${fmt(cycleSeconds)} s per agent (as described)` },
    };
  }
  if (perSecond !== undefined) {
    if (!(perSecond >= 0) || !Number.isFinite(perSecond)) throw new EstimateError(`${which}: perSecond must be a number, 0 or more (got ${perSecond})`);
    return {
      perSecond,
      basis: { es: `${fmt(perSecond)} ciclos/s por agente (descrito)`, en: `${fmt(perSecond)} cycles/s per agent (as described)` },
    };
  }
  return undefined;
}

function operationsOf(list: EstimateOperation[] | undefined, which: string): Operation[] | undefined {
  if (!list) return undefined;
  return list.map((op) => {
    if (!Object.hasOwn(UNIT_LABELS, op.operation)) throw new EstimateError(`${which}: unknown operation "${op.operation}" (one of ${Object.keys(UNIT_LABELS).join(', ')})`);
    if (!(op.countPerCycle >= 0) || !Number.isFinite(op.countPerCycle)) throw new EstimateError(`${which}: countPerCycle must be 0 or more (got ${op.countPerCycle})`);
    return { unit: op.operation, count: op.countPerCycle };
  });
}

/** Prices the described pattern; `measured` are the unit costs `clawperf calibrate` stored, if any. */
export function estimate(input: EstimateInput, measured: Partial<Record<UnitId, UnitCost>> = {}, measuredAt?: string): EstimateResult {
  const agents = input.agents ?? 100;
  if (!Number.isInteger(agents) || agents < 1) throw new EstimateError(`agents must be a whole number, 1 or more (got ${agents})`);
  const shorthand = input.operation !== undefined ? [{ operation: input.operation, countPerCycle: input.countPerCycle ?? 1 }] : [];
  const current = operationsOf([...shorthand, ...(input.operations ?? [])], 'operations') ?? [];
  if (current.length === 0 && !input.resources) throw new EstimateError('describe the pattern: operation + countPerCycle, or operations: [{operation, countPerCycle}], or resources');
  const rate = rateOf(input, 'rate');
  if (!rate) throw new EstimateError('how often does one agent run the cycle? give cycleSeconds (e.g. a 0.5 s poll) or perSecond (e.g. 1 request/s)');
  const exp = input.expected;
  const spec: CostSpec = {
    current,
    expected: operationsOf(exp?.operations, 'expected.operations') ?? current,
    rate,
    growth: input.growth ?? 'linear',
    ...(input.resources ? { currentResources: input.resources } : {}),
    ...(exp?.resources ? { expectedResources: exp.resources } : input.resources ? { expectedResources: input.resources } : {}),
  };
  const expectedRate = exp ? rateOf(exp, 'expected') : undefined;
  if (expectedRate) spec.expectedRate = expectedRate;
  const costs = unitCosts(measured);
  const finding = {
    rule: 'ESTIMATE', dimension: 'scalability', severity: 'minor', file: '', line: 0, column: 0, endLine: 0, context: 'loop',
    title: { es: '', en: '' }, message: { es: '', en: '' }, whyAtScale: { es: '', en: '' },
    proposal: { change: { es: '', en: '' }, justification: { es: '', en: '' }, tradeoff: { es: '', en: '' }, example: '' },
    phase: 1, cost: spec,
  } satisfies Finding;
  const impact = priceFinding(finding, { agents, costs, lang: input.lang, ...(measuredAt ? { measuredAt } : {}) });
  const result: EstimateResult = {
    ...(input.description ? { description: input.description } : {}),
    agents,
    current: impact.current,
    assumptions: impact.assumptions,
    budget: { current: budgetOf(spec, agents, costs, 'current') },
  };
  if (exp) {
    result.expected = impact.expected;
    result.improvement = impact.improvement;
    result.budget.expected = budgetOf(spec, agents, costs, 'expected');
  }
  return result;
}

/** The estimate as the agent reads it: the sentences first, then the assumptions. */
export function estimateText(result: EstimateResult, lang: Lang): string {
  const es = lang === 'es';
  const lines = [
    ...(result.description ? [`${es ? 'Patrón' : 'Pattern'}: ${result.description}`] : []),
    `${es ? 'Con' : 'At'} ${result.agents} ${es ? 'agentes' : 'agents'}:`,
    `- ${es ? 'Ahora' : 'Now'}: ${result.current}`,
  ];
  if (result.expected !== undefined) {
    lines.push(`- ${es ? 'Tras el cambio' : 'After the change'}: ${result.expected}`);
    lines.push(`- ${es ? 'Mejora' : 'Improvement'}: ${result.improvement}`);
  }
  lines.push(`${es ? 'Supuestos' : 'Assumptions'}:`, ...result.assumptions.map((a) => `- ${a}`));
  return `${lines.join('\n')}\n`;
}
