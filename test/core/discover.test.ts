// Discovery: .gitignore honoured inside the project, but a folder the user names explicitly is analysed
// even when a .gitignore above it ignores it (a Python under pyenv's ignored `/versions`).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { discover } from '../../src/discover/discover.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'clawperf-discover-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const found = (root: string, path: string) => discover([join(root, path)], { cwd: root }).files.map((f) => relative(root, f)).sort();

test('.gitignore rules of the project apply while walking it', () => {
  const root = tree({ '.git/HEAD': '', '.gitignore': '/versions\n*.gen.py\n', 'app.py': '', 'x.gen.py': '', 'versions/lib/a.py': '' });
  try {
    assert.deepEqual(found(root, '.'), ['app.py']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a folder named explicitly is analysed even if a .gitignore above ignores it; its other patterns still apply', () => {
  const root = tree({ '.git/HEAD': '', '.gitignore': '/versions\n*.gen.py\n', 'versions/lib/a.py': '', 'versions/lib/pkg/b.py': '', 'versions/lib/c.gen.py': '' });
  try {
    assert.deepEqual(found(root, 'versions/lib'), ['versions/lib/a.py', 'versions/lib/pkg/b.py']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('gitignore: false analyses ignored files too', () => {
  const root = tree({ '.git/HEAD': '', '.gitignore': '*.gen.py\n', 'x.gen.py': '' });
  try {
    assert.deepEqual(discover([root], { cwd: root, gitignore: false }).files.map((f) => relative(root, f)), ['x.gen.py']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
