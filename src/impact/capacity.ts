// The capacity verdict: the budget of every finding at N agents against what the machine has.
// Does the design hold N agents, which resource saturates first, and at how many agents does it break?
import type { Finding, Lang } from '../rules/types.js';
import type { MachineCapacity } from './machine.js';
import { BUDGETS, center, DEFAULT_MESSAGE_RATE, findingBudgets, type BudgetName, type PricingModel } from './load.js';
import { formatNumber, type ResourceBudget } from './price.js';
import { BASE_PROCESS_MB } from './totals.js';
import type { UnitCost, UnitId } from './types.js';

export const RESOURCES = ['cpu', 'fsync', 'memory', 'fds', 'ports', 'threads', 'processes'] as const;
export type Resource = (typeof RESOURCES)[number];

export interface ResourceLoad {
  resource: Resource;
  demand: number;
  capacity: number;
  /** demand / capacity: above 1 the resource is saturated. */
  utilisation: number;
  unit: string;
}

export interface CapacityVerdict {
  agents: number;
  holds: boolean;
  /** idle + steady: what the verdict is taken on. */
  loads: ResourceLoad[];
  /** The same resources per budget (idle includes every process's baseline; steady and incident what they add). */
  budgets: Record<BudgetName, ResourceLoad[]>;
  /** The resource with the highest utilisation (the first to saturate as N grows). */
  bottleneck: ResourceLoad;
  /** Largest N that holds (null: holds beyond the search limit). */
  breakingPoint: number | null;
}

const SEARCH_LIMIT = 1_000_000;
/** Threads a plain agent process has before any finding adds more (the main thread). */
const BASE_THREADS = 1;
/** Descriptors a Python process holds before doing anything (stdio, its own files). */
const BASE_FDS = 8;

/** How many long-running programs of each role the project has (processes at N = perAgent × N + singletons). */
export interface Programs { perAgent: number; singletons: number }

export interface CapacityInput {
  findings: Finding[];
  costs: Record<UnitId, UnitCost>;
  machine: MachineCapacity;
  /** Each agent imports requests: its baseline memory is higher. */
  baseMemoryMB?: number;
  /** The topology and the stated load; without it every finding is priced per agent at its rule's rate. */
  pricing?: Omit<PricingModel, 'costs'> & { programs: Programs };
}

export function pricingModel(input: Pick<CapacityInput, 'costs' | 'pricing'>): PricingModel {
  return { costs: input.costs, roles: input.pricing?.roles ?? new Map(), sites: input.pricing?.sites, messageRate: input.pricing?.messageRate ?? DEFAULT_MESSAGE_RATE };
}

/** Long-running processes at N (one per agent when the topology found no program). */
export function processesAt(input: Pick<CapacityInput, 'pricing'>, agents: number): number {
  const programs = input.pricing?.programs;
  if (!programs || programs.perAgent + programs.singletons === 0) return agents;
  return programs.perAgent * agents + programs.singletons;
}

function loadList(machine: MachineCapacity, b: { cores: number; fsyncs: number; memoryMB: number; fdsPerProcess: number; timeWait: number; threads: number; processes: number }): ResourceLoad[] {
  const load = (resource: Resource, demand: number, capacity: number, unit: string): ResourceLoad =>
    ({ resource, demand, capacity, utilisation: capacity > 0 ? demand / capacity : Infinity, unit });
  return [
    load('cpu', b.cores, machine.cores, 'cores'),
    load('fsync', b.fsyncs, machine.fsyncsPerSecond, 'fsync/s'),
    load('memory', b.memoryMB, machine.memoryMB, 'MB'),
    load('fds', b.fdsPerProcess, machine.fdLimit, 'fds/process'),
    load('ports', b.timeWait, machine.ephemeralPorts, 'TIME_WAIT sockets'),
    load('threads', b.threads, Math.min(machine.threadsMax, machine.userProcessLimit || Infinity, machine.pidMax), 'threads'),
    load('processes', b.processes, Infinity, 'processes/s'),
  ];
}

