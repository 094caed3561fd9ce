// Bad input files on disk, through the CLI: NUL bytes, invalid UTF-8, a 10 MB file, one above the size
// limit, empty, comments only, CRLF, tabs, a 50,000-character line, garbled Python. One run with all of
// them beside the demo: exit 0, valid JSON, each bad file one warning line, the demo's findings unchanged.
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_FILE_BYTES, readSource } from '../../src/parse/read.js';
import { CORPUS, DEMO, runCli, tempDir } from './helpers.js';

interface Report {
  summary: { files: number; lines: number; parse_errors: number; findings: Record<string, number> };
  findings: Array<{ file: string; line: number; rule: string; severity: string; message: string }>;
  warnings?: string[];
}

function copyDemo(dir: string): void {
  mkdirSync(join(dir, 'proj'), { recursive: true });
  for (const name of readdirSync(DEMO).filter((n) => n.endsWith('.py'))) copyFileSync(join(DEMO, name), join(dir, 'proj', name));
}

/** ~10,000,000 bytes: a generated data table (the usual shape of a 10 MB Python file) and a little code. */
function writeTenMegabytes(path: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, '# generated: do not edit\nimport time\n\nTABLE = [\n');
    let size = 0;
    let chunk = '';
    for (let i = 0; size < 9_990_000; i++) {
      const line = `    {"id": ${i}, "name": "item-${i}", "tags": ["a", "b"], "weight": ${(i % 997) / 10}},\n`;
      chunk += line;
      size += line.length;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, `${chunk}]\n\n\ndef lookup(i):\n    while True:\n        time.sleep(0.01)\n        if TABLE[i]:\n            return TABLE[i]\n`);
  } finally {
    closeSync(fd);
  }
}

const SKIPPED = ['bad_nul.py', 'bad_utf8.py', 'too_big.py'];
const SYNTAX = ['garbled.py', 'longline.py'];

test('one CLI run over the demo plus every kind of bad file: exit 0, valid JSON, one line per bad file, demo unchanged', () => {
  const { dir, cleanup } = tempDir();
  try {
    copyDemo(dir);
    const args = ['analyze', 'proj', '--format', 'json', '--fail-on', 'none', '--no-memory', '--lang', 'en'];
    const clean = runCli(args, dir);
    assert.equal(clean.status, 0, clean.stderr);
    const cleanReport = JSON.parse(clean.stdout) as Report;
    assert.equal(clean.stderr, '', 'the clean demo gives no warning');

    const p = (name: string) => join(dir, 'proj', name);
    writeFileSync(p('bad_nul.py'), 'import os\n\0\0\0while True:\n    os.listdir(".")\n');
    writeFileSync(p('bad_utf8.py'), Buffer.concat([Buffer.from('x = "'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('"\n')]));
    // One byte above the limit: refused by its size, before it is read.
    const big = openSync(p('too_big.py'), 'w');
    writeSync(big, '#', MAX_FILE_BYTES);
    closeSync(big);
    writeTenMegabytes(p('ten_mb.py'));
    writeFileSync(p('empty.py'), '');
    writeFileSync(p('only_comments.py'), Array.from({ length: 500 }, (_, i) => `# line ${i}: while True: time.sleep(0.1)`).join('\n'));
    writeFileSync(p('crlf.py'), readFileSync(join(CORPUS, 'file_queue_worker.py'), 'utf8').replace(/\n/g, '\r\n'));
    writeFileSync(p('tabs.py'), readFileSync(join(CORPUS, 'log_shipper.py'), 'utf8').replace(/^( {4})+/gm, (m) => '\t'.repeat(m.length / 4)));
    writeFileSync(p('longline.py'), `x = ${'('.repeat(25_000)}${'1,'.repeat(12_500)}\n`);
    const corpusText = readFileSync(join(CORPUS, 'batch_runner.py'), 'utf8');
    writeFileSync(p('garbled.py'), corpusText.slice(0, Math.floor(corpusText.length * 0.6)).replace(/\)/g, ']'));
    writeFileSync(p('latin1_declared.py'), Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nname = "'), Buffer.from([0xe9, 0xe8]), Buffer.from('"\n')]));

    const run = runCli(args, dir);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    const added = readdirSync(join(dir, 'proj')).filter((n) => n.endsWith('.py')).length - cleanReport.summary.files;
    assert.equal(report.summary.files, cleanReport.summary.files + added - SKIPPED.length, 'every readable file is counted');
    assert.equal(report.summary.parse_errors, SYNTAX.length, JSON.stringify(report.warnings));
    assert.ok(report.summary.lines > cleanReport.summary.lines + 100_000, 'the 10 MB file is analysed');

    // stderr: one warning line per bad file, naming it, nothing else.
    const lines = run.stderr.split('\n').filter(Boolean);
    for (const line of lines) assert.match(line, /^clawperf: warning: proj\/\S+\.py: /, line);
    for (const name of [...SKIPPED, ...SYNTAX]) {
      assert.equal(lines.filter((l) => l.includes(`proj/${name}:`)).length, 1, `${name}: exactly one line in ${run.stderr}`);
    }
    assert.equal(lines.length, SKIPPED.length + SYNTAX.length, run.stderr);
    assert.match(run.stderr, /bad_nul\.py: binary file \(contains NUL bytes\), skipped/);
    assert.match(run.stderr, /bad_utf8\.py: not valid UTF-8/);
    assert.match(run.stderr, /too_big\.py: file too large \(10\.0 MB > 10 MB\), skipped/);
    // The JSON carries the same lines.
    assert.equal(report.warnings?.length, lines.length);

    // The demo's findings are exactly those of the clean run.
    const demoFindings = (r: Report) => r.findings.filter((f) => !/proj\/(bad_|too_|ten_|empty|only_|crlf|tabs|longline|garbled|latin1)/.test(f.file)).map((f) => JSON.stringify(f));
    assert.deepEqual(demoFindings(report), demoFindings(cleanReport));
    // The CRLF and tab files are analysed like any other (their findings exist).
    assert.ok(report.findings.some((f) => f.file === 'proj/crlf.py'), 'CRLF file analysed');
    assert.ok(report.findings.some((f) => f.file === 'proj/tabs.py'), 'tab-indented file analysed');
  } finally {
    cleanup();
  }
});

test('readSource: a missing file, a folder and a device are one-line refusals, never a hang', () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const [path, pattern] of [
      [join(dir, 'missing.py'), /^cannot read \(file disappeared during the run\), skipped$/],
      [dir, /^cannot read \(is a folder\), skipped$/],
      ['/dev/zero', /^not a regular file, skipped$/],
    ] as const) {
      const result = readSource(path);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, pattern);
    }
    writeFileSync(join(dir, 'crlf.py'), 'x = 1\r\ny = 2\r\n');
    const crlf = readSource(join(dir, 'crlf.py'));
    assert.ok(crlf.ok && crlf.text === 'x = 1\r\ny = 2\r\n');
  } finally {
    cleanup();
  }
});
