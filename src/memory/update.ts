// How a run changes memory (pure functions over the state; the API does the locking and writing).
// pending → verified (second distinct run, or runtime evidence) → resolved (its file was analysed and
// it was gone) → verified again with `regression` when it comes back.
import type { Finding } from '../rules/types.js';
import {
  LINE_BUCKET,
  SEVERITY_RANK,
  bottleneckKey,
  isLineBucket,
  lineBucket,
  normalizeAnchor,
  normalizeFile,
  normalizeText,
  noteKey,
  optimizationKey,
  parseBottleneckKey,
  shortHash,
  type BottleneckEntry,
  type MemoryFinding,
  type MemoryState,
  type OptimizationEntry,
} from './model.js';
import { findingIgnored, parsePreferences } from './preferences.js';

/** Resolved entries kept (most recent first); older ones are dropped. */
export const MAX_RESOLVED = 500;
/** A pending entry not seen again within this many days is dropped. */
export const PENDING_TTL_DAYS = 120;

/** The key a finding is remembered under, before looking for a near match. */
export function findingKey(finding: MemoryFinding, root: string): string {
  const file = normalizeFile(finding.file, root);
  const anchor = normalizeAnchor(finding.anchor) ?? lineBucket(finding.line);
  return bottleneckKey(finding.rule, file, anchor);
}

/**
 * The entry a finding belongs to: its exact key, or — for a finding without an anchor — an entry of the
 * same rule and file in the next or previous line bucket that nothing else in this run took (code moved a bit).
 */
export function matchEntry(
  index: Map<string, BottleneckEntry>,
  finding: MemoryFinding,
  root: string,
  taken: Set<string> = new Set(),
): { key: string; entry?: BottleneckEntry } {
  const key = findingKey(finding, root);
  const exact = index.get(key);
  if (exact) return { key, entry: exact };
  const parts = parseBottleneckKey(key);
  if (parts && isLineBucket(parts.anchor)) {
    const bucket = Number(parts.anchor.slice(1));
    for (const near of [bucket - LINE_BUCKET, bucket + LINE_BUCKET]) {
      if (near < 0) continue;
      const k = bottleneckKey(parts.rule, parts.file, `L${near}`);
      const entry = index.get(k);
      if (entry && !taken.has(k) && Math.abs(entry.line - finding.line) < LINE_BUCKET) return { key: k, entry };
    }
  }
  return { key };
}

export interface RunInput {
  root: string;
  findings: readonly MemoryFinding[];
  analysedFiles: readonly string[];
  /** Rule ids that ran (default: all). Entries of rules that did not run are never resolved by this run. */
  rules?: readonly string[];
  runId: string;
  today: string;
}

export interface RunResult {
  newlyVerified: number;
  resolved: number;
  regressions: number;
}

function daysBetween(a: string, b: string): number {
  return (Date.parse(b) - Date.parse(a)) / 86_400_000;
}

function refresh(entry: BottleneckEntry, group: MemoryFinding[]): void {
  const worst = group.reduce((w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w.severity] ? f : w), group[0]!);
  entry.severity = worst.severity;
  entry.line = Math.min(...group.map((f) => f.line));
  entry.context = worst.context;
  entry.dimension = worst.dimension;
  if (worst.title?.en) entry.title = worst.title.en;
  if (worst.proposal?.change?.en) entry.fix = worst.proposal.change.en;
  const runtime = group.find((f) => f.runtime)?.runtime;
  if (runtime) entry.runtime = { kind: runtime.kind };
}

