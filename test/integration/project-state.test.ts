// Where clawperf keeps its state, like Ruff's cache: at the project root (nearest pyproject.toml, .git or
// .clawperf above the analysed paths), never beside an analysed sub-folder or file; and a committed memory
// folder stays clean while the code does not change.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { git, pollLoop, PY_HEADER, runCli, tempProject } from './helpers.js';

const MEMORY = join('.claude', 'agent-memory', 'performance-engineer');

test('analysing a sub-folder or one file writes only the root .clawperf/ and the root memory folder', () => {
  const { dir, cleanup } = tempProject({ 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/sub/w.py': `${PY_HEADER}${pollLoop('watch')}` });
  try {
    for (const target of ['pkg/sub/w.py', 'pkg/sub']) {
      const run = runCli(['analyze', target, '--fail-on', 'none'], dir);
      assert.equal(run.status, 0, run.stderr);
    }
    const sub = runCli(['analyze', 'w.py', '--fail-on', 'none'], join(dir, 'pkg', 'sub'));
    assert.equal(sub.status, 0, sub.stderr);
    assert.deepEqual(readdirSync(join(dir, 'pkg', 'sub')), ['w.py'], 'nothing beside the analysed file');
    assert.deepEqual(readdirSync(join(dir, 'pkg')), ['sub']);
    assert.deepEqual(readdirSync(dir).sort(), ['.claude', '.clawperf', 'pkg', 'pyproject.toml']);
    assert.ok(existsSync(join(dir, MEMORY, 'MEMORY.md')));
    assert.ok(existsSync(join(dir, '.clawperf', 'cache')));
  } finally {
    cleanup();
  }
});

test('two runs on unchanged code leave git status clean (memory committed, run counters git-ignored)', () => {
  const { dir, cleanup } = tempProject({ 'svc/agent.py': `${PY_HEADER}${pollLoop('watch')}` });
  try {
    git(dir, 'init', '-q');
    // The first two runs confirm the bottleneck (memory records it after two sightings): that is news, committed.
    for (let i = 0; i < 2; i++) assert.equal(runCli(['analyze', 'svc', '--fail-on', 'none'], dir).status, 0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'code and memory');
    const committed = git(dir, 'ls-files');
    assert.match(committed, /MEMORY\.md/);
    assert.doesNotMatch(committed, /\.runs\.json|\.clawperf\//, 'run counters and the cache stay out of git');
    for (let i = 0; i < 2; i++) assert.equal(runCli(['analyze', 'svc', '--fail-on', 'none'], dir).status, 0);
    assert.equal(git(dir, 'status', '--porcelain', '--untracked-files=all'), '');
  } finally {
    cleanup();
  }
});

test('hook-cache and calibration.json are git-ignored in the user project', () => {
  const { dir, cleanup } = tempProject({ 'agent.py': `${PY_HEADER}${pollLoop('watch')}` });
  try {
    git(dir, 'init', '-q');
    const hook = runCli(['hook', '--root', dir, 'agent.py'], dir);
    assert.ok(existsSync(join(dir, '.clawperf', 'hook-cache')), hook.stderr);
    assert.equal(git(dir, 'status', '--porcelain', '--untracked-files=all', '--', '.clawperf'), '');
    assert.equal(git(dir, 'check-ignore', '.clawperf/calibration.json', '.clawperf/hook-cache/x.json').trim().split('\n').length, 2);
  } finally {
    cleanup();
  }
});
