// `# noqa` and `# noqa: PO301,SP501` on the flagged line suppress findings, as in flake8 and ruff.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSources } from '../../src/pipeline.js';
import { PY_HEADER } from './helpers.js';

function loopWith(comment: string): string {
  return `${PY_HEADER}def watch():\n    while True:${comment}\n        for entry in os.listdir(INBOX):\n            print(entry)\n        time.sleep(0.5)\n`;
}

async function po301Lines(text: string): Promise<number[]> {
  const result = await analyzeSources([{ path: 'noqa_case.py', text }], { select: ['PO301'] });
  return result.findings.filter((f) => f.rule === 'PO301').map((f) => f.line);
}

test('a sleep-polling loop is flagged on its while line when nothing suppresses it', async () => {
  assert.deepEqual(await po301Lines(loopWith('')), [7]);
});

test('suppressed lines disappear: bare noqa, the rule code, a list of codes, any case', async () => {
  for (const comment of ['  # noqa', '  # noqa: PO301', '  # noqa: PO301,SP501', '  # noqa: SP501, PO301', '  # NOQA:po301']) {
    assert.deepEqual(await po301Lines(loopWith(comment)), [], `expected "${comment.trim()}" to suppress PO301`);
  }
});

test('a noqa for other rules, or on another line, does not suppress', async () => {
  assert.deepEqual(await po301Lines(loopWith('  # noqa: SP501')), [7], '"# noqa: SP501" must not hide PO301');
  const elsewhere = loopWith('').replace('print(entry)', 'print(entry)  # noqa: PO301');
  assert.deepEqual(await po301Lines(elsewhere), [7], 'a noqa on a line inside the loop must not hide the finding on the while line');
});

test('suppression also lowers the counts in the summary', async () => {
  const flagged = await analyzeSources([{ path: 'a.py', text: loopWith('') }], { select: ['PO301'] });
  const quiet = await analyzeSources([{ path: 'a.py', text: loopWith('  # noqa: PO301') }], { select: ['PO301'] });
  assert.equal(flagged.summary.findings.critical, 1);
  assert.equal(quiet.summary.findings.critical, 0);
});
