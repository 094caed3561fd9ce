// Path confinement of the MCP server, in process.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PathRefused, ProjectRoot } from '../../src/mcp/paths.js';
import { ClawperfTools } from '../../src/mcp/tools.js';

test('confine accepts what is under the root and refuses the rest', () => {
  const work = mkdtempSync(join(tmpdir(), 'clawperf-paths-'));
  try {
    const root = join(work, 'root');
    mkdirSync(join(root, 'pkg'), { recursive: true });
    mkdirSync(join(work, 'outside'));
    writeFileSync(join(root, 'pkg', 'a.py'), '');
    symlinkSync(join(work, 'outside'), join(root, 'out'));
    symlinkSync(join(root, 'pkg'), join(root, 'inside-link'));
    const p = new ProjectRoot(root);
    assert.equal(p.confine('.').relative, '.');
    assert.equal(p.confine('pkg/a.py').relative, 'pkg/a.py');
    assert.equal(p.confine('pkg/../pkg/a.py').relative, 'pkg/a.py');
    assert.equal(p.confine(join(root, 'pkg')).relative, 'pkg');
    assert.equal(p.confine('inside-link/a.py').relative, 'inside-link/a.py', 'a symlink that stays inside is fine');
    assert.equal(p.confine('pkg/new/not-yet.py').relative, 'pkg/new/not-yet.py', 'missing paths are judged by their existing parent');
    for (const bad of ['..', '../outside', 'pkg/../../outside', '/etc/passwd', 'out', 'out/x.py', 'out/missing/deeper.py', '', 'a\0b']) {
      assert.throws(() => p.confine(bad), PathRefused, bad);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the tools refuse before doing anything, and say how to enable trace and stress', async () => {
  const work = mkdtempSync(join(tmpdir(), 'clawperf-tools-'));
  try {
    const tools = new ClawperfTools({ root: work, allowRun: false, warn: () => {} });
    const refused = await tools.run(() => tools.analyze({ paths: ['../'] }));
    assert.equal(refused.isError, true);
    assert.match(refused.text[0]!, /^refused: path "\.\.\/" is outside the project root/);
    const trace = await tools.run(() => tools.trace({ command: ['python3', '-c', 'pass'] }));
    assert.equal(trace.isError, true);
    assert.match(trace.text[0]!, /clawperf mcp --allow-run/);
    const missing = await tools.run(() => tools.analyze({ paths: ['nope.py'] }));
    assert.match(missing.text[0]!, /path not found: nope\.py/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
