import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { read, tempRoot } from './helpers.js';

const RUNNER = fileURLToPath(new URL('./cli-runner.js', import.meta.url));

function clawperf(args: string[], cwd: string) {
  const child = spawnSync(process.execPath, [RUNNER, 'memory', ...args], { cwd, encoding: 'utf8' });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

test('clawperf memory show | remember | forget', () => {
  const { root, cleanup } = tempRoot();
  try {
    let r = clawperf(['show'], root);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No project memory yet/);

    r = clawperf(['remember', 'ignore', 'tests/'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Remembered in preferences\.md/);
    r = clawperf(['remember', 'prefer systemd path units', '--root', root], '/');
    assert.equal(r.code, 0, r.stderr);
    assert.match(read(root, 'preferences.md'), /\| Prefer systemd path units \| yes \|/);
    r = clawperf(['remember', 'ignore tests/'], root);
    assert.match(r.stdout, /Already remembered/);

    r = clawperf(['show'], root);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^# Performance memory/);
    assert.match(r.stdout, /- ignore tests\/ <!-- key: note:/);
    r = clawperf(['show', 'preferences'], root);
    assert.match(r.stdout, /^# Preferences and notes/);

    r = clawperf(['forget', 'SYSTEMD'], root);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Forgot 1 entry/);
    r = clawperf(['forget', 'nothing like this'], root);
    assert.match(r.stdout, /Nothing in memory matches/);

    // Another folder under the root.
    r = clawperf(['remember', 'kept elsewhere', '--dir', 'mem'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.match(clawperf(['show', '--dir', join(root, 'mem')], '/').stdout, /kept elsewhere/);
  } finally {
    cleanup();
  }
});

test('clawperf memory errors are one line and exit 2', () => {
  const { root, cleanup } = tempRoot();
  try {
    for (const args of [
      ['remember', 'x', '--root', join(root, 'missing')],
      ['show', 'nonsense'],
      ['remember', '   '],
    ]) {
      const r = clawperf(args, root);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^clawperf: /);
    }
    assert.equal(clawperf(['remember'], root).code, 2, 'missing argument is a usage error');
  } finally {
    cleanup();
  }
});
