// One set of unit costs and one verdict per run: markdown, JSON and HTML say the same, with reference or
// calibrated costs, and a baseline hides findings without changing what the machine pays.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeCalibration } from '../../src/impact/calibration.js';
import { reportSession } from '../../src/report/session.js';

const AGENT = [
  'import os, subprocess, sys, time',
  'def handle(path):',
  '    subprocess.run(["true"])',
  'def main(inbox):',
  '    while True:',
  '        for name in os.listdir(inbox):',
  '            handle(os.path.join(inbox, name))',
  '        time.sleep(0.01)',
  'if __name__ == "__main__":',
  '    main(sys.argv[1])',
].join('\n');

const unit = (ms: number) => ({ medianMs: ms, p10Ms: ms / 2, p90Ms: ms * 2, lowMs: ms / 2, highMs: ms * 2, samples: 5 });

async function render(cwd: string, hideAll = false) {
  const session = await reportSession({ sources: [{ path: 'agent.py', text: AGENT }] }, {
    agentCounts: [200], lang: 'en', cwd, cache: false, ...(hideAll ? { keepFindings: () => [] } : {}),
  });
  const json = JSON.parse(session.render('json'));
  return { md: session.render('md'), html: session.render('html'), capacity: json.capacity, findings: json.findings.length };
}

function verdictSentence(md: string): string {
  const line = md.split('\n').find((l) => l.startsWith('- Capacity verdict:'));
  assert.ok(line, 'section 1 has the verdict');
  return line!.slice(2);
}

test('markdown, JSON and HTML carry one verdict, with reference and with calibrated costs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clawperf-agree-'));
  try {
    const reference = await render(dir);
    writeCalibration(dir, { version: 1, measuredAt: '2026-12-08T00:00:00Z', machine: { cpus: 2, model: 'test', python: '3.11' }, units: { listdir_idle: unit(2), subprocess: unit(200) } });
    const calibrated = await render(dir);
    for (const run of [reference, calibrated]) {
      const sentence = verdictSentence(run.md);
      assert.equal(sentence.includes('**does not hold**'), !run.capacity.holds);
      if (run.capacity.breaking_point) assert.ok(sentence.includes(`about ${(run.capacity.breaking_point + 1).toLocaleString('en-US')} agents`), sentence);
      assert.ok(run.html.includes(sentence.replace(/\*\*(.*?)\*\*/g, '<strong>$1</strong>').slice(0, 40)), 'the HTML says the same');
      const { idle, steady } = run.capacity.budgets;
      assert.ok(Math.abs(run.capacity.resources.cpu.demand - idle.cpu.demand - steady.cpu.demand) < 1e-9, 'resources = idle + steady');
    }
    assert.ok(calibrated.capacity.resources.cpu.demand > reference.capacity.resources.cpu.demand * 5, 'the calibrated costs reach the verdict');
    assert.ok(/measured on this machine/.test(calibrated.md) && !/measured on this machine/.test(reference.md));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a baseline hides findings from the report, not from the capacity model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clawperf-agree-'));
  try {
    const shown = await render(dir);
    const hidden = await render(dir, true);
    assert.ok(shown.findings > 0);
    assert.equal(hidden.findings, 0);
    assert.deepEqual(hidden.capacity.resources, shown.capacity.resources);
    assert.equal(hidden.capacity.breaking_point, shown.capacity.breaking_point);
    assert.equal(verdictSentence(hidden.md), verdictSentence(shown.md));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
