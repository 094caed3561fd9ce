// `clawperf trace`: counts per line, children, --duration on a service, pass-through, Ctrl-C, the join.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { joinTrace, runTrace, type TraceResult } from '../../src/runtime/trace/index.js';
import { groupMembers, isAlive } from '../../src/runtime/trace/procs.js';
import type { Finding } from '../../src/rules/types.js';

const FIXTURES = resolve('test/fixtures/runtime');
const CLI = join(FIXTURES, 'cli.mjs');
const hasPython = spawnSync('python3', ['-c', 'import sys; assert sys.version_info >= (3, 8)']).status === 0;
const skip = hasPython ? false : 'python3 >= 3.8 not available';
const T = { skip, timeout: 20_000 };

const temp = (): string => mkdtempSync(join(tmpdir(), 'clawperf-trace-test-'));

function pidsOf(file: string): number[] {
  return readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
}

function finding(partial: Partial<Finding>): Finding {
  return {
    rule: 'DK403',
    dimension: 'disk',
    severity: 'important',
    file: 'x.py',
    line: 1,
    column: 1,
    endLine: 1,
    context: 'loop',
    ...partial,
  } as Finding;
}

test('a directory listed 1,000 times in a loop: exactly 1,000 listdir at that line; exit code kept', T, async () => {
  const dir = temp();
  try {
    const project = join(FIXTURES, 'listdir_loop');
    const output = join(dir, 'trace.json');
    const result = await runTrace({ command: ['python3', 'app.py', '3'], cwd: project, projectRoot: project, output, stdio: 'ignore' });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stoppedBy, null);
    const listdir = result.lines.filter((l) => l.kind === 'listdir');
    assert.deepEqual(
      listdir.map((l) => [l.file, l.line, l.events]),
      [['app.py', 11, 1000]],
    );
    assert.ok(listdir[0]!.eventsPerSecond > 0);
    assert.equal(result.totals.listdir, 1000);
    assert.equal(result.processes.length, 1);
    // Nothing from the stdlib or from Python's own imports is attributed to the user's code.
    assert.ok(result.lines.every((l) => l.file === 'app.py'), JSON.stringify(result.lines));
    const saved = JSON.parse(readFileSync(output, 'utf8')) as TraceResult;
    assert.equal(saved.version, 1);
    assert.deepEqual(saved.command, ['python3', 'app.py', '3']);
    assert.deepEqual(saved.lines, result.lines);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a child python process started with subprocess.run is traced too', T, async () => {
  const dir = temp();
  try {
    const project = join(FIXTURES, 'child');
    const result = await runTrace({ command: ['python3', 'parent.py'], cwd: project, projectRoot: project, output: join(dir, 't.json'), stdio: 'ignore' });
    assert.equal(result.exitCode, 0);
    assert.equal(result.processes.length, 2);
    const by = (file: string, kind: string) => result.lines.find((l) => l.file === file && l.kind === kind);
    assert.equal(by('child.py', 'open')?.events, 50);
    assert.equal(by('child.py', 'open')?.line, 6);
    assert.equal(by('parent.py', 'subprocess')?.events, 1);
    assert.equal(by('parent.py', 'subprocess')?.line, 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the user PYTHONPATH is kept (ours is prepended) and time.sleep is counted', T, async () => {
  const dir = temp();
  try {
    const project = join(FIXTURES, 'pythonpath');
    const result = await runTrace({
      command: ['python3', 'main.py'],
      cwd: project,
      projectRoot: project,
      output: join(dir, 't.json'),
      env: { PYTHONPATH: join(project, 'lib'), PYTHONDONTWRITEBYTECODE: '1' },
      stdio: 'ignore',
    });
    assert.equal(result.exitCode, 0);
    assert.deepEqual(
      result.lines.filter((l) => l.kind === 'sleep').map((l) => [l.file, l.line, l.events]),
      [['main.py', 7, 3]],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--duration 1 stops a long-running service and its children, and still yields a result', T, async () => {
  const dir = temp();
  try {
    const project = join(FIXTURES, 'service');
    const pidfile = join(dir, 'pids.txt');
    const started = Date.now();
    const result = await runTrace({
      command: ['python3', 'server.py'],
      cwd: project,
      projectRoot: project,
      durationSeconds: 1,
      graceSeconds: 5, // generous on a loaded machine: the SIGTERM path (flush, then die) is what is tested
      output: join(dir, 'trace.json'),
      env: { PIDFILE: pidfile },
      stdio: 'ignore',
    });
    assert.ok(Date.now() - started < 9000);
    assert.equal(result.stoppedBy, 'duration');
    assert.equal(result.signal, 'SIGTERM');
    assert.equal(result.exitCode, 143);
    assert.ok(result.durationSeconds >= 0.9 && result.durationSeconds < 7, String(result.durationSeconds));
    // On a loaded machine the service may not have polled yet when the second is up: check what it did.
    assert.ok(result.lines.every((l) => l.file === 'server.py'), JSON.stringify(result.lines));
    const poll = result.lines.find((l) => l.kind === 'listdir');
    if (poll) assert.equal(poll.line, 13);
    assert.ok(result.processes.length >= 1); // flushed on SIGTERM (the helper too, unless it was still starting)
    assert.ok(existsSync(join(dir, 'trace.json')));
    const pids = existsSync(pidfile) ? pidsOf(pidfile) : result.processes.map((p) => p.pid);
    assert.ok(pids.length > 0);
    for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} still alive`);
    assert.deepEqual(groupMembers(pids[0]!), []); // the service led the process group
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: the program output and exit code pass through, the table comes after', T, () => {
  const dir = temp();
  try {
    const output = join(dir, 'out.json');
    const r = spawnSync(process.execPath, [CLI, 'trace', '--output', output, '--project', join(FIXTURES, 'listdir_loop'), '--', 'python3', join(FIXTURES, 'listdir_loop', 'app.py'), '5'], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(r.status, 5, r.stderr);
    assert.ok(r.stdout.startsWith('listed 2000\n'), r.stdout);
    const table = r.stdout.indexOf('file:line');
    assert.ok(table > 0);
    assert.match(r.stdout.slice(table), /app\.py:11\s+listdir\s+1,000\s/);
    assert.ok(existsSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: usage errors exit 2 with one line', { timeout: 15_000 }, () => {
  const none = spawnSync(process.execPath, [CLI, 'trace'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no command/);
  const dir = temp();
  try {
    const missing = spawnSync(process.execPath, [CLI, 'trace', '--output', join(dir, 't.json'), '--', 'no-such-python-xyz', 'app.py'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr.trim(), 'clawperf trace: command not found: no-such-python-xyz');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: Ctrl-C stops the service, writes the result, leaves no process behind', T, async () => {
  const dir = temp();
  try {
    const pidfile = join(dir, 'pids.txt');
    const output = join(dir, 'trace.json');
    const child = spawn(process.execPath, [CLI, 'trace', '--output', output, '--', 'python3', join(FIXTURES, 'service', 'server.py')], {
      env: { ...process.env, PIDFILE: pidfile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let interrupted: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('serving') && !interrupted) interrupted = setTimeout(() => child.kill('SIGINT'), 100); // after 5 polls
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    assert.equal(code, 130);
    assert.match(stdout, /interrupted/);
    const saved = JSON.parse(readFileSync(output, 'utf8')) as TraceResult;
    assert.equal(saved.stoppedBy, 'interrupt');
    const poll = saved.lines.find((l) => l.kind === 'listdir' && l.file.endsWith('server.py'));
    assert.ok(poll && poll.line === 13 && poll.events >= 5, JSON.stringify(saved.lines));
    for (const pid of pidsOf(pidfile)) assert.equal(isAlive(pid), false, `pid ${pid} still alive`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('join: a finding on the traced line is confirmed with its rate; uncovered hot lines are returned', () => {
  const root = join(FIXTURES, 'listdir_loop');
  const trace: TraceResult = {
    version: 1,
    command: ['python3', 'app.py'],
    projectRoot: root,
    durationSeconds: 2,
    exitCode: 0,
    signal: null,
    stoppedBy: null,
    processes: [],
    lines: [
      { file: 'app.py', line: 11, kind: 'listdir', events: 1000, eventsPerSecond: 500 },
      { file: 'app.py', line: 11, kind: 'open', events: 4, eventsPerSecond: 2 },
      { file: 'app.py', line: 17, kind: 'subprocess', events: 40, eventsPerSecond: 20 },
      { file: 'app.py', line: 3, kind: 'open', events: 1, eventsPerSecond: 0.5 },
    ],
    totals: { listdir: 1000, subprocess: 40, open: 5 },
  };
  // Findings are relative to the current directory (the repo root here), the trace to the project root.
  const file = relative(process.cwd(), join(root, 'app.py'));
  const { findings, unflagged } = joinTrace(
    [
      finding({ rule: 'DK403', dimension: 'disk', file, line: 10, endLine: 10 }), // ±1
      finding({ rule: 'SP501', dimension: 'subprocess', file, line: 11, endLine: 11 }), // wrong kind there
      finding({ rule: 'PO301', dimension: 'polling', file: 'elsewhere.py', line: 11, endLine: 11 }),
    ],
    trace,
  );
  assert.deepEqual(findings[0]!.runtime, { eventsPerSecond: 500, kind: 'listdir', events: 1000 });
  assert.equal(findings[1]!.runtime, undefined);
  assert.equal(findings[2]!.runtime, undefined);
  assert.deepEqual(
    unflagged.map((l) => `${l.file}:${l.line}:${l.kind}`),
    ['app.py:17:subprocess', 'app.py:11:open'],
  );
  // A finding given with an absolute path joins the same way.
  const again = joinTrace([finding({ rule: 'DK403', file: join(root, 'app.py'), line: 11, endLine: 11 })], trace);
  assert.equal(again.findings[0]!.runtime?.events, 1000);
});
