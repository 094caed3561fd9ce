// Runs every selected rule on every file model and returns findings in a stable order.
import type { FileModel, ProjectModel } from '../model/types.js';
import type { CostSpec } from '../impact/types.js';
import { spanishNumbers } from '../util/spanish.js';
import { withHandlerContract } from './snippet-handlers.js';
import { withProjectHelpers } from './snippet-helpers.js';
import { withImports } from './snippet-imports.js';
import { withTestPaths } from './test-files.js';
import type { Finding, L10n, Rule, RuleFinding } from './types.js';
import { runFrequencyOfLine, type Cadence } from '../model/run-frequency.js';

/**
 * Code that runs rarely by intent — a repair/restart path, a loop paced by a person typing — costs nothing
 * at scale: rules stay quiet there, except the few whose hazard does not depend on how often the line runs.
 */
const RARE: ReadonlySet<Cadence> = new Set(['admin', 'person_paced']);

function rarelyRuns(project: ProjectModel, file: FileModel, rule: Rule, line: number): boolean {
  return !rule.meta.anyCadence && RARE.has(runFrequencyOfLine(project, file, line).cadence);
}

export interface RuleSelection {
  /** Rule ids or prefixes (`PO`, `PO301`, dimension ids); empty = all. */
  select?: string[];
  ignore?: string[];
  /** Per-path ignores: glob-ish path prefix → rule ids/prefixes. */
  perFileIgnores?: { matches: (path: string) => boolean; rules: string[] }[];
  /** Gitignore-style patterns of test code, replacing the default (rules/test-files.ts). */
  testPaths?: string[];
  /** Analyse test code like any other: no rule stays quiet there. */
  includeTests?: boolean;
  agents: number;
}

/** Spanish numbers in the Spanish half of a rule's text (`2.000`, `0,5`; util/spanish.ts). */
function es(text: L10n): L10n {
  return { es: spanishNumbers(text.es), en: text.en };
}

function spanishCost(cost: CostSpec): CostSpec {
  return {
    ...cost, rate: { ...cost.rate, basis: es(cost.rate.basis) },
    ...(cost.expectedRate ? { expectedRate: { ...cost.expectedRate, basis: es(cost.expectedRate.basis) } } : {}),
    ...(cost.assumptions ? { assumptions: cost.assumptions.map(es) } : {}),
  };
}

function matchesAny(rule: Rule, patterns: string[]): boolean {
  return patterns.some((p) => rule.meta.id.startsWith(p.toUpperCase()) || rule.meta.dimension === p || p.toUpperCase() === 'ALL');
}

export function selectRules(rules: Rule[], selection: Pick<RuleSelection, 'select' | 'ignore'>): Rule[] {
  return rules.filter((rule) =>
    (!selection.select?.length || matchesAny(rule, selection.select)) && !(selection.ignore?.length && matchesAny(rule, selection.ignore)));
}

/** A `# noqa` that suppressed nothing (`--report-unused-noqa`); line 0 is a file-level `# clawperf: noqa`. */
export interface UnusedNoqa {
  file: string;
  line: number;
  /** The unused clawperf codes; undefined for a bare file-level comment that suppressed nothing. */
  codes?: string[];
}

/** A rule's example as the user can paste it: the handler's contract kept, the project's helpers reused, the imports it needs. */
function snippetFor(r: RuleFinding, file: FileModel, project: ProjectModel): string {
  const kept = withHandlerContract(r.proposal.example, file, r.span.line, r.span.endLine);
  return withImports(withProjectHelpers(kept, file, project, r.span.line), file);
}

interface RulesRun {
  findings: Finding[];
  errors: string[];
  unusedNoqa: UnusedNoqa[];
  suppressed: Finding[];
}

/** The noqa line (the finding's own, else 0 for the whole file) that suppresses `ruleId` at `line`, if any. */
function suppressedBy(file: FileModel, line: number, ruleId: string): number | undefined {
  for (const at of [line, 0]) {
    if (!file.noqa.has(at)) continue;
    const codes = file.noqa.get(at);
    if (codes === undefined || codes.has(ruleId)) return at;
  }
  return undefined;
}

/**
 * The noqa comments of a file that suppressed nothing. Only clawperf's own: a bare line `# noqa` or a code of
 * another tool (`# noqa: E501`) may be there for flake8 or Ruff; a code of a rule that did not run is not judged.
 */
function unusedNoqa(file: FileModel, used: Map<number, Set<string>>, ran: ReadonlySet<string>, known: ReadonlySet<string>): UnusedNoqa[] {
  const unused: UnusedNoqa[] = [];
  for (const [line, codes] of file.noqa) {
    const hit = used.get(line);
    if (codes === undefined) {
      if (line === 0 && !hit) unused.push({ file: file.path, line });
      continue;
    }
    const idle = [...codes].filter((code) => known.has(code) && ran.has(code) && !hit?.has(code));
    if (idle.length) unused.push({ file: file.path, line, codes: idle });
  }
  return unused;
}

/** The rules' findings; `suppressed` are those a `# noqa` hides (hidden, not fixed: capacity still prices them). */
export function runRules(project: ProjectModel, rules: Rule[], selection: RuleSelection): RulesRun {
  return withTestPaths(selection, () => runSelected(project, rules, selection));
}

function runSelected(project: ProjectModel, rules: Rule[], selection: RuleSelection): RulesRun {
  const findings: Finding[] = [];
  const suppressedFindings: Finding[] = [];
  const errors: string[] = [];
  const unused: UnusedNoqa[] = [];
  const active = selectRules(rules, selection);
  const known = new Set(rules.map((rule) => rule.meta.id));
  for (const file of project.files) {
    const fileRules = active.filter((rule) => !selection.perFileIgnores?.some((p) => p.matches(file.path) && matchesAny(rule, p.rules)));
    const ctx = { file, project, agents: selection.agents, call: (id: number) => file.calls[id]! };
    const used = new Map<number, Set<string>>();
    for (const rule of fileRules) {
      let raw;
      try {
        raw = rule.check(ctx);
      } catch (error) {
        // A rule bug must not take the whole run down: it is reported in one line and the run goes on.
        errors.push(`${file.path}: rule ${rule.meta.id} failed: ${(error as Error).message}`);
        continue;
      }
      for (const r of raw) {
        if (rarelyRuns(project, file, rule, r.span.line)) continue;
        const by = suppressedBy(file, r.span.line, rule.meta.id);
        if (by !== undefined) used.set(by, (used.get(by) ?? new Set()).add(rule.meta.id));
        (by !== undefined ? suppressedFindings : findings).push({
          rule: rule.meta.id, dimension: rule.meta.dimension, severity: r.severity, file: file.path,
          line: r.span.line, column: r.span.column, endLine: r.span.endLine, context: r.context,
          title: rule.meta.title, message: es(r.message), whyAtScale: es(r.whyAtScale),
          proposal: { ...r.proposal, example: snippetFor(r, file, project), change: es(r.proposal.change), justification: es(r.proposal.justification), tradeoff: es(r.proposal.tradeoff) },
          phase: r.phase ?? rule.meta.phase, cost: spanishCost(r.cost), facts: r.facts,
        });
      }
    }
    if (file.noqa.size) unused.push(...unusedNoqa(file, used, new Set(fileRules.map((rule) => rule.meta.id)), known));
  }
  return { findings: sortFindings(dedupe(findings)), errors, unusedNoqa: unused, suppressed: sortFindings(dedupe(suppressedFindings)) };
}

/** One finding per rule and line: a rule may reach the same line through two paths. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.file}:${f.line}:${f.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}
