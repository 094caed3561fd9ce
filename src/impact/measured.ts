// Predicted vs measured: the capacity model's figures at N beside what `clawperf stress` measured at the same N,
// with every ratio outside 0.5–2× flagged. Used by `analyze --measured` and by `npm run validate`.
import type { StressResult } from '../runtime/stress/types.js';
import type { Lang } from '../rules/types.js';
import type { CapacityVerdict, Resource } from './capacity.js';
import { formatNumber } from './price.js';

export interface MeasuredRow {
  agents: number;
  figure: 'cpu' | 'rss_per_process' | 'threads' | 'fds_per_process' | 'processes_per_second';
  predicted: number;
  measured: number;
  /** predicted / measured (null when nothing was measured). */
  ratio: number | null;
  /** The ratio is outside 0.5–2. */
  off: boolean;
}

const LABELS: Record<MeasuredRow['figure'], { es: string; en: string }> = {
  cpu: { es: 'CPU (núcleos)', en: 'CPU (cores)' },
  rss_per_process: { es: 'RSS por proceso (MB)', en: 'RSS per process (MB)' },
  threads: { es: 'hilos', en: 'threads' },
  fds_per_process: { es: 'descriptores por proceso', en: 'fds per process' },
  processes_per_second: { es: 'procesos/s', en: 'processes/s' },
};

function demand(v: CapacityVerdict, resource: Resource): number {
  return v.loads.find((l) => l.resource === resource)?.demand ?? 0;
}

function row(agents: number, figure: MeasuredRow['figure'], predicted: number, measured: number): MeasuredRow {
  const ratio = measured > 0 ? predicted / measured : null;
  return { agents, figure, predicted, measured, ratio, off: ratio === null ? predicted > 0.01 : ratio < 0.5 || ratio > 2 };
}

/**
 * One row per figure and agent count present in both. `processes` is how many long-running processes the
 * prediction counts at each N (memory is compared per process); `spawnsPerSecond` overrides the measured
 * spawn rate (the stress file only has machine-wide forks, which other programs inflate).
 */
export function compareMeasured(stress: StressResult, verdictAt: (agents: number) => { verdict: CapacityVerdict; processes: number }, spawnsPerSecond?: (agents: number) => number | undefined): MeasuredRow[] {
  const rows: MeasuredRow[] = [];
  for (const run of stress.runs) {
    const n = run.row.agents;
    const { verdict, processes } = verdictAt(n);
    const window = run.row.windowSeconds || 1;
    rows.push(row(n, 'cpu', demand(verdict, 'cpu'), run.row.cpuSecondsTotal / window));
    rows.push(row(n, 'rss_per_process', demand(verdict, 'memory') / Math.max(processes, 1), run.row.meanRssBytesPerAgent / 2 ** 20));
    rows.push(row(n, 'threads', demand(verdict, 'threads'), run.row.peakThreadsTotal));
    rows.push(row(n, 'fds_per_process', demand(verdict, 'fds'), run.row.peakFdsPerAgent));
    const spawns = spawnsPerSecond?.(n) ?? (run.row.systemForks ?? 0) / window;
    rows.push(row(n, 'processes_per_second', demand(verdict, 'processes'), spawns));
  }
  return rows;
}

export function measuredTable(rows: MeasuredRow[], lang: Lang): string[] {
  const head = lang === 'es' ? '| Agentes | Recurso | Previsto | Medido | Previsto/medido |' : '| Agents | Resource | Predicted | Measured | Predicted/measured |';
  return [head, '|---|---|---|---|---|', ...rows.map((r) => `| ${r.agents} | ${LABELS[r.figure][lang]} | ${formatNumber(r.predicted, lang)} | ${formatNumber(r.measured, lang)} | ${r.ratio === null ? '—' : `${formatNumber(r.ratio, lang)}×`}${r.off ? (lang === 'es' ? ' **fuera de 0,5–2×**' : ' **outside 0.5–2×**') : ''} |`)];
}
