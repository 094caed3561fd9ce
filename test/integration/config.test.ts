// `[tool.clawperf]` in pyproject.toml: found from the analysed path upward, honoured, overridden by flags,
// and a typo or a wrong type is a one-line error naming the key (exit 2).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UsageError } from '../../src/cli/errors.js';
import { loadConfigFile, validateSettings } from '../../src/config/config.js';
import { mergeOptions, rebaseExclude, resolveConfig } from '../../src/config/settings.js';
import { findingsOf, pollLoop, PY_HEADER, runCli, tempProject, writeFiles } from './helpers.js';

const SOURCES = {
  'svc/worker.py': `${PY_HEADER}${pollLoop('watch')}`,
  'svc/legacy/old.py': `${PY_HEADER}${pollLoop('old_watch')}`,
  'svc/tests/test_worker.py': `${PY_HEADER}${pollLoop('fake_watch')}`,
};

let project: { dir: string; cleanup: () => void };

before(() => {
  project = tempProject({
    ...SOURCES,
    'pyproject.toml': [
      '[project]', 'name = "svc"', '',
      '[tool.clawperf]',
      'agents = 10',
      'format = "json"',
      'fail-on = "none"',
      'exclude = ["svc/legacy/"]',
      'per-file-ignores = { "svc/tests/*.py" = ["PO301"] }',
      '',
    ].join('\n'),
  });
});

after(() => project.cleanup());

test('pyproject settings are honoured: agents, format, fail-on, exclude, per-file-ignores', () => {
  const run = runCli(['analyze', 'svc', '--no-memory'], project.dir);
  assert.equal(run.status, 0, `fail-on = "none" must exit 0; stderr: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { agents: number };
  assert.equal(report.agents, 10, 'agents = 10 from pyproject.toml');
  const files = new Set(findingsOf(run).filter((f) => f.rule === 'PO301').map((f) => f.file));
  assert.deepEqual([...files], ['svc/worker.py'], 'legacy/ is excluded and tests/ ignore PO301');
});

test('the config is found from the analysed path upward, whatever the current folder', () => {
  const run = runCli(['analyze', `${project.dir}/svc/worker.py`, '--no-memory'], '/');
  assert.equal(run.status, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { agents: number }).agents, 10);
});

test('CLI flags override the config', () => {
  const run = runCli(['analyze', 'svc', '--no-memory', '--format', 'md', '--agents', '100', '--fail-on', 'critical', '--lang', 'en'], project.dir);
  assert.equal(run.status, 1, 'the flag --fail-on critical wins over fail-on = "none"');
  assert.match(run.stdout, /^## 1\. Current Diagnosis/, 'the flag --format md wins over format = "json"');
  assert.match(run.stdout, /At 100 agents/);
});

test('--no-config ignores the file; --config FILE reads another one', () => {
  const isolated = runCli(['analyze', 'svc', '--no-memory', '--no-config', '--format', 'json'], project.dir);
  assert.equal(isolated.status, 1, 'without the config fail-on is back to critical');
  assert.ok(findingsOf(isolated).some((f) => f.file === 'svc/legacy/old.py'), 'without the config legacy/ is analysed');
  writeFiles(project.dir, { 'other/clawperf.toml': 'agents = [1, 10, 100]\nformat = "json"\nfail-on = "none"\n' });
  const other = runCli(['analyze', 'svc', '--no-memory', '--config', 'other/clawperf.toml'], project.dir);
  assert.equal(other.status, 0, other.stderr);
  const report = JSON.parse(other.stdout) as { agents: number; capacity: unknown[] };
  assert.equal(report.agents, 100);
  assert.equal(report.capacity.length, 3, 'a list of agent counts prices the capacity curve');
});

test('an unknown key is a one-line error naming it, with a suggestion, exit 2', () => {
  const { dir, cleanup } = tempProject({ ...SOURCES, 'pyproject.toml': '[tool.clawperf]\nagnets = 5\n' });
  try {
    const run = runCli(['analyze', 'svc', '--no-memory'], dir);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr.trim().split('\n').length, 1, `one line, got:\n${run.stderr}`);
    assert.match(run.stderr, /pyproject\.toml \[tool\.clawperf\]: unknown key "agnets" \(did you mean "agents"\?\)/);
  } finally {
    cleanup();
  }
});

test('a wrong type is a one-line error naming the key and what it takes, exit 2', () => {
  const cases: [string, RegExp][] = [
    ['agents = "100"', /agents must be a positive integer or a list of them.*\(got "100"\)/],
    ['fail-on = "high"', /fail-on must be one of "critical", "important", "minor", "none" \(got "high"\)/],
    ['select = "PO"', /select must be a list of rule codes.*\(got "PO"\)/],
    ['per-file-ignores = { "tests/*" = "PO301" }', /per-file-ignores\."tests\/\*" must be a list of rule codes/],
    ['format = "pdf"', /format must be one of md, json, .*\(got "pdf"\)/],
    ['agents = [', /invalid TOML at line \d+/],
  ];
  const { dir, cleanup } = tempProject(SOURCES);
  try {
    for (const [line, expected] of cases) {
      writeFiles(dir, { 'pyproject.toml': `[tool.clawperf]\n${line}\n` });
      assert.throws(() => resolveConfig(loadConfigFile('pyproject.toml', dir), dir), (error: Error) => {
        assert.ok(error instanceof UsageError, `${line}: a usage error (exit 2)`);
        assert.equal(error.message.split('\n').length, 1, `${line}: one line`);
        assert.match(error.message, expected, line);
        return true;
      });
    }
    // End to end, once: exit 2, one line on stderr, nothing on stdout.
    writeFiles(dir, { 'pyproject.toml': '[tool.clawperf]\nagents = "100"\n' });
    const run = runCli(['analyze', 'svc', '--no-memory'], dir);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'clawperf: pyproject.toml [tool.clawperf]: agents must be a positive integer or a list of them, e.g. 100 or [1, 10, 100] (got "100")\n');
  } finally {
    cleanup();
  }
});

test('validation messages and option merging (unit)', () => {
  assert.deepEqual(validateSettings({ agents: [1, 10], lang: 'es' }, 'x'), { agents: [1, 10], lang: 'es' });
  assert.throws(() => validateSettings({ 'fail_on': 'none' }, 'x'), /unknown key "fail_on" \(did you mean "fail-on"\?\)/);
  assert.throws(() => validateSettings({ agents: 0 }, 'x'), /agents must be a positive integer/);
  assert.equal(rebaseExclude('legacy/', '/p', '/p'), 'legacy/');
  assert.equal(rebaseExclude('svc/legacy/', '/p', '/'), 'p/svc/legacy/');
  assert.equal(rebaseExclude('*_pb2.py', '/p/q', '/'), '*_pb2.py', 'a bare name matches at any depth: no rebasing');
  const merged = mergeOptions({ format: 'md', agents: '100' }, { format: 'json', agents: '10' }, new Set(['agents']));
  assert.deepEqual(merged, { format: 'json', agents: '100' }, 'typed flags win, defaults give way to the config');
});
