// The pre-commit hook of .pre-commit-hooks.yaml, installed and run by pre-commit itself (`try-repo`) where
// pre-commit is installed. Its behaviour (staged files, whole-project contexts) is tested without pre-commit
// in ruff-flags.test.ts (`--in-project`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { git, pollLoop, PY_HEADER, REPO_ROOT, tempProject } from './helpers.js';

const PRE_COMMIT = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;

test('pre-commit try-repo installs the hook and reports on the staged files', { skip: PRE_COMMIT ? false : 'pre-commit is not installed (pip install pre-commit): the hook install is not checked here; --in-project is tested in ruff-flags.test.ts' }, () => {
  const { dir, cleanup } = tempProject({ 'agent.py': `${PY_HEADER}${pollLoop('watch')}`, 'clean.py': 'x = 1\n' });
  try {
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    const run = spawnSync('pre-commit', ['try-repo', REPO_ROOT, 'clawperf', '--files', 'agent.py'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PRE_COMMIT_HOME: `${dir}/.pre-commit-home` } });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /PO301/);
    assert.doesNotMatch(run.stdout, /Executable `clawperf` not found/);
  } finally {
    cleanup();
  }
});
