// Issue 18, item 9 (the bare-CR part is in limits.test.ts): a trace killed with -9 leaves its work folder,
// removed by the next trace; a cache entry whose path became a folder is repaired; a remembered note cannot
// carry terminal escapes or bidi overrides into `memory show`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from './helpers.js';

const hasPython = spawnSync('python3', ['-c', 'pass']).status === 0;

test('trace removes the work folders of traces whose clawperf is gone, and keeps those of a live one', { skip: !hasPython && 'needs python3' }, () => {
  const { dir, cleanup } = tempDir();
  try {
    const tmp = join(dir, 'tmp');
    const dead = join(tmp, 'clawperf-trace-dead01');
    const live = join(tmp, 'clawperf-trace-live01');
    mkdirSync(dead, { recursive: true });
    mkdirSync(live);
    const gone = spawnSync('true');
    writeFileSync(join(dead, 'owner.pid'), String(gone.pid));
    writeFileSync(join(live, 'owner.pid'), String(process.pid));
    const run = runCli(['trace', '-o', 'trace.json', '--', 'python3', '-c', 'pass'], dir, { env: { TMPDIR: tmp } });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(existsSync(dead), false, 'the dead trace folder was removed');
    assert.equal(existsSync(live), true, 'a running trace keeps its folder');
    assert.deepEqual(readdirSync(tmp).sort(), ['clawperf-trace-live01'], 'this trace cleaned up after itself');
  } finally {
    cleanup();
  }
});

test('a cache entry whose path became a folder is rewritten as a file: the next run reads it from the cache', () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'a.py'), 'import os, time\nwhile not os.path.exists("x"):\n    time.sleep(0.1)\n');
    const args = ['analyze', 'a.py', '--no-memory', '--fail-on', 'none', '--format', 'json', '-v'];
    assert.equal(runCli(args, dir).status, 0);
    const cache = join(dir, '.clawperf', 'cache');
    const shard = readdirSync(cache).find((name) => /^[0-9a-f]{2}$/.test(name))!;
    const entry = join(cache, shard, readdirSync(join(cache, shard)).find((name) => name.endsWith('.cpm'))!);
    spawnSync('rm', ['-f', entry]);
    mkdirSync(join(entry, 'inside'), { recursive: true });
    // Removing the findings cache makes the run read each file's entry.
    for (const name of readdirSync(cache)) if (!/^[0-9a-f]{2}$/.test(name) && name !== 'state.json' && name !== '.gitignore') spawnSync('rm', ['-rf', join(cache, name)]);
    const repairing = runCli(args, dir);
    assert.equal(repairing.status, 0, repairing.stderr);
    assert.ok(statSync(entry).isFile(), 'the entry is a file again');
    for (const name of readdirSync(cache)) if (!/^[0-9a-f]{2}$/.test(name) && name !== 'state.json' && name !== '.gitignore') spawnSync('rm', ['-rf', join(cache, name)]);
    const cached = runCli(args, dir);
    assert.match(cached.stderr, /models: 0 parsed.*1 from cache/);
  } finally {
    cleanup();
  }
});

test('memory remember: ESC, BEL and bidi overrides are not stored, so memory show replays none of them', () => {
  const { dir, cleanup } = tempDir();
  try {
    const hostile = 'ignore \u001b[31mtests/\u0007 \u202eevil\u2066 folder';
    const remember = runCli(['memory', 'remember', hostile], dir);
    assert.equal(remember.status, 0, remember.stderr);
    const show = runCli(['memory', 'show'], dir);
    assert.equal(show.status, 0, show.stderr);
    assert.doesNotMatch(show.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    assert.match(show.stdout, /ignore \[31mtests\/ evil folder/);
  } finally {
    cleanup();
  }
});
