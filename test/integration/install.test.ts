// Installing clawperf as a user does, from a clean folder: `npm pack` of a checkout (its `prepare` script
// builds dist/), the tarball installed into an empty project, and `npx clawperf analyze` run there.
// The checkout is a copy, so the build does not rewrite the dist/ the other tests are running.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, tempProject } from './helpers.js';

const NPM = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;
/** npm's errors when the registry cannot be reached: the install cannot be tried here, it did not fail. */
const OFFLINE = /ENOTFOUND|EAI_AGAIN|ENOTCACHED|ECONNREFUSED|ETIMEDOUT|ENETUNREACH/;

function npm(args: string[], cwd: string) {
  return spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
}

/** A fresh checkout of the package's sources (no dist/), sharing the repository's node_modules. */
function checkout(dir: string): string {
  const copy = join(dir, 'checkout');
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'scripts', 'src', 'python']) cpSync(join(REPO_ROOT, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

test('npm pack → install into an empty folder → npx clawperf analyze', { skip: NPM ? false : 'npm is not on PATH: the install path cannot be checked here' }, (t) => {
  const { dir, cleanup } = tempProject({ 'user/agent.py': 'import os, time\n\nwhile True:\n    for name in os.listdir("inbox"):\n        print(name)\n    time.sleep(0.5)\n' });
  try {
    const packed = npm(['pack', '--json', '--pack-destination', dir], checkout(dir));
    assert.equal(packed.status, 0, packed.stderr);
    const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((f) => f.path);
    assert.ok(paths.includes('dist/src/cli/main.js'), 'the prepare build is in the tarball');
    assert.deepEqual(paths.filter((p) => p.endsWith('.map') || p.endsWith('.ts')), [], 'no source maps or sources in the package');

    const user = join(dir, 'user');
    const installed = npm(['install', '--prefer-offline', join(dir, filename)], user);
    if (installed.status !== 0 && OFFLINE.test(installed.stderr)) {
      t.skip(`the npm registry cannot be reached to fetch clawperf's dependencies: ${installed.stderr.split('\n')[0]}`);
      return;
    }
    assert.equal(installed.status, 0, installed.stderr);
    // An idle listing every 0.5 s is priced as an empty folder's (important, not critical): the exit code is asked at that level.
    const run = spawnSync('npx', ['--no-install', 'clawperf', 'analyze', '.', '--format', 'json', '--fail-on', 'important'], { cwd: user, encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { summary: { files: number }; findings: { rule: string; file: string }[] };
    assert.equal(report.summary.files, 1);
    assert.ok(report.findings.some((f) => f.rule === 'PO301' && f.file === 'agent.py'), run.stdout);
    assert.ok(!readdirSync(join(user, 'node_modules', 'clawperf', 'dist', 'src', 'cli')).some((f) => f.endsWith('.map')));
    assert.ok(existsSync(join(user, '.clawperf')), 'state lives in the analysed project');
  } finally {
    cleanup();
  }
});
