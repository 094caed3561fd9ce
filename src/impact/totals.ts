// Sums of the impact model over all findings: what one agent costs and what N agents cost.
import type { Finding } from '../rules/types.js';
import { pricingModel, processesAt, type CapacityInput } from './capacity.js';
import { findingBudgets } from './load.js';
import { budgetOf, effectiveCost, type Range, type ResourceBudget } from './price.js';
import type { UnitCost, UnitId } from './types.js';

/** RSS of an idle CPython 3.11 process with json, os, http.server, subprocess, threading imported (20.6 MB measured here from /proc/self/status). */
export const BASE_PROCESS_MB = 20;
/** Extra RSS of `import requests` (29.1 MB with it, measured the same way). */
export const REQUESTS_IMPORT_MB = 8;

export function emptyBudget(): ResourceBudget {
  return { cores: { low: 0, high: 0 }, diskOps: 0, fsyncs: 0, processes: 0, fds: 0, memoryMB: 0, tcpConnections: 0, timeWait: 0, threads: 0, operations: 0 };
}

export function addBudgets(a: ResourceBudget, b: ResourceBudget): ResourceBudget {
  return {
    cores: { low: a.cores.low + b.cores.low, high: a.cores.high + b.cores.high },
    diskOps: a.diskOps + b.diskOps, fsyncs: a.fsyncs + b.fsyncs, processes: a.processes + b.processes, fds: a.fds + b.fds,
    memoryMB: a.memoryMB + b.memoryMB, tcpConnections: a.tcpConnections + b.tcpConnections, timeWait: a.timeWait + b.timeWait,
    threads: a.threads + b.threads, operations: a.operations + b.operations,
  };
}

export interface Totals {
  agents: number;
  perAgent: ResourceBudget;
  total: ResourceBudget;
  /** Memory one agent process holds: interpreter baseline + imports + what the findings keep. */
  memoryPerAgentMB: Range;
  growth: 'linear' | 'quadratic';
}

/** The larger of two budgets, resource by resource (one call site flagged by several rules prices its operations once). */
export function maxBudgets(a: ResourceBudget, b: ResourceBudget): ResourceBudget {
  return {
    cores: { low: Math.max(a.cores.low, b.cores.low), high: Math.max(a.cores.high, b.cores.high) },
    diskOps: Math.max(a.diskOps, b.diskOps), fsyncs: Math.max(a.fsyncs, b.fsyncs), processes: Math.max(a.processes, b.processes),
    fds: Math.max(a.fds, b.fds), memoryMB: Math.max(a.memoryMB, b.memoryMB), tcpConnections: Math.max(a.tcpConnections, b.tcpConnections),
    timeWait: Math.max(a.timeWait, b.timeWait), threads: Math.max(a.threads, b.threads), operations: Math.max(a.operations, b.operations),
  };
}

/**
 * The budget of all findings at `agents` (quadratic findings grow with N²). Several rules often flag the
 * same call (SP501, SP503 and SP504 on one `subprocess.run`): they price the same operations, so findings
 * on one line count once, resource by resource, instead of being added up.
 */
export function budgetAt(findings: Finding[], agents: number, costs: Record<UnitId, UnitCost>, which: 'current' | 'expected' = 'current'): ResourceBudget {
  const byLine = new Map<string, ResourceBudget>();
  for (const f of findings) {
    const key = `${f.file}:${f.line}`;
    const budget = budgetOf(effectiveCost(f), agents, costs, which);
    const seen = byLine.get(key);
    byLine.set(key, seen ? maxBudgets(seen, budget) : budget);
  }
  return [...byLine.values()].reduce(addBudgets, emptyBudget());
}

/** What one agent and N agents cost, idle + steady, through the topology (the same figures as the verdict). */
export function computeTotals(input: Omit<CapacityInput, 'machine'>, agents: number): Totals {
  const model = pricingModel(input);
  const at = (n: number) => {
    const b = findingBudgets(input.findings, model, n);
    return addBudgets(b.idle, b.steady);
  };
  const perAgent = at(1);
  const total = at(agents);
  const base = input.baseMemoryMB ?? BASE_PROCESS_MB;
  // Process baseline memory is part of the budget too: every long-running program is a Python process.
  total.memoryMB += base * processesAt(input, agents);
  return {
    agents, perAgent, total,
    memoryPerAgentMB: { low: base + perAgent.memoryMB, high: base + perAgent.memoryMB },
    growth: input.findings.some((f) => f.cost.growth === 'quadratic') ? 'quadratic' : 'linear',
  };
}
