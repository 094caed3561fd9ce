// The analysis flow end to end: discover → read → parse → model → link → rules.
// Pricing, reports and memory read its result; nothing here prints.
import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { discover, type DiscoverOptions } from './discover/discover.js';
import { projectRoot } from './discover/root.js';
import { escapesRoot } from './util/confine.js';
import { findingsKey, readFindings, writeFindings, type RulesOutput } from './cache/findings.js';
import { projectFacts, type ProjectFacts } from './impact/facts.js';
import { linkProject } from './model/link.js';
import { topologyDigest, type TopologyDigest } from './model/topology.js';
import type { FileModel, ProjectModel } from './model/types.js';
import { limitWarning } from './parse/limits.js';
import { sourceLines, type FileTask } from './parse/model-file.js';
import { allCached, cacheKeys, decodeCachedModels, modelFiles, type ModelStats } from './parse/pool.js';
import { readSource } from './parse/read.js';
import { runRules, type RuleSelection, type UnusedNoqa } from './rules/engine.js';
import { RULES } from './rules/index.js';
import type { Finding, Rule, Severity } from './rules/types.js';

export interface Source {
  /** Path as reported: relative to the current directory, forward slashes. */
  path: string;
  text: string;
}

export interface AnalysisSummary {
  files: number;
  lines: number;
  parse_errors: number;
  findings: Record<Severity, number>;
}

/** What reports, memory and CI read of an analysed file (a FileModel is one). */
export interface AnalysedFile {
  path: string;
  module: string;
  lines: number;
  parseError: boolean;
  modelError?: string;
  source: string[];
}

/** What reports and memory read off the linked project: computed once, and cached with the findings. */
export interface ProjectDigest {
  facts: ProjectFacts;
  /** Some file imports `requests` (its import cost is part of each agent's memory). */
  importsRequests: boolean;
  /** The innermost function around each finding's line (`path:line` → qualname): memory's anchors. */
  anchors: Record<string, string>;
  /** Per file, in the run's order. */
  fileStates: { parseError: boolean; modelError?: string }[];
  /** Entry points, and who reaches each finding's line and when it runs (roles are decided at pricing time). */
  topology: TopologyDigest;
}

export interface AnalysisResult {
  root: string;
  /** The analysed files, in order. */
  files: AnalysedFile[];
  digest: ProjectDigest;
  /**
   * The linked model. When the whole run came from the cache (nothing changed) it is decoded and linked on
   * first use only: reports, memory and CI read `files` and `digest` instead.
   */
  readonly project: ProjectModel;
  findings: Finding[];
  /** Findings a `# noqa`, a baseline or `--diff` hides: not reported, still priced by the capacity model (hidden, not fixed). */
  hidden: Finding[];
  /** One line each: unreadable files, rule failures, folders skipped. */
  warnings: string[];
  /** Explicit paths that do not exist. */
  missing: string[];
  /** `# noqa` comments of clawperf's rules that suppressed nothing. */
  unusedNoqa: UnusedNoqa[];
  summary: AnalysisSummary;
  /** How the models were made: parsed (by how many workers) or read from the content cache. */
  modelStats?: ModelStats;
}

export interface AnalyzeOptions extends Omit<RuleSelection, 'agents'>, DiscoverOptions {
  agents?: number;
  rules?: Rule[];
  /**
   * Narrows (or annotates) the findings before they are counted: a baseline, `--diff`. It sees the file
   * models, so it can read the flagged source lines.
   */
  keepFindings?: (findings: Finding[], analysed: { files: AnalysedFile[] }) => Finding[];
  /** Called after each file is parsed and modelled (a progress bar). */
  onProgress?: (done: number, total: number) => void;
  /** Called when a stage ends, with its wall time in milliseconds (`--verbose`). */
  onStage?: (stage: AnalysisStage, ms: number) => void;
  /** Parse threads: default one per core; 1 = in-process. Workers are used only for runs big enough to pay off. */
  jobs?: number;
  /**
   * The content cache of file models: `true` = `.clawperf/cache/` under the analysed root, a string = that
   * folder, `false` = none. Default: on for `analyzePaths`, off for `analyzeSources`.
   */
  cache?: boolean | string;
}

/** `cache`: a run whose files all match a cached run (findings and digest reused, nothing parsed or linked). */
export type AnalysisStage = 'discover' | 'cache' | 'parse' | 'link' | 'rules';

