// One analysis with everything a report needs (pricing, calibration, capacity), shared by the CLI,
// the MCP server and the editor hook so they all say the same thing about the same code.
import { resolve } from 'node:path';
import { capacityVerdict, curveTable, verdictSentence, verdictToJson, type CapacityVerdict } from '../impact/capacity.js';
import { readCalibration } from '../impact/calibration.js';
import { buildReportData } from '../impact/index.js';
import { readCapacityFile, readMachine, type MachineCapacity } from '../impact/machine.js';
import { BASE_PROCESS_MB, REQUESTS_IMPORT_MB } from '../impact/totals.js';
import { UNIT_LABELS, unitCosts } from '../impact/units.js';
import { formatNumber } from '../impact/price.js';
import type { UnitCost, UnitId } from '../impact/types.js';
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
  /** The user's question (`--ask`): the findings it names lead the report. */
  ask?: string;
}

export interface Session {
  result: AnalysisResult;
  /** Priced, with the severity their price and context give (what exit codes and memory use). */
  findings: Finding[];
  data: ReportData;
  machine: MachineCapacity;
  verdicts: CapacityVerdict[];
  /** Warnings about calibration or capacity files (one line each). */
  warnings: string[];
  /** Ids of the rules that ran (after --select/--ignore). */
  ruleIds: string[];
  /** What this run priced, one line each, for project memory: the unit costs and the capacity verdict. */
  numbers: { unitCosts: string; capacity: { agents: number; text: string } };
  render(format: string): string;
}

/** The unit costs behind every figure (the seed's table items), and where they came from. */
const MEMORY_UNITS: UnitId[] = ['file_read', 'file_write_fsync', 'listdir', 'subprocess', 'http_local', 'http_local_reuse', 'json_1kb', 'thread_create', 'fork'];

function unitCostLine(costs: Record<UnitId, UnitCost>, measuredAt: string | undefined): string {
  const measured = MEMORY_UNITS.filter((u) => costs[u].source === 'measured').length;
  const source = measured === 0 ? 'the brief’s reference table' : measured === MEMORY_UNITS.length ? `measured here (clawperf calibrate${measuredAt ? `, ${measuredAt.slice(0, 10)}` : ''})` : 'partly measured here, partly reference';
  const values = MEMORY_UNITS.map((u) => {
    const [low, high] = [formatNumber(costs[u].lowMs), formatNumber(costs[u].highMs)];
    return `${UNIT_LABELS[u].en} ${low === high ? low : `${low}–${high}`} ms`;
  });
  return `${source}: ${values.join(', ')}`;
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
    ask: options.ask,
  });
  const extras: ReportExtras = {
    ...options.extras?.(),
    capacity: verdicts.length > 1 ? verdicts.map((v) => verdictToJson(v, machine)) : verdictToJson(verdict, machine),
  };
  return {
    result, findings: data.findings, data, machine, verdicts, warnings,
    ruleIds: selectRules(options.rules ?? RULES, options).map((rule) => rule.meta.id),
    numbers: {
      unitCosts: unitCostLine(unitCosts(calibration.costs), calibration.measuredAt),
      capacity: { agents, text: verdictSentence(verdict, 'en', machine).replace(/^Capacity verdict: /, '').replace(/\*\*/g, '') },
    },
    render(format: string) {
      const renderer = formatNamed(format);
      if (!renderer) throw new Error(`unknown format "${format}" (choose ${Object.keys(FORMATS).join(', ')})`);
      return renderer(data, extras);
    },
  };
}
