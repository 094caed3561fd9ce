// The entries project memory keeps, their stable keys, and which topic file each belongs to.
import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import type { Dimension, Finding, Severity } from '../rules/types.js';
import type { Context } from '../model/types.js';

/** A finding as the analyser hands it to memory: `anchor` = enclosing function (or a snippet hash). */
export type MemoryFinding = Finding & { anchor?: string };

export type EntryStatus = 'pending' | 'verified' | 'resolved';

export interface BottleneckEntry {
  /** `PO301 dispatcher.py:poll_loop` — rule, file, and the enclosing function (or a line bucket `L25`). */
  key: string;
  rule: string;
  dimension: Dimension;
  severity: Severity;
  file: string;
  anchor: string;
  line: number;
  context: Context;
  title: string;
  /** The proposal's change, shown once the bottleneck is fixed ("optimizations applied"). */
  fix?: string;
  status: EntryStatus;
  firstSeen: string; // YYYY-MM-DD
  lastSeen: string;
  /** Distinct runs that saw it. */
  count: number;
  verifiedOn?: string;
  resolvedOn?: string;
  /** It came back after being resolved. */
  regression?: boolean;
  regressedOn?: string;
  runtime?: { kind: string };
  /** The last run id that saw it (state file only, never rendered): two sightings count once per run. */
  lastRun?: string;
}

export interface NoteEntry {
  key: string;
  /** Exactly what the user asked to remember. */
  text: string;
  added: string;
}

export interface OptimizationEntry {
  key: string;
  title: string;
  before: string;
  after: string;
  change: string;
  measured: boolean;
  date: string;
}

/** The numbers an engineer keeps beside the bottlenecks (seed: "performance characteristics", "scalability limits"). */
export type MeasurementKind = 'topology' | 'unit-costs' | 'capacity' | 'stress' | 'trace';
export const MEASUREMENT_KINDS: readonly MeasurementKind[] = ['topology', 'unit-costs', 'capacity', 'stress', 'trace'];

export interface MeasurementEntry {
  /** `unit-costs` and `topology` hold one current value; `capacity 2026-12-08 100`, `stress 2026-12-08 ab12cd` one per day/run. */
  key: string;
  kind: MeasurementKind;
  date: string; // YYYY-MM-DD
  /** One line, as the report or the runtime tool said it. */
  text: string;
}

export interface MemoryState {
  version: 1;
  bottlenecks: BottleneckEntry[];
  notes: NoteEntry[];
  optimizations: OptimizationEntry[];
  measurements: MeasurementEntry[];
}

export function emptyState(): MemoryState {
  return { version: 1, bottlenecks: [], notes: [], optimizations: [], measurements: [] };
}

export const STATE_FILE = '.state.json';
export const CORRUPT_STATE_FILE = '.state.corrupt.json';
export const INDEX_FILE = 'MEMORY.md';

export type TopicId =
  | 'bottlenecks'
  | 'hot-paths'
  | 'optimizations'
  | 'caching'
  | 'subprocesses'
  | 'memory-patterns'
  | 'io-hotspots'
  | 'scalability'
  | 'preferences';

export interface Topic {
  id: TopicId;
  file: string;
  title: string;
}

/** Topic files, in the order MEMORY.md lists them. */
export const TOPICS: readonly Topic[] = [
  { id: 'preferences', file: 'preferences.md', title: 'Preferences and notes' },
  { id: 'bottlenecks', file: 'bottlenecks.md', title: 'Bottlenecks and locations' },
  { id: 'hot-paths', file: 'hot-paths.md', title: 'Hot paths' },
  { id: 'optimizations', file: 'optimizations.md', title: 'Optimizations applied' },
  { id: 'caching', file: 'caching.md', title: 'Caching' },
  { id: 'subprocesses', file: 'subprocesses.md', title: 'Subprocess patterns' },
  { id: 'memory-patterns', file: 'memory-patterns.md', title: 'Memory patterns' },
  { id: 'io-hotspots', file: 'io-hotspots.md', title: 'I/O hotspots' },
  { id: 'scalability', file: 'scalability.md', title: 'Scalability limits' },
];

