// clawperf stress: real runs of small commands (short durations, 1–3 agents) and the pure parts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stressCommand } from '../../src/cli/commands/stress.js';
import {
  classify,
  compareStress,
  formatComparison,
  formatStressTable,
  growthOf,
  runStress,
  type StressResult,
  type StressRow,
} from '../../src/runtime/stress/index.js';
import { parseIo, parseStat } from '../../src/runtime/stress/procfs.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'clawperf-stress-'));

/** The real interpreter, not a version manager's shim (pyenv's adds its own start-up processes). */
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

/** Ended: no /proc entry, or a zombie waiting to be reaped (not running, holds nothing but its pid). */
function ended(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

function capture(): { io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): NodeJS.WritableStream =>
    ({ write: (chunk: string | Uint8Array) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) }, out: () => out, err: () => err };
}

test('a trivial command at 1 and 2 agents gives a row per count with sane figures, a JSON and an SVG', async () => {
  const runDir = join(tmp(), 'run');
  const result = await runStress({
    command: ['sh', '-c', 'while :; do cat /etc/hostname >/dev/null; sleep 0.05; done'],
    agents: [2, 1],
    durationSeconds: 1,
    runDir,
  });
  assert.deepEqual(result.agents, [1, 2]);
  assert.deepEqual(result.runs.map((r) => r.row.agents), [1, 2]);
  for (const run of result.runs) {
    const row = run.row;
    assert.ok(row.windowSeconds > 0.7 && row.windowSeconds < 2, `window ${row.windowSeconds}`);
    assert.ok(row.cpuSecondsTotal >= 0 && row.cpuSecondsTotal < 2 * result.machine.cores);
    assert.ok(row.cpuPercentOneCore < 100 * result.machine.cores + 1);
    assert.ok(row.peakRssBytesPerAgent > 100 * 1024, `rss ${row.peakRssBytesPerAgent}`);
    assert.ok(row.peakRssBytesTotal >= row.peakRssBytesPerAgent * row.agents * 0.5);
    assert.ok(row.peakFdsPerAgent >= 3, `fds ${row.peakFdsPerAgent}`);
    assert.ok(row.peakThreadsPerAgent >= 1);
    assert.ok(row.processesSeenTotal >= 1, 'the sleeps and cats are seen');
    if (result.ioAvailable) assert.ok(row.readSyscallsPerSecondPerAgent > 5, `syscr/s ${row.readSyscallsPerSecondPerAgent}`);
    assert.equal(row.throughputPerSecondTotal, null);
    assert.equal(run.leftover.running, 0);
    assert.equal(run.earlyExits.length, 0);
    assert.equal(run.agentsDetail.length, row.agents);
  }
  assert.ok(result.growth.some((g) => g.metric === 'cpuSecondsPerAgent' && g.fromAgents === 1 && g.toAgents === 2));
  const json = JSON.parse(readFileSync(join(runDir, 'stress.json'), 'utf8')) as StressResult;
  assert.equal(json.kind, 'clawperf-stress');
  assert.equal(json.runs.length, 2);
  const svg = readFileSync(join(runDir, 'stress.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /CPU, % of one core/);
  assert.doesNotMatch(svg, /NaN|Infinity|<script/);
  const table = formatStressTable(result);
  assert.match(table, /CPU s per agent/);
  assert.match(table, /growth 1→2/);
});

test('a hung command is ended at the deadline: SIGTERM, then SIGKILL; nothing of the run remains', async () => {
  const runDir = join(tmp(), 'run');
  const started = Date.now();
  // Ignores SIGTERM, has a background child and one that leaves the session (setsid).
  const result = await runStress({
    command: ['sh', '-c', 'trap "" TERM; sleep 100 & setsid sleep 100 & sleep 100'],
    agents: [2],
    durationSeconds: 1,
    graceSeconds: 0.5,
    runDir,
  });
  const plain = await runStress({ command: ['sleep', '100'], agents: [1], durationSeconds: 1, runDir: join(runDir, 'plain') });
  assert.ok(Date.now() - started < 8000);
  for (const r of [result, plain]) {
    const run = r.runs[0]!;
    assert.equal(run.leftover.running, 0);
    const pids = run.agentsDetail.flatMap((d) => d.pids);
    assert.ok(pids.length >= run.row.agents, 'pids recorded');
    for (const pid of pids) assert.ok(ended(pid), `pid ${pid} still running`);
  }
  assert.ok(result.runs[0]!.agentsDetail.every((d) => d.pids.length >= 4), 'sh, two sleeps and the setsid one are tracked');
});

test('a command that crashes early is recorded, the count ends early, and the CLI exits 1 with its error, no table', async () => {
  const runDir = join(tmp(), 'run');
  const c = capture();
  const started = Date.now();
  const code = await stressCommand(['sh', '-c', 'echo boom >&2; exit 3'], { agents: '1,2', duration: '20', runDir, progress: false }, c.io);
  assert.ok(Date.now() - started < 5000, 'did not wait for the duration');
  assert.equal(code, 1);
  // Every agent exited early: nothing was measured, so no table, only the first agent's error.
  assert.equal(c.out(), '');
  assert.match(c.err(), /every agent exited early, nothing was measured; agent 0: exit code 3: boom/);
  const result = JSON.parse(readFileSync(join(runDir, 'stress.json'), 'utf8')) as StressResult;
  assert.equal(result.runs[1]!.earlyExits.length, 2);
  assert.equal(result.runs[1]!.earlyExits[0]!.code, 3);
});

test('naive vs improved worker at 1 and 3 agents: the naive one costs more CPU and read syscalls per agent', async () => {
  const root = tmp();
  const run = (worker: string): Promise<StressResult> =>
    runStress({
      command: [python, `examples/workers/${worker}_agent.py`, '{agent}', '.'],
      agents: [1, 3],
      durationSeconds: 2,
      warmupSeconds: 0.5,
      countFiles: 'outbox',
      feed: `${python} examples/workers/feed.py --rate 20`,
      runDir: join(root, worker),
    });
  const naive = await run('naive');
  const improved = await run('improved');
  for (const i of [0, 1]) {
    const n = naive.runs[i]!;
    const m = improved.runs[i]!;
    assert.equal(n.row.agents, m.row.agents);
    assert.equal(n.earlyExits.length, 0, JSON.stringify(n.earlyExits));
    assert.equal(m.earlyExits.length, 0, JSON.stringify(m.earlyExits));
    assert.ok(n.row.cpuSecondsPerAgent > m.row.cpuSecondsPerAgent, `CPU/agent at ${n.row.agents}: naive ${n.row.cpuSecondsPerAgent} vs improved ${m.row.cpuSecondsPerAgent}`);
    if (naive.ioAvailable) {
      assert.ok(
        n.row.readSyscallsPerSecondPerAgent > m.row.readSyscallsPerSecondPerAgent,
        `read syscalls/s/agent at ${n.row.agents}: naive ${n.row.readSyscallsPerSecondPerAgent} vs improved ${m.row.readSyscallsPerSecondPerAgent}`,
      );
    }
    assert.ok((n.row.throughputPerSecondTotal ?? 0) > 0 && (m.row.throughputPerSecondTotal ?? 0) > 0, 'both process messages');
    assert.equal(n.leftover.running + m.leftover.running, 0);
  }
  const cmp = compareStress(naive, improved);
  assert.deepEqual(cmp.agents, [1, 3]);
  assert.equal(cmp.deltas.find((d) => d.agents === 3 && d.metric === 'cpuSecondsPerAgent')!.verdict, 'better');
});

function row(agents: number, cpuPerAgent: number, syscrPerAgent: number, throughput: number | null): StressRow {
  return {
    agents,
    windowSeconds: 10,
    cpuSecondsTotal: cpuPerAgent * agents,
    cpuSecondsPerAgent: cpuPerAgent,
    cpuPercentOneCore: ((cpuPerAgent * agents) / 10) * 100,
    peakRssBytesPerAgent: 10 * 1024 * 1024,
    meanRssBytesPerAgent: 9 * 1024 * 1024,
    peakRssBytesTotal: 10 * 1024 * 1024 * agents,
    peakFdsPerAgent: 5,
    peakFdsTotal: 5 * agents,
    peakThreadsPerAgent: 1,
    peakThreadsTotal: agents,
    processesSeenTotal: 0,
    processesSeenPerAgent: 0,
    systemForks: 10,
    readSyscallsPerSecondTotal: syscrPerAgent * agents,
    readSyscallsPerSecondPerAgent: syscrPerAgent,
    writeSyscallsPerSecondTotal: 0,
    writeSyscallsPerSecondPerAgent: 0,
    readBytesPerSecondTotal: 0,
    readBytesPerSecondPerAgent: 0,
    writeBytesPerSecondTotal: 0,
    writeBytesPerSecondPerAgent: 0,
    diskReadBytesTotal: 0,
    diskWriteBytesTotal: 0,
    throughputPerSecondTotal: throughput,
    throughputPerSecondPerAgent: throughput === null ? null : throughput / agents,
  };
}

function fakeResult(rows: StressRow[], command: string[]): StressResult {
  return {
    version: 1,
    kind: 'clawperf-stress',
    command,
    agents: rows.map((r) => r.agents),
    durationSeconds: 10,
    warmupSeconds: 0,
    sampleMs: 200,
    shared: null,
    runDir: '/tmp/x',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:01:00.000Z',
    interrupted: false,
    machine: { cores: 2, pageBytes: 4096, clockTicks: 100, platform: 'linux', release: 'x' },
    throughputSource: 'count-files',
    ioAvailable: true,
    runs: rows.map((r) => ({
      row: r,
      dir: '/tmp/x',
      agentsDetail: [],
      earlyExits: [],
      saturated: false,
      leftover: { running: 0, zombies: 0 },
      sampler: { samples: 50, meanIntervalMs: 200, cpuSeconds: 0.1, cpuPercentOneCore: 1 },
      feed: null,
    })),
    growth: growthOf(rows),
    method: [],
  };
}

test('growth classification: ±25 % per-agent change is linear', () => {
  assert.equal(classify(1), 'linear');
  assert.equal(classify(1.2), 'linear');
  assert.equal(classify(0.8), 'linear');
  assert.equal(classify(1.3), 'super-linear');
  assert.equal(classify(0.5), 'sub-linear');
  assert.equal(classify(null), 'n/a');
  const g = growthOf([row(1, 0.1, 100, 5), row(10, 0.1, 300, 40)]);
  assert.equal(g.find((x) => x.metric === 'cpuSecondsPerAgent')!.class, 'linear');
  assert.equal(g.find((x) => x.metric === 'readSyscallsPerSecondPerAgent')!.class, 'super-linear');
  assert.equal(g.find((x) => x.metric === 'readSyscallsPerSecondPerAgent')!.factor, 3);
  assert.equal(g.find((x) => x.metric === 'throughputPerSecondPerAgent')!.class, 'linear');
  assert.equal(g.find((x) => x.metric === 'processesSeenPerAgent'), undefined, 'a sampled lower bound gets no growth class');
  assert.equal(g.find((x) => x.metric === 'writeSyscallsPerSecondPerAgent')!.class, 'n/a', 'zero at both ends');
});

test('--compare computes the change per metric, with a verdict and a headline for memory', async () => {
  const before = fakeResult([row(1, 0.4, 400, 5), row(10, 0.5, 500, 40)], ['python3', 'naive.py']);
  const after = fakeResult([row(1, 0.1, 40, 5), row(10, 0.1, 40, 50), row(50, 0.1, 40, 240)], ['python3', 'improved.py']);
  const cmp = compareStress(before, after);
  assert.deepEqual(cmp.agents, [1, 10]);
  const cpu10 = cmp.deltas.find((d) => d.agents === 10 && d.metric === 'cpuSecondsPerAgent')!;
  assert.equal(cpu10.before, 0.5);
  assert.equal(cpu10.after, 0.1);
  assert.ok(Math.abs(cpu10.changePercent! - -80) < 1e-9);
  assert.equal(cpu10.verdict, 'better');
  const tput10 = cmp.deltas.find((d) => d.agents === 10 && d.metric === 'throughputPerSecondTotal')!;
  assert.equal(tput10.changePercent, 25);
  assert.equal(tput10.verdict, 'better');
  const rss = cmp.deltas.find((d) => d.agents === 10 && d.metric === 'peakRssBytesPerAgent')!;
  assert.equal(rss.verdict, 'same');
  assert.equal(compareStress(after, before).deltas.find((d) => d.agents === 10 && d.metric === 'cpuSecondsPerAgent')!.verdict, 'worse');
  assert.match(cmp.headline, /^at 10 agents: CPU s per agent 0\.500 s → 0\.100 s \(−80\.0 %\)/);
  assert.match(formatComparison(cmp), /read syscalls\/s per agent\s+500\s+40\s+−92\.0 %\s+better/);

  // Through the command line, from files.
  const dir = tmp();
  writeFileSync(join(dir, 'before.json'), JSON.stringify(before));
  writeFileSync(join(dir, 'after.json'), JSON.stringify(after));
  const c = capture();
  assert.equal(await stressCommand([], { agents: '1', duration: '1', compare: [join(dir, 'before.json'), join(dir, 'after.json')] }, c.io), 0);
  assert.match(c.out(), /measured impact: at 10 agents/);
  const j = capture();
  assert.equal(await stressCommand([], { agents: '1', duration: '1', json: true, compare: [join(dir, 'before.json'), join(dir, 'after.json')] }, j.io), 0);
  assert.equal((JSON.parse(j.out()) as { kind: string }).kind, 'clawperf-stress-comparison');
});

test('usage errors: one line on stderr, exit 2', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'bad.json'), '{"kind":"other"}');
  const cases: Array<[string[], Parameters<typeof stressCommand>[1]]> = [
    [[], { agents: '1', duration: '1' }],
    [['sleep', '1'], { agents: '0,2', duration: '1' }],
    [['sleep', '1'], { agents: '1,x', duration: '1' }],
    [['sleep', '1'], { agents: '1', duration: 'soon' }],
    [['no-such-command-xyz'], { agents: '1', duration: '1' }],
    [['sleep', '1'], { agents: '1', duration: '1', progressRegex: '(' }],
    [['sleep', '1'], { agents: '1', duration: '1', shared: join(dir, 'missing') }],
    [[], { agents: '1', duration: '1', compare: [join(dir, 'bad.json')] }],
    [[], { agents: '1', duration: '1', compare: [join(dir, 'bad.json'), join(dir, 'bad.json')] }],
  ];
  for (const [command, opts] of cases) {
    const c = capture();
    assert.equal(await stressCommand(command, { ...opts, progress: false }, c.io), 2, JSON.stringify([command, opts]));
    assert.equal(c.err().trimEnd().split('\n').length, 1, c.err());
    assert.match(c.err(), /^clawperf stress: /);
  }
});

test('/proc parsing: comm with spaces and parentheses, io counters', () => {
  const stat = parseStat('123 (a (b) c) S 1 123 123 0 -1 4194304 10 0 0 0 7 3 2 1 20 0 4 0 555 1000 250 18446744073709551615');
  assert.ok(stat);
  assert.equal(stat.comm, 'a (b) c');
  assert.equal(stat.ppid, 1);
  assert.equal(stat.session, 123);
  assert.equal(stat.utime + stat.stime + stat.cutime + stat.cstime, 13);
  assert.equal(stat.threads, 4);
  assert.equal(stat.starttime, 555);
  assert.equal(stat.rssPages, 250);
  const io = parseIo('rchar: 10\nwchar: 20\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n');
  assert.deepEqual(io, { rchar: 10, wchar: 20, syscr: 3, syscw: 4, readBytes: 4096, writeBytes: 8192 });
});
