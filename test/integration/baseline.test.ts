// Baselines: record today's findings, then report only new ones, even after the old code moved lines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fingerprintOf, normaliseLine } from '../../src/ci/fingerprint.js';
import { findingsOf, pollLoop, PY_HEADER, runCli, tempProject, writeFiles } from './helpers.js';

const JSON_ARGS = ['--format', 'json', '--no-memory', '--no-config', '--select', 'PO301'];

test('baseline round trip: write, then only new findings are reported, robust to line shifts', () => {
  const { dir, cleanup } = tempProject({ 'app/worker.py': `${PY_HEADER}${pollLoop('watch')}`, 'app/other.py': `${PY_HEADER}${pollLoop('scan')}` });
  try {
    const written = runCli(['analyze', 'app', ...JSON_ARGS, '--write-baseline', 'ci/clawperf-baseline.json'], dir);
    assert.equal(written.status, 0, `writing a baseline reports nothing new: ${written.stderr}`);
    assert.deepEqual(findingsOf(written), []);
    assert.match(written.stderr, /baseline: recorded 2 findings in ci\/clawperf-baseline\.json/);
    const baseline = JSON.parse(readFileSync(join(dir, 'ci/clawperf-baseline.json'), 'utf8')) as { tool: string; findings: { rule: string; file: string; code: string; fingerprint: string }[] };
    assert.equal(baseline.tool, 'clawperf');
    assert.deepEqual(baseline.findings.map((f) => [f.rule, f.file, f.code]), [['PO301', '../app/other.py', 'while True:'], ['PO301', '../app/worker.py', 'while True:']],
      'paths are relative to the baseline file, the code line is kept for people to read');

    const clean = runCli(['analyze', 'app', ...JSON_ARGS, '--baseline', 'ci/clawperf-baseline.json'], dir);
    assert.equal(clean.status, 0, clean.stderr);
    assert.deepEqual(findingsOf(clean), []);
    assert.match(clean.stderr, /baseline: 2 known findings hidden/);

    // Unrelated edits move the old loop down 4 lines; a new loop is added to worker.py.
    writeFiles(dir, { 'app/worker.py': `"""Worker."""\n\n# moved\n\n${PY_HEADER}${pollLoop('watch')}\n${pollLoop('watch_again', '"/tmp/other"')}` });
    const shifted = runCli(['analyze', 'app', ...JSON_ARGS, '--baseline', 'ci/clawperf-baseline.json'], dir);
    const found = findingsOf(shifted);
    assert.equal(shifted.status, 1, 'the new critical finding fails the run');
    assert.equal(found.length, 1, `only the new loop is reported, got ${JSON.stringify(found)}`);
    assert.equal(found[0]!.file, 'app/worker.py');
    assert.equal(found[0]!.line, 17, 'the new loop (watch_again)');
    const summary = (JSON.parse(shifted.stdout) as { summary: { findings: Record<string, number> } }).summary;
    assert.equal(summary.findings.critical, 1, 'the summary counts what is reported');

    // The baseline works the same from another current folder.
    const elsewhere = runCli(['analyze', join(dir, 'app'), ...JSON_ARGS, '--baseline', join(dir, 'ci/clawperf-baseline.json')], '/');
    assert.equal(findingsOf(elsewhere).length, 1, elsewhere.stderr);
  } finally {
    cleanup();
  }
});

test('a missing or foreign baseline file is a usage error (exit 2)', () => {
  const { dir, cleanup } = tempProject({ 'a.py': `${PY_HEADER}${pollLoop('watch')}`, 'not-a-baseline.json': '{"findings": 3}' });
  try {
    const missing = runCli(['analyze', 'a.py', ...JSON_ARGS, '--baseline', 'nope.json'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read baseline nope\.json.*--write-baseline nope\.json/);
    const foreign = runCli(['analyze', 'a.py', ...JSON_ARGS, '--baseline', 'not-a-baseline.json'], dir);
    assert.equal(foreign.status, 2);
    assert.match(foreign.stderr, /not a clawperf baseline/);
  } finally {
    cleanup();
  }
});

test('fingerprints ignore indentation and spacing but not the code or the occurrence', () => {
  assert.equal(normaliseLine('    while  True:   '), 'while True:');
  assert.equal(fingerprintOf('PO301', 'a.py', '  while True:', 0), fingerprintOf('PO301', 'a.py', 'while   True:', 0));
  assert.notEqual(fingerprintOf('PO301', 'a.py', 'while True:', 0), fingerprintOf('PO301', 'a.py', 'while True:', 1));
  assert.notEqual(fingerprintOf('PO301', 'a.py', 'while True:', 0), fingerprintOf('PO301', 'b.py', 'while True:', 0));
  assert.notEqual(fingerprintOf('PO301', 'a.py', 'while True:', 0), fingerprintOf('PO301', 'a.py', 'while running:', 0));
});
