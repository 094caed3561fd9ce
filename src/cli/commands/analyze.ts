// `clawperf analyze [PATH...]`: the report, the JSON contract, and the exit codes of DESIGN.md.
import { relative, resolve, sep } from 'node:path';
import { Command, Option } from 'commander';
import { ciFilter } from '../../ci/index.js';
import { applyProjectConfig, explicitOptions } from '../../config/apply.js';
import { checkRulePatterns } from '../../config/settings.js';
import { missingPaths } from '../../discover/discover.js';
import { projectRoot } from '../../discover/root.js';
import { readCapacityFile } from '../../impact/machine.js';
import { memorySession, type MemoryIgnored } from '../../memory/analysis.js';
import { joinTrace, readTrace } from '../../runtime/trace/index.js';
import { loadStressResult } from '../../runtime/stress/index.js';
import type { StressResult } from '../../runtime/stress/types.js';
import type { RuntimeHotspot } from '../../report/data.js';
import { MemoryError } from '../../memory/index.js';
import { commonRoot } from '../../pipeline.js';
import { FORMATS, formatNamed, isMachineFormat } from '../../report/formats.js';
import { resolveLang } from '../../report/lang.js';
import { reportSession } from '../../report/session.js';
import { RULES } from '../../rules/index.js';
import { SEVERITIES, type Finding, type Severity } from '../../rules/types.js';
import { describeFsError, writeFileAtomic, writeStdout } from '../../util/fs.js';
import { guarded, parseAgents, UsageError, warn } from '../errors.js';
import { fileNotes, note, progressBar, StageTimes } from '../feedback.js';

