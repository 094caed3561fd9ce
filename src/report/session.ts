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
}

export interface Session {
  result: AnalysisResult;
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
  const machine = options.capacityFile ? readCapacityFile(options.capacityFile) : readMachine({ units: calibration.units });
  const topology = classifyEntries(result.digest.topology?.entries ?? [], { unitFiles: findUnitFiles(resolve(result.root)), override: options.topology });
  const messageRate = options.messageRate ?? DEFAULT_MESSAGE_RATE;
  const capacityInput: CapacityInput = {
    // Hidden findings (noqa, baseline, --diff) are not fixed: the machine still pays for them.
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
  });
  const json = (v: CapacityVerdict) => ({ ...verdictToJson(v, machine), message_rate: messageRate, topology: topologyToJson(topology) });
  const extras: ReportExtras = {
    capacity: verdicts.length > 1 ? verdicts.map(json) : json(verdict),
  };
  return {
    result, findings, data, machine, verdicts, topology, warnings,
    ruleIds: selectRules(options.rules ?? RULES, options).map((rule) => rule.meta.id),
    render(format: string) {
      const renderer = formatNamed(format);
      if (!renderer) throw new Error(`unknown format "${format}" (choose ${Object.keys(FORMATS).join(', ')})`);
      return renderer(data, extras);
    },
  };
}
