// Text output: the scaling table (metrics down, agent counts across) and the before/after comparison.
import { formatChangePercent } from './compare.js';
import { fmtFactor, fmtValue, METRICS, type Unit } from './metrics.js';
import type { StressComparison, StressResult, StressRow } from './types.js';

function table(header: string[], rows: string[][], rightFrom = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i >= rightFrom && i < header.length ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

const SHOWN: Array<keyof StressRow> = [
  'cpuSecondsTotal',
  'cpuSecondsPerAgent',
  'cpuPercentOneCore',
  'peakRssBytesPerAgent',
  'peakRssBytesTotal',
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

export function formatStressTable(result: StressResult): string {
  const rows = result.runs.map((r) => r.row).sort((a, b) => a.agents - b.agents);
  const out: string[] = [];
  out.push(`clawperf stress: ${result.command.join(' ')}`);
  out.push(
    `${result.durationSeconds} s measured per count${result.warmupSeconds ? ` after ${result.warmupSeconds} s warm-up` : ''}, ` +
      `sampled every ${result.sampleMs} ms, ${result.shared ? `shared folder ${result.shared}` : 'one sandbox folder per agent'}, ${result.machine.cores} cores`,
  );
  out.push('');
  const lastN = rows.at(-1)?.agents;
  const firstN = rows[0]?.agents;
  const growthHeader = rows.length > 1 ? `growth ${firstN}→${lastN} (per agent)` : '';
  const header = ['metric', ...rows.map((r) => `${r.agents} agent${r.agents === 1 ? '' : 's'}`), ...(growthHeader ? [growthHeader] : [])];
  const body: string[][] = [];
  for (const key of SHOWN) {
    const info = METRICS.find((m) => m.key === key)!;
    if (key.startsWith('throughput') && result.throughputSource === null) continue;
    const cells = rows.map((r) => fmtValue(r[key] as number | null, info.unit as Unit));
    const g = info.perAgent ? result.growth.find((x) => x.metric === key && x.toAgents === lastN) : undefined;
    body.push([info.label, ...cells, ...(growthHeader ? [g ? fmtFactor(g) : ''] : [])]);
  }
  out.push(table(header, body));
  out.push('');
  out.push('growth: per-agent figure at N ÷ at the smallest count; ×0.75–1.25 linear (total ∝ N), below sub-linear, above super-linear.');
  if (result.throughputSource) out.push(`throughput: ${result.throughputSource === 'progress-regex' ? 'stdout lines matching --progress-regex' : 'new files in --count-files'}, per second.`);
  if (!result.ioAvailable && result.runs.some((r) => r.row.peakRssBytesTotal > 0)) out.push('note: /proc/PID/io was not readable (ptrace restrictions?): syscall and byte figures are 0.');
  for (const run of result.runs) {
    const n = run.row.agents;
    if (run.saturated) out.push(`note: at ${n} agents the machine's ${result.machine.cores} cores were nearly saturated: per-agent CPU is capped there, throughput tells more.`);
    const crashed = run.earlyExits.filter((e) => e.code !== 0 || e.signal !== null || e.error);
    const finished = run.earlyExits.length - crashed.length;
    if (crashed.length) {
      const first = crashed[0]!;
      const why = first.error ?? (first.signal ? `signal ${first.signal}` : `exit code ${first.code}`);
      out.push(`warning: at ${n} agents, ${crashed.length} of ${n} exited early (agent ${first.agent}: ${why} after ${first.atSeconds.toFixed(2)} s).`);
      if (first.outputTail) out.push(first.outputTail.split('\n').map((l) => `    | ${l}`).join('\n'));
    }
    if (finished) out.push(`note: at ${n} agents, ${finished} of ${n} finished (exit 0) before the time was up.`);
    if (run.leftover.running) out.push(`warning: at ${n} agents, ${run.leftover.running} process(es) could not be ended.`);
    if (run.sampler.cpuPercentOneCore >= 5) out.push(`note: at ${n} agents the sampler itself used ${run.sampler.cpuPercentOneCore.toFixed(1)} % of one core.`);
  }
  if (result.interrupted) out.push('interrupted: the figures cover only what ran before Ctrl-C.');
  return out.join('\n');
}

export function formatComparison(cmp: StressComparison, beforeName = 'before', afterName = 'after'): string {
  const out: string[] = [];
  out.push(`clawperf stress --compare`);
  out.push(`  before: ${beforeName}  (${cmp.before.command.join(' ')})`);
  out.push(`  after:  ${afterName}  (${cmp.after.command.join(' ')})`);
  if (cmp.agents.length === 0) {
    out.push('', 'no agent count in common: nothing to compare.');
    return out.join('\n');
  }
  for (const n of cmp.agents) {
    out.push('');
    const rows = cmp.deltas
      .filter((d) => d.agents === n)
      .map((d) => [d.label, fmtValue(d.before, d.unit as Unit), fmtValue(d.after, d.unit as Unit), formatChangePercent(d.changePercent), d.verdict]);
    out.push(table([`at ${n} agent${n === 1 ? '' : 's'}`, 'before', 'after', 'change', ''], rows));
  }
  const growth = cmp.growth.filter((g) => g.before || g.after);
  if (growth.length) {
    out.push('');
    out.push(
      table(
        ['growth (per agent, smallest → largest count)', 'before', 'after'],
        growth.map((g) => [g.label, g.before ? fmtFactor(g.before) : '–', g.after ? fmtFactor(g.after) : '–']),
      ),
    );
  }
  out.push('', `measured impact: ${cmp.headline}`);
  return out.join('\n');
}
