import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consultMemory, rememberNote } from '../../src/memory/index.js';
import { keys, read, tempRoot } from './helpers.js';

const MEMORY_MODULE = new URL('../../src/memory/index.js', import.meta.url).href;

function run(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('100 processes remembering at once lose nothing and leave no corrupt file', async () => {
  const { root, dir, cleanup } = tempRoot();
  try {
    const script = join(root, 'remember.mjs');
    writeFileSync(
      script,
      `import { rememberNote } from ${JSON.stringify(MEMORY_MODULE)};\n` +
        `await rememberNote(process.argv[2], 'note from process ' + process.argv[3]);\n`,
    );
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => run(script, [root, String(i)])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);

    const state = JSON.parse(read(root, '.state.json'));
    assert.equal(state.notes.length, 100);
    const texts = new Set(state.notes.map((n: { text: string }) => n.text));
    for (let i = 0; i < 100; i++) assert.ok(texts.has(`note from process ${i}`), `note ${i}`);
    assert.equal(keys(read(root, 'preferences.md')).length, 100, 'every note rendered');
    assert.equal(consultMemory({ root, findings: [] }).warnings.length, 0);
    const names = readdirSync(dir);
    assert.ok(!names.some((n) => n.includes('.tmp-') || n.startsWith('.lock')), names.join(' '));
  } finally {
    cleanup();
  }
});

test('concurrent updates and notes within one process are serialised too', async () => {
  const { root, cleanup } = tempRoot();
  try {
    await Promise.all(Array.from({ length: 40 }, (_, i) => rememberNote(root, `in-process note ${i}`)));
    assert.equal(JSON.parse(read(root, '.state.json')).notes.length, 40);
  } finally {
    cleanup();
  }
});

test('a stale lock left by a dead process is broken; a live one is waited for', async () => {
  const { root, dir, cleanup } = tempRoot();
  try {
    await rememberNote(root, 'first');
    // A lock whose holder is gone (pid far above pid_max on Linux).
    writeFileSync(join(dir, '.lock'), `999999999 ${(await import('node:os')).hostname()} ${Date.now()} dead`);
    await rememberNote(root, 'second');
    // A lock held by a live process (this one) that never lets go: a short timeout gives a clear error.
    writeFileSync(join(dir, '.lock'), `${process.pid} ${(await import('node:os')).hostname()} ${Date.now()} live`);
    await assert.rejects(rememberNote(root, 'third', { lock: { timeoutMs: 200 } }), (error: Error) => {
      assert.equal(error.name, 'MemoryError');
      assert.match(error.message, /locked by process \d+/);
      assert.ok(!error.message.includes('\n'));
      return true;
    });
    // Too old: stale whoever holds it.
    await rememberNote(root, 'fourth', { lock: { staleMs: 0 } });
    const texts = JSON.parse(read(root, '.state.json')).notes.map((n: { text: string }) => n.text);
    assert.deepEqual(texts, ['first', 'second', 'fourth']);
  } finally {
    cleanup();
  }
});
