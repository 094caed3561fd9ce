// The load model: every finding priced through the process topology (how many copies of the program that
// reaches it run at N agents) and its load (every pass, per message, while an incident lasts, at start-up),
// into three budgets: idle (no messages), steady (a stated message rate per agent) and incident.
import type { Role, SiteTopology, TopologyDigest } from '../model/topology.js';
import type { Finding } from '../rules/types.js';
import type { L10n } from '../rules/types.js';
import { budgetOf, effectiveCost, formatNumber, type ResourceBudget } from './price.js';
import { addBudgets, emptyBudget, maxBudgets } from './totals.js';
import type { CostSpec, UnitCost, UnitId } from './types.js';

export const BUDGETS = ['idle', 'steady', 'incident'] as const;
export type BudgetName = (typeof BUDGETS)[number];
/** Where a finding's price goes: one of the three budgets, or nowhere (start-up, a CLI a person runs). */
export type PriceKind = BudgetName | 'startup' | 'on-demand';

/** Messages (or requests) each agent receives per second in the steady budget: one every 5 s. */
export const DEFAULT_MESSAGE_RATE = 0.2;
/** Seconds one message keeps its thread, descriptors and memory (Little's law: in flight = rate × time). */
export const TASK_SECONDS = 1;

export interface PricingModel {
  costs: Record<UnitId, UnitCost>;
  /** Role of every entry point (main files by path). */
  roles: Map<string, Role>;
  /** The digest's sites (undefined: no topology, every finding priced per agent at its rule's rate). */
  sites?: TopologyDigest['sites'];
  messageRate: number;
}

/** A finding priced at N: which budget, the spec with the rate this topology gives, and its budget. */
export interface LoadPrice {
  kind: PriceKind;
  spec: CostSpec;
  budget: ResourceBudget;
  /** Long-running processes the line runs in at N (per-agent copies + singletons). */
  processes: number;
  /** What the rule's held resources (threads, fds, memory of one process) are multiplied by: processes, or those busy with a message. */
  heldFactor: number;
  /** How the rate was reached, for the assumptions line. */
  basis: L10n;
}

interface Copies { perAgent: number; singletons: number }

function copiesOf(site: SiteTopology | undefined, roles: Map<string, Role>): Copies | undefined {
  if (!site || site.entries.length === 0) return undefined;
  const count = (role: Role) => site.entries.filter((e) => roles.get(e) === role).length;
  return { perAgent: count('per-agent'), singletons: count('singleton') };
}

export function itemsPerRun(site: SiteTopology | undefined, spec: CostSpec, agents: number): { items: number; note: L10n[] } {
  const note: L10n[] = [];
  let items = 1;
  for (const loop of site?.loops ?? []) {
    if (loop === 'agents') {
      items *= agents;
      note.push({ es: `× ${agents} (un bucle sobre agentes, unidades o pares)`, en: `× ${agents} (a loop over agents, units or peers)` });
    }
  }
  if (spec.growth === 'quadratic' && !site?.loops.includes('agents')) {
    items *= agents;
    note.push({ es: `× ${agents} (cada agente recorre los ficheros de todos)`, en: `× ${agents} (every agent walks every other’s files)` });
  }
  return { items, note };
}

/** Sentences joined with '; ', each language on its own. */
function both(...parts: L10n[]): L10n {
  return { es: parts.map((p) => p.es).filter(Boolean).join('; '), en: parts.map((p) => p.en).filter(Boolean).join('; ') };
}

