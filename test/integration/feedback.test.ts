// What analyze says on stderr: nothing extra when piped or --quiet, timings and per-file notes with
// --verbose; and the pre-commit hook definition.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROGRESS_MIN_FILES } from '../../src/cli/feedback.js';
import { pollLoop, PY_HEADER, REPO_ROOT, runCli, tempProject } from './helpers.js';

test('--verbose prints the settings file, one note per file and the stage timings', () => {
  const { dir, cleanup } = tempProject({ 'svc/worker.py': `${PY_HEADER}${pollLoop('watch')}`, 'svc/idle.py': 'X = 1\n', 'pyproject.toml': '[tool.clawperf]\nfail-on = "none"\n' });
  try {
    const run = runCli(['analyze', 'svc', '--verbose', '--no-memory', '--format', 'json'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^clawperf: settings from pyproject\.toml$/m);
    assert.match(run.stderr, /^clawperf: svc\/worker\.py: \d+ lines, \d+ findings?$/m);
    assert.match(run.stderr, /^clawperf: svc\/idle\.py: \d+ lines, 0 findings$/m);
    assert.match(run.stderr, /^clawperf: timings: discover\+read \d+ ms, parse \d+ ms, link \d+ ms, rules \d+ ms \(total \d+ ms\)$/m);
  } finally {
    cleanup();
  }
});

test('piped output has no progress bar even past the file threshold; --quiet silences notes and warnings', () => {
  const files: Record<string, string> = { 'broken.py': 'def f(:\n    pass\n' };
  for (let i = 0; i <= PROGRESS_MIN_FILES; i++) files[`m/m${i}.py`] = `V${i} = ${i}\n`;
  const { dir, cleanup } = tempProject(files);
  try {
    const piped = runCli(['analyze', '.', '--no-memory', '--no-config', '--format', 'json'], dir);
    assert.doesNotMatch(piped.stderr, /\u001b\[|files \|/, 'no bar when stderr is not a terminal');
    assert.match(piped.stderr, /warning: broken\.py: syntax error/, 'warnings still print');
    const quiet = runCli(['analyze', '.', '--no-memory', '--no-config', '--format', 'json', '--quiet', '--write-baseline', 'b.json'], dir);
    assert.equal(quiet.stderr, '', '--quiet: no warnings, no notes');
    assert.equal(quiet.status, 0);
  } finally {
    cleanup();
  }
});

test('.pre-commit-hooks.yaml declares the clawperf hook', () => {
  const yaml = readFileSync(join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8');
  assert.match(yaml, /^- id: clawperf$/m);
  assert.match(yaml, /^ {2}entry: clawperf analyze --in-project --fail-on critical$/m);
  assert.match(yaml, /^ {2}language: node$/m);
  assert.match(yaml, /^ {2}types: \[python\]$/m);
});
