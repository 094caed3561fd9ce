// Severity from the price at N agents and the context, not from the rule alone (README "Severity").
// A rule proposes a severity for its context; the price can raise it, and only a real hazard keeps a
// cheap finding critical: a call that can hang a server's only thread or a poll loop for good.
import type { Finding, Severity } from '../rules/types.js';
import type { ResourceBudget } from './price.js';

/** The thresholds, at N agents, on the finding's current cost. Documented in README "Severity". */
export const SEVERITY_THRESHOLDS = {
  /** Busy cores (CPU + I/O wait, high end of the range): half a core for one call site is a quarter of a 2-core machine. */
  cores: { critical: 0.5, important: 0.05 },
  /** Memory held or moved: 1 GB is a tenth of a small server; 100 MB is noticed. */
  memoryMB: { critical: 1024, important: 100 },
  /** Sockets in TIME_WAIT: ~28 k is the default ephemeral port range. */
  timeWait: { critical: 28_000, important: 1_000 },
  /** Descriptors and threads: 1024 is the default `ulimit -n`. */
  fds: { critical: 1024, important: 100 },
  threads: { critical: 10_000, important: 1_000 },
} as const;

/** A wait this long (or with no bound) in a handler or poll loop stops everything behind it. */
export const HANG_SECONDS = 60;

const ORDER: Severity[] = ['critical', 'important', 'minor'];

function worse(a: Severity, b: Severity): Severity {
  return ORDER[Math.min(ORDER.indexOf(a), ORDER.indexOf(b))]!;
}

function level(value: number, limits: { critical: number; important: number }): Severity {
  return value >= limits.critical ? 'critical' : value >= limits.important ? 'important' : 'minor';
}

/** The severity the price alone gives, resource by resource (the worst wins). */
export function severityFromPrice(budget: ResourceBudget): Severity {
  const t = SEVERITY_THRESHOLDS;
  return [
    level(budget.cores.high, t.cores), level(budget.memoryMB, t.memoryMB), level(budget.timeWait, t.timeWait),
    level(budget.fds, t.fds), level(budget.threads, t.threads),
  ].reduce(worse, 'minor');
}

/** True when the finding can stop a handler or a poll loop for good (no timeout, or minutes). */
export function canHang(finding: Pick<Finding, 'context' | 'cost'>): boolean {
  const blocked = finding.cost.currentResources?.blockedSeconds;
  return (finding.context === 'handler' || finding.context === 'poll_loop') && blocked !== undefined && blocked >= HANG_SECONDS;
}

/**
 * The final severity: the worse of the price's and the rule's one level down (a rule knows the kind of
 * problem, the price knows its size); critical whatever the price when it can hang a handler or a poll loop;
 * never critical at start-up (it runs once).
 */
export function severityOf(finding: Pick<Finding, 'severity' | 'context' | 'cost'>, budget: ResourceBudget): Severity {
  if (finding.context !== 'startup' && finding.severity === 'critical' && canHang(finding)) return 'critical';
  const fromRule = ORDER[Math.min(ORDER.indexOf(finding.severity) + 1, ORDER.length - 1)]!;
  const priced = worse(severityFromPrice(budget), fromRule);
  return finding.context === 'startup' && priced === 'critical' ? 'important' : priced;
}
