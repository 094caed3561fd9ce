// One analysis with everything a report needs (pricing, calibration, capacity), shared by the CLI,
// the MCP server and the editor hook so they all say the same thing about the same code.
import { resolve } from 'node:path';
import { capacityVerdict, curveTable, verdictSentence, verdictToJson, type CapacityVerdict } from '../impact/capacity.js';
import { readCalibration } from '../impact/calibration.js';
import { buildReportData } from '../impact/index.js';
import { readCapacityFile, readMachine, type MachineCapacity } from '../impact/machine.js';
import { BASE_PROCESS_MB, REQUESTS_IMPORT_MB } from '../impact/totals.js';
import { unitCosts } from '../impact/units.js';
import { analyzePaths, analyzeSources, type AnalysisResult, type AnalyzeOptions, type Source } from '../pipeline.js';
import { selectRules } from '../rules/engine.js';
import { RULES } from '../rules/index.js';
import type { Finding, Lang } from '../rules/types.js';
import type { ReportData } from './data.js';
import { FORMATS, formatNamed, type ReportExtras } from './formats.js';

export interface SessionOptions extends AnalyzeOptions {
  /** Agent counts; the last is the one the report prices (a list prints the capacity curve). */
  agentCounts: number[];
  lang: Lang;
  /** A JSON file with another machine's capacity (`--capacity`). */
  capacityFile?: string;
  /** That machine, already read (the CLI reads it before anything is written). */
  machine?: MachineCapacity;
  /** Top-level keys for the JSON report; a function is called after `transform` has run. */
  extras?: () => ReportExtras;
  /** Replaces the findings before pricing (runtime join, memory, baseline filters…). */
  transform?: (findings: Finding[], result: AnalysisResult) => Finding[];
  /** Sentences from project memory; a function is called after `transform` has run. */
  memoryNotes?: string[] | (() => string[]);
  unflagged?: ReportData['unflagged'];
}

export interface Session {
  result: AnalysisResult;
  findings: Finding[];
  data: ReportData;
  machine: MachineCapacity;
  verdicts: CapacityVerdict[];
  /** Warnings about calibration or capacity files (one line each). */
  warnings: string[];
  /** Ids of the rules that ran (after --select/--ignore). */
  ruleIds: string[];
  render(format: string): string;
}

export async function reportSession(input: { paths: string[] } | { sources: Source[] }, options: SessionOptions): Promise<Session> {
  const agents = options.agentCounts[options.agentCounts.length - 1] ?? 100;
  const result = 'paths' in input ? await analyzePaths(input.paths, { ...options, agents }) : await analyzeSources(input.sources, { ...options, agents });
  const findings = options.transform ? options.transform(result.findings, result) : result.findings;
  const warnings: string[] = [];
  // Calibration of the analysed project first, else of the folder clawperf runs in.
  const projectCalibration = readCalibration(resolve(result.root));
  const calibration = projectCalibration.measuredAt || projectCalibration.warning ? projectCalibration : readCalibration(resolve(options.cwd ?? process.cwd()));
  if (calibration.warning) warnings.push(calibration.warning);
  const machine = options.machine ?? (options.capacityFile ? readCapacityFile(options.capacityFile) : readMachine({ units: calibration.units }));
  const capacityInput = { findings, costs: unitCosts(calibration.costs), machine, baseMemoryMB: BASE_PROCESS_MB + (result.digest.importsRequests ? REQUESTS_IMPORT_MB : 0) };
  const verdicts = options.agentCounts.map((n) => capacityVerdict(capacityInput, n));
  const verdict = verdicts[verdicts.length - 1]!;
  const capacityLines = [`- ${verdictSentence(verdict, options.lang, machine)}`];
  if (verdicts.length > 1) capacityLines.push('', ...curveTable(verdicts, options.lang), '');
  const data = buildReportData(result, findings, {
    agents, lang: options.lang, measured: calibration.costs, measuredAt: calibration.measuredAt, capacityLines,
    architectureAllowed: !verdict.holds,
    memoryNotes: typeof options.memoryNotes === 'function' ? options.memoryNotes() : options.memoryNotes, unflagged: options.unflagged,
  });
  const extras: ReportExtras = {
    ...options.extras?.(),
    capacity: verdicts.length > 1 ? verdicts.map((v) => verdictToJson(v, machine)) : verdictToJson(verdict, machine),
  };
  return {
    result, findings, data, machine, verdicts, warnings,
    ruleIds: selectRules(options.rules ?? RULES, options).map((rule) => rule.meta.id),
    render(format: string) {
      const renderer = formatNamed(format);
      if (!renderer) throw new Error(`unknown format "${format}" (choose ${Object.keys(FORMATS).join(', ')})`);
      return renderer(data, extras);
    },
  };
}
