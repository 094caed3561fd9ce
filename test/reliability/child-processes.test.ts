// `clawperf trace` and `clawperf stress` through the CLI with commands that hang (and ignore SIGTERM),
// crash at once (exit 3), or run while clawperf is interrupted (SIGINT): no process of the command is
// left behind (found by a marker argument in /proc/*/cmdline), and the time bound holds.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, CLI_ENV, killPids, processesWith, runCli, tempDir, waitFor, type CliRun } from './helpers.js';

/**
 * The real interpreter behind `python3`, not a version manager's shim: a shim (pyenv's is a shell script
 * running helpers before it execs python) can be signalled mid-way and exit 1 on its own.
 */
const PYTHON = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() || 'python3';
const hasPython = spawnSync(PYTHON, ['-c', 'pass']).status === 0;
/**
 * Added to every time bound: these tests share two cores with other test files (100 clawperf processes at
 * once, in the worst case). The commands sleep 300 s, so a bound of a few tens of seconds still proves
 * that clawperf ended them rather than waited for them.
 */
const MARGIN = 30_000;
const T = { skip: (process.platform !== 'linux' || !hasPython) && 'needs Linux /proc and python3', timeout: 120_000 };

/**
 * Ignores SIGTERM, and starts two children: one in its process group (also deaf to SIGTERM) and one that
 * escapes into its own session. All three sleep 300 s; argv[1] is the marker.
 */
const HANG = [
  'import signal, subprocess, sys, time',
  'signal.signal(signal.SIGTERM, signal.SIG_IGN)',
  'm = sys.argv[1]',
  "subprocess.Popen([sys.executable, '-c', 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)', m])",
  "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', m], start_new_session=True)",
  'time.sleep(300)',
].join('\n');

/** Like HANG, without the child that leaves the process group. */
const HANG_IN_GROUP = [
  'import signal, subprocess, sys, time',
  'signal.signal(signal.SIGTERM, signal.SIG_IGN)',
  "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', sys.argv[1]])",
  'time.sleep(300)',
].join('\n');

/** Starts a child that sleeps 300 s, then exits 3 at once. */
const CRASH = [
  'import subprocess, sys',
  "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', sys.argv[1]])",
  'sys.exit(3)',
].join('\n');

function marker(): string {
  return `clawperf-rel-${randomBytes(6).toString('hex')}`;
}

/** Runs `body` in a scratch folder with a fresh process marker; the folder is removed whatever happens. */
async function inScratch(body: (dir: string, mark: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    await body(dir, marker());
  } finally {
    cleanup();
  }
}

/** The command's processes (python), not clawperf's own (its argv holds the marker too). */
function commandProcesses(mark: string): number[] {
  return processesWith(mark).filter((pid) => {
    try {
      return !readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('main.js');
    } catch {
      return false;
    }
  });
}

/** Asserts nothing of the command is left; kills leftovers (by pid) so a failure does not leak processes. */
async function assertNoneLeft(mark: string, what: string): Promise<void> {
  // A killed process may need a moment to be reaped by init; a live one stays.
  await waitFor(() => commandProcesses(mark).length === 0, 1_000);
  const left = commandProcesses(mark);
  killPids(left);
  assert.deepEqual(left, [], `${what}: processes left behind`);
}

/** Spawns clawperf, waits until the command's processes run, signals clawperf only (SIGINT by default), and waits. */
async function interrupted(args: string[], cwd: string, mark: string, expectProcesses: number, signal: NodeJS.Signals = 'SIGINT'): Promise<CliRun & { afterSignalMs: number }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...CLI_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const closed = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (status, signal) => resolve({ status, signal })));
  const started = Date.now();
  const up = await waitFor(() => commandProcesses(mark).length >= expectProcesses, 30_000);
  assert.ok(up, `the command started (${commandProcesses(mark).length} processes): ${stderr}`);
  const signalled = Date.now();
  child.kill(signal);
  const end = await closed;
  return { ...end, stdout, stderr, ms: Date.now() - started, afterSignalMs: Date.now() - signalled };
}

// ---------- trace (grace period 3 s: SIGTERM, then SIGKILL)

test('trace --duration 1 on a command that hangs and ignores SIGTERM: stopped in time, nothing left', T, async () => {
  await inScratch(async (dir, mark) => {
    const run = runCli(['trace', '--duration', '1', '-o', 'trace.json', '--', PYTHON, '-c', HANG, mark], dir, { timeoutMs: 90_000 });
    assert.equal(run.signal, null);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.ms < 1_000 + 3_000 + MARGIN, `took ${run.ms} ms (duration 1 s + grace 3 s)`);
    assert.ok(existsSync(join(dir, 'trace.json')));
    await assertNoneLeft(mark, 'trace, hanging command');
  });
});

test('trace on a command that crashes at once (exit 3) leaving a child: exit 3, the child ended, quick', T, async () => {
  await inScratch(async (dir, mark) => {
    const run = runCli(['trace', '--duration', '30', '-o', 'trace.json', '--', PYTHON, '-c', CRASH, mark], dir, { timeoutMs: 90_000 });
    assert.equal(run.status, 3, run.stderr);
    assert.ok(run.ms < 3_000 + MARGIN, `took ${run.ms} ms: the command ended at once, its child within the grace period`);
    await assertNoneLeft(mark, 'trace, crashing command');
  });
});

test('trace interrupted by SIGINT: exit 130 within the grace period, nothing left', T, async () => {
  await inScratch(async (dir, mark) => {
    const run = await interrupted(['trace', '-o', 'trace.json', '--', PYTHON, '-c', HANG, mark], dir, mark, 3);
    assert.equal(run.status, 130, run.stderr);
    assert.ok(run.afterSignalMs < 3_000 + MARGIN, `${run.afterSignalMs} ms after SIGINT`);
    await assertNoneLeft(mark, 'trace, interrupted');
  });
});