function roleNoteOf(copies: Copies, assumed: boolean, agents: number): L10n {
  if (assumed) return { es: 'ningún punto de entrada lo alcanza: se valora por agente (supuesto)', en: 'no entry point reaches it: priced per agent (assumed)' };
  const parts: L10n[] = [];
  if (copies.perAgent) parts.push({ es: `${copies.perAgent} programa${copies.perAgent > 1 ? 's' : ''} por agente × ${agents}`, en: `${copies.perAgent} per-agent program${copies.perAgent > 1 ? 's' : ''} × ${agents}` });
  if (copies.singletons) parts.push({ es: `${copies.singletons} programa${copies.singletons > 1 ? 's' : ''} único${copies.singletons > 1 ? 's' : ''}`, en: `${copies.singletons} singleton${copies.singletons > 1 ? 's' : ''}` });
  return { es: parts.map((p) => p.es).join(' + '), en: parts.map((p) => p.en).join(' + ') };
}

function scaleHeld(budget: ResourceBudget, factor: number): ResourceBudget {
  return { ...budget, fds: budget.fds * factor, memoryMB: budget.memoryMB * factor, threads: budget.threads * factor };
}

/** The price of one finding at N agents, before the pass-time correction of its poll loop. */
function priceOne(finding: Finding, model: PricingModel, agents: number): LoadPrice {
  const spec = effectiveCost(finding);
  const site = model.sites?.[`${finding.file}:${finding.line}`];
  const copies = copiesOf(site, model.roles) ?? { perAgent: 1, singletons: 0 };
  const assumedRole = !copiesOf(site, model.roles);
  const processes = copies.perAgent * agents + copies.singletons;
  const load = site?.load ?? legacyLoad(finding);
  const roleNote = roleNoteOf(copies, assumedRole, agents);
  if (processes === 0) return { kind: 'on-demand', spec: { ...spec, rate: { ...spec.rate, perSecond: 0 } }, budget: emptyBudget(), processes, heldFactor: 0, basis: { es: 'solo lo alcanzan programas bajo demanda (una CLI que lanza una persona): fuera de los presupuestos', en: 'only on-demand programs (a CLI a person runs) reach it: in no budget' } };
  // Growing memory is a time to exhaustion, not today’s RSS: it stays in the finding's own text.
  const held = (b: ResourceBudget, factor: number) => scaleHeld(finding.dimension === 'memory' ? { ...b, memoryMB: 0 } : b, factor);
  const { items, note } = itemsPerRun(site, spec, agents);
  const withRate = (perSecond: number, basis: L10n): CostSpec => ({ ...spec, growth: 'linear', rate: { perSecond, basis }, ...(spec.expectedRate ? { expectedRate: { ...spec.expectedRate, perSecond: Math.min(spec.expectedRate.perSecond * processes, perSecond) } } : {}) });
  if (load === 'startup') {
    const s = withRate(0, { es: 'una vez al arrancar', en: 'once at start-up' });
    return { kind: 'startup', spec: s, budget: held(budgetOf(s, 1, model.costs), processes), processes, heldFactor: processes, basis: both(roleNote, { es: 'una vez al arrancar', en: 'once at start-up' }) };
  }
  if (load === 'incident') {
    const s = withRate(0, { es: 'mientras dure la condición', en: 'while the condition holds' });
    const budget = { ...held(budgetOf(s, 1, model.costs), processes), cores: { low: processes, high: processes } };
    return { kind: 'incident', spec: s, budget, processes, heldFactor: processes, basis: both(roleNote, { es: 'gira mientras dure la condición: un núcleo por proceso que espera', en: 'spins while the condition holds: one core per waiting process' }) };
  }
  if (load === 'pass') {
    const interval = site?.intervalSeconds && site.intervalSeconds > 0 ? site.intervalSeconds : 1;
    // Without a topology (findings built by hand) the rule's own rate stands.
    const perProcess = site ? items / interval : spec.rate.perSecond;
    const basis = site
      ? both(roleNote, { es: `una vuelta cada ${formatNumber(interval, 'es')} s${site.intervalSeconds ? '' : ' (supuesto)'}`, en: `one pass every ${formatNumber(interval)} s${site.intervalSeconds ? '' : ' (assumed)'}` }, ...note)
      : both(roleNote, spec.rate.basis);
    // When idle, the folders a pass lists hold nothing waiting: a listing costs what an empty folder costs.
    const s = { ...withRate(perProcess * processes, basis), current: spec.current.map((o) => (o.unit === 'listdir' ? { ...o, unit: 'listdir_idle' as const } : o)) };
    return { kind: 'idle', spec: s, budget: held(budgetOf(s, 1, model.costs), processes), processes, heldFactor: processes, basis };
  }
  // Per message: each per-agent copy gets the stated rate, a singleton gets every agent's messages; a singleton's
  // HTTP handler gets the stated rate once (its callers are people and monitors, not every agent: assumed).
  const request = site?.reason === 'per request';
  const singletonShare = request ? 1 : agents;
  const messages = site ? model.messageRate * (copies.perAgent * agents + copies.singletons * singletonShare) : spec.rate.perSecond * processes;
  const rate = { es: formatNumber(model.messageRate, 'es'), en: formatNumber(model.messageRate) };
  const basis = both(roleNote, request && copies.singletons
    ? { es: `${rate.es} peticiones/s por servidor (supuesto: lo llaman personas y monitores)`, en: `${rate.en} requests/s per server (assumed: its callers are people and monitors)` }
    : { es: `${rate.es} mensajes/s por agente (carga declarada)`, en: `${rate.en} messages/s per agent (stated load)` }, ...note);
  const s = withRate(messages * items, basis);
  // Threads, descriptors and memory a message holds are held by the messages in flight (Little's law: arrivals/s ×
  // the seconds each spends here, from the priced time of its operations), not by every item ever.
  const priced = budgetOf(s, 1, model.costs).cores;
  const inFlight = priced.high > 0 ? center(priced.low, priced.high) / processes : (messages / processes) * TASK_SECONDS;
  const threads = spec.currentResources?.threads;
  const ratio = threads ? Math.min(threads, inFlight) / threads : Math.min(1, inFlight);
  const heldFactor = processes * ratio;
  return { kind: 'steady', spec: s, budget: held(budgetOf(s, 1, model.costs), heldFactor), processes, heldFactor, basis };
}

