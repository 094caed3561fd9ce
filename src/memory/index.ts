// Project memory, as the seed's "Persistent Agent Memory" describes it, kept by the program.
// Folder: <root>/.claude/agent-memory/performance-engineer/ (configurable). Source of truth: .state.json;
// MEMORY.md (≤ 200 lines) and the topic files are rendered from it. Every write: lock → read → change → render
// → temp files + fsync → rename. Reads never throw; writes throw a one-line MemoryError.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryError } from './errors.js';
import {
  CORRUPT_STATE_FILE,
  INDEX_FILE,
  RUNS_FILE,
  STATE_FILE,
  TOPICS,
  isoDate,
  type MemoryFinding,
  type MemoryState,
} from './model.js';
import { parsePreferences, type Preferences } from './preferences.js';
import { inClaudeMd, noteTopic, renderAll } from './render.js';
import { loadState, serializeRuns, serializeState } from './state.js';
import { escapesRoot } from '../util/confine.js';
import { cleanupTemps, memoryDir, readText, withLock, writeFilesAtomic, type LockOptions } from './store.js';
import { addMeasurement, addNote, addOptimization, annotate, applyNumbers, applyRun, forgetMatching, type OptimizationRecord, type RunNumbers } from './update.js';

export { MemoryError, type MemoryErrorCode } from './errors.js';
export {
  INDEX_FILE,
  STATE_FILE,
  TOPICS,
  type BottleneckEntry,
  type EntryStatus,
  type MemoryFinding,
  type MemoryState,
  type NoteEntry,
  type OptimizationEntry,
} from './model.js';
export { findingIgnored, globToRegExp, parsePreferences, pathIgnored, type Preferences } from './preferences.js';
export { MAX_INDEX_LINES } from './render.js';
export { DEFAULT_MEMORY_DIR, memoryDir, type LockOptions } from './store.js';
export { findingKey, type OptimizationRecord, type RunNumbers } from './update.js';

export interface MemoryOptions {
  /** The memory folder, absolute or relative to the root (default `.claude/agent-memory/performance-engineer`). */
  dir?: string;
  /** The date entries are stamped with (tests). */
  now?: Date;
  lock?: LockOptions;
}

const GITIGNORE = `# Written by clawperf: run counters, and transient files of the memory lock and atomic writes.
${RUNS_FILE}
.lock
.lock.break
.*.tmp-*
${CORRUPT_STATE_FILE}
`;

function checkRoot(root: string): void {
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    /* reported below */
  }
  if (!isDir) throw new MemoryError(`project root ${root} is not a directory`, 'INVALID', root);
}

/** The project's CLAUDE.md (root and .claude/): what it already says is not repeated in memory. */
function readClaudeMd(root: string): string | undefined {
  const texts = [join(root, 'CLAUDE.md'), join(root, '.claude', 'CLAUDE.md')]
    .map((path) => readText(path).text)
    .filter((t): t is string => t !== undefined);
  return texts.length ? texts.join('\n') : undefined;
}

function renderer(root: string): (state: MemoryState) => Map<string, string> {
  const claudeMd = readClaudeMd(root);
  return (state) => renderAll(state, claudeMd === undefined ? {} : { claudeMd });
}

/** Lock, load, change, render, write the files that changed (atomically), unlock. */
async function mutate<T>(
  root: string,
  options: MemoryOptions,
  change: (state: MemoryState, today: string) => T,
): Promise<{ result: T; warnings: string[] }> {
  checkRoot(root);
  const dir = memoryDir(root, options.dir);
  // A folder the user named is written where they said; the default one stays under the root.
  const outside = options.dir ? undefined : escapesRoot(root, dir, 'the memory folder');
  if (outside) throw new MemoryError(outside, 'OUTSIDE', dir);
  const today = isoDate(options.now ?? new Date());
  const render = renderer(root);
  return withLock(
    dir,
    () => {
      cleanupTemps(dir);
      const loaded = loadState(dir, today, render);
      const result = change(loaded.state, today);
      const files = [{ name: STATE_FILE, content: serializeState(loaded.state) }, { name: RUNS_FILE, content: serializeRuns(loaded.state) }];
      for (const [name, content] of render(loaded.state)) files.push({ name, content });
      files.push({ name: '.gitignore', content: GITIGNORE });
      if (loaded.corruptText !== undefined) files.push({ name: CORRUPT_STATE_FILE, content: loaded.corruptText });
      const changed = files.filter((f) => readText(join(dir, f.name)).text !== f.content);
      if (changed.length) writeFilesAtomic(dir, changed);
      return { result, warnings: loaded.warnings };
    },
    options.lock,
  );
}

