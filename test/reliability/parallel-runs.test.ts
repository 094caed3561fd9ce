// 100 `clawperf analyze` processes launched at once on the same copy of the demo, memory and content
// cache on: every run succeeds with valid JSON, and the memory and cache folders are consistent afterwards.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { consultMemory, MAX_INDEX_LINES } from '../../src/memory/index.js';
import { DEMO, listTree, runCli, runCliAsync, tempDir } from './helpers.js';

const RUNS = 100;

interface Report {
  summary: { files: number; findings: Record<string, number> };
  findings: Array<{ rule: string; file: string; line: number }>;
}

interface Bottleneck {
  key: string;
  status: string;
}

/** The memory's entry keys after two runs one after the other, on another copy of the demo. */
function sequentialKeys(dir: string, args: string[]): string[] {
  const proj = join(dir, 'sequential', 'proj');
  mkdirSync(proj, { recursive: true });
  for (const name of readdirSync(DEMO).filter((n) => n.endsWith('.py'))) copyFileSync(join(DEMO, name), join(proj, name));
  for (let i = 0; i < 2; i++) assert.equal(runCli([...args, '--no-cache'], join(dir, 'sequential')).status, 0);
  const state = JSON.parse(readFileSync(join(proj, '.claude', 'agent-memory', 'performance-engineer', '.state.json'), 'utf8')) as { bottlenecks: Bottleneck[] };
  return state.bottlenecks.map((b) => b.key).sort();
}

test(`${RUNS} simultaneous analyze runs with memory on: all succeed, memory and cache consistent`, { timeout: 170_000 }, async () => {
  const { dir, cleanup } = tempDir('clawperf-conc-');
  try {
    chmodSync(dir, 0o755);
    const proj = join(dir, 'proj');
    mkdirSync(proj);
    for (const name of readdirSync(DEMO).filter((n) => n.endsWith('.py'))) copyFileSync(join(DEMO, name), join(proj, name));
    const args = ['analyze', 'proj', '--format', 'json', '--fail-on', 'none', '--lang', 'en', '--quiet'];

    const started = Date.now();
    const runs = await Promise.all(Array.from({ length: RUNS }, () => runCliAsync(args, dir)));
    const wall = Date.now() - started;
    // They overlapped: together they took far less than one after another would.
    const serial = runs.reduce((sum, r) => sum + r.ms, 0);
    assert.ok(wall < serial / 4, `wall ${wall} ms vs ${serial} ms summed`);

    const failed = runs.filter((r) => r.status !== 0);
    assert.deepEqual(failed.map((r) => `${r.status}: ${r.stderr.slice(0, 300)}`), [], 'every run exits 0');
    const reports = runs.map((r) => JSON.parse(r.stdout) as Report);
    const shape = (r: Report) => JSON.stringify(r.findings.map((f) => `${f.file}:${f.line}:${f.rule}`));
    assert.equal(new Set(reports.map(shape)).size, 1, 'every run reports the same findings');
    assert.equal(reports[0]!.summary.files, 9);
    for (const r of runs) assert.equal(r.stderr, '', 'no warning from any run');

    // The memory folder: a whole, parseable state; MEMORY.md within its bound; no temp or lock file left.
    const memory = join(proj, '.claude', 'agent-memory', 'performance-engineer');
    const files = listTree(memory);
    assert.deepEqual(files.filter((n) => /tmp|\.lock|corrupt/.test(n)), [], files.join(' '));
    const state = JSON.parse(readFileSync(join(memory, '.state.json'), 'utf8')) as { bottlenecks: Bottleneck[] };
    const index = readFileSync(join(memory, 'MEMORY.md'), 'utf8');
    assert.ok(index.split('\n').length <= MAX_INDEX_LINES, `MEMORY.md has ${index.split('\n').length} lines`);
    // The same entries as two runs one after the other, all confirmed, and every run counted: no update lost.
    assert.deepEqual(state.bottlenecks.map((b) => b.key).sort(), sequentialKeys(dir, args), 'the entries of a sequential memory');
    assert.ok(state.bottlenecks.every((b) => b.status === 'verified'), 'all verified after many runs');
    const counters = JSON.parse(readFileSync(join(memory, '.runs.json'), 'utf8')) as Record<string, { count: number }>;
    assert.deepEqual(state.bottlenecks.filter((b) => counters[b.key]?.count !== RUNS).map((b) => `${b.key}: ${counters[b.key]?.count}`), [], `each entry seen by all ${RUNS} runs`);
    assert.deepEqual(consultMemory({ root: proj, findings: [] }).warnings, [], 'the memory reads back without a warning');

    // The content cache written by 100 processes at once: no temp left, and a run that reads it says
    // exactly what a run without it says.
    const cache = join(proj, '.clawperf', 'cache');
    assert.ok(existsSync(cache));
    assert.deepEqual(listTree(cache).filter((n) => /tmp/i.test(n)), []);
    const fromCache = runCli([...args, '--no-memory'], dir);
    const fresh = runCli([...args, '--no-memory', '--no-cache'], dir);
    assert.equal(fromCache.status, 0, fromCache.stderr);
    assert.equal(fromCache.stdout, fresh.stdout, 'cached and uncached runs agree');
  } finally {
    cleanup();
  }
});