export interface AnalyzeCliOptions {
  format: string;
  /** `--output-format`, Ruff's name for `--format`. */
  outputFormat?: string;
  lang: string;
  ask?: string;
  agents: string;
  failOn: string;
  output?: string;
  memory: boolean;
  select?: string;
  ignore?: string;
  /** Added to `select` / `ignore` (theirs may come from the config). */
  extendSelect?: string;
  extendIgnore?: string;
  exclude?: string;
  /** Exit 0 whatever is found (errors still exit 2). */
  exitZero?: boolean;
  /** Print the number of findings per rule instead of the report. */
  statistics?: boolean;
  /** Test code patterns (from `[tool.clawperf] test-paths`) and `--include-tests`. */
  testPaths?: string[];
  includeTests?: boolean;
  /** List `# noqa` comments of clawperf's rules that suppressed nothing (exit 1 when there are some). */
  reportUnusedNoqa?: boolean;
  /** Print the resolved settings and where each came from, and stop. */
  showSettings?: boolean;
  /** Analyse the whole project the paths belong to, report only the findings in those paths (pre-commit). */
  inProject?: boolean;
  quiet?: boolean;
  capacity?: string;
  /** `--config FILE`; false with `--no-config` (then pyproject.toml is not read). */
  config?: string | false;
  memoryDir?: string;
  baseline?: string;
  writeBaseline?: string;
  changedSince?: string;
  /** The old name of `--changed-since` (Ruff's `--diff` means something else). */
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

/** What `--select`/`--ignore` and their `--extend-` forms choose, every id checked (an unknown one is exit 2). */
function ruleSelection(options: AnalyzeCliOptions): { select?: string[]; ignore?: string[] } {
  const parts = { select: list(options.select), ignore: list(options.ignore), extendSelect: list(options.extendSelect), extendIgnore: list(options.extendIgnore) };
  for (const [flag, patterns] of [['--select', parts.select], ['--ignore', parts.ignore], ['--extend-select', parts.extendSelect], ['--extend-ignore', parts.extendIgnore]] as const) checkRulePatterns(flag, patterns);
  // No select means every rule already: extending it changes nothing.
  const select = parts.select && [...parts.select, ...(parts.extendSelect ?? [])];
  const ignore = parts.ignore || parts.extendIgnore ? [...(parts.ignore ?? []), ...(parts.extendIgnore ?? [])] : undefined;
  return { select, ignore };
}

/** `--statistics`: one line per rule, most findings first, like `ruff check --statistics`. */
export function statistics(findings: Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  const names = new Map(RULES.map((rule) => [rule.meta.id, rule.meta.name]));
  const rows = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const width = String(rows[0]?.[1] ?? 0).length;
  return rows.map(([rule, count]) => `${String(count).padStart(width)}\t${rule}\t${names.get(rule) ?? ''}`).join('\n') + (rows.length ? '\n' : '');
}

/** One stderr line per kind of thing the project memory's preferences hid (results never change silently). */
function ignoredLines(ignored: MemoryIgnored): string[] {
  const lines: string[] = [];
  const n = ignored.rules.length;
  if (n) lines.push(`${n} rule${n === 1 ? '' : 's'} ignored by project memory: ${ignored.rules.join(', ')}`);
  if (ignored.paths.length) lines.push(`findings under ${ignored.paths.join(', ')} ignored by project memory`);
  return lines;
}

/** The options `--show-settings` lists, by attribute name → the name a user writes. */
const SHOWN_SETTINGS: Record<string, string> = {
  format: 'format', lang: 'lang', agents: 'agents', failOn: 'fail-on', select: 'select', ignore: 'ignore',
  extendSelect: 'extend-select', extendIgnore: 'extend-ignore', exclude: 'exclude', testPaths: 'test-paths',
  includeTests: 'include-tests', memory: 'memory', memoryDir: 'memory-dir', cache: 'cache', cacheDir: 'cache-dir', jobs: 'jobs',
};

/** `--show-settings`: every setting, its resolved value and where it came from (flag, config file, default). */
function settingsReport(options: AnalyzeCliOptions, applied: { configFile?: string; fromConfig: string[] }, root: string): string {
  const lines = [`project root = ${root}`, `config file = ${applied.configFile ?? '(none)'}`];
  for (const [key, name] of Object.entries(SHOWN_SETTINGS)) {
    const value = (options as unknown as Record<string, unknown>)[key];
    const source = options.explicit?.has(key) ? 'command line' : applied.fromConfig.includes(key) ? applied.configFile! : 'default';
    lines.push(`${name} = ${value === undefined ? '(unset)' : JSON.stringify(value)}  # ${source}`);
  }
  return `${lines.join('\n')}\n`;
}

function writeReport(output: string, file: string | undefined): void {
  try {
    if (file) writeFileAtomic(file, output);
    else writeStdout(output);
  } catch (error) {
    throw new Error(`cannot write ${file ?? 'the report to standard output'}: ${describeFsError(error)}`);
  }
}

/** `--in-project`: findings in the named files, or under the named folders (paths relative to the current folder). */
function inNamedPaths(paths: string[], cwd: string): (finding: Finding) => boolean {
  const named = paths.map((p) => resolve(cwd, p));
  return (finding) => {
    const file = resolve(cwd, finding.file);
    return named.some((p) => file === p || file.startsWith(p + sep));
  };
}

export async function runAnalyze(paths: string[], cliOptions: AnalyzeCliOptions): Promise<number> {
  // Every input is checked before anything is written (cache, memory, baseline).
  const missing = missingPaths(paths);
  if (missing.length) throw new UsageError(`path not found: ${missing.join(', ')}`);
  if (cliOptions.diff !== undefined) {
    warn('--diff is deprecated: use --changed-since (it means the same)');
    cliOptions = { ...cliOptions, changedSince: cliOptions.changedSince ?? cliOptions.diff };
  }
  if (cliOptions.outputFormat !== undefined) {
    cliOptions = { ...cliOptions, format: cliOptions.outputFormat, explicit: new Set([...(cliOptions.explicit ?? []), 'format']) };
  }
  const applied = applyProjectConfig(paths, cliOptions);
  const { options, perFileIgnores, configFile, warnings: configWarnings } = applied;
  const agentCounts = parseAgents(options.agents);
  if (!FAIL_ON.includes(options.failOn as (typeof FAIL_ON)[number])) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')} (got "${options.failOn}")`);
  if (!formatNamed(options.format)) throw new UsageError(`unknown --format "${options.format}" (choose ${Object.keys(FORMATS).join(', ')})`);
  const { select, ignore } = ruleSelection(options);
  const jobs = parseJobs(options.jobs);
  const machine = options.capacity ? readCapacityFile(options.capacity) : undefined;
  const lang = resolveLang(options.lang, options.ask, isMachineFormat(options.format));
  const ci = ciFilter({ ...options, paths });
  const trace = options.trace ? readTrace(options.trace) : undefined;
  const progress = progressBar(!options.quiet);
  const times = new StageTimes();
  const unflagged: RuntimeHotspot[] = [];
  const root = projectRoot(commonRoot(paths.length ? paths : ['.'], process.cwd()));
  if (options.showSettings) {
    writeReport(settingsReport(options, applied, root), options.output);
    return 0;
  }
  const memory = memorySession(root, { dir: options.memoryDir, enabled: options.memory !== false });
  // --in-project: cross-module contexts need every module; the report keeps to the files named (staged ones).
  const reported = options.inProject && paths.length ? inNamedPaths(paths, process.cwd()) : undefined;
  const analysed = reported ? [relative(process.cwd(), root) || '.'] : paths;
  const keepFindings: typeof ci.keepFindings = reported ? (findings, files) => ci.keepFindings(findings.filter(reported), files) : ci.keepFindings;
  const session = await reportSession({ paths: analysed }, {
    transform: (findings, analysis) => {
      if (!trace) return memory.transform(findings, analysis);
      // Runtime evidence first: memory treats a finding confirmed at runtime as verified.
      const joined = joinTrace(findings, trace);
      unflagged.push(...joined.unflagged);
      return memory.transform(joined.findings, analysis);
    },
    memoryNotes: () => memory.notes(lang), unflagged,
    extras: () => (memory.ignored().findings ? { ignored_by_memory: memory.ignored() } : {}),
    agentCounts, lang, ask: options.ask, capacityFile: options.capacity, machine,
    messageRate: parseRate(options.messageRate), topology: options.topology,
    measured: options.measured ? readMeasured(options.measured) : undefined,
    select, ignore, exclude: list(options.exclude), perFileIgnores, testPaths: options.testPaths, includeTests: options.includeTests === true,
    keepFindings, onProgress: progress.update, onStage: times.record,
    jobs, cache: options.cache === false ? false : options.cacheDir ?? process.env.CLAWPERF_CACHE_DIR ?? true,
  }).finally(() => progress.stop());
  const { result } = session;
  if (result.missing.length) throw new UsageError(`path not found: ${result.missing.join(', ')}`);
  if (result.summary.files === 0) {
    // Nothing analysed is not an all-clear: no report, no capacity verdict, no memory update.
    const where = paths.join(', ') || '.';
    // Why nothing was read (a FIFO or unreadable file skipped) goes before the one-line refusal.
    if (!options.quiet) for (const warning of result.warnings) warn(warning);
    if (paths.length) throw new UsageError(`nothing analysed: no Python files in ${where}`);
    if (!options.quiet) note(`nothing analysed: no Python files in ${where}`);
    return 0;
  }
  ci.finish();
  if (!options.quiet) {
    for (const warning of [...result.warnings, ...session.warnings, ...memory.warnings()]) warn(warning);
    for (const line of ignoredLines(memory.ignored())) note(line);
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
  const unusedNoqa = options.reportUnusedNoqa ? result.unusedNoqa : [];
  for (const u of unusedNoqa) note(`${u.file}:${u.line || 1}: unused ${u.line === 0 ? '`# clawperf: noqa`' : 'noqa'}${u.codes ? `: ${u.codes.join(', ')}` : ' (it suppresses nothing)'}`);
  writeReport(options.statistics ? statistics(session.findings) : session.render(options.format), options.output);
  try {
    const selected = select || ignore ? session.ruleIds : undefined;
    // A baseline or --changed-since hides findings on purpose: memory must not take them for fixed.
    if (!ci.partial && !reported) for (const warning of await memory.record(result, session.findings, selected, session.numbers)) if (!options.quiet) warn(warning);
  } catch (error) {
    // The report is already out; a memory that cannot be written is one clear line, not a lost run.
    if (!(error instanceof MemoryError)) throw error;
    warn(`project memory not updated: ${error.message}`);
  }
  if (options.exitZero) return 0;
  return unusedNoqa.length ? 1 : exitCodeFor(session.findings.map((f) => f.severity), options.failOn);
}

const HELP_AFTER = `
Examples:
  clawperf analyze .                                    report for the whole project (language of the locale)
  clawperf analyze src/ --lang en --agents 1,10,100     English, with the capacity curve
  clawperf analyze . --output-format json -o out.json   the JSON contract, for CI and other tools
  clawperf analyze . --format github --changed-since origin/main   annotations on the changed lines
  clawperf analyze . --select PO,DK --statistics        findings per rule, polling and disk only
  clawperf analyze --show-settings                      the resolved settings and where each came from

Exit codes:
  0  nothing at or above --fail-on (default critical), or --exit-zero
  1  findings at or above --fail-on
  2  a usage or input error: unknown option or rule id, a path that does not exist, nothing analysed`;

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse Python files and print the five-section performance report')
    .argument('[paths...]', 'files, folders or globs (default: the current folder)')
    .addOption(new Option('-f, --format <format>', `output format: ${Object.keys(FORMATS).join(', ')}`).default('md'))
    .option('--output-format <format>', 'the same as --format (Ruff\'s name)')
    .addOption(new Option('-l, --lang <lang>', 'report language').choices(['es', 'en', 'auto']).default('auto'))
    .option('--ask <text>', 'the user’s question: the findings on the paths, functions and names it mentions lead the report (and it sets the language in auto mode)')
    .option('-n, --agents <n>', 'concurrent agents to price for (a list like 1,10,100 prints the capacity curve)', '100')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: critical, important, minor, none', 'critical')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--select <rules>', 'only these rules, prefixes or dimensions (comma-separated)')
    .option('--ignore <rules>', 'skip these rules, prefixes or dimensions (comma-separated)')
    .option('--extend-select <rules>', 'add these to --select (or to select in the config)')
    .option('--extend-ignore <rules>', 'add these to --ignore (or to ignore in the config)')
    .option('--exit-zero', 'exit 0 even when findings are at or above --fail-on (errors still exit 2)')
    .option('--statistics', 'print the number of findings per rule instead of the report')
    .option('--report-unused-noqa', 'list `# noqa: ID` and `# clawperf: noqa` comments that suppress nothing (exit 1 when there are some)')
    .option('--show-settings', 'print the resolved settings and where each came from (flag, config file, default), then stop')
    .option('--in-project', 'analyse the whole project the paths belong to, report only findings in those paths (the pre-commit hook passes the staged files)')
    .option('--include-tests', 'look at test code too (tests/, test_*.py, … or [tool.clawperf] test-paths): by default the rules stay quiet there')
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
    .option('--changed-since <rev>', 'report only findings on lines changed since this git revision (untracked files count as changed)')
    .addOption(new Option('--diff <rev>', 'deprecated name of --changed-since').hideHelp())
    .addHelpText('after', HELP_AFTER)
    .action(async (paths: string[], options: AnalyzeCliOptions, command: Command) =>
      guarded(() => runAnalyze(paths, { ...options, explicit: explicitOptions(command) })));
}
