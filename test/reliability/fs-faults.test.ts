// File system faults, through the CLI on temp folders: unreadable files and folders, symlink loops, a file
// that vanishes between discovery and reading, a FIFO, a read-only memory folder, and a full disk (a
// write error from /dev/full or a file-size limit). Each: a clear one-line message, the right exit code,
// the rest of the run unaffected, nothing half-written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { DEMO, listTree, runCli, tempDir, unprivileged, type CliRun } from './helpers.js';

interface Report {
  summary: { files: number; parse_errors: number };
  findings: Array<{ file: string }>;
}

/** A world-readable temp folder with the demo in `proj/`. */
function demoProject(): { dir: string; proj: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir('clawperf-fs-');
  chmodSync(dir, 0o755);
  const proj = join(dir, 'proj');
  mkdirSync(proj);
  for (const name of readdirSync(DEMO).filter((n) => n.endsWith('.py'))) copyFileSync(join(DEMO, name), join(proj, name));
  return { dir, proj, cleanup };
}

const JSON_ARGS = ['analyze', 'proj', '--format', 'json', '--fail-on', 'none', '--lang', 'en'];

function demoFindings(run: CliRun): string[] {
  const report = JSON.parse(run.stdout) as Report;
  return report.findings.map((f) => JSON.stringify(f));
}

function warnings(run: CliRun): string[] {
  return run.stderr.split('\n').filter(Boolean);
}

/** Each expected pattern matches exactly one stderr line, and every line is matched. */
function assertWarnings(run: CliRun, expected: RegExp[]): void {
  const lines = warnings(run);
  for (const pattern of expected) assert.equal(lines.filter((l) => pattern.test(l)).length, 1, `${pattern} in:\n${run.stderr}`);
  assert.equal(lines.length, expected.length, `unexpected lines:\n${run.stderr}`);
  for (const line of lines) assert.match(line, /^clawperf: /);
}

const privilege = unprivileged();

test('unreadable files and folders: one line each, the readable files analysed as if they were alone', { skip: privilege.reason }, () => {
  const { dir, proj, cleanup } = demoProject();
  const as = privilege.options ?? {};
  try {
    const clean = runCli([...JSON_ARGS, '--no-memory'], dir, as);
    assert.equal(clean.status, 0, clean.stderr);
    writeFileSync(join(proj, 'secret.py'), 'import time\nwhile True:\n    time.sleep(0.01)\n');
    chmodSync(join(proj, 'secret.py'), 0o000);
    mkdirSync(join(proj, 'locked'));
    writeFileSync(join(proj, 'locked', 'inner.py'), 'x = 1\n');
    chmodSync(join(proj, 'locked'), 0o000);
    mkdirSync(join(proj, 'no_search'));
    writeFileSync(join(proj, 'no_search', 'inner.py'), 'x = 1\n');
    chmodSync(join(proj, 'no_search'), 0o444); // listable, but its files cannot be opened
    const run = runCli([...JSON_ARGS, '--no-memory'], dir, as);
    chmodSync(join(proj, 'locked'), 0o755);
    chmodSync(join(proj, 'no_search'), 0o755);
    assert.equal(run.status, 0, run.stderr);
    assertWarnings(run, [
      /^clawperf: warning: proj\/secret\.py: cannot read \(permission denied\), skipped$/,
      /^clawperf: warning: proj\/locked: cannot read folder \(EACCES\), skipped$/,
      /^clawperf: warning: proj\/no_search\/inner\.py: (cannot read \(permission denied\)|broken symlink), skipped$|^clawperf: warning: proj\/no_search: /,
    ]);
    assert.deepEqual(demoFindings(run), demoFindings(clean));
    assert.equal((JSON.parse(run.stdout) as Report).summary.files, (JSON.parse(clean.stdout) as Report).summary.files);
  } finally {
    cleanup();
  }
});

test('symlink loops, dangling links and a FIFO: one line each (the FIFO is not a file to read), no hang', () => {
  const { dir, proj, cleanup } = demoProject();
  try {
    const clean = runCli([...JSON_ARGS, '--no-memory'], dir);
    symlinkSync('.', join(proj, 'loop')); // a folder linking to itself
    mkdirSync(join(proj, 'deep'));
    symlinkSync('..', join(proj, 'deep', 'up')); // a cycle through the parent
    symlinkSync('b.py', join(proj, 'a.py')); // a.py → b.py → a.py
    symlinkSync('a.py', join(proj, 'b.py'));
    symlinkSync('self.py', join(proj, 'self.py'));
    symlinkSync('nowhere.py', join(proj, 'dangling.py'));
    const fifo = spawnSync('mkfifo', [join(proj, 'pipe.py')]);
    const run = runCli([...JSON_ARGS, '--no-memory'], dir);
    assert.equal(run.signal, null, 'no hang');
    assert.equal(run.status, 0, run.stderr);
    assertWarnings(run, [
      /^clawperf: warning: proj\/loop: symlink loop or repeated folder, skipped$/,
      /^clawperf: warning: proj\/deep\/up: symlink loop or repeated folder, skipped$/,
      /^clawperf: warning: proj\/a\.py: symlink loop, skipped$/,
      /^clawperf: warning: proj\/b\.py: symlink loop, skipped$/,
      /^clawperf: warning: proj\/self\.py: symlink loop, skipped$/,
      /^clawperf: warning: proj\/dangling\.py: broken symlink, skipped$/,
    ]);
    assert.deepEqual(demoFindings(run), demoFindings(clean));
    if (fifo.status === 0) assert.ok(statSync(join(proj, 'pipe.py')).isFIFO(), 'the FIFO was there and was not read (no writer: reading it would hang)');
  } finally {
    cleanup();
  }
});

