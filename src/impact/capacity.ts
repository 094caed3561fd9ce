// The capacity verdict: the budget of every finding at N agents against what the machine has.
// Does the design hold N agents, which resource saturates first, and at how many agents does it break?
import type { Finding, Lang } from '../rules/types.js';
import type { MachineCapacity } from './machine.js';
import { formatNumber, type ResourceBudget } from './price.js';
import { BASE_PROCESS_MB, budgetAt } from './totals.js';
import type { UnitCost, UnitId } from './types.js';

export const RESOURCES = ['cpu', 'fsync', 'memory', 'fds', 'ports', 'threads'] as const;
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
  loads: ResourceLoad[];
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

export interface CapacityInput {
  findings: Finding[];
  costs: Record<UnitId, UnitCost>;
  machine: MachineCapacity;
  /** Each agent imports requests: its baseline memory is higher. */
  baseMemoryMB?: number;
}

function center(low: number, high: number): number {
  // Central estimate of a cost range: the geometric mean, since ranges span up to 10×.
  return low > 0 && high > 0 ? Math.sqrt(low * high) : (low + high) / 2;
}

export function loadsAt(input: CapacityInput, agents: number): ResourceLoad[] {
  const budget: ResourceBudget = budgetAt(input.findings, agents, input.costs);
  const { machine } = input;
  const memory = budget.memoryMB + (input.baseMemoryMB ?? BASE_PROCESS_MB) * agents;
  const fdsPerAgent = BASE_FDS + budget.fds / Math.max(agents, 1);
  const load = (resource: Resource, demand: number, capacity: number, unit: string): ResourceLoad =>
    ({ resource, demand, capacity, utilisation: capacity > 0 ? demand / capacity : Infinity, unit });
  return [
    load('cpu', center(budget.cores.low, budget.cores.high), machine.cores, 'cores'),
    load('fsync', budget.fsyncs, machine.fsyncsPerSecond, 'fsync/s'),
    load('memory', memory, machine.memoryMB, 'MB'),
    load('fds', fdsPerAgent, machine.fdLimit, 'fds/process'),
    load('ports', budget.timeWait, machine.ephemeralPorts, 'TIME_WAIT sockets'),
    load('threads', budget.threads + BASE_THREADS * agents, Math.min(machine.threadsMax, machine.userProcessLimit || Infinity, machine.pidMax), 'threads'),
  ];
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
  const loads = loadsAt(input, agents);
  const bottleneck = loads.reduce((a, b) => (b.utilisation > a.utilisation ? b : a));
  return { agents, holds: loads.every((l) => l.utilisation <= 1), loads, bottleneck, breakingPoint: breakingPoint(input) };
}

const NAMES: Record<Resource, { es: string; en: string }> = {
  cpu: { es: 'CPU', en: 'CPU' },
  fsync: { es: 'fsync del disco', en: 'disk fsyncs' },
  memory: { es: 'memoria', en: 'memory' },
  fds: { es: 'descriptores por proceso (ulimit -n)', en: 'descriptors per process (ulimit -n)' },
  ports: { es: 'puertos efímeros (TIME_WAIT)', en: 'ephemeral ports (TIME_WAIT)' },
  threads: { es: 'hilos/procesos', en: 'threads/processes' },
};

const UNIT_NAMES: Record<string, { es: string; en: string }> = {
  cores: { es: 'núcleos', en: 'cores' },
  'fsync/s': { es: 'fsync/s', en: 'fsync/s' },
  MB: { es: 'MB', en: 'MB' },
  'fds/process': { es: 'descriptores/proceso', en: 'fds/process' },
  'TIME_WAIT sockets': { es: 'sockets en TIME_WAIT', en: 'TIME_WAIT sockets' },
  threads: { es: 'hilos', en: 'threads' },
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

export function verdictToJson(v: CapacityVerdict, machine: MachineCapacity) {
  return {
    agents: v.agents,
    holds: v.holds,
    first_to_saturate: v.bottleneck.resource,
    breaking_point: v.breakingPoint,
    resources: Object.fromEntries(v.loads.map((l) => [l.resource, { demand: l.demand, capacity: l.capacity, utilisation: l.utilisation, unit: l.unit }])),
    machine: { cores: machine.cores, memory_mb: machine.memoryMB, fd_limit: machine.fdLimit, ephemeral_ports: machine.ephemeralPorts, fsyncs_per_second: machine.fsyncsPerSecond, sources: machine.sources },
  };
}