/** Each budget's loads at N, and idle + steady. */
export function budgetsAt(input: CapacityInput, agents: number): { loads: ResourceLoad[]; budgets: Record<BudgetName, ResourceLoad[]> } {
  const shares = findingBudgets(input.findings, pricingModel(input), agents);
  const processes = Math.max(processesAt(input, agents), 1);
  const base = input.baseMemoryMB ?? BASE_PROCESS_MB;
  const figures = (b: ResourceBudget, baseline: boolean) => ({
    cores: center(b.cores.low, b.cores.high), fsyncs: b.fsyncs, timeWait: b.timeWait, processes: b.processes,
    memoryMB: b.memoryMB + (baseline ? base * processes : 0),
    fdsPerProcess: (baseline ? BASE_FDS : 0) + b.fds / processes,
    threads: b.threads + (baseline ? BASE_THREADS * processes : 0),
  });
  const idle = figures(shares.idle, true);
  const steady = figures(shares.steady, false);
  const both = Object.fromEntries(Object.keys(idle).map((k) => [k, idle[k as keyof typeof idle] + steady[k as keyof typeof steady]])) as typeof idle;
  return {
    loads: loadList(input.machine, both),
    budgets: { idle: loadList(input.machine, idle), steady: loadList(input.machine, steady), incident: loadList(input.machine, figures(shares.incident, false)) },
  };
}

export function loadsAt(input: CapacityInput, agents: number): ResourceLoad[] {
  return budgetsAt(input, agents).loads;
}

function holdsAt(input: CapacityInput, agents: number): boolean {
  return loadsAt(input, agents).every((l) => l.utilisation <= 1);
}

export function breakingPoint(input: CapacityInput): number | null {
  if (!holdsAt(input, 1)) return 0;
  if (holdsAt(input, SEARCH_LIMIT)) return null;
  let good = 1;
  let bad = SEARCH_LIMIT;
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (holdsAt(input, mid)) good = mid;
    else bad = mid;
  }
  return good;
}

export function capacityVerdict(input: CapacityInput, agents: number): CapacityVerdict {
  const { loads, budgets } = budgetsAt(input, agents);
  const bottleneck = loads.reduce((a, b) => (b.utilisation > a.utilisation ? b : a));
  return { agents, holds: loads.every((l) => l.utilisation <= 1), loads, budgets, bottleneck, breakingPoint: breakingPoint(input) };
}

const NAMES: Record<Resource, { es: string; en: string }> = {
  cpu: { es: 'CPU', en: 'CPU' },
  fsync: { es: 'fsync del disco', en: 'disk fsyncs' },
  memory: { es: 'memoria', en: 'memory' },
  fds: { es: 'descriptores por proceso (ulimit -n)', en: 'descriptors per process (ulimit -n)' },
  ports: { es: 'puertos efímeros (TIME_WAIT)', en: 'ephemeral ports (TIME_WAIT)' },
  threads: { es: 'hilos/procesos', en: 'threads/processes' },
  processes: { es: 'procesos lanzados', en: 'processes spawned' },
};

const UNIT_NAMES: Record<string, { es: string; en: string }> = {
  cores: { es: 'núcleos', en: 'cores' },
  'fsync/s': { es: 'fsync/s', en: 'fsync/s' },
  MB: { es: 'MB', en: 'MB' },
  'fds/process': { es: 'descriptores/proceso', en: 'fds/process' },
  'TIME_WAIT sockets': { es: 'sockets en TIME_WAIT', en: 'TIME_WAIT sockets' },
  threads: { es: 'hilos', en: 'threads' },
  'processes/s': { es: 'procesos/s', en: 'processes/s' },
};

function pct(utilisation: number, lang: Lang): string {
  return `${formatNumber(utilisation * 100, lang)} %`;
}

