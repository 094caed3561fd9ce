// Issue 18, item 2: a symlinked `.claude` or `.clawperf` that leads out of the project must not carry
// clawperf's own writes (memory, cache, trace and stress results, calibration) there. MCP refuses always; the
// CLI refuses its default folders, and writes where the user named a folder explicitly.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ClawperfTools } from '../../src/mcp/tools.js';
import { escapesRoot } from '../../src/util/confine.js';
import { runCli, tempDir } from './helpers.js';

const CODE = 'import os, time\nwhile not os.path.exists("x"):\n    time.sleep(0.1)\n';

function layout(): { root: string; claude: string; clawperf: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir('clawperf-escape-');
  const root = join(dir, 'root');
  const claude = join(dir, 'claude-target');
  const clawperf = join(dir, 'clawperf-target');
  for (const folder of [root, claude, clawperf]) mkdirSync(folder);
  writeFileSync(join(root, 'agent.py'), CODE);
  symlinkSync(claude, join(root, '.claude'));
  symlinkSync(clawperf, join(root, '.clawperf'));
  return { root, claude, clawperf, cleanup };
}

test('escapesRoot: a folder under a symlink that leaves the root is refused in one line; one that stays is not', () => {
  const { root, cleanup } = layout();
  try {
    const reason = escapesRoot(root, join(root, '.claude', 'agent-memory', 'x'), 'the memory folder');
    assert.match(reason ?? '', /^the memory folder \.claude\/agent-memory\/x resolves to \S+claude-target\/agent-memory\/x, outside the project root \S+ \(a symlink\): not written$/);
    assert.equal(escapesRoot(root, join(root, 'sub', 'new'), 'the cache folder'), undefined);
  } finally {
    cleanup();
  }
});

test('CLI analyze: memory and cache refused under a symlinked .claude and .clawperf, run still exits 0', () => {
  const { root, claude, clawperf, cleanup } = layout();
  try {
    const run = runCli(['analyze', '.', '--fail-on', 'none', '--format', 'json'], root);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /the cache folder \.clawperf\/cache resolves to .*outside the project root/);
    assert.match(run.stderr, /project memory not updated: the memory folder \.claude\/agent-memory\/performance-engineer resolves to .*outside the project root/);
    assert.deepEqual(readdirSync(claude), []);
    assert.deepEqual(readdirSync(clawperf), []);
    // Named explicitly, the folder is the user's choice.
    const named = runCli(['analyze', '.', '--fail-on', 'none', '--no-memory', '--cache-dir', '.clawperf/cache'], root);
    assert.equal(named.status, 0, named.stderr);
    assert.deepEqual(readdirSync(clawperf), ['cache']);
  } finally {
    cleanup();
  }
});

test('CLI memory remember and stress (default folders) refuse a symlinked target', () => {
  const { root, claude, clawperf, cleanup } = layout();
  try {
    const remember = runCli(['memory', 'remember', 'ignore tests/'], root);
    assert.equal(remember.status, 2, remember.stderr);
    assert.match(remember.stderr, /resolves to .*outside the project root/);
    assert.equal(remember.stderr.trim().split('\n').length, 1, remember.stderr);
    const stress = runCli(['stress', '--agents', '1', '--duration', '1', '--', 'python3', 'agent.py', '{agent}'], root);
    assert.equal(stress.status, 2, stress.stderr);
    assert.match(stress.stderr, /the stress folder .* resolves to .*outside the project root/);
    assert.deepEqual(readdirSync(claude), []);
    assert.deepEqual(readdirSync(clawperf), []);
  } finally {
    cleanup();
  }
});

test('MCP analyze, memory_remember, trace and stress write nothing through a symlinked .claude or .clawperf', async () => {
  const { root, claude, clawperf, cleanup } = layout();
  try {
    const warnings: string[] = [];
    const tools = new ClawperfTools({ root, allowRun: true, warn: (m) => warnings.push(m) });
    const analysed = await tools.run(() => tools.analyze({ format: 'json' }));
    assert.notEqual(analysed.isError, true, analysed.text.join('\n'));
    const remembered = await tools.run(() => tools.memoryRemember({ text: 'ignore tests/' }));
    assert.equal(remembered.isError, true);
    assert.match(remembered.text.join('\n'), /outside the project root/);
    const traced = await tools.run(() => tools.trace({ command: ['python3', '-c', 'pass'], durationSeconds: 1 }));
    assert.equal(traced.isError, true);
    assert.match(traced.text.join('\n'), /the trace file .* outside the project root/);
    const stressed = await tools.run(() => tools.stress({ command: ['python3', '-c', 'pass'], agents: [1], durationSeconds: 1 }));
    assert.equal(stressed.isError, true);
    assert.match(stressed.text.join('\n'), /the stress folder .* outside the project root/);
    assert.deepEqual(readdirSync(claude), []);
    assert.deepEqual(readdirSync(clawperf), []);
  } finally {
    cleanup();
  }
});