export interface UpdateMemoryInput extends MemoryOptions {
  root: string;
  findings: readonly MemoryFinding[];
  /** Files this run analysed (relative to the root, as findings name them): only their entries can resolve. */
  analysedFiles: readonly string[];
  /** Rule ids that ran this time (default: all); entries of other rules are not resolved by this run. */
  rules?: readonly string[];
  /** Identifies the run: two sightings in the same run count once. Never written to the Markdown. */
  runId: string;
  /** What the run priced: unit costs, the capacity verdict, the topology (kept as dated numbers). */
  numbers?: RunNumbers;
}

export interface UpdateMemoryResult {
  warnings: string[];
  newlyVerified: number;
  resolved: number;
  regressions: number;
}

/** Records one analysis run: call after the report, unless `--no-memory`. Throws MemoryError when it cannot write. */
export async function updateMemory(input: UpdateMemoryInput): Promise<UpdateMemoryResult> {
  if (typeof input.runId !== 'string' || input.runId.trim() === '') throw new MemoryError('updateMemory needs a run id', 'INVALID');
  const { result, warnings } = await mutate(input.root, input, (state, today) => {
    if (input.numbers) applyNumbers(state, input.numbers, today);
    return applyRun(state, {
      root: input.root,
      findings: input.findings,
      analysedFiles: input.analysedFiles,
      runId: input.runId,
      today,
      ...(input.rules ? { rules: input.rules } : {}),
    });
  });
  return { warnings, ...result };
}

export interface ConsultMemoryInput<T extends MemoryFinding> {
  root: string;
  dir?: string;
  findings: readonly T[];
}

export interface ConsultMemoryResult<T extends MemoryFinding> {
  /** The same findings, with `memory` set on those memory already knew (`regression` if once resolved). */
  findings: T[];
  preferences: Preferences;
  warnings: string[];
}

/** What memory already knows about these findings, and the user's preferences. Read-only; never throws. */
export function consultMemory<T extends MemoryFinding>(input: ConsultMemoryInput<T>): ConsultMemoryResult<T> {
  try {
    const dir = memoryDir(input.root, input.dir);
    const loaded = loadState(dir, isoDate(new Date()), renderer(input.root));
    return {
      findings: annotate(loaded.state, input.findings, input.root),
      preferences: parsePreferences(loaded.state.notes.map((n) => n.text)),
      warnings: loaded.warnings,
    };
  } catch (error) {
    return {
      findings: [...input.findings],
      preferences: parsePreferences([]),
      warnings: [`memory: could not be read (${error instanceof Error ? error.message : String(error)}); continuing without it`],
    };
  }
}

export interface RememberResult {
  added: boolean;
  /** Why nothing was added. */
  reason?: 'duplicate';
  key: string;
  /** The topic file the note is listed in. */
  file: string;
  /** The project's CLAUDE.md already says it: kept in the state (preferences apply) but not in the Markdown. */
  inClaudeMd: boolean;
  warnings: string[];
}