/** Without a topology (hand-built findings): the context says when it runs. */
function legacyLoad(finding: Finding): SiteTopology['load'] {
  return finding.context === 'startup' ? 'startup' : finding.context === 'poll_loop' ? 'pass' : 'message';
}

/** Central estimate of a cost range: the geometric mean, since ranges span up to 10×. */
export function center(low: number, high: number): number {
  return low > 0 && high > 0 ? Math.sqrt(low * high) : (low + high) / 2;
}

function scaleRates(budget: ResourceBudget, k: number): ResourceBudget {
  return {
    ...budget, cores: { low: budget.cores.low * k, high: budget.cores.high * k }, diskOps: budget.diskOps * k, fsyncs: budget.fsyncs * k,
    processes: budget.processes * k, tcpConnections: budget.tcpConnections * k, timeWait: budget.timeWait * k, operations: budget.operations * k,
  };
}

/**
 * Every finding priced at N. A poll loop sleeps its interval *after* its pass: when a pass takes T seconds,
 * the loop runs 1/(interval + T) times a second, not 1/interval (a dispatcher walking 100 units).
 */
export function priceAll(findings: Finding[], model: PricingModel, agents: number): LoadPrice[] {
  const prices = findings.map((f) => priceOne(f, model, agents));
  const busy = new Map<string, { lines: Map<string, number> }>();
  findings.forEach((f, i) => {
    const site = model.sites?.[`${f.file}:${f.line}`];
    const p = prices[i]!;
    if (p.kind !== 'idle' || !site?.pollLoop || p.processes === 0) return;
    const entry = busy.get(site.pollLoop) ?? { lines: new Map<string, number>() };
    const key = `${f.file}:${f.line}`;
    // Rules on one call price it once: the smallest view of its time (as `sameCall` does for the budgets).
    const seconds = center(p.budget.cores.low, p.budget.cores.high) / p.processes;
    entry.lines.set(key, Math.min(entry.lines.get(key) ?? Infinity, seconds));
    busy.set(site.pollLoop, entry);
  });
  return prices.map((p, i) => {
    const site = model.sites?.[`${findings[i]!.file}:${findings[i]!.line}`];
    const fraction = p.kind === 'idle' && site?.pollLoop ? [...(busy.get(site.pollLoop)?.lines.values() ?? [])].reduce((a, b) => a + b, 0) : 0;
    if (fraction <= 0.01) return p;
    const k = 1 / (1 + fraction);
    const pass = fraction * (site?.intervalSeconds ?? 1);
    const basis = both(p.basis, { es: `una vuelta tarda ${formatNumber(pass, 'es')} s con esta N: ${formatNumber(k * 100, 'es')} % de las vueltas nominales`, en: `a pass takes ${formatNumber(pass)} s at this N: ${formatNumber(k * 100)} % of the nominal passes` });
    return { ...p, budget: scaleRates(p.budget, k), spec: { ...p.spec, rate: { perSecond: p.spec.rate.perSecond * k, basis } }, basis };
  });
}

