// The analyze command end to end, as a user runs it: report, JSON contract, exit codes, bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const CLI = 'dist/src/cli/main.js';

function clawperf(args: string[], cwd?: string) {
  const result = spawnSync(process.execPath, [join(process.cwd(), CLI), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SPANISH_HEADINGS = ['## 1. Diagnóstico Actual', '## 2. Puntos Críticos Detectados', '## 3. Propuesta Técnica Concreta', '## 4. Impacto Estimado', '## 5. Roadmap de Optimización'];

test('the demo report in Spanish has the five headings, the table and the three phases, in order', () => {
  const { stdout, code } = clawperf(['analyze', 'examples/openclaw-demo', '--lang', 'es', '--no-memory', '--fail-on', 'none']);
  assert.equal(code, 0);
  let last = -1;
  for (const heading of SPANISH_HEADINGS) {
    const at = stdout.indexOf(`${heading}\n`);
    assert.ok(at > last, `${heading} missing or out of order`);
    last = at;
  }
  assert.ok(stdout.includes('| Optimización | Métrica Actual (est.) | Métrica Esperada | Mejora |'));
  for (const phase of ['### Fase 1 — Quick Wins (1-2 días)', '### Fase 2 — Mejoras Estructurales (3-5 días)', '### Fase 3 — Optimización Avanzada (1-2 semanas)']) assert.ok(stdout.includes(phase), phase);
  assert.match(stdout, /^- 🔴 CRÍTICO: .+ — .+$/m);
  assert.match(stdout, /^### Punto: /m);
});

test('English mode translates the headings and keeps the structure', () => {
  const { stdout } = clawperf(['analyze', 'examples/openclaw-demo', '--lang', 'en', '--no-memory', '--fail-on', 'none']);
  for (const heading of ['## 1. Current Diagnosis', '## 2. Critical Points Detected', '## 3. Concrete Technical Proposal', '## 4. Estimated Impact', '## 5. Optimization Roadmap']) assert.ok(stdout.includes(heading), heading);
  assert.ok(!stdout.includes('Diagnóstico'));
});

test('--lang auto follows the user request in --ask', () => {
  const es = clawperf(['analyze', 'examples/openclaw-demo', '--ask', '¿Por qué el sistema va lento con 100 agentes?', '--no-memory', '--fail-on', 'none']);
  assert.ok(es.stdout.includes('## 1. Diagnóstico Actual'));
  const en = clawperf(['analyze', 'examples/openclaw-demo', '--ask', 'Why is the system slow with many agents?', '--no-memory', '--fail-on', 'none']);
  assert.ok(en.stdout.includes('## 1. Current Diagnosis'));
});

test('JSON output follows the contract of DESIGN.md', () => {
  const { stdout, code } = clawperf(['analyze', 'examples/openclaw-demo', '--format', 'json', '--lang', 'en', '--no-memory']);
  assert.equal(code, 1, 'the demo has critical findings: exit 1 with the default --fail-on critical');
  const report = JSON.parse(stdout);
  assert.equal(report.version, 1);
  assert.equal(report.agents, 100);
  assert.deepEqual(Object.keys(report.summary).sort(), ['files', 'findings', 'lines', 'parse_errors']);
  assert.deepEqual(Object.keys(report.summary.findings).sort(), ['critical', 'important', 'minor']);
  assert.ok(report.findings.length > 0);
  const dimensions = ['io_blocking', 'sync_ops', 'polling', 'disk', 'subprocess', 'memory', 'scalability', 'caching', 'parallelism'];
  for (const f of report.findings) {
    for (const key of ['rule', 'dimension', 'severity', 'file', 'line', 'column', 'end_line', 'context', 'message', 'why_at_scale', 'impact', 'proposal', 'phase']) assert.ok(key in f, `finding lacks ${key}`);
    assert.ok(dimensions.includes(f.dimension));
    assert.ok(['critical', 'important', 'minor'].includes(f.severity));
    assert.ok(['handler', 'poll_loop', 'loop', 'per_task', 'startup'].includes(f.context));
    assert.match(f.file, /^examples\/openclaw-demo\/.+\.py$/);
    assert.ok(Number.isInteger(f.line) && f.line >= 1);
    assert.ok(f.impact.current && f.impact.expected && f.impact.improvement && f.impact.assumptions.length > 0);
    assert.ok(f.proposal.change && f.proposal.justification && f.proposal.tradeoff && f.proposal.example);
    assert.ok([1, 2, 3].includes(f.phase));
  }
  const sum = report.summary.findings.critical + report.summary.findings.important + report.summary.findings.minor;
  assert.equal(sum, report.findings.length);
});

test('--agents changes the priced figures in proportion', () => {
  const at = (n: string) => JSON.parse(clawperf(['analyze', 'examples/openclaw-demo', '--format', 'json', '--lang', 'en', '--agents', n, '--no-memory']).stdout);
  const ten = at('10');
  const hundred = at('100');
  const po = (r: { findings: { rule: string; impact: { current: string } }[] }) => r.findings.find((f) => f.rule === 'PO301')!.impact.current;
  const firstNumber = (s: string) => Number(/([\d,.]+)/.exec(s)![1]!.replace(/,/g, ''));
  assert.equal(firstNumber(po(hundred)), firstNumber(po(ten)) * 10);
});

test('a path that does not exist exits 2 with one line', () => {
  const { code, stderr, stdout } = clawperf(['analyze', 'no/such/path']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr.trim().split('\n').length, 1);
  assert.match(stderr, /path not found: no\/such\/path/);
});

test('bad options exit 2', () => {
  assert.equal(clawperf(['analyze', '.', '--agents', 'many']).code, 2);
  assert.equal(clawperf(['analyze', '.', '--fail-on', 'sometimes']).code, 2);
  assert.equal(clawperf(['analyze', '.', '--format', 'pdf']).code, 2);
});

test('garbage, binary and non-UTF-8 files are reported in one line each and the rest is analysed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clawperf-bad-'));
  writeFileSync(join(dir, 'good.py'), 'import os, time\nwhile True:\n    os.listdir("/inbox")\n    time.sleep(0.5)\n');
  writeFileSync(join(dir, 'garbage.py'), ')))(((def class while: ::: \x01 lambda [[[\n' + 'x = = = 3\n'.repeat(5));
  writeFileSync(join(dir, 'binary.py'), Buffer.from([0, 1, 2, 3, 255, 0, 10]));
  writeFileSync(join(dir, 'latin.py'), Buffer.from('x = "caf\xe9"\n', 'latin1'));
  mkdirSync(join(dir, 'loop'));
  symlinkSync(dir, join(dir, 'loop', 'back'));
  const { code, stdout, stderr } = clawperf(['analyze', '.', '--format', 'json', '--no-memory', '--fail-on', 'none'], dir);
  assert.equal(code, 0);
  const report = JSON.parse(stdout);
  assert.equal(report.summary.files, 2, 'good.py and garbage.py are analysed');
  assert.equal(report.summary.parse_errors, 1);
  assert.ok(report.findings.some((f: { file: string; rule: string }) => f.file === 'good.py' && f.rule === 'PO301'));
  assert.match(stderr, /binary\.py: binary file/);
  assert.match(stderr, /latin\.py: not valid UTF-8/);
  assert.match(stderr, /symlink loop/);
  assert.ok(!/at .+\.js:\d+/.test(stderr), 'no stack trace');
});

test('a PEP 263 coding line is honoured', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clawperf-enc-'));
  writeFileSync(join(dir, 'latin.py'), Buffer.from('# -*- coding: latin-1 -*-\nimport os\nNAME = "caf\xe9"\nos.system("ls " + NAME)\n', 'latin1'));
  const { stdout, stderr } = clawperf(['analyze', '.', '--format', 'json', '--no-memory', '--fail-on', 'none'], dir);
  assert.equal(JSON.parse(stdout).summary.files, 1, stderr);
});

test('--output writes the report to a file; an unwritable path is one clear line and exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clawperf-out-'));
  const out = join(dir, 'report.md');
  const ok = clawperf(['analyze', 'examples/openclaw-demo', '--lang', 'es', '--no-memory', '--fail-on', 'none', '--output', out]);
  assert.equal(ok.code, 0);
  assert.equal(ok.stdout, '');
  const bad = clawperf(['analyze', 'examples/openclaw-demo', '--no-memory', '--output', '/proc/clawperf/report.md']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^clawperf: cannot write \/proc\/clawperf\/report\.md: /);
});

test('names that are members of every JavaScript object are not taken for formats or commands', () => {
  for (const args of [['analyze', 'examples/openclaw-demo', '--format', 'toString', '--no-memory'], ['constructor']]) {
    const { code, stdout, stderr } = clawperf(args);
    assert.equal(code, 2, `${args.join(' ')}: ${stdout}${stderr}`);
    assert.doesNotMatch(stdout, /\[object/);
  }
});