/**
 * Control characters (ESC, BEL, other C0/C1 codes) and bidi overrides would replay as terminal escapes or
 * reorder text when `memory show` prints the note: each becomes a space.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function requireText(text: string, what: string): string {
  const trimmed = typeof text === 'string' ? text.replace(UNPRINTABLE, ' ').replace(/ {2,}/g, ' ').trim() : '';
  if (trimmed === '') throw new MemoryError(`nothing to ${what}: the text is empty`, 'INVALID');
  return trimmed;
}

/** Saves what the user asked to remember, verbatim, at once. */
export async function rememberNote(root: string, text: string, options: MemoryOptions = {}): Promise<RememberResult> {
  const note = requireText(text, 'remember');
  const { result, warnings } = await mutate(root, options, (state, today) => addNote(state, note, today));
  const claudeMd = readClaudeMd(root);
  const file = TOPICS.find((t) => t.id === noteTopic(note))!.file;
  const out: RememberResult = {
    added: result.added,
    key: result.key,
    file,
    inClaudeMd: claudeMd !== undefined && inClaudeMd(note, claudeMd),
    warnings,
  };
  if (!result.added) out.reason = result.reason;
  return out;
}

/** Removes notes and entries containing `text` (case-insensitive); returns how many. */
export async function forgetNote(root: string, text: string, options: MemoryOptions = {}): Promise<number> {
  const needle = requireText(text, 'forget');
  const dir = memoryDir(root, options.dir);
  if (!existsSync(join(dir, STATE_FILE)) && !existsSync(join(dir, INDEX_FILE))) return 0; // nothing to forget; create nothing
  const { result } = await mutate(root, options, (state) => forgetMatching(state, needle));
  return result;
}

/** Records an optimization and its impact (e.g. `clawperf stress --compare`) in optimizations.md. */
export async function recordOptimization(
  root: string,
  record: OptimizationRecord,
  options: MemoryOptions = {},
): Promise<{ key: string; warnings: string[] }> {
  requireText(record.title, 'record');
  const { result, warnings } = await mutate(root, options, (state, today) => addOptimization(state, record, today));
  return { key: result.key, warnings };
}

/** Records a runtime result (`clawperf stress`, `clawperf trace`) with today's date, one line. */
export async function recordMeasurement(
  root: string,
  kind: 'stress' | 'trace',
  text: string,
  options: MemoryOptions = {},
): Promise<{ warnings: string[] }> {
  requireText(text, 'record');
  const { warnings } = await mutate(root, options, (state, today) => addMeasurement(state, kind, text, today));
  return { warnings };
}

export interface MemoryView {
  dir: string;
  exists: boolean;
  /** MEMORY.md (or the topic file asked for), rendered from the state. */
  text: string;
  warnings: string[];
}

/** The memory as it stands (read-only; throws only for an unknown topic). `topic` = a topic file name or id, e.g. `bottlenecks`. */
export function inspectMemory(root: string, options: { dir?: string; topic?: string } = {}): MemoryView {
  const dir = memoryDir(root, options.dir);
  let name = INDEX_FILE;
  if (options.topic) {
    const wanted = options.topic.replace(/\.md$/i, '').toLowerCase();
    const t = TOPICS.find((x) => x.id === wanted);
    if (!t && wanted !== 'memory') {
      const names = ['MEMORY', ...TOPICS.map((x) => x.id)].join(', ');
      throw new MemoryError(`unknown memory topic "${options.topic}"; one of: ${names}`, 'INVALID');
    }
    if (t) name = t.file;
  }
  const loaded = loadState(dir, isoDate(new Date()), renderer(root));
  if (!loaded.exists) {
    return {
      dir,
      exists: false,
      text: `No project memory yet in ${dir} (\`clawperf analyze\` and \`clawperf memory remember\` create it).\n`,
      warnings: loaded.warnings,
    };
  }
  const files = renderer(root)(loaded.state);
  return { dir, exists: true, text: files.get(name) ?? '', warnings: loaded.warnings };
}

/** MEMORY.md as it stands (or a note that there is no memory yet). */
export function showMemory(root: string, options: { dir?: string; topic?: string } = {}): string {
  return inspectMemory(root, options).text;
}
