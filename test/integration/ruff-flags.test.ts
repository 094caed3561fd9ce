// The conventions a Python developer brings from Ruff: --output-format, --exit-zero, --extend-select/-ignore,
// --statistics, --changed-since (see diff.test.ts), help with examples and exit codes; machine output in English
// whatever the locale; memory preferences that hide findings say so; nothing analysed is not an all-clear.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findingsOf, pollLoop, PY_HEADER, runCli, tempProject } from './helpers.js';

let project: { dir: string; cleanup: () => void };
const NO_STATE = ['--no-memory', '--no-cache'];

before(() => {
  project = tempProject({
    'pyproject.toml': '[project]\nname = "svc"\n',
    'svc/worker.py': `${PY_HEADER}import subprocess\n\n${pollLoop('watch')}\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n`,
  });
});
after(() => project.cleanup());

test('--output-format is --format', () => {
  const run = runCli(['analyze', '.', '--output-format', 'json', ...NO_STATE], project.dir);
  assert.equal(run.status, 1, run.stderr);
  assert.ok(findingsOf(run).length > 0);
});

test('--exit-zero: findings above --fail-on still exit 0; a usage error still exits 2', () => {
  assert.equal(runCli(['analyze', '.', '--format', 'json', ...NO_STATE], project.dir).status, 1);
  assert.equal(runCli(['analyze', '.', '--format', 'json', '--exit-zero', ...NO_STATE], project.dir).status, 0);
  assert.equal(runCli(['analyze', 'missing', '--exit-zero', ...NO_STATE], project.dir).status, 2);
});

test('--extend-select adds to --select, --extend-ignore adds to --ignore', () => {
  const rules = (args: string[]) => [...new Set(findingsOf(runCli(['analyze', '.', '--format', 'json', ...NO_STATE, ...args], project.dir)).map((f) => f.rule))].sort();
  assert.deepEqual(rules(['--select', 'PO301']), ['PO301']);
  assert.deepEqual(rules(['--select', 'PO301', '--extend-select', 'SP502']), ['PO301', 'SP502']);
  const all = rules([]);
  assert.ok(all.includes('SP502') && all.includes('PO301'));
  assert.deepEqual(rules(['--ignore', 'PO', '--extend-ignore', 'SP502']), all.filter((r) => !r.startsWith('PO') && r !== 'SP502'));
});

test('--statistics prints one line per rule with its count, instead of the report', () => {
  const json = findingsOf(runCli(['analyze', '.', '--format', 'json', ...NO_STATE], project.dir));
  const run = runCli(['analyze', '.', '--statistics', ...NO_STATE], project.dir);
  assert.equal(run.status, 1);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, new Set(json.map((f) => f.rule)).size);
  for (const line of lines) {
    const [count, rule, name] = line.split('\t');
    assert.equal(Number(count), json.filter((f) => f.rule === rule).length, line);
    assert.match(name!, /^[a-z0-9-]+$/);
  }
  assert.doesNotMatch(run.stdout, /##/);
});

test('analyze --help ends with examples and the exit codes', () => {
  const help = runCli(['analyze', '--help'], project.dir).stdout;
  assert.match(help, /Examples:\n {2}clawperf analyze \./);
  assert.match(help, /Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n?$/);
  assert.match(help, /--changed-since <rev>/);
  assert.doesNotMatch(help, /--diff </, 'the deprecated name is not advertised');
});

