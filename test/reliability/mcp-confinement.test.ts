// MCP path confinement under attack: traversal (`..`, absolute paths, `~`, URL-encoded dots, NUL,
// backslashes) and symlink escapes (links to outside folders and files, chains, links named so that they
// are gitignore syntax), through the confinement function, the tool API, and once through the SDK client.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { PathRefused, ProjectRoot } from '../../src/mcp/paths.js';
import { ClawperfTools } from '../../src/mcp/tools.js';
import { CLI, tempDir } from './helpers.js';

/** Code every rule family flags: if it is analysed, its findings show up. */
const SECRET = 'import subprocess, time\nwhile True:\n    subprocess.run("cat /etc/shadow", shell=True)\n    time.sleep(0.01)\n';

interface Layout {
  work: string;
  root: string;
  outside: string;
  cleanup: () => void;
}

function layout(): Layout {
  const { dir: work, cleanup } = tempDir('clawperf-mcp-rel-');
  const root = join(work, 'root');
  const outside = join(work, 'outside');
  mkdirSync(join(root, 'pkg', 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'pkg', 'ok.py'), 'import time\nwhile True:\n    time.sleep(0.01)\n');
  writeFileSync(join(outside, 'secret.py'), SECRET);
  // Symlinks that leave the root, under names that are also gitignore syntax.
  symlinkSync(outside, join(root, 'out'));
  symlinkSync(outside, join(root, '#dir'));
  symlinkSync(join(outside, 'secret.py'), join(root, 'evil.py'));
  symlinkSync(join(outside, 'secret.py'), join(root, '#evil.py'));
  symlinkSync(join(outside, 'secret.py'), join(root, '!evil.py'));
  symlinkSync(join(outside, 'secret.py'), join(root, 'e[1].py'));
  symlinkSync(join(outside, 'secret.py'), join(root, 'pkg', 'sub', 'ok.py')); // same base name as a legitimate file
  symlinkSync('../../../outside', join(root, 'pkg', 'sub', 'rel')); // relative target
  symlinkSync('/', join(root, 'slash'));
  symlinkSync(join(root, 'out'), join(root, 'chain')); // inside → inside link → outside
  symlinkSync(join(root, 'pkg'), join(root, 'inside-link')); // stays inside: fine
  return { work, root, outside, cleanup };
}

const TRAVERSALS = [
  '..', '../', '../outside', '../outside/secret.py', 'pkg/../../outside/secret.py', 'pkg/sub/../../../outside',
  '/etc/passwd', '/', '/root/.ssh/id_rsa', '//etc//passwd', './../outside', 'pkg/./../..', '../../../../../../../../etc/passwd',
  '**/../../outside/*.py', '{pkg,pkg}/../../outside/*.py', '../*.py',
];
const SYMLINK_ESCAPES = ['out', 'out/secret.py', 'out/missing/deeper.py', '#dir/secret.py', 'evil.py', '#evil.py', '!evil.py', 'e[1].py', 'pkg/sub/ok.py', 'pkg/sub/rel/secret.py', 'slash/etc/passwd', 'chain/secret.py'];

test('confine refuses traversal and symlink escapes, and keeps odd-looking names inside the root', () => {
  const { root, work, outside, cleanup } = layout();
  try {
    const p = new ProjectRoot(root);
    for (const bad of [...TRAVERSALS, ...SYMLINK_ESCAPES, join(work, 'outside'), `${root}/../outside`, `${root}-sibling`, '', ' ', 'a\0b', '\0', 'pkg/ok.py\0.txt']) {
      assert.throws(() => p.confine(bad), PathRefused, JSON.stringify(bad));
      try {
        p.confine(bad);
      } catch (error) {
        assert.ok(!(error as Error).message.includes('\n'), 'one line');
        assert.match((error as Error).message, /^refused: /);
      }
    }
    // Not traversal: `~`, URL-encoded dots and backslashes are literal names on POSIX, and stay under the root.
    for (const literal of ['~', '~/.ssh/id_rsa', '~root', '..%2f..%2fetc%2fpasswd', '%2e%2e/%2e%2e/etc/passwd', '..\\..\\etc\\passwd', '...', '.../x', 'pkg/..%00/x']) {
      const confined = p.confine(literal);
      assert.ok(confined.absolute.startsWith(`${root}/`), `${literal} → ${confined.absolute}`);
      assert.ok(!confined.absolute.startsWith(outside));
    }
    assert.equal(p.confine('inside-link/ok.py').relative, 'inside-link/ok.py');
    assert.equal(p.confine(join(root, 'pkg', 'ok.py')).relative, 'pkg/ok.py');
    assert.equal(p.contains(join(root, '#evil.py')), false);
    assert.equal(p.contains(join(root, 'pkg', 'sub', 'rel', 'secret.py')), false);
  } finally {
    cleanup();
  }
});