/** Applies one analysis run to the state. */
export function applyRun(state: MemoryState, input: RunInput): RunResult {
  const result: RunResult = { newlyVerified: 0, resolved: 0, regressions: 0 };
  const index = new Map(state.bottlenecks.map((e) => [e.key, e]));
  const taken = new Set<string>();
  const groups = new Map<string, MemoryFinding[]>();
  for (const finding of input.findings) {
    const { key } = matchEntry(index, finding, input.root, taken);
    taken.add(key);
    const list = groups.get(key);
    if (list) list.push(finding);
    else groups.set(key, [finding]);
  }

  const run = shortHash(input.runId); // the state keeps a hash, not the caller's run id
  for (const [key, group] of groups) {
    const confirmedAtRuntime = group.some((f) => f.runtime !== undefined);
    let entry = index.get(key);
    if (!entry) {
      const parts = parseBottleneckKey(key)!;
      const first = group[0]!;
      entry = {
        key,
        rule: first.rule,
        dimension: first.dimension,
        severity: first.severity,
        file: parts.file,
        anchor: parts.anchor,
        line: first.line,
        context: first.context,
        title: first.title?.en ?? first.rule,
        status: 'pending',
        firstSeen: input.today,
        lastSeen: input.today,
        count: 1,
        lastRun: run,
      };
      refresh(entry, group);
      index.set(key, entry);
      state.bottlenecks.push(entry);
      if (confirmedAtRuntime) {
        entry.status = 'verified';
        entry.verifiedOn = input.today;
        result.newlyVerified++;
      }
      continue;
    }
    if (entry.lastRun !== run) {
      entry.count++;
      entry.lastRun = run;
    }
    entry.lastSeen = input.today;
    refresh(entry, group);
    if (entry.status === 'resolved') {
      entry.status = 'verified';
      entry.regression = true;
      entry.regressedOn = input.today;
      delete entry.resolvedOn;
      result.regressions++;
    } else if (entry.status === 'pending' && (entry.count >= 2 || confirmedAtRuntime)) {
      entry.status = 'verified';
      entry.verifiedOn = input.today;
      result.newlyVerified++;
    }
  }

  // Gone from a file this run analysed: verified → resolved, pending → forgotten (it was never confirmed).
  // Not when the rule did not run, or the user's preferences ignore the rule or the path (not seen ≠ fixed).
  const analysed = new Set(input.analysedFiles.map((f) => normalizeFile(f, input.root)));
  const ran = input.rules ? new Set(input.rules.map((r) => r.toUpperCase())) : undefined;
  const prefs = parsePreferences(state.notes.map((n) => n.text));
  state.bottlenecks = state.bottlenecks.filter((entry) => {
    if (groups.has(entry.key) || !analysed.has(entry.file) || entry.status === 'resolved') return true;
    if ((ran && !ran.has(entry.rule.toUpperCase())) || findingIgnored(entry, prefs)) return true;
    if (entry.status === 'pending') return false;
    entry.status = 'resolved';
    entry.resolvedOn = input.today;
    delete entry.regression;
    delete entry.regressedOn;
    result.resolved++;
    return true;
  });
  prune(state, input.today);
  return result;
}

/** Keeps the state bounded: old resolved entries and long-unconfirmed pending ones go. */
export function prune(state: MemoryState, today: string): void {
  const resolved = state.bottlenecks
    .filter((e) => e.status === 'resolved')
    .sort((a, b) => (b.resolvedOn ?? '').localeCompare(a.resolvedOn ?? '') || a.key.localeCompare(b.key));
  const dropResolved = new Set(resolved.slice(MAX_RESOLVED).map((e) => e.key));
  state.bottlenecks = state.bottlenecks.filter(
    (e) => !dropResolved.has(e.key) && !(e.status === 'pending' && daysBetween(e.lastSeen, today) > PENDING_TTL_DAYS),
  );
}

/** Findings with `memory` set where memory already knew them (verified or resolved before). */
export function annotate<T extends MemoryFinding>(state: MemoryState, findings: readonly T[], root: string): T[] {
  const index = new Map(state.bottlenecks.map((e) => [e.key, e]));
  const taken = new Set<string>();
  return findings.map((finding) => {
    const { key, entry } = matchEntry(index, finding, root, taken);
    taken.add(key);
    if (!entry || entry.status === 'pending') return finding;
    const memory: NonNullable<Finding['memory']> = { knownSince: entry.firstSeen };
    if (entry.status === 'resolved' || entry.regression) memory.regression = true;
    return { ...finding, memory };
  });
}

export type AddNoteResult = { added: true; key: string } | { added: false; key: string; reason: 'duplicate' };

export function addNote(state: MemoryState, text: string, today: string): AddNoteResult {
  const key = noteKey(text);
  const norm = normalizeText(text);
  if (state.notes.some((n) => n.key === key || normalizeText(n.text) === norm)) return { added: false, key, reason: 'duplicate' };
  state.notes.push({ key, text, added: today });
  return { added: true, key };
}

