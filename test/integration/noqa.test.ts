// `# noqa` and `# noqa: PO301,SP501` on the flagged line suppress findings, as in flake8 and ruff.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSources } from '../../src/pipeline.js';
import { findingsOf, pollLoop, PY_HEADER, runCli, tempProject } from './helpers.js';

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

test('# clawperf: noqa silences a whole file, or the rules it names; --report-unused-noqa lists what suppresses nothing', () => {
  const loop = `${PY_HEADER}${pollLoop('watch')}`;
  const { dir, cleanup } = tempProject({
    'all.py': `# clawperf: noqa\n${loop}`,
    'some.py': `# clawperf: noqa: PO305\n${loop}`,
    'stale.py': `${PY_HEADER}x = 1  # noqa: PO301\ny = 2  # noqa: E501\nz = 3  # noqa\n`,
    'idle.py': '# clawperf: noqa\nx = 1\n',
  });
  try {
    const run = runCli(['analyze', '.', '--format', 'json', '--no-memory', '--no-cache', '--fail-on', 'none', '--report-unused-noqa'], dir);
    const findings = findingsOf(run);
    assert.deepEqual(findings.filter((f) => f.file === 'all.py'), [], 'a bare file-level noqa silences every rule');
    const some = findings.filter((f) => f.file === 'some.py').map((f) => f.rule);
    assert.ok(some.includes('PO301') && !some.includes('PO305'), some.join(','));
    // Only clawperf's own codes and file-level comments are judged: `# noqa: E501` and a bare `# noqa` may serve other tools.
    assert.deepEqual(run.stderr.split('\n').filter((l) => l.includes('unused')), [
      'clawperf: idle.py:1: unused `# clawperf: noqa` (it suppresses nothing)',
      'clawperf: stale.py:6: unused noqa: PO301',
    ]);
    assert.equal(run.status, 1, 'unused noqa comments fail the run, as findings do');
    const without = runCli(['analyze', '.', '--format', 'json', '--no-memory', '--no-cache', '--fail-on', 'none'], dir);
    assert.equal(without.status, 0);
    assert.doesNotMatch(without.stderr, /unused/);
  } finally {
    cleanup();
  }
});
