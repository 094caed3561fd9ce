// The table `clawperf trace` prints after the program's own output.
import type { TraceResult } from './types.js';

const number = new Intl.NumberFormat('en-US');
const rate = (x: number): string => (x >= 100 ? number.format(Math.round(x)) : x.toFixed(x >= 10 ? 1 : 2));

export function formatTraceTable(result: TraceResult, top = 20): string {
  const out: string[] = [];
  const procs = result.processes.length;
  const how =
    result.stoppedBy === 'duration' ? ', stopped by --duration' : result.stoppedBy === 'interrupt' ? ', interrupted' : '';
  out.push(
    `clawperf trace: ${procs} Python process${procs === 1 ? '' : 'es'} traced, ${result.durationSeconds.toFixed(1)} s${how}, exit code ${result.exitCode}`,
  );
  if (procs === 0) {
    out.push('  no Python process was traced: is the command a Python program? (python -I, -E or -S skips sitecustomize)');
    return `${out.join('\n')}\n`;
  }
  if (!result.lines.length) {
    out.push('  no file, process, network, sleep or thread events in the project code');
    return `${out.join('\n')}\n`;
  }
  const rows = result.lines.slice(0, top).map((l) => [`${l.file}:${l.line}`, l.kind, number.format(l.events), rate(l.eventsPerSecond)]);
  const head = ['file:line', 'kind', 'events', 'events/s'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string =>
    r.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  out.push('');
  out.push(fmt(head));
  out.push(fmt(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) out.push(fmt(r));
  if (result.lines.length > top) out.push(`… ${result.lines.length - top} more line(s) in the JSON file`);
  const totals = Object.entries(result.totals)
    .map(([kind, n]) => `${kind} ${number.format(n)}`)
    .join(' · ');
  out.push('');
  out.push(`totals: ${totals}`);
  return `${out.join('\n')}\n`;
}
