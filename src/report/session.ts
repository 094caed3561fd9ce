// One analysis with everything a report needs (pricing, calibration, capacity), shared by the CLI,
// the MCP server and the editor hook so they all say the same thing about the same code.
import { resolve } from 'node:path';
import { capacityVerdict, curveTable, processesAt, verdictSentence, verdictToJson, type CapacityInput, type CapacityVerdict } from '../impact/capacity.js';
import { compareMeasured, measuredTable } from '../impact/measured.js';
import type { StressResult } from '../runtime/stress/types.js';
import { budgetLines, incidentLines, programsOf, stressSuggestion, topologyTable, topologyToJson } from '../impact/budgets.js';
import { DEFAULT_MESSAGE_RATE } from '../impact/load.js';
import { findUnitFiles } from '../discover/units.js';
import { classifyEntries, type EntryPoint, type TopologyHints } from '../model/topology.js';
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
  /** Messages per second per agent in the steady budget (`--message-rate`, `message-rate`). */
  messageRate?: number;
  /** A `clawperf stress` result: section 1 prints predicted vs measured at its agent counts (`--measured`). */
  measured?: StressResult;
  /** `[tool.clawperf] topology`: programs per role, over what the code and unit files say. */
  topology?: TopologyHints['override'];
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
  /** Every entry point with its role and why. */
  topology: EntryPoint[];
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
  const topology = classifyEntries(result.digest.topology?.entries ?? [], { unitFiles: findUnitFiles(resolve(result.root)), override: options.topology });
  const messageRate = options.messageRate ?? DEFAULT_MESSAGE_RATE;
  const capacityInput: CapacityInput = {
    // Hidden findings (noqa, baseline, --changed-since) are not fixed: the machine still pays for them.
    findings: [...findings, ...result.hidden], costs: unitCosts(calibration.costs), machine,
    baseMemoryMB: BASE_PROCESS_MB + (result.digest.importsRequests ? REQUESTS_IMPORT_MB : 0),
    pricing: { roles: new Map(topology.map((e) => [e.id, e.role])), sites: result.digest.topology?.sites, messageRate, programs: programsOf(topology) },
  };
  const verdicts = options.agentCounts.map((n) => capacityVerdict(capacityInput, n));
  const verdict = verdicts[verdicts.length - 1]!;
  const capacityLines = [
    `- ${verdictSentence(verdict, options.lang, machine)}`,
    ...budgetLines(verdict, messageRate, options.lang),
    ...incidentLines(findings, result.hidden, capacityInput, agents, options.lang),
    ...topologyTable(topology, options.lang),
    stressSuggestion(topology, agents, messageRate, options.lang),
  ];
  if (verdicts.length > 1) capacityLines.push('', ...curveTable(verdicts, options.lang), '');
  if (options.measured) {
    const rows = compareMeasured(options.measured, (n) => ({ verdict: capacityVerdict(capacityInput, n), processes: processesAt(capacityInput, n) }));
    capacityLines.push('', options.lang === 'es' ? `Previsto frente a medido (\`clawperf stress\`: ${options.measured.command.join(' ')}):` : `Predicted vs measured (\`clawperf stress\`: ${options.measured.command.join(' ')}):`, '', ...measuredTable(rows, options.lang), '');
  }
  const data = buildReportData(result, findings, {
    agents, lang: options.lang, measured: calibration.costs, measuredAt: calibration.measuredAt, capacityLines,
    architectureAllowed: !verdict.holds, capacity: capacityInput,
    memoryNotes: typeof options.memoryNotes === 'function' ? options.memoryNotes() : options.memoryNotes, unflagged: options.unflagged,
    ask: options.ask,
  });
  const json = (v: CapacityVerdict) => ({ ...verdictToJson(v, machine), message_rate: messageRate, topology: topologyToJson(topology) });
  const extras: ReportExtras = {
    ...options.extras?.(),
    capacity: verdicts.length > 1 ? verdicts.map(json) : json(verdict),
  };
  return {
    result, findings: data.findings, data, machine, verdicts, topology, warnings,
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