/** The folder the analysed paths share: module names are computed from it. */
export function commonRoot(paths: string[], cwd: string): string {
  const dirs = paths.map((p) => {
    const abs = resolve(cwd, p.replace(/[*?[{].*$/, '') || '.');
    return existsSync(abs) && !abs.endsWith('.py') ? abs : dirname(abs);
  });
  if (dirs.length === 0) return cwd;
  let common = dirs[0]!.split(sep);
  for (const dir of dirs.slice(1)) {
    const parts = dir.split(sep);
    let i = 0;
    while (i < common.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(sep) || sep;
}

/** `pkg/worker.py` → `pkg.worker`; `pkg/__init__.py` → `pkg`; a leading `src/` layout folder is dropped. */
export function moduleName(relativePath: string): { module: string; isPackage: boolean } {
  const parts = relativePath.replace(/\.py$/, '').split('/').filter((p) => p && p !== '.' && p !== '..');
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  if (parts.length > 1 && (parts[0] === 'src' || parts[0] === 'lib')) parts.shift();
  return { module: parts.join('.') || '__main__', isPackage };
}

function fileTasks(sources: Source[], root: string, cwd: string): FileTask[] {
  return sources.map((source, index) => {
    const rel = relative(root, resolve(cwd, source.path)).split(sep).join('/');
    const { module, isPackage } = moduleName(rel);
    // Python reads a bare CR as a line end (universal newlines); tree-sitter does not.
    return { index, path: source.path, module, isPackage, text: source.text.replace(/\r(?!\n)/g, '\n') };
  });
}

/**
 * The cache folder for a run: `cache: true` → `.clawperf/cache` at the project root above `root`, unless a
 * symlink carries it out of that root (then none, said in `warnings`); a string → that folder, as the user named it.
 */
function cacheDirFor(cache: boolean | string | undefined, defaultOn: boolean, root: string, cwd: string, warnings: string[]): string | undefined {
  if (cache === false || (cache === undefined && !defaultOn)) return undefined;
  if (typeof cache === 'string') return resolve(cwd, cache);
  const projectDir = projectRoot(root);
  const dir = resolve(projectDir, '.clawperf', 'cache');
  const outside = escapesRoot(projectDir, dir, 'the cache folder');
  if (outside) warnings.push(outside);
  return outside ? undefined : dir;
}

export function summarize(files: AnalysedFile[], findings: Finding[]): AnalysisSummary {
  const counts: Record<Severity, number> = { critical: 0, important: 0, minor: 0 };
  for (const f of findings) counts[f.severity]++;
  return {
    files: files.length,
    lines: files.reduce((sum, f) => sum + f.lines, 0),
    parse_errors: files.filter((f) => f.parseError).length,
    findings: counts,
  };
}

/** Analyses in-memory sources (tests, the editor hook, MCP) with the same flow as files on disk. */
export async function analyzeSources(sources: Source[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = commonRoot(sources.map((s) => s.path), cwd);
  const warnings: string[] = [];
  return analyze(sources, root, cwd, warnings, [], options, cacheDirFor(options.cache, false, root, cwd, warnings));
}

export async function analyzePaths(paths: string[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const cwd = options.cwd ?? process.cwd();
  const started = performance.now();
  const found = discover(paths.length ? paths : ['.'], options);
  const root = commonRoot(paths.length ? paths : ['.'], cwd);
  const warnings = [...found.warnings];
  const sources: Source[] = [];
  for (const abs of found.files) {
    const path = relative(cwd, abs).split(sep).join('/');
    const read = readSource(abs);
    if (read.ok) sources.push({ path, text: read.text });
    else warnings.push(`${path}: ${read.reason}`);
  }
  options.onStage?.('discover', performance.now() - started);
  // A run with a missing input is an input error: it writes nothing, not even the cache.
  const cacheDir = found.missing.length ? undefined : cacheDirFor(options.cache, true, root, cwd, warnings);
  return analyze(sources, root, cwd, warnings, found.missing, options, cacheDir);
}

async function analyze(
  sources: Source[], root: string, cwd: string, warnings: string[], missing: string[], options: AnalyzeOptions, cacheDir: string | undefined,
): Promise<AnalysisResult> {
  let started = performance.now();
  const tasks = fileTasks(sources, root, cwd);
  const selection = { ...options, agents: options.agents ?? 100 };
  const rules = options.rules ?? RULES;
  // The default rule set's output is cached per project state (cache/findings.ts); custom rule lists are not.
  const keys = cacheDir ? cacheKeys(tasks) : undefined;
  const runKey = cacheDir && keys && rules === RULES ? findingsKey(tasks.map((t) => t.path), keys, selection) : undefined;
  const cachedRun = cacheDir && runKey ? readFindings<ProjectDigest>(cacheDir, runKey) : undefined;
  if (cacheDir && keys && cachedRun && cachedRun.digest.fileStates.length === tasks.length && allCached(cacheDir, keys)) {
    // Nothing changed since a run that is in the cache: its findings and digest stand; no model is needed.
    options.onStage?.('cache', performance.now() - started);
    const stats: ModelStats = { files: tasks.length, parsed: 0, cached: tasks.length, corrupt: 0, written: 0, workers: 0, cacheDir, cacheWritable: true, findingsCached: true };
    let project: ProjectModel | undefined;
    const files = tasks.map((task, index): AnalysedFile => {
      const source = sourceLines(task.text);
      return { path: task.path, module: task.module, lines: source.length, ...cachedRun.digest.fileStates[index]!, source };
    });
    return result({
      root, files, digest: cachedRun.digest, ruled: cachedRun, warnings, missing, options, stats,
      project: () => (project ??= linkProject(decodeCachedModels(tasks, keys, cacheDir))),
    });
  }
  const { models: files, stats } = await modelFiles(tasks, { jobs: options.jobs, cacheDir, keys, onProgress: options.onProgress });
  options.onStage?.('parse', performance.now() - started);
  started = performance.now();
  const project = linkProject(files);
  options.onStage?.('link', performance.now() - started);
  started = performance.now();
  const ruled = cachedRun ?? runRules(project, rules, selection);
  stats.findingsCached = cachedRun !== undefined;
  options.onStage?.('rules', performance.now() - started);
  const digest = projectDigest(project, [...ruled.findings, ...(ruled.suppressed ?? [])]);
  if (cacheDir && runKey && !cachedRun && stats.cacheWritable) writeFindings(cacheDir, runKey, { ...ruled, digest });
  return result({ root, files, digest, ruled, warnings, missing, options, stats, project: () => project });
}

function result(run: {
  root: string; files: AnalysedFile[]; digest: ProjectDigest; ruled: RulesOutput;
  warnings: string[]; missing: string[]; options: AnalyzeOptions; stats: ModelStats; project: () => ProjectModel;
}): AnalysisResult {
  const { files, options } = run;
  const findings = options.keepFindings ? options.keepFindings(run.ruled.findings, { files }) : run.ruled.findings;
  const kept = new Set(findings);
  const hidden = [...(run.ruled.suppressed ?? []), ...run.ruled.findings.filter((f) => !kept.has(f))];
  const warnings = [...run.warnings];
  for (const file of files) {
    const limited = file.modelError ? undefined : limitWarning(file.path, file.source);
    if (file.modelError) warnings.push(`${file.path}: could not be analysed (${file.modelError}), skipped`);
    else if (limited) warnings.push(limited);
    else if (file.parseError) warnings.push(`${file.path}: syntax error; analysed where the tree is sound`);
  }
  return {
    root: run.root, files, digest: run.digest, findings, hidden, warnings: [...warnings, ...run.ruled.errors], missing: run.missing, unusedNoqa: run.ruled.unusedNoqa,
    summary: summarize(files, findings), modelStats: run.stats,
    get project() {
      return run.project();
    },
  };
}

function projectDigest(project: ProjectModel, findings: Finding[]): ProjectDigest {
  const byPath = new Map(project.files.map((file) => [file.path, file]));
  const anchors: Record<string, string> = {};
  for (const finding of findings) {
    const fn = innermostFunction(byPath.get(finding.file), finding.line);
    if (fn) anchors[`${finding.file}:${finding.line}`] = fn;
  }
  return {
    facts: projectFacts(project),
    importsRequests: project.files.some((file) => [...file.imports.values()].some((b) => b.target === 'requests' || b.target.startsWith('requests.'))),
    anchors,
    fileStates: project.files.map((file) => (file.modelError === undefined ? { parseError: file.parseError } : { parseError: file.parseError, modelError: file.modelError })),
    topology: topologyDigest(project, findings),
  };
}

function innermostFunction(file: FileModel | undefined, line: number): string | undefined {
  let best: { qualname: string; size: number } | undefined;
  for (const fn of file?.functions.values() ?? []) {
    if (fn.span.line <= line && line <= fn.span.endLine) {
      const size = fn.span.endLine - fn.span.line;
      if (!best || size < best.size) best = { qualname: fn.qualname, size };
    }
  }
  return best?.qualname;
}