export function topic(id: TopicId): Topic {
  return TOPICS.find((t) => t.id === id)!;
}

/** The dimension topic file a bottleneck is also listed in (besides bottlenecks.md). */
export function dimensionTopic(dimension: Dimension): TopicId {
  switch (dimension) {
    case 'caching':
      return 'caching';
    case 'subprocess':
      return 'subprocesses';
    case 'memory':
      return 'memory-patterns';
    case 'scalability':
    case 'parallelism':
      return 'scalability';
    default:
      return 'io-hotspots'; // io_blocking, sync_ops, polling, disk
  }
}

const PREFIX_DIMENSION: Record<string, Dimension> = {
  IO: 'io_blocking',
  SY: 'sync_ops',
  PO: 'polling',
  DK: 'disk',
  SP: 'subprocess',
  ME: 'memory',
  SC: 'scalability',
  CA: 'caching',
  PA: 'parallelism',
};

/** The dimension of a rule id by its prefix (used when recovering entries from Markdown). */
export function dimensionOfRule(rule: string): Dimension {
  return PREFIX_DIMENSION[rule.slice(0, 2).toUpperCase()] ?? 'io_blocking';
}

export const SEVERITY_RANK: Record<Severity, number> = { critical: 3, important: 2, minor: 1 };
export const SEVERITY_ICON: Record<Severity, string> = { critical: '🔴', important: '🟡', minor: '🟢' };

export const CONTEXTS: readonly Context[] = ['handler', 'poll_loop', 'loop', 'per_task', 'startup'];

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 10);
}

/** Lines per bucket when a finding has no anchor: small shifts stay in (or next to) the same bucket. */
export const LINE_BUCKET = 25;

export function lineBucket(line: number): string {
  return `L${Math.floor(Math.max(0, line) / LINE_BUCKET) * LINE_BUCKET}`;
}

export function isLineBucket(anchor: string): boolean {
  return /^L\d+$/.test(anchor);
}

/** A function name (`poll_loop`, `Handler.do_GET`) as is; anything else (a snippet) by its hash. */
export function normalizeAnchor(anchor: string | undefined): string | undefined {
  if (anchor === undefined) return undefined;
  const trimmed = anchor.trim();
  if (trimmed === '') return undefined;
  if (/^[A-Za-z_][\w.<>]{0,79}$/.test(trimmed) && !isLineBucket(trimmed)) return trimmed;
  if (/^#[0-9a-f]{6,40}$/.test(trimmed)) return trimmed;
  return '#' + shortHash(trimmed.replace(/\s+/g, ' '));
}

/** A named anchor is a function, worth showing; hashes and line buckets are not. */
export function isNamedAnchor(anchor: string): boolean {
  return !isLineBucket(anchor) && !anchor.startsWith('#');
}

/** Paths as the report prints them: relative to the root, forward slashes, no `./`. */
export function normalizeFile(file: string, root: string): string {
  let path = file.replace(/\\/g, '/');
  if (isAbsolute(path)) {
    const rel = relative(root, path).replace(/\\/g, '/');
    if (!rel.startsWith('..')) path = rel;
  }
  while (path.startsWith('./')) path = path.slice(2);
  return path;
}

export function bottleneckKey(rule: string, file: string, anchor: string): string {
  return `${rule} ${file}:${anchor}`;
}

export function parseBottleneckKey(key: string): { rule: string; file: string; anchor: string } | undefined {
  const match = /^([A-Za-z][A-Za-z0-9_-]*) (.+):([^:\s]+)$/.exec(key.trim());
  if (!match) return undefined;
  return { rule: match[1]!, file: match[2]!, anchor: match[3]! };
}

export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function noteKey(text: string): string {
  return 'note:' + shortHash(normalizeText(text));
}

export function optimizationKey(title: string, change: string): string {
  return 'opt:' + shortHash(normalizeText(title) + '\n' + normalizeText(change));
}