test('a file deleted between discovery and reading is one line; the others are analysed', () => {
  const { dir, proj, cleanup } = demoProject();
  try {
    const clean = runCli([...JSON_ARGS, '--no-memory', '--no-cache'], dir);
    writeFileSync(join(proj, 'vanishing.py'), 'import os, time\nwhile True:\n    os.listdir(".")\n    time.sleep(0.01)\n');
    // Injected into the CLI: the file is removed the moment clawperf opens it, after discovery saw it.
    const inject = join(dir, 'vanish.mjs');
    writeFileSync(inject, [
      "import fs from 'node:fs';",
      "import { syncBuiltinESMExports } from 'node:module';",
      'const original = fs.readFileSync;',
      'fs.readFileSync = function (path, ...rest) {',
      "  if (typeof path === 'string' && path.endsWith('vanishing.py')) fs.rmSync(path, { force: true });",
      '  return original.call(this, path, ...rest);',
      '};',
      'syncBuiltinESMExports();',
    ].join('\n'));
    const run = runCli([...JSON_ARGS, '--no-memory', '--no-cache'], dir, { nodeArgs: ['--import', pathToFileURL(inject).href] });
    assert.equal(run.status, 0, run.stderr);
    assertWarnings(run, [/^clawperf: warning: proj\/vanishing\.py: cannot read \(file disappeared during the run\), skipped$/]);
    assert.ok(!existsSync(join(proj, 'vanishing.py')), 'the injection ran');
    assert.deepEqual(demoFindings(run), demoFindings(clean));
  } finally {
    cleanup();
  }
});

function snapshot(dir: string): Map<string, string> {
  return new Map(listTree(dir).map((name) => [name, readFileSync(join(dir, name), 'latin1')]));
}

test('a read-only memory folder: the report is printed whole, one warning line, the exit code is the findings\' own', { skip: privilege.reason }, () => {
  const { dir, proj, cleanup } = demoProject();
  const as = privilege.options ?? {};
  try {
    // Two runs as the owner create a memory with confirmed entries.
    let reference: CliRun | undefined;
    for (let i = 0; i < 2; i++) {
      reference = runCli(JSON_ARGS, dir);
      assert.equal(reference.status, 0);
    }
    const memory = join(proj, '.claude', 'agent-memory', 'performance-engineer');
    assert.ok(existsSync(join(memory, 'MEMORY.md')));
    const before = snapshot(memory);
    chmodSync(memory, 0o555);
    for (const file of readdirSync(memory)) chmodSync(join(memory, file), 0o444);
    for (const [failOn, code] of [['none', 0], ['critical', 1]] as const) {
      const args = ['analyze', 'proj', '--format', 'json', '--lang', 'en', '--fail-on', failOn, '--no-cache'];
      const run = runCli(args, dir, as);
      assert.equal(run.status, code, `--fail-on ${failOn}: ${run.stderr}`);
      const report = JSON.parse(run.stdout) as Report;
      assert.equal(report.findings.length, (JSON.parse(reference!.stdout) as Report).findings.length, 'the whole report');
      assertWarnings(run, [/^clawperf: warning: project memory not updated: cannot lock project memory at .*: permission denied/]);
    }
    chmodSync(memory, 0o755);
    assert.deepEqual(snapshot(memory), before, 'memory unchanged, no temp or lock file');
  } finally {
    cleanup();
  }
});

/** Runs node under `ulimit -f` (KB × 2 blocks): a write past the limit fails with EFBIG, like a full disk. */
const FILE_LIMIT = (blocks: number) => ['/bin/sh', '-c', `ulimit -f ${blocks}; trap "" XFSZ; exec "$0" "$@"`];