test('trace writing its result to a full disk: exit 2, one line, nothing left', { ...T, skip: T.skip || (!existsSync('/dev/full') && 'no /dev/full') }, async () => {
  await inScratch(async (dir, mark) => {
    const run = runCli(['trace', '-o', '/dev/full', '--', PYTHON, '-c', 'import sys', mark], dir, { timeoutMs: 90_000 });
    assert.equal(run.status, 2, run.stderr);
    const lines = run.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /^clawperf trace: .*(ENOSPC|no space)/);
    await assertNoneLeft(mark, 'trace to /dev/full');
  });
});

// ---------- stress (grace period 2 s, then SIGKILL, 2 s more at most)

test('stress --agents 2 --duration 1 on a command that hangs and ignores SIGTERM: stopped in time, nothing left', T, async () => {
  await inScratch(async (dir, mark) => {
    const run = runCli(['stress', '--agents', '2', '--duration', '1', '--run-dir', 'run', '--no-progress', '--', PYTHON, '-c', HANG, mark], dir, { timeoutMs: 90_000 });
    assert.equal(run.signal, null);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.ms < 1_000 + 2_000 + 2_000 + MARGIN, `took ${run.ms} ms`);
    assert.ok(existsSync(join(dir, 'run', 'stress.json')));
    await assertNoneLeft(mark, 'stress, hanging command');
  });
});

test('stress on a command that crashes at once (exit 3) leaving a child: exit 1 (crashed), nothing left', T, async () => {
  await inScratch(async (dir, mark) => {
    // 3 s: long enough for the agents to have crashed before the window ends, even on a busy machine.
    const run = runCli(['stress', '--agents', '2', '--duration', '3', '--run-dir', 'run', '--no-progress', '--', PYTHON, '-c', CRASH, mark], dir, { timeoutMs: 90_000 });
    assert.equal(run.status, 1, `${run.stderr}\n${run.stdout}`);
    assert.ok(run.ms < 3_000 + 2_000 + 2_000 + MARGIN, `took ${run.ms} ms`);
    await assertNoneLeft(mark, 'stress, crashing command');
  });
});

test('stress interrupted by SIGINT: exit 130, nothing left', T, async () => {
  await inScratch(async (dir, mark) => {
    const run = await interrupted(['stress', '--agents', '2', '--duration', '30', '--run-dir', 'run', '--no-progress', '--', PYTHON, '-c', HANG, mark], dir, mark, 6);
    assert.equal(run.status, 130, run.stderr);
    assert.ok(run.afterSignalMs < 2_000 + 2_000 + MARGIN, `${run.afterSignalMs} ms after SIGINT`);
    await assertNoneLeft(mark, 'stress, interrupted');
  });
});

// ---------- clawperf killed outright (SIGKILL: no handler runs; the watchdog process ends the groups)

for (const command of ['trace', 'stress'] as const) {
  test(`${command} killed with SIGKILL: its watchdog ends the command's process group`, T, async () => {
    await inScratch(async (dir, mark) => {
      const args = command === 'trace'
        ? ['trace', '-o', 'trace.json', '--', PYTHON, '-c', HANG_IN_GROUP, mark]
        : ['stress', '--agents', '2', '--duration', '30', '--run-dir', 'run', '--no-progress', '--', PYTHON, '-c', HANG_IN_GROUP, mark];
      const run = await interrupted(args, dir, mark, command === 'trace' ? 2 : 4, 'SIGKILL');
      assert.equal(run.signal, 'SIGKILL');
      await waitFor(() => commandProcesses(mark).length === 0, 3_000);
      await assertNoneLeft(mark, `${command}, SIGKILL`);
    });
  });
}

// Issue 18, item 5: a grandchild that called setsid is in no agent's group; the watchdog still ends it.
test('stress killed with SIGKILL: the watchdog also ends an agent grandchild that called setsid', T, async () => {
  await inScratch(async (dir, mark) => {
    const args = ['stress', '--agents', '2', '--duration', '30', '--run-dir', 'run', '--no-progress', '--', PYTHON, '-c', HANG, mark];
    const run = await interrupted(args, dir, mark, 6, 'SIGKILL');
    assert.equal(run.signal, 'SIGKILL');
    await waitFor(() => commandProcesses(mark).length === 0, 3_000);
    await assertNoneLeft(mark, 'stress, SIGKILL, setsid grandchild');
  });
});

// Issue 18, item 6: the help's own shape, `python3 agent.py {agent}`, with a bare relative script path.
test('stress -- python3 agent.py {agent}: a bare script name is found; when every agent exits early, its error and exit 1, no table', T, async () => {
  await inScratch(async (dir) => {
    writeFileSync(join(dir, 'agent.py'), 'import sys, time\nprint("agent", sys.argv[1], flush=True)\ntime.sleep(30)\n');
    const ok = runCli(['stress', '--agents', '1', '--duration', '1', '--run-dir', 'ok', '--no-progress', '--', PYTHON, 'agent.py', '{agent}'], dir);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /metric/);
    writeFileSync(join(dir, 'bad.py'), 'import sys\nsys.exit("no inbox folder: " + sys.argv[1])\n');
    const bad = runCli(['stress', '--agents', '2', '--duration', '1', '--run-dir', 'bad', '--no-progress', '--', PYTHON, 'bad.py', '{agent}'], dir);
    assert.equal(bad.status, 1, bad.stderr);
    assert.doesNotMatch(bad.stdout, /metric/);
    assert.match(bad.stderr, /^clawperf: every agent exited early, nothing was measured; agent 0: exit code 1: no inbox folder: 0 \(logs: bad\)\n$/);
  });
});
