// `clawperf analyze [PATH...]`: the report, the JSON contract, and the exit codes of DESIGN.md.
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { capacityVerdict, curveTable, verdictSentence, verdictToJson } from '../../impact/capacity.js';
import { readCalibration } from '../../impact/calibration.js';
import { readCapacityFile, readMachine } from '../../impact/machine.js';
import { BASE_PROCESS_MB, REQUESTS_IMPORT_MB } from '../../impact/totals.js';
import { unitCosts } from '../../impact/units.js';
import { buildReportData } from '../../impact/index.js';
import { analyzePaths } from '../../pipeline.js';
import { resolveLang } from '../../report/lang.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import { SEVERITIES, type Severity } from '../../rules/types.js';
import { describeFsError, writeFileAtomic } from '../../util/fs.js';
import { guarded, parseAgents, UsageError, warn } from '../errors.js';

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

export async function runAnalyze(paths: string[], options: AnalyzeCliOptions): Promise<number> {
  const agentCounts = parseAgents(options.agents);
  const agents = agentCounts[agentCounts.length - 1]!;
  if (!FAIL_ON.includes(options.failOn as (typeof FAIL_ON)[number])) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')} (got "${options.failOn}")`);
  const lang = resolveLang(options.lang, options.ask);
  const result = await analyzePaths(paths, { agents, select: list(options.select), ignore: list(options.ignore), exclude: list(options.exclude) });
  if (result.missing.length) throw new UsageError(`path not found: ${result.missing.join(', ')}`);
  if (!options.quiet) for (const warning of result.warnings) warn(warning);
  if (result.summary.files === 0 && !options.quiet) warn(`no Python files found in ${paths.join(', ') || '.'}`);

  const calibration = readCalibration(resolve(result.root));
  if (calibration.warning && !options.quiet) warn(calibration.warning);
  const machine = options.capacity ? readCapacityFile(options.capacity) : readMachine({ units: calibration.units });
  const importsRequests = result.project.files.some((file) => [...file.imports.values()].some((b) => b.target.split('.')[0] === 'requests'));
  const capacityInput = {
    findings: result.findings, costs: unitCosts(calibration.costs), machine,
    baseMemoryMB: BASE_PROCESS_MB + (importsRequests ? REQUESTS_IMPORT_MB : 0),
  };
  const verdicts = agentCounts.map((n) => capacityVerdict(capacityInput, n));
  const verdict = verdicts[verdicts.length - 1]!;
  const capacityLines = [`- ${verdictSentence(verdict, lang, machine)}`];
  if (verdicts.length > 1) capacityLines.push('', ...curveTable(verdicts, lang), '');
  const data = buildReportData(result, result.findings, {
    agents, lang, measured: calibration.costs, measuredAt: calibration.measuredAt, capacityLines, architectureAllowed: !verdict.holds,
  });

  let output: string;
  switch (options.format) {
    case 'md':
    case 'markdown':
      output = renderMarkdown(data);
      break;
    case 'json':
      output = renderJson(data, {
        capacity: verdicts.length > 1 ? verdicts.map((v) => verdictToJson(v, machine)) : verdictToJson(verdict, machine),
      });
      break;
    default:
      throw new UsageError(`unknown --format "${options.format}" (choose md or json)`);
  }
  if (options.output) {
    try {
      writeFileAtomic(options.output, output);
    } catch (error) {
      throw new Error(`cannot write ${options.output}: ${describeFsError(error)}`);
    }
  } else {
    process.stdout.write(output);
  }
  return exitCodeFor(result.findings.map((f) => f.severity), options.failOn);
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse Python files and print the five-section performance report')
    .argument('[paths...]', 'files, folders or globs (default: the current folder)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['md', 'json']).default('md'))
    .addOption(new Option('-l, --lang <lang>', 'report language').choices(['es', 'en', 'auto']).default('auto'))
    .option('--ask <text>', 'the user’s request; sets the language in auto mode')
    .option('-n, --agents <n>', 'concurrent agents to price for (a list like 1,10,100 prints the capacity curve)', '100')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: critical, important, minor, none', 'critical')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--select <rules>', 'only these rules, prefixes or dimensions (comma-separated)')
    .option('--ignore <rules>', 'skip these rules, prefixes or dimensions (comma-separated)')
    .option('--exclude <patterns>', 'extra paths to exclude, gitignore-style (comma-separated)')
    .option('--capacity <file>', 'evaluate the capacity verdict for another machine (JSON: cores, memoryMB, fdLimit, …)')
    .option('--no-memory', 'do not read or update the project memory')
    .option('-q, --quiet', 'no warnings on stderr')
    .action(async (paths: string[], options: AnalyzeCliOptions) => guarded(() => runAnalyze(paths, options)));
}