test('--output to a full disk (/dev/full): exit 2, one clear line, the device left a device', { skip: !existsSync('/dev/full') && 'no /dev/full' }, () => {
  const { dir, cleanup } = demoProject();
  try {
    const devBefore = readdirSync('/dev').filter((n) => n.includes('full')).sort();
    const run = runCli(['analyze', 'proj', '--no-memory', '--fail-on', 'none', '-o', '/dev/full'], dir);
    assert.equal(run.status, 2, run.stderr);
    assertWarnings(run, [/^clawperf: cannot write \/dev\/full: no space left on device \(ENOSPC\)$/]);
    assert.ok(statSync('/dev/full').isCharacterDevice(), '/dev/full is still the device (not replaced by a renamed temp file)');
    assert.deepEqual(readdirSync('/dev').filter((n) => n.includes('full')).sort(), devBefore, 'no temp file left in /dev');
  } finally {
    cleanup();
  }
});

test('--output past a file-size limit: exit 2, the old file intact, no temp file; stdout to a file likewise', () => {
  const { dir, cleanup } = demoProject();
  try {
    writeFileSync(join(dir, 'report.md'), 'OLD REPORT\n');
    const before = listTree(dir).filter((n) => !n.startsWith('proj/'));
    const run = runCli(['analyze', 'proj', '--no-memory', '--no-cache', '--fail-on', 'none', '-o', 'report.md'], dir, { wrap: FILE_LIMIT(8) });
    assert.equal(run.status, 2, run.stderr);
    assertWarnings(run, [/^clawperf: cannot write report\.md: file too large \(file-size limit reached\) \(EFBIG\)$/]);
    assert.equal(readFileSync(join(dir, 'report.md'), 'utf8'), 'OLD REPORT\n');
    assert.deepEqual(listTree(dir).filter((n) => !n.startsWith('proj/')), before, 'no temp file beside it');

    // `clawperf analyze > out.json` on a disk that fills up: a short report must not exit 0.
    const fd = openSync(join(dir, 'stdout.json'), 'w');
    let redirected: CliRun;
    try {
      redirected = runCli(['analyze', 'proj', '--format', 'json', '--no-memory', '--no-cache', '--fail-on', 'none'], dir, { wrap: FILE_LIMIT(8), stdoutFd: fd });
    } finally {
      closeSync(fd);
    }
    assert.equal(redirected.status, 2, redirected.stderr);
    assertWarnings(redirected, [/^clawperf: cannot write the report to standard output: file too large .*\(EFBIG\)$/]);
  } finally {
    cleanup();
  }
});

test('memory and cache on a disk that fills up: the report still comes out, memory unchanged, no temp or lock left', () => {
  const { dir, proj, cleanup } = demoProject();
  try {
    for (let i = 0; i < 2; i++) assert.equal(runCli(JSON_ARGS, dir).status, 0);
    const memory = join(proj, '.claude', 'agent-memory', 'performance-engineer');
    const before = snapshot(memory);
    writeFileSync(join(proj, 'new_module.py'), 'import subprocess\nfor h in HOSTS:\n    subprocess.run(["ping", h])\n');
    const run = runCli([...JSON_ARGS, '--no-cache'], dir, { wrap: FILE_LIMIT(8) });
    assert.equal(run.status, 0, run.stderr);
    JSON.parse(run.stdout);
    assertWarnings(run, [/^clawperf: warning: project memory not updated: cannot write project memory at .*\(EFBIG\); nothing was changed$/]);
    assert.deepEqual(snapshot(memory), before, 'memory unchanged, no temp or lock file');
    // The content cache under the same limit: whatever it could not write, the run succeeds and leaves no temp.
    const cached = runCli([...JSON_ARGS, '--no-memory'], dir, { wrap: FILE_LIMIT(2) });
    assert.equal(cached.status, 0, cached.stderr);
    JSON.parse(cached.stdout);
    const cacheDir = join(proj, '.clawperf', 'cache');
    if (existsSync(cacheDir)) assert.deepEqual(listTree(cacheDir).filter((n) => /tmp/i.test(n)), [], 'no temp file in the cache');
  } finally {
    cleanup();
  }
});

test('a corrupted content cache (truncated, flipped bytes, garbage) changes nothing in the report', () => {
  const { dir, proj, cleanup } = demoProject();
  try {
    const args = [...JSON_ARGS, '--no-memory'];
    const first = runCli(args, dir);
    assert.equal(first.status, 0, first.stderr);
    const cache = join(proj, '.clawperf', 'cache');
    let damaged = 0;
    for (const [i, name] of listTree(cache).filter((n) => n.endsWith('.cpm') || n.endsWith('.json')).entries()) {
      const path = join(cache, name);
      const bytes = readFileSync(path);
      if (i % 3 === 0) writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
      else if (i % 3 === 1) writeFileSync(path, Buffer.from(bytes.map((b, j) => (j === bytes.length >> 1 ? b ^ 0xff : b))));
      else writeFileSync(path, 'garbage\0\xff');
      damaged++;
    }
    assert.ok(damaged > 5, `${damaged} cache files damaged`);
    const second = runCli(args, dir);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.stderr, '');
  } finally {
    cleanup();
  }
});
