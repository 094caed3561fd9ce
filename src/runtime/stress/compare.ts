// `compareStress(before, after)`: the measured effect of an optimisation, metric by metric.
import { readFileSync } from 'node:fs';
import { fmtValue, METRICS, type Unit } from './metrics.js';
import { StressInputError } from './run.js';
import type { Growth, MetricDelta, StressComparison, StressResult, StressRow } from './types.js';

/** Changes within ±10 % are treated as noise (run-to-run variation of these figures is of that order). */
export const SAME_BAND = 10;

/** Figures compared (per agent and totals); the rest of a row is context. */
const COMPARED: Array<keyof StressRow> = [
  'cpuSecondsPerAgent',
  'cpuPercentOneCore',
  'peakRssBytesPerAgent',
  'peakFdsPerAgent',
  'peakThreadsPerAgent',
  'processesSeenPerAgent',
  'systemForks',
  'readSyscallsPerSecondPerAgent',
  'readSyscallsPerSecondTotal',
  'writeSyscallsPerSecondPerAgent',
  'writeSyscallsPerSecondTotal',
  'readBytesPerSecondPerAgent',
  'writeBytesPerSecondPerAgent',
  'diskWriteBytesTotal',
  'throughputPerSecondPerAgent',
  'throughputPerSecondTotal',
];

export function compareStress(before: StressResult, after: StressResult): StressComparison {
  const common = before.runs.map((r) => r.row.agents).filter((n) => after.runs.some((r) => r.row.agents === n)).sort((a, b) => a - b);
  const deltas: MetricDelta[] = [];
  for (const agents of common) {
    const b = before.runs.find((r) => r.row.agents === agents)!.row;
    const a = after.runs.find((r) => r.row.agents === agents)!.row;
    for (const key of COMPARED) {
      const info = METRICS.find((m) => m.key === key)!;
      const vb = b[key];
      const va = a[key];
      if (typeof vb !== 'number' || typeof va !== 'number') continue;
      const changePercent = vb !== 0 ? ((va - vb) / Math.abs(vb)) * 100 : va === 0 ? 0 : null;
      let verdict: MetricDelta['verdict'] = 'same';
      if (changePercent === null || Math.abs(changePercent) >= SAME_BAND) {
        const up = va > vb;
        verdict = up === Boolean(info.higherIsBetter) ? 'better' : 'worse';
      }
      deltas.push({ agents, metric: key, label: info.label, unit: info.unit, before: vb, after: va, changePercent, verdict });
    }
  }
  const growthKeys = [...new Set([...before.growth, ...after.growth].map((g) => g.metric))];
  const lastGrowth = (list: Growth[], key: keyof StressRow): Growth | null => {
    const matches = list.filter((g) => g.metric === key).sort((x, y) => x.toAgents - y.toAgents);
    return matches.at(-1) ?? null;
  };
  const growth = growthKeys.map((metric) => ({
    metric,
    label: METRICS.find((m) => m.key === metric)?.label ?? String(metric),
    before: lastGrowth(before.growth, metric),
    after: lastGrowth(after.growth, metric),
  }));
  return {
    version: 1,
    kind: 'clawperf-stress-comparison',
    before: { command: before.command, startedAt: before.startedAt, runDir: before.runDir },
    after: { command: after.command, startedAt: after.startedAt, runDir: after.runDir },
    agents: common,
    deltas,
    growth,
    headline: headline(common, deltas),
  };
}

function pct(v: number | null): string {
  if (v === null) return 'new';
  const s = Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${s.replace('-', '')} %`;
}

function headline(common: number[], deltas: MetricDelta[]): string {
  const n = common.at(-1);
  if (n === undefined) return 'no agent count in common: nothing to compare';
  const pick: Array<keyof StressRow> = ['cpuSecondsPerAgent', 'readSyscallsPerSecondPerAgent', 'writeSyscallsPerSecondPerAgent', 'peakRssBytesPerAgent', 'throughputPerSecondTotal'];
  const parts = pick
    .map((k) => deltas.find((d) => d.agents === n && d.metric === k))
    .filter((d): d is MetricDelta => d !== undefined && (d.before !== 0 || d.after !== 0))
    .map((d) => `${d.label} ${fmtValue(d.before, d.unit as Unit)} → ${fmtValue(d.after, d.unit as Unit)} (${pct(d.changePercent)})`);
  return `at ${n} agent${n === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export function formatChangePercent(v: number | null): string {
  return pct(v);
}

/** Read a stress.json, with a clear error if it is not one. */
export function loadStressResult(path: string): StressResult {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StressInputError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(error as Error).message})`}`);
  }
  const r = data as Partial<StressResult> | null;
  if (!r || r.kind !== 'clawperf-stress' || r.version !== 1 || !Array.isArray(r.runs) || !Array.isArray(r.growth)) {
    throw new StressInputError(`${path}: not a clawperf stress.json (version 1)`);
  }
  for (const run of r.runs) {
    if (!run || typeof run.row?.agents !== 'number') throw new StressInputError(`${path}: a run has no agent count`);
  }
  return r as StressResult;
}
