// `clawperf analyze [PATH...]`: the report, the JSON contract, and the exit codes of DESIGN.md.
import { Command, Option } from 'commander';
import { ciFilter } from '../../ci/index.js';
import { applyProjectConfig, explicitOptions } from '../../config/apply.js';
import { memorySession } from '../../memory/analysis.js';
import { joinTrace, readTrace } from '../../runtime/trace/index.js';
import { loadStressResult } from '../../runtime/stress/index.js';
import type { StressResult } from '../../runtime/stress/types.js';
import type { RuntimeHotspot } from '../../report/data.js';
import { MemoryError } from '../../memory/index.js';
import { commonRoot } from '../../pipeline.js';
import { FORMATS, formatNamed } from '../../report/formats.js';
import { resolveLang } from '../../report/lang.js';
import { reportSession } from '../../report/session.js';
import { SEVERITIES, type Severity } from '../../rules/types.js';
import { describeFsError, writeFileAtomic, writeStdout } from '../../util/fs.js';
import { guarded, parseAgents, UsageError, warn } from '../errors.js';
import { fileNotes, note, progressBar, StageTimes } from '../feedback.js';

export interface AnalyzeCliOptions {
  format: string;
  lang: string;
  ask?: string;
  agents: string;
  failOn: string;
  output?: string;
  memory: boolean;
  select?: string;
  ignore?: string;
  exclude?: string;
  quiet?: boolean;
  capacity?: string;
  /** `--config FILE`; false with `--no-config` (then pyproject.toml is not read). */
  config?: string | false;
  memoryDir?: string;
  baseline?: string;
  writeBaseline?: string;
  diff?: string;
  verbose?: boolean;
  /** A `clawperf trace` result to join: findings confirmed at runtime use the measured rate. */
  trace?: string;
  /** `--measured FILE`: a `clawperf stress` result to print predicted vs measured against. */
  measured?: string;
  /** `--message-rate R`: messages per second per agent in the steady budget. */
  messageRate?: string;
  /** `[tool.clawperf] topology` (config only). */
  topology?: Partial<Record<'per-agent' | 'singleton' | 'on-demand', string[]>>;
  /** `--jobs N`: parse threads (default one per core; 1 = no worker threads). */
  jobs?: string;
  /** False with `--no-cache`: the content cache (`.clawperf/cache/`) is neither read nor written. */
  cache?: boolean;
  /** `--cache-dir DIR` (or `CLAWPERF_CACHE_DIR`): the content cache's folder, for trees that are not yours to write into. */
  cacheDir?: string;
  /** Options typed on the command line; the others may come from `[tool.clawperf]`. */
  explicit?: ReadonlySet<string>;
}

function readMeasured(path: string): StressResult {
  try {
    return loadStressResult(path);
  } catch (error) {
    throw new UsageError(`--measured: ${(error as Error).message}`);
  }
}

function parseRate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate <= 0) throw new UsageError(`--message-rate must be a number of messages per second per agent above 0 (got "${value}")`);
  return rate;
}