/** Removes notes, bottlenecks and optimizations whose text contains `text` (case-insensitive). */
export function forgetMatching(state: MemoryState, text: string): number {
  const needle = normalizeText(text);
  const hit = (...fields: Array<string | undefined>) => fields.some((f) => f !== undefined && normalizeText(f).includes(needle));
  const before = state.notes.length + state.bottlenecks.length + state.optimizations.length;
  state.notes = state.notes.filter((n) => !hit(n.text) && n.key !== needle);
  state.bottlenecks = state.bottlenecks.filter((e) => !hit(e.key, e.title, `${e.rule} ${e.file}:${e.line}`, `${e.file}:${e.line}`));
  state.optimizations = state.optimizations.filter((o) => !hit(o.title, o.change) && o.key !== needle);
  return before - (state.notes.length + state.bottlenecks.length + state.optimizations.length);
}

export interface OptimizationRecord {
  title: string;
  before: string | number;
  after: string | number;
  change: string;
  measured: boolean;
}

/** Adds (or updates: same title and change) an optimization and its impact. */
export function addOptimization(state: MemoryState, record: OptimizationRecord, today: string): OptimizationEntry {
  const key = optimizationKey(record.title, record.change);
  const entry: OptimizationEntry = {
    key,
    title: record.title.trim(),
    before: String(record.before).trim(),
    after: String(record.after).trim(),
    change: record.change.trim(),
    measured: record.measured,
    date: today,
  };
  const i = state.optimizations.findIndex((o) => o.key === key);
  if (i >= 0) state.optimizations[i] = entry;
  else state.optimizations.push(entry);
  return entry;
}

// ---------------------------------------------------------------- numbers

/** What one analysis priced, one line each (English, like the rest of memory). */
export interface RunNumbers {
  /** Who multiplies by N: per-agent entry points, singletons, on-demand CLIs (when the model knows it). */
  topology?: string;
  /** The unit costs this run used and where they came from (measured here or the reference table). */
  unitCosts?: string;
  /** The capacity verdict at N and its limiting resource. */
  capacity?: { agents: number; text: string };
}

/** Dated measurements kept per kind (capacity per agent count, stress, trace): the most recent ones. */
export const MAX_DATED = 12;

function keepRecent(state: MemoryState, prefix: string): void {
  const dated = state.measurements.filter((m) => m.key.startsWith(prefix)).sort((a, b) => b.date.localeCompare(a.date) || b.key.localeCompare(a.key));
  const drop = new Set(dated.slice(MAX_DATED).map((m) => m.key));
  state.measurements = state.measurements.filter((m) => !drop.has(m.key));
}

/** The one current value of a kind (`topology`, `unit-costs`): its date moves only when the text changes. */
function setCurrent(state: MemoryState, kind: 'topology' | 'unit-costs', text: string, today: string): void {
  const old = state.measurements.find((m) => m.key === kind);
  if (old?.text === text) return;
  state.measurements = state.measurements.filter((m) => m.key !== kind);
  state.measurements.push({ key: kind, kind, date: today, text });
}

/** A dated result (a verdict, a stress or trace run); a capacity verdict is added only when it changed. */
export function addMeasurement(state: MemoryState, kind: 'capacity' | 'stress' | 'trace', text: string, today: string, series = ''): void {
  const prefix = `${kind} ${series ? `${series} ` : ''}`;
  const latest = state.measurements.filter((m) => m.key.startsWith(prefix)).sort((a, b) => b.date.localeCompare(a.date))[0];
  if (kind === 'capacity' && latest?.text === text) return;
  const key = `${prefix}${today}${kind === 'capacity' ? '' : ` ${shortHash(text)}`}`;
  state.measurements = state.measurements.filter((m) => m.key !== key);
  state.measurements.push({ key, kind, date: today, text });
  keepRecent(state, prefix);
}

export function applyNumbers(state: MemoryState, numbers: RunNumbers, today: string): void {
  if (numbers.topology) setCurrent(state, 'topology', numbers.topology, today);
  if (numbers.unitCosts) setCurrent(state, 'unit-costs', numbers.unitCosts, today);
  if (numbers.capacity) addMeasurement(state, 'capacity', numbers.capacity.text, today, `${numbers.capacity.agents}`);
}