test('machine formats are English under LANG=es_ES.UTF-8; the Markdown report follows the locale', () => {
  const env = { LANG: 'es_ES.UTF-8', LC_ALL: '' };
  const json = runCli(['analyze', '.', '--format', 'json', ...NO_STATE], project.dir, env);
  const message = (JSON.parse(json.stdout) as { findings: { message: string }[] }).findings[0]!.message;
  const english = (JSON.parse(runCli(['analyze', '.', '--format', 'json', '--lang', 'en', ...NO_STATE], project.dir).stdout) as { findings: { message: string }[] }).findings[0]!.message;
  assert.equal(message, english);
  const spanish = runCli(['analyze', '.', '--format', 'json', '--lang', 'es', ...NO_STATE], project.dir, env);
  assert.notEqual((JSON.parse(spanish.stdout) as { findings: { message: string }[] }).findings[0]!.message, english, '--lang es still works');
  for (const format of ['sarif', 'github']) {
    const out = runCli(['analyze', '.', '--format', format, ...NO_STATE], project.dir, env).stdout;
    assert.equal(out, runCli(['analyze', '.', '--format', format, '--lang', 'en', ...NO_STATE], project.dir).stdout, format);
  }
  assert.match(runCli(['analyze', '.', ...NO_STATE], project.dir, env).stdout, /## 1\. Diagnóstico Actual/);
});

test('a memory preference that removes findings is one stderr line and a JSON key', () => {
  const { dir, cleanup } = tempProject({ 'svc/worker.py': `${PY_HEADER}import subprocess\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n` });
  try {
    assert.equal(runCli(['memory', 'remember', 'ignore rule SP502', '--root', dir], dir).status, 0);
    const run = runCli(['analyze', '.', '--format', 'json', '--no-cache'], dir);
    const report = JSON.parse(run.stdout) as { findings: { rule: string }[]; ignored_by_memory?: { rules: string[]; findings: number } };
    assert.ok(!report.findings.some((f) => f.rule === 'SP502'));
    assert.deepEqual(report.ignored_by_memory, { rules: ['SP502'], paths: [], findings: 1 });
    assert.match(run.stderr, /^clawperf: 1 rule ignored by project memory: SP502$/m);
  } finally {
    cleanup();
  }
});

test('with 0 files analysed: no report and no capacity verdict; exit 2 when the path was named', () => {
  const { dir, cleanup } = tempProject({ 'README.md': 'no python here\n' });
  try {
    mkdirSync(join(dir, 'empty'));
    const named = runCli(['analyze', 'empty'], dir);
    assert.equal(named.status, 2);
    assert.equal(named.stdout, '');
    assert.match(named.stderr, /^clawperf: nothing analysed: no Python files in empty\n$/);
    const implicit = runCli(['analyze'], dir);
    assert.equal(implicit.status, 0);
    assert.equal(implicit.stdout, '');
    assert.match(implicit.stderr, /nothing analysed/);
    assert.doesNotMatch(implicit.stderr + implicit.stdout, /holds|verdict/i);
  } finally {
    cleanup();
  }
});

test('--in-project (the pre-commit entry): whole-project contexts, findings only in the named files', () => {
  const { dir, cleanup } = tempProject({
    'pyproject.toml': '[project]\nname = "svc"\n',
    'a.py': 'import os, time\nfrom b import work\n\ndef main():\n    while True:\n        for name in os.listdir("inbox"):\n            work()\n        time.sleep(0.5)\n',
    'b.py': 'import subprocess\n\ndef work():\n    subprocess.run(["git", "status"], timeout=5)\n',
  });
  try {
    const alone = findingsOf(runCli(['analyze', 'b.py', '--format', 'json', ...NO_STATE], dir));
    assert.ok(!alone.some((f) => f.rule === 'SP501'), 'b.py alone: no caller, no loop');
    const staged = findingsOf(runCli(['analyze', '--in-project', 'b.py', '--format', 'json', ...NO_STATE], dir));
    assert.ok(staged.some((f) => f.rule === 'SP501' && f.file === 'b.py'), JSON.stringify(staged));
    assert.ok(staged.every((f) => f.file === 'b.py'), 'a.py has findings of its own, not reported');
    assert.ok(findingsOf(runCli(['analyze', '.', '--format', 'json', ...NO_STATE], dir)).some((f) => f.file === 'a.py'));
  } finally {
    cleanup();
  }
});

test('test code: every rule stays quiet in tests/ and test_*.py; include-tests and test-paths change that', () => {
  const code = `${PY_HEADER}import subprocess\n\n${pollLoop('watch')}\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n    with open("/tmp/state.json", "w") as f:\n        f.write(cmd)\n        os.fsync(f.fileno())\n`;
  const { dir, cleanup } = tempProject({ 'tests/helpers.py': code, 'test_agent.py': code, 'qa/check.py': code });
  try {
    const files = (args: string[]) => [...new Set(findingsOf(runCli(['analyze', '.', '--format', 'json', ...NO_STATE, ...args], dir)).map((f) => f.file))].sort();
    assert.deepEqual(files([]), ['qa/check.py'], 'polling, subprocess and disk rules alike are quiet in test code');
    assert.deepEqual(files(['--include-tests']), ['qa/check.py', 'test_agent.py', 'tests/helpers.py']);
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.clawperf]\ntest-paths = ["qa/"]\n');
    assert.deepEqual(files([]), ['test_agent.py', 'tests/helpers.py'], 'test-paths replaces the default');
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.clawperf]\ninclude-tests = true\n');
    assert.deepEqual(files([]), ['qa/check.py', 'test_agent.py', 'tests/helpers.py']);
  } finally {
    cleanup();
  }
});

test('--show-settings prints each resolved setting with its source, and analyses nothing', () => {
  const { dir, cleanup } = tempProject({ 'pyproject.toml': '[tool.clawperf]\nagents = 10\nignore = ["ME605"]\n', 'svc/a.py': 'x = 1\n' });
  try {
    const run = runCli(['analyze', 'svc', '--show-settings', '--fail-on', 'none'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^project root = .+\nconfig file = pyproject\.toml\n/);
    assert.match(run.stdout, /^agents = "10" {2}# pyproject\.toml$/m);
    assert.match(run.stdout, /^ignore = "ME605" {2}# pyproject\.toml$/m);
    assert.match(run.stdout, /^fail-on = "none" {2}# command line$/m);
    assert.match(run.stdout, /^format = "md" {2}# default$/m);
    assert.deepEqual(readdirSync(dir).sort(), ['pyproject.toml', 'svc'], 'nothing written');
  } finally {
    cleanup();
  }
});
