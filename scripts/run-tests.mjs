// Runs every compiled test file with Node's own runner. Node 20's `--test` takes no globs, so we list them.
// The tests, and the clawperf processes they start, get a scratch TMPDIR of their own, removed at the end:
// a run leaves nothing behind in the system's temporary folder.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const filter = process.argv[2];
const files = testFiles('dist/test').filter((file) => !filter || file.includes(filter)).sort();
const scratch = mkdtempSync(join(tmpdir(), 'clawperf-tests-'));
chmodSync(scratch, 0o1777); // like /tmp itself: some tests run a step as an unprivileged user
// Files that load the machine on their own (100 clawperf processes at once; a 300.000-line file) run after
// the others, one at a time: beside them, another test's hang guard could fire on a merely slow machine.
const HEAVY = ['reliability/parallel-runs', 'reliability/limits'];
const isHeavy = (file) => HEAVY.some((name) => file.includes(name));
const run = (group, concurrency) => {
  if (group.length === 0) return 0;
  const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...group], { stdio: 'inherit', env: { ...process.env, TMPDIR: scratch } });
  return result.status ?? 1;
};
try {
  const light = run(files.filter((file) => !isHeavy(file)), 2);
  const heavy = run(files.filter(isHeavy), 1);
  process.exitCode = light || heavy;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
