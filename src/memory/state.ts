// The JSON state file is the source of truth; the Markdown is rendered from it. Loading never throws:
// a missing or corrupt state is rebuilt from the Markdown, invalid entries are dropped with a warning,
// and bullets added to the Markdown by hand are taken in as notes.
import { join } from 'node:path';
import { DIMENSIONS, SEVERITIES } from '../rules/types.js';
import {
  INDEX_FILE,
  STATE_FILE,
  TOPICS,
  emptyState,
  MEASUREMENT_KINDS,
  type BottleneckEntry,
  type MeasurementEntry,
  type MemoryState,
  type NoteEntry,
  type OptimizationEntry,
} from './model.js';
import { handWrittenNotes, recoverFromMarkdown } from './recover.js';
import { readText } from './store.js';

// Hand-written validation (no schema library): this module is loaded by every `clawperf memory`
// process, and 100 of them may start at once, so its import cost matters.
type Raw = Record<string, unknown>;
type Check<T> = (raw: Raw) => T | undefined;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CONTEXT_SET = new Set<string>(['handler', 'poll_loop', 'loop', 'per_task', 'startup']);
const STATUS_SET = new Set<string>(['pending', 'verified', 'resolved']);

const str = (v: unknown): v is string => typeof v === 'string';
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isDate = (v: unknown): v is string => typeof v === 'string' && DATE.test(v);
const optDate = (v: unknown): string | undefined => (isDate(v) ? v : undefined);

const checkBottleneck: Check<BottleneckEntry> = (r) => {
  if (!nonEmpty(r.key) || !nonEmpty(r.rule) || !nonEmpty(r.file) || !nonEmpty(r.anchor)) return undefined;
  if (!(DIMENSIONS as readonly unknown[]).includes(r.dimension) || !(SEVERITIES as readonly unknown[]).includes(r.severity)) return undefined;
  if (!str(r.status) || !STATUS_SET.has(r.status) || !isDate(r.firstSeen) || !isDate(r.lastSeen)) return undefined;
  const entry: BottleneckEntry = {
    key: r.key,
    rule: r.rule,
    dimension: r.dimension as BottleneckEntry['dimension'],
    severity: r.severity as BottleneckEntry['severity'],
    file: r.file,
    anchor: r.anchor,
    line: Number.isInteger(r.line) && (r.line as number) >= 0 ? (r.line as number) : 0,
    context: str(r.context) && CONTEXT_SET.has(r.context) ? (r.context as BottleneckEntry['context']) : 'loop',
    title: str(r.title) ? r.title : '',
    status: r.status as BottleneckEntry['status'],
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    count: Number.isInteger(r.count) && (r.count as number) > 0 ? (r.count as number) : 1,
  };
  if (str(r.fix)) entry.fix = r.fix;
  const verifiedOn = optDate(r.verifiedOn);
  if (verifiedOn) entry.verifiedOn = verifiedOn;
  const resolvedOn = optDate(r.resolvedOn);
  if (resolvedOn) entry.resolvedOn = resolvedOn;
  if (r.regression === true) entry.regression = true;
  const regressedOn = optDate(r.regressedOn);
  if (regressedOn) entry.regressedOn = regressedOn;
  const runtime = r.runtime as Raw | undefined;
  if (typeof runtime === 'object' && runtime !== null && str(runtime.kind)) entry.runtime = { kind: runtime.kind };
  if (str(r.lastRun)) entry.lastRun = r.lastRun;
  return entry;
};

const checkNote: Check<NoteEntry> = (r) =>
  nonEmpty(r.key) && nonEmpty(r.text) ? { key: r.key, text: r.text, added: optDate(r.added) ?? '1970-01-01' } : undefined;

const checkOptimization: Check<OptimizationEntry> = (r) =>
  nonEmpty(r.key) && nonEmpty(r.title)
    ? {
        key: r.key,
        title: r.title,
        before: str(r.before) ? r.before : '',
        after: str(r.after) ? r.after : '',
        change: str(r.change) ? r.change : '',
        measured: r.measured === true,
        date: optDate(r.date) ?? '1970-01-01',
      }
    : undefined;

const checkMeasurement: Check<MeasurementEntry> = (r) =>
  nonEmpty(r.key) && nonEmpty(r.text) && isDate(r.date) && (MEASUREMENT_KINDS as readonly unknown[]).includes(r.kind)
    ? { key: r.key, kind: r.kind as MeasurementEntry['kind'], date: r.date, text: r.text }
    : undefined;