/**
 * Several rules on one call price the same operations: held resources take the largest view (one rule knows the
 * threads, another the memory), rates the smallest non-zero one (a rule that already multiplied the call by its own
 * item count would count the loop twice, once more through the topology's loops).
 */
function sameCall(a: ResourceBudget, b: ResourceBudget): ResourceBudget {
  const least = (x: number, y: number) => (x > 0 && y > 0 ? Math.min(x, y) : Math.max(x, y));
  const held = maxBudgets(a, b);
  const useA = least(a.cores.high, b.cores.high) === a.cores.high;
  return {
    ...held, cores: useA ? a.cores : b.cores, diskOps: least(a.diskOps, b.diskOps), fsyncs: least(a.fsyncs, b.fsyncs), processes: least(a.processes, b.processes),
    tcpConnections: least(a.tcpConnections, b.tcpConnections), timeWait: least(a.timeWait, b.timeWait), operations: least(a.operations, b.operations),
  };
}

/** The findings' share of each budget at N (start-up and on-demand work is in none). */
export function findingBudgets(findings: Finding[], model: PricingModel, agents: number): Record<BudgetName, ResourceBudget> {
  const prices = priceAll(findings, model, agents);
  const byLine: Record<BudgetName, Map<string, ResourceBudget>> = { idle: new Map(), steady: new Map(), incident: new Map() };
  findings.forEach((f, i) => {
    const p = prices[i]!;
    // Resources held from start-up (a pool, an open file) are held when idle too.
    const kind: BudgetName | undefined = p.kind === 'startup' ? 'idle' : p.kind === 'on-demand' ? undefined : p.kind;
    if (!kind) return;
    const key = `${f.file}:${f.line}`;
    const seen = byLine[kind].get(key);
    byLine[kind].set(key, seen ? sameCall(seen, p.budget) : p.budget);
  });
  const sum = (m: Map<string, ResourceBudget>) => [...m.values()].reduce(addBudgets, emptyBudget());
  return { idle: sum(byLine.idle), steady: sum(byLine.steady), incident: sum(byLine.incident) };
}

/** The same finding after its proposed change, in the same budget and the same processes. */
export function expectedBudgetOf(price: LoadPrice, costs: Record<UnitId, UnitCost>): ResourceBudget {
  if (price.kind === 'on-demand') return emptyBudget();
  const after = budgetOf(price.spec, 1, costs, 'expected');
  const held = { ...after, fds: after.fds * price.heldFactor, memoryMB: after.memoryMB * price.heldFactor, threads: after.threads * price.heldFactor };
  return price.kind === 'incident' ? { ...held, cores: price.spec.expected.length ? { low: 0, high: 0 } : price.budget.cores } : held;
}
