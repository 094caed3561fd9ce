// One table-driven test for every rule: test/fixtures/<ID>.py (or a folder <ID>/ for cross-module cases)
// marks lines that must be flagged with `# expect: <ID>` and tempting lines that must not with `# ok: <ID>`.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeSources, type Source } from '../../src/pipeline.js';
import { RULES } from '../../src/rules/index.js';

const FIXTURES = 'test/fixtures';

function fixtureSources(id: string): Source[] {
  const single = join(FIXTURES, `${id}.py`);
  if (existsSync(single)) return [{ path: single, text: readFileSync(single, 'utf8') }];
  const dir = join(FIXTURES, id);
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    return readdirSync(dir).filter((f) => f.endsWith('.py')).sort().map((f) => ({ path: `${dir}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  }
  return [];
}

function marked(sources: Source[], kind: 'expect' | 'ok', id: string): string[] {
  const marker = new RegExp(`#.*\\b${kind}:\\s*[A-Z0-9, ]*\\b${id}\\b`);
  return sources.flatMap((s) => s.text.split('\n').flatMap((line, i) => (marker.test(line) ? [`${s.path}:${i + 1}`] : [])));
}

for (const rule of RULES) {
  const id = rule.meta.id;
  test(`${id} ${rule.meta.name}: flags the expected lines and nothing else`, async () => {
    const sources = fixtureSources(id);
    assert.ok(sources.length > 0, `no fixture for ${id}: create ${FIXTURES}/${id}.py`);
    const expected = marked(sources, 'expect', id);
    const negatives = marked(sources, 'ok', id);
    assert.ok(expected.length > 0, `${id}: the fixture has no "# expect: ${id}" line (every rule needs a positive case)`);
    assert.ok(negatives.length > 0, `${id}: the fixture has no "# ok: ${id}" line (every rule needs a negative case)`);
    const result = await analyzeSources(sources, { rules: [rule] });
    const actual = result.findings.map((f) => `${f.file}:${f.line}`);
    const missed = expected.filter((l) => !actual.includes(l));
    const extra = actual.filter((l) => !expected.includes(l));
    const show = (lines: string[]) => lines.map((l) => {
      const [path, n] = [l.slice(0, l.lastIndexOf(':')), Number(l.slice(l.lastIndexOf(':') + 1))];
      return `    ${l}  ${sources.find((s) => s.path === path)?.text.split('\n')[n - 1]?.trim()}`;
    }).join('\n');
    assert.ok(missed.length === 0 && extra.length === 0,
      `${id}:\n  missed (expected, not found):\n${show(missed) || '    none'}\n  extra (found, not expected):\n${show(extra) || '    none'}`);
    for (const finding of result.findings) {
      assert.ok(finding.message.es && finding.message.en, `${id}: message in both languages`);
      assert.ok(finding.proposal.example.trim().length > 0, `${id}: a Python example`);
      assert.ok(finding.cost.current.length > 0 || finding.cost.currentResources, `${id}: a priced cost`);
    }
  });
}
