// Memory keeps the numbers an engineer would: the unit costs, the capacity verdict and its limiting resource
// over time, runtime results with their dates — beside the bottlenecks, in MEMORY.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordMeasurement, updateMemory } from '../../src/memory/index.js';
import { MEMORY, read, tempRoot } from './helpers.js';

const day = (d: number) => new Date(Date.UTC(2025, 0, d, 12));
const numbers = (text: string) => ({ unitCosts: 'the brief’s reference table: subprocesses 5–50 ms', capacity: { agents: 100, text } });

test('unit costs and the capacity verdict are kept with their dates; an unchanged verdict is not repeated', async () => {
  const { root, cleanup } = tempRoot();
  try {
    const run = (d: number, text: string) => updateMemory({ root, findings: [], analysedFiles: [], runId: `r${d}`, now: day(d), numbers: numbers(text) });
    await run(1, 'at 100 agents the design does not hold: CPU saturates first (192 cores / 2)');
    await run(2, 'at 100 agents the design does not hold: CPU saturates first (192 cores / 2)');
    await run(3, 'at 100 agents the design holds: CPU is the most loaded (0.4 cores / 2)');
    await recordMeasurement(root, 'stress', '1/10/50 agents: 0.02/0.05/0.2 cores, 28 MiB RSS per agent', { now: day(4) });
    const index = read(root, 'MEMORY.md');
    assert.match(index, /^## Numbers$/m);
    assert.match(index, /^- Unit costs \(since 2025-01-01\): the brief’s reference table: subprocesses 5–50 ms/m);
    assert.match(index, /^- Capacity 2025-01-03: at 100 agents the design holds/m);
    assert.match(index, /^- Capacity 2025-01-01: at 100 agents the design does not hold/m);
    assert.doesNotMatch(index, /Capacity 2025-01-02/, 'an unchanged verdict is not repeated');
    assert.match(index, /^- Stress 2025-01-04: 1\/10\/50 agents/m);
    assert.ok(index.indexOf('Capacity 2025-01-03') < index.indexOf('Capacity 2025-01-01'), 'newest first');
  } finally {
    cleanup();
  }
});

test('clawperf analyze records the unit costs and the verdict of the run in MEMORY.md', () => {
  const { root, cleanup } = tempRoot();
  try {
    cpSync('examples/openclaw-demo', join(root, 'demo'), { recursive: true });
    const run = spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), 'analyze', '.', '-q', '--fail-on', 'none', '--format', 'json'], { cwd: join(root, 'demo'), encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const index = read(join(root, 'demo'), 'MEMORY.md');
    assert.match(index, /^- Unit costs \(since \d{4}-\d\d-\d\d\): (the brief’s reference table|measured here|partly).*subprocesses/m);
    assert.match(index, /^- Capacity \d{4}-\d\d-\d\d: at 100 agents the design (holds|does not hold).*(first resource to saturate|most loaded)/m);
  } finally {
    cleanup();
  }
});

test('clawperf trace records its hottest lines with the date where the project keeps a memory, and nowhere else', () => {
  const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), ...args], { cwd, encoding: 'utf8' });
  const { root, cleanup } = tempRoot();
  try {
    writeFileSync(join(root, 'tick.py'), 'import os\nfor _ in range(20):\n    os.listdir(".")\n');
    assert.equal(cli(['trace', '--', 'python3', 'tick.py'], root).status, 0);
    assert.ok(!existsSync(join(root, MEMORY)), 'no memory folder is created by a trace');
    assert.equal(cli(['analyze', '.', '-q', '--fail-on', 'none'], root).status, 0);
    assert.equal(cli(['trace', '--', 'python3', 'tick.py'], root).status, 0);
    assert.match(read(root, 'MEMORY.md'), /^- Trace \d{4}-\d\d-\d\d: python3 tick\.py, [\d.]+ s: tick\.py:3 listdir [\d.,]+\/s/m);
  } finally {
    cleanup();
  }
});
