// One point per root cause, ranked by price: findings on the same call site become one point (its rule
// tags, one proposal, one impact row), and points are ordered by what they cost at N agents.
import type { Severity } from '../rules/types.js';
import type { PricedFinding } from '../report/data.js';
import type { ResourceBudget } from './price.js';
import { SEVERITY_THRESHOLDS } from './severity.js';

/**
 * The one number findings and points are ranked by, from the impact stage's budget at N agents: busy cores,
 * plus every other resource in the same unit (its share of the critical threshold, times a critical core count),
 * so 1 GB held ranks like a busy core and a finding that only holds sockets still has a price.
 */
export function pricedCost(budget: ResourceBudget): number {
  const t = SEVERITY_THRESHOLDS;
  const share = budget.memoryMB / t.memoryMB.critical + budget.timeWait / t.timeWait.critical + budget.fds / t.fds.critical + budget.threads / t.threads.critical;
  return budget.cores.high + share * t.cores.critical;
}

/** What the fix saves, in the same unit as pricedCost. */
export function pricedSaving(f: Pick<PricedFinding, 'budget' | 'expectedBudget'>): number {
  return Math.max(0, pricedCost(f.budget) - pricedCost(f.expectedBudget));
}

/** Findings on one call site: one bullet, one proposal, one impact row. */
export interface Point {
  /** `file:line`, also written into every member's JSON as `group`. */
  id: string;
  /** Costliest first; the lead's title, proposal and impact speak for the point. */
  findings: PricedFinding[];
  lead: PricedFinding;
  severity: Severity;
  cost: number;
  saving: number;
  /** True when `--ask` named something this point touches. */
  asked: boolean;
  /** Other points with one of this point's rules, in ranking order: where the same change (or the same problem) recurs. */
  elsewhere: Elsewhere[];
}

/** Another call site with the same rule: the same change applies there, or the same problem wants its own change. */
export interface Elsewhere {
  rule: string;
  id: string;
  sameFix: boolean;
  /** That site's own change (when it is not the same). */
  change: PricedFinding['proposal']['change'];
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, important: 1, minor: 2 };

export function groupId(f: { file: string; line: number }): string {
  return `${f.file}:${f.line}`;
}

/** The lead of a point: the worst, then the one whose fix saves most (the root cause's fix), then the costliest. */
function leadFirst(a: PricedFinding, b: PricedFinding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || pricedSaving(b) - pricedSaving(a) || pricedCost(b.budget) - pricedCost(a.budget) || (a.rule < b.rule ? -1 : 1);
}

/** Asked points first, then by severity, then by price (the ranking of sections 2–4). */
export function comparePoints(a: Point, b: Point): number {
  return Number(b.asked) - Number(a.asked) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.cost - a.cost || (a.id < b.id ? -1 : 1);
}

/** One point per call site, ranked; `asked` marks the findings `--ask` is about. */
export function rankPoints(findings: PricedFinding[], asked: (f: PricedFinding) => boolean = () => false): Point[] {
  const bySite = new Map<string, PricedFinding[]>();
  for (const f of findings) bySite.set(groupId(f), [...(bySite.get(groupId(f)) ?? []), f]);
  const points: Point[] = [...bySite].map(([id, list]) => {
    const sorted = [...list].sort(leadFirst);
    return {
      id, findings: sorted, lead: sorted[0]!, severity: sorted[0]!.severity,
      cost: Math.max(...sorted.map((f) => pricedCost(f.budget))),
      saving: Math.max(...sorted.map(pricedSaving)),
      asked: sorted.some(asked),
      elsewhere: [],
    };
  }).sort(comparePoints);
  linkRecurrences(points);
  return points;
}

/** A change's wording without the names it cites: two sites with the same wording get the same fix. */
function fixShape(change: string): string {
  return change.replace(/`[^`]*`/g, ' ').split(/\s+/).filter((w) => w && !/[._()[\]"'{}=\d/$]/.test(w)).join(' ');
}

/** At most this many other sites per rule and kind are kept on a point (reports show fewer): large projects stay linear. */
const RECURRENCES_KEPT = 6;

/** Fills each point's `elsewhere`: the other points that share one of its rules, the same change first. */
function linkRecurrences(points: Point[]): void {
  const byRule = new Map<string, { point: Point; finding: PricedFinding }[]>();
  for (const point of points) {
    for (const finding of point.findings) (byRule.get(finding.rule) ?? byRule.set(finding.rule, []).get(finding.rule)!).push({ point, finding });
  }
  for (const [, found] of byRule) {
    if (found.length < 2) continue;
    const sites = found.map((site) => ({ ...site, shape: fixShape(site.finding.proposal.change.en) }));
    for (const mine of sites) {
      const others = (sameFix: boolean) => {
        const found: Elsewhere[] = [];
        for (const other of sites) {
          if (found.length === RECURRENCES_KEPT) break;
          if (other.point !== mine.point && (other.shape === mine.shape) === sameFix) found.push({ rule: mine.finding.rule, id: other.point.id, sameFix, change: other.finding.proposal.change });
        }
        return found;
      };
      mine.point.elsewhere.push(...others(true), ...others(false));
    }
  }
}