/** One sentence per verdict, for section 1 and the CLI curve. */
export function verdictSentence(v: CapacityVerdict, lang: Lang, machine: MachineCapacity): string {
  const b = v.bottleneck;
  const name = NAMES[b.resource][lang];
  const need = `${formatNumber(b.demand, lang)} ${UNIT_NAMES[b.unit]?.[lang] ?? b.unit} / ${formatNumber(b.capacity, lang)}`;
  const breaks = v.breakingPoint === null
    ? (lang === 'es' ? `aguanta más de ${formatNumber(SEARCH_LIMIT, lang)} agentes` : `holds beyond ${formatNumber(SEARCH_LIMIT, lang)} agents`)
    : v.breakingPoint === 0
      ? (lang === 'es' ? 'no aguanta ni un agente' : 'does not hold even one agent')
      : (lang === 'es' ? `se rompe hacia ~${formatNumber(v.breakingPoint + 1, lang)} agentes` : `breaks at about ${formatNumber(v.breakingPoint + 1, lang)} agents`);
  const where = lang === 'es' ? `en esta máquina (${machine.cores} núcleos, ${formatNumber(machine.memoryMB / 1024, lang)} GB)` : `on this machine (${machine.cores} cores, ${formatNumber(machine.memoryMB / 1024, lang)} GB)`;
  if (v.holds) {
    return lang === 'es'
      ? `Veredicto de capacidad: con ${v.agents} agentes el diseño **aguanta** ${where}; el recurso más cargado es ${name} (${need}, ${pct(b.utilisation, lang)}); ${breaks}.`
      : `Capacity verdict: at ${v.agents} agents the design **holds** ${where}; the busiest resource is ${name} (${need}, ${pct(b.utilisation, lang)}); ${breaks}.`;
  }
  return lang === 'es'
    ? `Veredicto de capacidad: con ${v.agents} agentes el diseño **no aguanta** ${where}: el primer recurso en saturarse es ${name} (${need}, ${pct(b.utilisation, lang)}); ${breaks}.`
    : `Capacity verdict: at ${v.agents} agents the design **does not hold** ${where}: the first resource to saturate is ${name} (${need}, ${pct(b.utilisation, lang)}); ${breaks}.`;
}

/** The budget curve for `--agents 1,10,100,1000`: a Markdown table. */
export function curveTable(verdicts: CapacityVerdict[], lang: Lang): string[] {
  const head = lang === 'es'
    ? '| Agentes | CPU (núcleos) | fsync/s | Memoria (MB) | TIME_WAIT | Hilos | Veredicto |'
    : '| Agents | CPU (cores) | fsync/s | Memory (MB) | TIME_WAIT | Threads | Verdict |';
  const rows = verdicts.map((v) => {
    const get = (r: Resource) => v.loads.find((l) => l.resource === r)!;
    const verdict = v.holds ? (lang === 'es' ? 'aguanta' : 'holds') : (lang === 'es' ? `no aguanta (${NAMES[v.bottleneck.resource].es})` : `does not hold (${NAMES[v.bottleneck.resource].en})`);
    return `| ${v.agents} | ${formatNumber(get('cpu').demand, lang)} | ${formatNumber(get('fsync').demand, lang)} | ${formatNumber(get('memory').demand, lang)} | ${formatNumber(get('ports').demand, lang)} | ${formatNumber(get('threads').demand, lang)} | ${verdict} |`;
  });
  return [head, '|---|---|---|---|---|---|---|', ...rows];
}

/** `{cpu: {demand, capacity, utilisation, unit}, …}`; a resource without a machine limit (processes/s) has capacity null. */
function resourcesJson(loads: ResourceLoad[]) {
  return Object.fromEntries(loads.map((l) => [l.resource, {
    demand: l.demand, capacity: Number.isFinite(l.capacity) ? l.capacity : null, utilisation: Number.isFinite(l.capacity) ? l.utilisation : null, unit: l.unit,
  }]));
}

export function verdictToJson(v: CapacityVerdict, machine: MachineCapacity) {
  return {
    agents: v.agents,
    holds: v.holds,
    first_to_saturate: v.bottleneck.resource,
    breaking_point: v.breakingPoint,
    resources: resourcesJson(v.loads),
    budgets: Object.fromEntries(BUDGETS.map((b) => [b, resourcesJson(v.budgets[b])])),
    machine: { cores: machine.cores, memory_mb: machine.memoryMB, fd_limit: machine.fdLimit, ephemeral_ports: machine.ephemeralPorts, fsyncs_per_second: machine.fsyncsPerSecond, sources: machine.sources },
  };
}
