// `--diff REV`: only findings on lines changed since REV (plus untracked files); a clear error outside git.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUnifiedDiff } from '../../src/ci/diff.js';
import { findingsOf, git, pollLoop, PY_HEADER, runCli, tempProject, writeFiles } from './helpers.js';

const ARGS = ['--format', 'json', '--no-memory', '--no-config', '--select', 'PO301'];

test('--diff HEAD~1 limits the findings to lines changed since that commit, untracked files included', () => {
  const { dir, cleanup } = tempProject({ 'old.py': `${PY_HEADER}${pollLoop('old_watch')}`, 'edited.py': `${PY_HEADER}${pollLoop('stable')}` });
  try {
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'first');
    // Second commit: a new file with a loop, and a new loop appended to an existing file.
    writeFiles(dir, { 'new.py': `${PY_HEADER}${pollLoop('fresh')}`, 'edited.py': `${PY_HEADER}${pollLoop('stable')}\n${pollLoop('added')}` });
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'second');
    // Not committed at all: an untracked file counts as changed everywhere.
    writeFiles(dir, { 'untracked.py': `${PY_HEADER}${pollLoop('draft')}` });

    const all = findingsOf(runCli(['analyze', '.', ...ARGS], dir)).map((f) => `${f.file}:${f.line}`).sort();
    assert.deepEqual(all, ['edited.py:13', 'edited.py:7', 'new.py:7', 'old.py:7', 'untracked.py:7']);

    const run = runCli(['analyze', '.', ...ARGS, '--changed-since', 'HEAD~1'], dir);
    const changed = findingsOf(run).map((f) => `${f.file}:${f.line}`).sort();
    assert.deepEqual(changed, ['edited.py:13', 'new.py:7', 'untracked.py:7'], `stderr: ${run.stderr}`);
    assert.match(run.stderr, /changed-since: 2 findings on lines not changed since HEAD~1 hidden/);
    assert.doesNotMatch(run.stderr, /deprecated/);

    const head = findingsOf(runCli(['analyze', '.', ...ARGS, '--changed-since', 'HEAD'], dir)).map((f) => f.file);
    assert.deepEqual(head, ['untracked.py'], 'since HEAD only the untracked file changed');

    // The old name still works, with one line saying so (Ruff's --diff means something else).
    const old = runCli(['analyze', '.', ...ARGS, '--diff', 'HEAD~1'], dir);
    assert.deepEqual(findingsOf(old).map((f) => `${f.file}:${f.line}`).sort(), changed);
    assert.match(old.stderr, /^clawperf: warning: --diff is deprecated: use --changed-since/m);
  } finally {
    cleanup();
  }
});

test('--changed-since outside a git repository, or with an unknown revision, is a one-line usage error', () => {
  const { dir, cleanup } = tempProject({ 'a.py': `${PY_HEADER}${pollLoop('watch')}` });
  try {
    const outside = runCli(['analyze', 'a.py', ...ARGS, '--changed-since', 'HEAD~1'], dir, { GIT_CEILING_DIRECTORIES: dir.replace(/\/[^/]+$/, '') });
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /^clawperf: --changed-since needs a git repository, and .* is not inside one\n$/);
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'only');
    const unknown = runCli(['analyze', 'a.py', ...ARGS, '--changed-since', 'no-such-branch'], dir);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^clawperf: --changed-since: unknown revision "no-such-branch"/);
  } finally {
    cleanup();
  }
});

test('unified diff parsing: added and changed lines on the new side, deletions add nothing', () => {
  const diff = [
    'diff --git a/x.py b/x.py', '--- a/x.py', '+++ b/x.py',
    '@@ -3,0 +4,2 @@ def f():', '+a', '+b',
    '@@ -10 +12 @@', '-old', '+new',
    '@@ -20,3 +23,0 @@', '-gone', '-gone', '-gone',
    'diff --git a/gone.py b/gone.py', '--- a/gone.py', '+++ /dev/null', '@@ -1,2 +0,0 @@',
    'diff --git a/sp ace.py b/sp ace.py', '--- /dev/null', '+++ "b/sp\\303\\241ce.py"', '@@ -0,0 +1 @@', '+x',
  ].join('\n');
  const parsed = parseUnifiedDiff(diff);
  assert.deepEqual([...parsed.get('x.py')!].sort((a, b) => a - b), [4, 5, 12]);
  assert.equal(parsed.has('gone.py'), false);
  assert.deepEqual([...parsed.get('spáce.py')!], [1], 'C-quoted paths are decoded');
});