export interface Loaded {
  state: MemoryState;
  warnings: string[];
  /** The state file existed but could not be read as JSON (keep a copy before overwriting it). */
  corrupt: boolean;
  /** The unreadable state file's text, kept aside as `.state.corrupt.json` on the next write. */
  corruptText?: string;
  /** Something was recovered or imported: the files should be rewritten even if nothing else changes. */
  dirty: boolean;
  /** Whether the folder holds any memory at all. */
  exists: boolean;
}

function validEntries<T extends { key: string }>(raw: unknown, check: Check<T>, what: string, warnings: string[]): T[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    warnings.push(`memory: ${what} in ${STATE_FILE} is not a list; ignored`);
    return [];
  }
  const out: T[] = [];
  const keys = new Set<string>();
  let dropped = 0;
  for (const item of raw) {
    const entry = typeof item === 'object' && item !== null && !Array.isArray(item) ? check(item as Raw) : undefined;
    if (!entry || keys.has(entry.key)) {
      dropped++;
      continue;
    }
    keys.add(entry.key);
    out.push(entry);
  }
  if (dropped) warnings.push(`memory: dropped ${dropped} invalid ${what} ${dropped === 1 ? 'entry' : 'entries'} from ${STATE_FILE}`);
  return out;
}

function parseState(text: string, warnings: string[]): MemoryState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    warnings.push(`memory: ${STATE_FILE} is corrupt (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    warnings.push(`memory: ${STATE_FILE} is corrupt (not a JSON object)`);
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  if (obj.version !== undefined && obj.version !== 1) warnings.push(`memory: ${STATE_FILE} has unknown version ${String(obj.version)}; reading what matches version 1`);
  return {
    version: 1,
    bottlenecks: validEntries(obj.bottlenecks, checkBottleneck, 'bottleneck', warnings),
    notes: validEntries(obj.notes, checkNote, 'note', warnings),
    optimizations: validEntries(obj.optimizations, checkOptimization, 'optimization', warnings),
    measurements: validEntries(obj.measurements, checkMeasurement, 'measurement', warnings),
  };
}

function readMarkdown(dir: string, warnings: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of [INDEX_FILE, ...TOPICS.map((t) => t.file)]) {
    const { text, error } = readText(join(dir, name));
    if (error) warnings.push(`memory: ${error}`);
    if (text !== undefined) files.set(name, text);
  }
  return files;
}

/**
 * Reads the memory of a folder. `rendered` (optional) is the Markdown the state would render to:
 * files that still match it were not edited by hand and are not scanned for hand-written lines.
 */
export function loadState(dir: string, today: string, rendered?: (state: MemoryState) => Map<string, string>): Loaded {
  const warnings: string[] = [];
  const markdown = readMarkdown(dir, warnings);
  const { text, error } = readText(join(dir, STATE_FILE));
  if (error) warnings.push(`memory: ${error}`);
  let state: MemoryState | undefined;
  let corrupt = false;
  let dirty = false;
  if (text !== undefined) {
    state = parseState(text, warnings);
    corrupt = state === undefined;
  }
  if (state === undefined) {
    const recovered = recoverFromMarkdown(markdown, today);
    if (text !== undefined || markdown.size > 0) {
      const why = text === undefined ? `${STATE_FILE} is missing` : `${STATE_FILE} could not be used`;
      warnings.push(`memory: ${why}; rebuilt ${recovered.entries} entries from the Markdown files in ${dir}`);
      dirty = true;
    }
    const loaded: Loaded = { state: recovered.state, warnings, corrupt, dirty, exists: text !== undefined || markdown.size > 0 };
    if (corrupt && text !== undefined) loaded.corruptText = text;
    return loaded;
  }
  // Hand edits: bullets without a key become notes (only in files that differ from what the state renders).
  const expected = rendered?.(state);
  const edited = new Map([...markdown].filter(([name, content]) => expected?.get(name) !== content));
  const imported = handWrittenNotes(edited, state.notes, today);
  if (imported.length) {
    state.notes.push(...imported);
    warnings.push(`memory: kept ${imported.length} hand-written ${imported.length === 1 ? 'line' : 'lines'} from the Markdown as ${imported.length === 1 ? 'a note' : 'notes'}`);
    dirty = true;
  }
  return { state, warnings, corrupt, dirty, exists: true };
}

export function serializeState(state: MemoryState): string {
  const sorted: MemoryState = {
    version: 1,
    bottlenecks: [...state.bottlenecks].sort((a, b) => a.key.localeCompare(b.key)),
    notes: state.notes,
    optimizations: [...state.optimizations].sort((a, b) => a.date.localeCompare(b.date) || a.key.localeCompare(b.key)),
    measurements: [...state.measurements].sort((a, b) => a.date.localeCompare(b.date) || a.key.localeCompare(b.key)),
  };
  return JSON.stringify(sorted, null, 1) + '\n';
}

export { emptyState };