function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a whole number of threads, 1 or more (got "${value}")`);
  return jobs;
}

const FAIL_ON = [...SEVERITIES, 'none'] as const;

function list(value: string | undefined): string[] | undefined {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

export function exitCodeFor(severities: Severity[], failOn: string): number {
  if (failOn === 'none') return 0;
  const threshold = SEVERITIES.indexOf(failOn as Severity);
  return severities.some((s) => SEVERITIES.indexOf(s) <= threshold) ? 1 : 0;
}

export async function runAnalyze(paths: string[], cliOptions: AnalyzeCliOptions): Promise<number> {
  const { options, perFileIgnores, configFile, warnings: configWarnings } = applyProjectConfig(paths, cliOptions);
  const agentCounts = parseAgents(options.agents);
  if (!FAIL_ON.includes(options.failOn as (typeof FAIL_ON)[number])) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')} (got "${options.failOn}")`);
  if (!formatNamed(options.format)) throw new UsageError(`unknown --format "${options.format}" (choose ${Object.keys(FORMATS).join(', ')})`);
  const lang = resolveLang(options.lang, options.ask);
  const ci = ciFilter({ ...options, paths });
  const progress = progressBar(!options.quiet);
  const times = new StageTimes();
  const trace = options.trace ? readTrace(options.trace) : undefined;
  const unflagged: RuntimeHotspot[] = [];
  const memory = memorySession(commonRoot(paths.length ? paths : ['.'], process.cwd()), { dir: options.memoryDir, enabled: options.memory !== false });
  const session = await reportSession({ paths }, {
    transform: (findings, analysis) => {
      if (!trace) return memory.transform(findings, analysis);
      // Runtime evidence first: memory treats a finding confirmed at runtime as verified.
      const joined = joinTrace(findings, trace);
      unflagged.push(...joined.unflagged);
      return memory.transform(joined.findings, analysis);
    },
    memoryNotes: () => memory.notes(lang), unflagged,
    agentCounts, lang, ask: options.ask, capacityFile: options.capacity, messageRate: parseRate(options.messageRate), topology: options.topology,
    measured: options.measured ? readMeasured(options.measured) : undefined,
    select: list(options.select), ignore: list(options.ignore), exclude: list(options.exclude), perFileIgnores,
    keepFindings: ci.keepFindings, onProgress: progress.update, onStage: times.record,
    jobs: parseJobs(options.jobs), cache: options.cache === false ? false : options.cacheDir ?? process.env.CLAWPERF_CACHE_DIR ?? true,
  }).finally(() => progress.stop());
  const { result } = session;
  ci.finish();
  if (result.missing.length) throw new UsageError(`path not found: ${result.missing.join(', ')}`);
  if (!options.quiet) {
    for (const warning of [...result.warnings, ...session.warnings, ...memory.warnings()]) warn(warning);
    if (result.summary.files === 0) warn(`no Python files found in ${paths.join(', ') || '.'}`);
    for (const warning of configWarnings) warn(warning);
    for (const line of ci.notes()) note(line);
  }
  if (options.verbose) {
    note(configFile ? `settings from ${configFile}` : 'no [tool.clawperf] settings found');
    for (const line of fileNotes(result.files, result.findings)) note(line);
    note(times.line());
    const stats = result.modelStats;
    if (stats) {
      const how = stats.workers > 0 ? `${stats.workers} worker threads` : 'in-process';
      const cache = stats.cacheDir ? `; cache ${stats.cacheDir}: ${stats.cached} reused, ${stats.written} written${stats.corrupt ? `, ${stats.corrupt} corrupt entries replaced` : ''}${stats.cacheWritable ? '' : ' (not writable: caching off)'}${stats.findingsCached ? ', findings reused' : ''}` : '; cache off';
      note(`models: ${stats.parsed} parsed (${how}), ${stats.cached} from cache${cache}`);
    }
  }
  const output = session.render(options.format);
  if (options.output) {
    try {
      writeFileAtomic(options.output, output);
    } catch (error) {
      throw new Error(`cannot write ${options.output}: ${describeFsError(error)}`);
    }
  } else {
    try {
      writeStdout(output);
    } catch (error) {
      throw new Error(`cannot write the report to standard output: ${describeFsError(error)}`);
    }
  }
  try {
    const selected = options.select || options.ignore ? session.ruleIds : undefined;
    // A baseline or --diff hides findings on purpose: memory must not take them for fixed.
    if (!ci.partial) for (const warning of await memory.record(result, session.findings, selected, session.numbers)) if (!options.quiet) warn(warning);
  } catch (error) {
    // The report is already out; a memory that cannot be written is one clear line, not a lost run.
    if (!(error instanceof MemoryError)) throw error;
    warn(`project memory not updated: ${error.message}`);
  }
  return exitCodeFor(session.findings.map((f) => f.severity), options.failOn);
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse Python files and print the five-section performance report')
    .argument('[paths...]', 'files, folders or globs (default: the current folder)')
    .addOption(new Option('-f, --format <format>', `output format: ${Object.keys(FORMATS).join(', ')}`).default('md'))
    .addOption(new Option('-l, --lang <lang>', 'report language').choices(['es', 'en', 'auto']).default('auto'))
    .option('--ask <text>', 'the user’s question: the findings on the paths, functions and names it mentions lead the report (and it sets the language in auto mode)')
    .option('-n, --agents <n>', 'concurrent agents to price for (a list like 1,10,100 prints the capacity curve)', '100')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: critical, important, minor, none', 'critical')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--select <rules>', 'only these rules, prefixes or dimensions (comma-separated)')
    .option('--ignore <rules>', 'skip these rules, prefixes or dimensions (comma-separated)')
    .option('--exclude <patterns>', 'extra paths to exclude, gitignore-style (comma-separated)')
    .option('--measured <file>', 'a `clawperf stress` result (stress.json): section 1 prints predicted vs measured per resource, flagging ratios outside 0.5–2×')
    .option('--message-rate <r>', 'messages (or requests) per second per agent in the steady budget (default 0.2: one every 5 s)')
    .option('--capacity <file>', 'evaluate the capacity verdict for another machine (JSON: cores, memoryMB, fdLimit, …)')
    .option('--trace <file>', 'join runtime evidence from `clawperf trace` (.clawperf/trace.json): confirmed findings use measured rates')
    .option('--no-memory', 'do not read or update the project memory')
    .option('-q, --quiet', 'no warnings, notes or progress bar on stderr')
    .option('-v, --verbose', 'timings, the settings file used and one note per file on stderr')
    .option('-j, --jobs <n>', 'parse threads (default: one per core; 1 = no worker threads)')
    .option('--no-cache', 'neither read nor write the content cache (.clawperf/cache/ under the analysed root)')
    .option('--cache-dir <dir>', 'keep the content cache in this folder (default .clawperf/cache/ under the analysed root; env CLAWPERF_CACHE_DIR)')
    .option('--config <file>', 'settings file (pyproject.toml with [tool.clawperf], or clawperf.toml); default: found from the analysed path upward')
    .option('--no-config', 'ignore pyproject.toml / clawperf.toml settings')
    .option('--memory-dir <dir>', 'project memory folder (default .claude/agent-memory/performance-engineer)')
    .option('--baseline <file>', 'report only findings not recorded in this baseline')
    .option('--write-baseline <file>', 'record every current finding in this baseline file (and report none of them)')
    .option('--diff <rev>', 'report only findings on lines changed since this git revision (untracked files count as changed)')
    .action(async (paths: string[], options: AnalyzeCliOptions, command: Command) =>
      guarded(() => runAnalyze(paths, { ...options, explicit: explicitOptions(command) })));
}
