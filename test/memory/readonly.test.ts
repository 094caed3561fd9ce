import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rememberNote, updateMemory } from '../../src/memory/index.js';
import { finding, tempRoot } from './helpers.js';

const MEMORY_MODULE = new URL('../../src/memory/index.js', import.meta.url).href;
const asRoot = process.getuid?.() === 0;

/** A child that tries to write the memory and prints what it threw. */
function childScript(root: string): string {
  const script = join(root, 'try-write.mjs');
  writeFileSync(
    script,
    `import { rememberNote, updateMemory } from ${JSON.stringify(MEMORY_MODULE)};
const [root, what] = process.argv.slice(2);
try {
  if (what === 'update') await updateMemory({ root, findings: [], analysedFiles: ['a.py'], runId: 'x' });
  else await rememberNote(root, 'a note that cannot be saved ' + 'x'.repeat(4096));
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message }));
}
`,
  );
  chmodSync(root, 0o755);
  chmodSync(script, 0o644);
  return script;
}

function snapshot(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

test('a read-only memory folder gives a one-line MemoryError and changes nothing', async () => {
  const { root, dir, cleanup } = tempRoot();
  try {
    await rememberNote(root, 'kept');
    const before = snapshot(dir);
    const script = childScript(root);
    chmodSync(dir, 0o555);
    // root ignores file modes, so as root the writer runs as `nobody`.
    const options = asRoot ? { uid: 65534, gid: 65534, cwd: root } : { cwd: root };
    for (const what of ['remember', 'update']) {
      const child = spawnSync(process.execPath, [script, root, what], { ...options, encoding: 'utf8' });
      assert.equal(child.status, 0, child.stderr);
      const result = JSON.parse(child.stdout);
      assert.equal(result.name, 'MemoryError', child.stdout);
      assert.equal(result.code, 'READ_ONLY');
      assert.match(result.message, /^cannot lock project memory at .*: permission denied/);
      assert.ok(!result.message.includes('\n'));
    }
    chmodSync(dir, 0o755);
    assert.deepEqual(snapshot(dir), before);

    // A read-only project root where the folder does not exist yet.
    const bare = join(root, 'bare');
    mkdirSync(bare, { mode: 0o555 });
    chmodSync(bare, 0o555);
    const child = spawnSync(process.execPath, [script, bare, 'remember'], { ...options, encoding: 'utf8' });
    const result = JSON.parse(child.stdout);
    assert.equal(result.code, 'READ_ONLY', child.stdout);
    assert.match(result.message, /^cannot create project memory at /);
  } finally {
    cleanup();
  }
});

test('a write error (disk full, file-size limit) leaves every file whole and unchanged', { skip: process.platform !== 'linux' }, async () => {
  const { root, dir, cleanup } = tempRoot();
  try {
    const files = Array.from({ length: 40 }, (_, i) => `pkg/m${i}.py`);
    const findings = files.map((file, i) => finding('PO301', file, 10 + i, { anchor: `poll_${i}` }));
    await updateMemory({ root, findings, analysedFiles: files, runId: 'r1' });
    await updateMemory({ root, findings, analysedFiles: files, runId: 'r2' });
    const before = snapshot(dir);
    const script = childScript(root);
    // Files may not grow beyond 8 KB in the child (SIGXFSZ ignored, so writes fail with EFBIG, like a full disk).
    const child = spawnSync('/bin/sh', ['-c', 'ulimit -f 16; trap "" XFSZ; exec "$0" "$@"', process.execPath, script, root, 'remember'], {
      encoding: 'utf8',
      cwd: root,
    });
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout);
    assert.equal(result.name, 'MemoryError', child.stdout);
    assert.equal(result.code, 'DISK_FULL');
    assert.match(result.message, /nothing was changed/);
    assert.deepEqual(snapshot(dir), before, 'no file changed, no temp file or lock left');
  } finally {
    cleanup();
  }
});
