// Runtime results (`clawperf stress`, `clawperf trace`) as dated one-line numbers in project memory. They
// are recorded only where the project already keeps a memory (an analysis made it): running a command in
// some folder never creates one there.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatNumber } from '../impact/price.js';
import type { StressResult } from '../runtime/stress/types.js';
import type { TraceResult } from '../runtime/trace/types.js';
import { recordMeasurement } from './index.js';
import { STATE_FILE } from './model.js';
import { memoryDir } from './store.js';

const MIB = 1024 * 1024;
const TRACE_LINES = 3;

function command(argv: string[]): string {
  return argv.join(' ').slice(0, 80);
}

/** `python3 agent.py {agent}: 1 agent 0.02 cores, 28 MiB RSS each; 10 agents …`. */
export function stressLine(result: StressResult): string {
  const rows = result.runs.map(({ row }) =>
    `${row.agents} ${row.agents === 1 ? 'agent' : 'agents'} ${formatNumber(row.cpuPercentOneCore / 100)} cores, ${formatNumber(row.meanRssBytesPerAgent / MIB)} MiB RSS each`);
  return `${command(result.command)}: ${rows.join('; ')} (${formatNumber(result.durationSeconds)} s per count)`;
}

/** `python3 app.py, 30 s: dispatcher.py:57 listdir 200/s; …`. */
export function traceLine(result: TraceResult): string {
  const hottest = result.lines.slice(0, TRACE_LINES).map((l) => `${l.file}:${l.line} ${l.kind} ${formatNumber(l.eventsPerSecond)}/s`);
  return `${command(result.command)}, ${formatNumber(result.durationSeconds)} s: ${hottest.length ? hottest.join('; ') : 'no events in the project’s files'}`;
}

/** Records the line when `root` keeps a memory; returns warnings (never throws: the run's own output stands). */
export async function rememberRuntime(root: string, kind: 'stress' | 'trace', text: string): Promise<string[]> {
  if (!existsSync(join(memoryDir(root), STATE_FILE))) return [];
  try {
    return (await recordMeasurement(root, kind, text)).warnings;
  } catch (error) {
    return [`project memory not updated: ${error instanceof Error ? error.message : String(error)}`];
  }
}
