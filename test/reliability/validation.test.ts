// Issue 18, items 7 and 8: input mistakes are caught (exit 2, one line, a "did you mean"), and nothing is
// written before the inputs are validated.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pollLoop, PY_HEADER, runCli, tempProject } from '../integration/helpers.js';

const PROJECT = { 'pyproject.toml': '[project]\nname = "svc"\n', 'svc/worker.py': `${PY_HEADER}${pollLoop('watch')}` };

test('unknown rule ids in --select/--ignore/--extend-* exit 2 with a "did you mean", and write nothing', () => {
  const { dir, cleanup } = tempProject(PROJECT);
  try {
    for (const flag of ['--select', '--ignore', '--extend-select', '--extend-ignore']) {
      const run = runCli(['analyze', '.', flag, 'PO3O1'], dir);
      assert.equal(run.status, 2, `${flag}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, new RegExp(`^clawperf: ${flag}: unknown rule "PO3O1" \\(did you mean PO301\\?\\)`));
    }
    const far = runCli(['analyze', '.', '--select', 'ZZ999'], dir);
    assert.equal(far.status, 2, 'a false all-clear is worse than an error');
    assert.match(far.stderr, /unknown rule "ZZ999"/);
    // Prefixes and dimensions still select.
    assert.equal(runCli(['analyze', '.', '--select', 'PO,disk', '--format', 'json', '--no-memory'], dir).status, 1);
    assert.deepEqual(readdirSync(dir).sort(), ['.clawperf', 'pyproject.toml', 'svc'], 'only the valid run wrote its cache');
  } finally {
    cleanup();
  }
});

test('unknown rule ids in [tool.clawperf] exit 2 with a "did you mean" that names the file and key', () => {
  const { dir, cleanup } = tempProject({ ...PROJECT, 'pyproject.toml': '[tool.clawperf]\nignore = ["SP5002"]\n' });
  try {
    const run = runCli(['analyze', '.'], dir);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^clawperf: pyproject\.toml ignore: unknown rule "SP5002" \(did you mean SP502\?\)/);
    assert.deepEqual(readdirSync(dir).sort(), ['pyproject.toml', 'svc']);
  } finally {
    cleanup();
  }
});

test('--agents takes decimal counts only: 1,,2 and 0x10 are usage errors', () => {
  const { dir, cleanup } = tempProject(PROJECT);
  try {
    for (const agents of ['1,,2', '0x10', '1e2', ' ,10']) {
      const run = runCli(['analyze', '.', '--agents', agents], dir);
      assert.equal(run.status, 2, `${agents}: ${run.stderr}`);
      assert.match(run.stderr, /^clawperf: --agents expects positive integers/);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['pyproject.toml', 'svc']);
  } finally {
    cleanup();
  }
});

test('a bad capacity file is one line with one "clawperf:" prefix, before anything is written', () => {
  const { dir, cleanup } = tempProject(PROJECT);
  try {
    writeFileSync(join(dir, 'machine.json'), '{ "cores": ');
    const run = runCli(['analyze', '.', '--capacity', 'machine.json'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^clawperf: capacity file machine\.json is not valid JSON/);
    assert.doesNotMatch(run.stderr, /clawperf: clawperf:/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.ok(!existsSync(join(dir, '.clawperf')) && !existsSync(join(dir, '.claude')), 'nothing written');
  } finally {
    cleanup();
  }
});

test('analyze of a path that does not exist exits 2 and creates nothing, not even its parent folders', () => {
  const { dir, cleanup } = tempProject(PROJECT);
  try {
    const run = runCli(['analyze', 'does/not/exist'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^clawperf: path not found: does\/not\/exist\n$/);
    assert.deepEqual(readdirSync(dir).sort(), ['pyproject.toml', 'svc']);
    const mixed = runCli(['analyze', 'svc', 'no/such/file.py'], dir);
    assert.equal(mixed.status, 2);
    assert.deepEqual(readdirSync(dir).sort(), ['pyproject.toml', 'svc'], 'one missing path among good ones: still nothing written');
  } finally {
    cleanup();
  }
});
