// The analysis flow end to end: discover → read → parse → model → link → rules.
// Pricing, reports and memory read its result; nothing here prints.
import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { discover, type DiscoverOptions } from './discover/discover.js';
import { linkProject } from './model/link.js';
import { cachedRules } from './cache/findings.js';
import type { FileModel, ProjectModel } from './model/types.js';
import type { FileTask } from './parse/model-file.js';
import { modelFiles, type ModelStats } from './parse/pool.js';
import { readSource } from './parse/read.js';
import { runRules, type RuleSelection } from './rules/engine.js';
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

export interface AnalysisResult {
  root: string;
  project: ProjectModel;
  findings: Finding[];
  /** One line each: unreadable files, rule failures, folders skipped. */
  warnings: string[];
  /** Explicit paths that do not exist. */
  missing: string[];
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
  keepFindings?: (findings: Finding[], project: ProjectModel) => Finding[];
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

export type ModelSourcesOptions = Pick<AnalyzeOptions, 'jobs'> & { cacheDir?: string };

export type AnalysisStage = 'discover' | 'parse' | 'link' | 'rules';

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

export async function modelSources(
  sources: Source[], root: string, cwd: string, onProgress?: (done: number, total: number) => void, options: ModelSourcesOptions = {},
): Promise<FileModel[]> {
  return (await modelSourcesWithStats(sources, root, cwd, onProgress, options)).models;
}

async function modelSourcesWithStats(
  sources: Source[], root: string, cwd: string, onProgress: ((done: number, total: number) => void) | undefined, options: ModelSourcesOptions,
): Promise<{ models: FileModel[]; stats: ModelStats; keys?: string[] }> {
  const tasks: FileTask[] = sources.map((source, index) => {
    const rel = relative(root, resolve(cwd, source.path)).split(sep).join('/');
    const { module, isPackage } = moduleName(rel);
    return { index, path: source.path, module, isPackage, text: source.text };
  });
  return modelFiles(tasks, { jobs: options.jobs, cacheDir: options.cacheDir, onProgress });
}

/** The cache folder for a run: `cache: true` → `<root>/.clawperf/cache`; a string → that folder. */
function cacheDirFor(cache: boolean | string | undefined, defaultOn: boolean, root: string, cwd: string): string | undefined {
  if (cache === false || (cache === undefined && !defaultOn)) return undefined;
  if (typeof cache === 'string') return resolve(cwd, cache);
  return resolve(root, '.clawperf', 'cache');
}

export function summarize(files: FileModel[], findings: Finding[]): AnalysisSummary {
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
  const started = performance.now();
  const cacheDir = cacheDirFor(options.cache, false, root, cwd);
  const { models: files, stats, keys } = await modelSourcesWithStats(sources, root, cwd, options.onProgress, { jobs: options.jobs, cacheDir });
  options.onStage?.('parse', performance.now() - started);
  return finish(files, root, [], [], options, { stats, keys, cacheDir });
}

function finish(
  files: FileModel[], root: string, warnings: string[], missing: string[], options: AnalyzeOptions,
  cache?: { stats: ModelStats; keys?: string[]; cacheDir?: string },
): AnalysisResult {
  let started = performance.now();
  const project = linkProject(files);
  options.onStage?.('link', performance.now() - started);
  started = performance.now();
  const selection = { ...options, agents: options.agents ?? 100 };
  const rules = options.rules ?? RULES;
  // The default rule set's output is cached per project state (cache/findings.ts); custom rule lists are not.
  const { output: ruled, cached } = cachedRules(project, rules === RULES ? cache?.keys : undefined, cache?.cacheDir, selection, () => runRules(project, rules, selection));
  if (cache) cache.stats.findingsCached = cached;
  options.onStage?.('rules', performance.now() - started);
  const errors = ruled.errors;
  const findings = options.keepFindings ? options.keepFindings(ruled.findings, project) : ruled.findings;
  for (const file of files) {
    if (file.modelError) warnings.push(`${file.path}: could not be analysed (${file.modelError}), skipped`);
    else if (file.parseError) warnings.push(`${file.path}: syntax error; analysed where the tree is sound`);
  }
  return { root, project, findings, warnings: [...warnings, ...errors], missing, summary: summarize(files, findings), modelStats: cache?.stats };
}

export async function analyzePaths(paths: string[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const cwd = options.cwd ?? process.cwd();
  let started = performance.now();
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
  started = performance.now();
  const cacheDir = cacheDirFor(options.cache, true, root, cwd);
  const { models: files, stats, keys } = await modelSourcesWithStats(sources, root, cwd, options.onProgress, { jobs: options.jobs, cacheDir });
  options.onStage?.('parse', performance.now() - started);
  return finish(files, root, warnings, found.missing, options, { stats, keys, cacheDir });
}
