// The figures of a stress row: labels, units, which ones are per agent, and how growth is classified.
import type { Growth, GrowthClass, StressRow } from './types.js';

export type Unit = 's' | '%' | 'bytes' | 'bytes/s' | 'count' | '/s';

export interface MetricInfo {
  key: keyof StressRow;
  label: string;
  unit: Unit;
  /** Figure per agent: its growth from 1 to N says how the total scales. */
  perAgent: boolean;
  /** True for throughput: more is better. */
  higherIsBetter?: boolean;
  /** Below this (per-agent) value a ratio is noise. */
  floor: number;
  /** A sampled lower bound: its ratio between runs means little, so no growth class. */
  noGrowth?: boolean;
}

export const METRICS: MetricInfo[] = [
  { key: 'cpuSecondsTotal', label: 'CPU s total', unit: 's', perAgent: false, floor: 0.01 },
  { key: 'cpuSecondsPerAgent', label: 'CPU s per agent', unit: 's', perAgent: true, floor: 0.005 },
  { key: 'cpuPercentOneCore', label: 'CPU % of one core', unit: '%', perAgent: false, floor: 0.1 },
  { key: 'peakRssBytesPerAgent', label: 'peak RSS per agent', unit: 'bytes', perAgent: true, floor: 1024 },
  { key: 'meanRssBytesPerAgent', label: 'mean RSS per agent', unit: 'bytes', perAgent: true, floor: 1024 },
  { key: 'peakRssBytesTotal', label: 'peak RSS total', unit: 'bytes', perAgent: false, floor: 1024 },
  { key: 'peakFdsPerAgent', label: 'open fds per agent (peak)', unit: 'count', perAgent: true, floor: 0.5 },
  { key: 'peakFdsTotal', label: 'open fds total (peak)', unit: 'count', perAgent: false, floor: 0.5 },
  { key: 'peakThreadsPerAgent', label: 'threads per agent (peak)', unit: 'count', perAgent: true, floor: 0.5 },
  { key: 'peakThreadsTotal', label: 'threads total (peak)', unit: 'count', perAgent: false, floor: 0.5 },
  { key: 'processesSeenPerAgent', label: 'child processes seen per agent', unit: 'count', perAgent: true, floor: 0.5, noGrowth: true },
  { key: 'processesSeenTotal', label: 'child processes seen total', unit: 'count', perAgent: false, floor: 0.5 },
  { key: 'systemForks', label: 'forks on the machine (all)', unit: 'count', perAgent: false, floor: 0.5 },
  { key: 'readSyscallsPerSecondPerAgent', label: 'read syscalls/s per agent', unit: '/s', perAgent: true, floor: 0.5 },
  { key: 'readSyscallsPerSecondTotal', label: 'read syscalls/s total', unit: '/s', perAgent: false, floor: 0.5 },
  { key: 'writeSyscallsPerSecondPerAgent', label: 'write syscalls/s per agent', unit: '/s', perAgent: true, floor: 0.5 },
  { key: 'writeSyscallsPerSecondTotal', label: 'write syscalls/s total', unit: '/s', perAgent: false, floor: 0.5 },
  { key: 'readBytesPerSecondPerAgent', label: 'bytes read/s per agent', unit: 'bytes/s', perAgent: true, floor: 100 },
  { key: 'readBytesPerSecondTotal', label: 'bytes read/s total', unit: 'bytes/s', perAgent: false, floor: 100 },
  { key: 'writeBytesPerSecondPerAgent', label: 'bytes written/s per agent', unit: 'bytes/s', perAgent: true, floor: 100 },
  { key: 'writeBytesPerSecondTotal', label: 'bytes written/s total', unit: 'bytes/s', perAgent: false, floor: 100 },
  { key: 'diskWriteBytesTotal', label: 'disk bytes written total', unit: 'bytes', perAgent: false, floor: 1 },
  { key: 'throughputPerSecondPerAgent', label: 'throughput/s per agent', unit: '/s', perAgent: true, higherIsBetter: true, floor: 0.01 },
  { key: 'throughputPerSecondTotal', label: 'throughput/s total', unit: '/s', perAgent: false, higherIsBetter: true, floor: 0.01 },
];

export const metricInfo = (key: keyof StressRow): MetricInfo | undefined => METRICS.find((m) => m.key === key);

/** ±25 %: per-agent cost roughly constant means the total grows linearly. */
export const LINEAR_BAND = 0.25;

export function classify(factor: number | null): GrowthClass {
  if (factor === null || !Number.isFinite(factor)) return 'n/a';
  if (factor > 1 + LINEAR_BAND) return 'super-linear';
  if (factor < 1 - LINEAR_BAND) return 'sub-linear';
  return 'linear';
}

function value(row: StressRow, key: keyof StressRow): number | null {
  const v = row[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Growth of every per-agent figure from the first row (the smallest count) to each later one. */
export function growthOf(rows: StressRow[]): Growth[] {
  const sorted = [...rows].sort((a, b) => a.agents - b.agents);
  const base = sorted[0];
  if (!base) return [];
  const out: Growth[] = [];
  for (const row of sorted.slice(1)) {
    if (row.agents === base.agents) continue;
    for (const m of METRICS.filter((x) => x.perAgent && !x.noGrowth)) {
      const from = value(base, m.key);
      const to = value(row, m.key);
      let factor: number | null = null;
      if (from !== null && to !== null && (from >= m.floor || to >= m.floor) && from > 0) factor = to / from;
      out.push({ metric: m.key, label: m.label, fromAgents: base.agents, toAgents: row.agents, from, to, factor, class: classify(factor) });
    }
  }
  return out;
}

// ---- number formatting shared by the table, the comparison and the chart ----

export function fmtNumber(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (Number.isInteger(v) || a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  return v.toPrecision(2);
}

export function fmtBytes(v: number): string {
  const a = Math.abs(v);
  if (a >= 1024 ** 3) return `${(v / 1024 ** 3).toFixed(2)} GiB`;
  if (a >= 1024 ** 2) return `${(v / 1024 ** 2).toFixed(1)} MiB`;
  if (a >= 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${Math.round(v)} B`;
}

export function fmtValue(v: number | null, unit: Unit): string {
  if (v === null || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'bytes': return fmtBytes(v);
    case 'bytes/s': return `${fmtBytes(v)}/s`;
    case '%': return `${fmtNumber(v)} %`;
    case 's': return `${fmtNumber(v)} s`;
    default: return fmtNumber(v);
  }
}

export function fmtFactor(g: Growth): string {
  return g.factor === null ? 'n/a' : `×${g.factor >= 10 ? g.factor.toFixed(0) : g.factor.toFixed(2)} ${g.class}`;
}