test('the analyze tool refuses every escape, and never reads outside the root through a folder, a glob or an odd name', async () => {
  const { root, cleanup } = layout();
  try {
    const tools = new ClawperfTools({ root, allowRun: true, warn: () => {} });
    for (const bad of [...TRAVERSALS, ...SYMLINK_ESCAPES, 'a\0b']) {
      const result = await tools.run(() => tools.analyze({ paths: [bad], format: 'json', memory: false }));
      assert.equal(result.isError, true, `${JSON.stringify(bad)}: ${result.text[0]?.slice(0, 200)}`);
      assert.match(result.text[0]!, /^refused: /, JSON.stringify(bad));
    }
    // Walking the root, globbing it, naming a folder that holds an escaping link: only pkg/ok.py is read.
    for (const paths of [['.'], ['**/*.py'], ['*.py'], ['pkg'], ['pkg/**'], ['pkg/sub'], ['{pkg,.}/**/*.py']]) {
      const result = await tools.run(() => tools.analyze({ paths, format: 'json', memory: false }));
      assert.notEqual(result.isError, true, `${paths}: ${result.text[0]?.slice(0, 200)}`);
      const report = JSON.parse(result.text[0]!) as { summary: { files: number }; findings: Array<{ file: string; message: string }> };
      const files = [...new Set(report.findings.map((f) => f.file))];
      // inside-link → pkg stays inside the root: its ok.py may be read again under that name.
      assert.ok(files.every((f) => f === 'pkg/ok.py' || f === 'inside-link/ok.py'), `${paths}: read ${files.join(', ')}`);
      assert.ok(report.summary.files <= 2, `${paths}: ${report.summary.files} files`);
      assert.ok(!result.text.join('\n').includes('/etc/shadow'), `${paths}: the outside file's code leaked`);
    }
    // The run tools confine their folders before running anything.
    const trace = await tools.run(() => tools.trace({ command: ['python3', '-c', 'pass'], cwd: '../outside' }));
    assert.equal(trace.isError, true);
    assert.match(trace.text[0]!, /^refused: cwd/);
    const traceLink = await tools.run(() => tools.trace({ command: ['python3', '-c', 'pass'], cwd: 'out' }));
    assert.match(traceLink.text[0]!, /^refused: cwd .* symlink/);
    const stress = await tools.run(() => tools.stress({ command: ['python3', '-c', 'pass'], agents: [1], durationSeconds: 1, shared: '../outside' }));
    assert.equal(stress.isError, true);
    assert.match(stress.text[0]!, /^refused: shared/);
  } finally {
    cleanup();
  }
});

test('end to end through the SDK client: an escape is an error result, and the server keeps serving', { timeout: 30_000 }, async () => {
  const { root, work, cleanup } = layout();
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--root', root], stderr: 'pipe', cwd: work });
  const client = new Client({ name: 'clawperf-reliability', version: '1.0.0' });
  try {
    await client.connect(transport);
    type Result = { content: Array<{ type: string; text?: string }>; isError?: boolean };
    for (const bad of ['../outside/secret.py', '/etc/passwd', '#evil.py', 'chain/secret.py', 'a\0b']) {
      const result = (await client.callTool({ name: 'analyze', arguments: { paths: [bad], format: 'json', memory: false } })) as Result;
      assert.equal(result.isError, true, bad);
      assert.match(result.content[0]?.text ?? '', /^refused: /, bad);
    }
    const ok = (await client.callTool({ name: 'analyze', arguments: { format: 'json', memory: false } })) as Result;
    assert.notEqual(ok.isError, true);
    const report = JSON.parse(ok.content[0]!.text!) as { findings: Array<{ file: string }> };
    const files = [...new Set(report.findings.map((f) => f.file))];
    assert.ok(files.length > 0 && files.every((f) => f === 'pkg/ok.py' || f === 'inside-link/ok.py'), files.join(', '));
  } finally {
    await client.close();
    cleanup();
  }
});
