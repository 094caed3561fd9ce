// `--format github`: one workflow command per finding, which GitHub Actions turns into annotations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeData, escapeProperty } from '../../src/report/github.js';
import { pollLoop, PY_HEADER, runCli, tempProject } from './helpers.js';

test('github format prints ::error/::warning/::notice lines with file, line, col and the rule as title', () => {
  const { dir, cleanup } = tempProject({ 'svc/worker.py': `${PY_HEADER}${pollLoop('watch')}` });
  try {
    const run = runCli(['analyze', 'svc', '--format', 'github', '--lang', 'en', '--no-memory', '--no-config'], dir);
    assert.equal(run.status, 1, 'a critical finding fails the run as in every format');
    const lines = run.stdout.trimEnd().split('\n');
    const pattern = /^::(error|warning|notice) file=([^,]+),line=(\d+)(?:,endLine=\d+)?,col=(\d+),title=([A-Z]{2}\d{3})::(.+)$/;
    for (const line of lines) assert.match(line, pattern);
    const po301 = lines.find((l) => l.includes('title=PO301'));
    assert.ok(po301, `a PO301 annotation in:\n${run.stdout}`);
    const [, level, file, line, col] = pattern.exec(po301)!;
    assert.deepEqual([level, file, line, col], ['error', 'svc/worker.py', '7', '5']);
    assert.match(po301, /::Loop polls .*every 0\.01 s/);
  } finally {
    cleanup();
  }
});

test('annotation text is escaped the way the Actions runner expects', () => {
  assert.equal(escapeData('50 % done\nnext'), '50 %25 done%0Anext');
  assert.equal(escapeProperty('a,b:c.py'), 'a%2Cb%3Ac.py');
});
