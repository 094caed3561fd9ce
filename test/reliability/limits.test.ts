// Issue 18, items 1, 3, 4 and the bare-CR part of 9: a file far larger or deeper than real code is analysed
// up to its limits with one warning line, never aborting the process; a FIFO is never opened; a file with
// bare CR line ends is Python, not a syntax error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeSources } from '../../src/pipeline.js';
import { analysedLength, MAX_ANALYSED_LINES } from '../../src/parse/limits.js';
import { runCli, tempDir } from './helpers.js';

const DENSE_LINE = 'os.listdir(".")\n';

test('a 300.000-line file beside small ones: parsed in the main thread, cut at the line limit with one warning, exit 0', () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'big.py'), `import os\n${DENSE_LINE.repeat(300_000)}`);
    for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, `${name}.py`), 'import time\nwhile True:\n    time.sleep(1)\n');
    const run = runCli(['analyze', '.', '--no-cache', '--no-memory', '--format', 'json', '--fail-on', 'none', '-v'], dir);
    assert.equal(run.signal, null, run.stderr.slice(-500));
    assert.equal(run.status, 0, run.stderr.slice(-500));
    // Before: the 300 k lines sent the run to a worker whose heap it could outgrow (exit 134 about half the time).
    assert.match(run.stderr, /models: 4 parsed \(in-process\)/);
    const cut = run.stderr.split('\n').filter((line) => line.includes('big.py: only its first'));
    assert.equal(cut.length, 1, run.stderr);
    assert.match(cut[0]!, /only its first 249\.999 of 300\.002 lines analysed \(limit: 250\.000 lines per file\)/);
    assert.doesNotMatch(run.stderr, /Aborted\(\)/);
    const report = JSON.parse(run.stdout) as { summary: { lines: number } };
    assert.ok(report.summary.lines > 300_000, 'every line is counted');
  } finally {
    cleanup();
  }
});

test('the cut falls between whole top-level statements: not inside a string, a decorated def or an if/else', () => {
  const filler = 'x = 1\n'.repeat(MAX_ANALYSED_LINES - 2);
  // The limit falls inside a triple-quoted string whose lines start at column 0.
  const inString = `${filler}S = """\nnot a statement\nnor this\n"""\ny = 2\n`;
  assert.equal(inString.slice(0, analysedLength(inString)), filler);
  const decorated = `${filler}@cache\ndef f():\n    return 1\nz = 3\n`;
  assert.equal(decorated.slice(0, analysedLength(decorated)), filler);
  const branches = `${'x = 1\n'.repeat(MAX_ANALYSED_LINES - 4)}if x:\n    pass\nelse:\n    pass\n`;
  assert.equal(analysedLength(branches), (MAX_ANALYSED_LINES - 4) * 6);
  const small = 'import os\nos.listdir(".")\n';
  assert.equal(analysedLength(small), small.length);
});

test('a call chain 50.000 deep: analysed without the parser aborting, the sound part kept', async () => {
  const text = `import os, time\nwhile not os.path.exists("x"):\n    time.sleep(0.1)\nf()${'()'.repeat(50_000)}\n`;
  const result = await analyzeSources([{ path: 'deep.py', text }], { jobs: 1 });
  assert.ok(result.findings.some((f) => f.file === 'deep.py' && f.rule === 'PO301' && f.line === 2), JSON.stringify(result.warnings));
});

test('a FIFO named on the command line is refused in one line, never opened (no hang)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const made = spawnSync('mkfifo', [join(dir, 'x.py')]);
    if (made.status !== 0) return; // no mkfifo here
    const run = runCli(['analyze', 'x.py', '--no-cache', '--no-memory', '--fail-on', 'none'], dir, { timeoutMs: 60_000 });
    assert.equal(run.signal, null, 'it did not hang');
    assert.match(run.stderr, /x\.py: not a regular file, skipped/);
  } finally {
    cleanup();
  }
});

test('bare CR line ends (which Python accepts) are lines, not a syntax error', async () => {
  const text = 'import os, time\r\rwhile not os.path.exists("x"):\r    time.sleep(0.1)\r';
  const result = await analyzeSources([{ path: 'cr.py', text }], { jobs: 1 });
  assert.deepEqual(result.warnings, []);
  assert.equal(result.summary.parse_errors, 0);
  assert.ok(result.findings.some((f) => f.file === 'cr.py' && f.rule === 'PO301' && f.line === 3), JSON.stringify(result.findings));
});
