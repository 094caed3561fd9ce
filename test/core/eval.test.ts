// Scoring the labelled corpora: a finding matches a label by file and dimension, at the label's line ±1 or
// one of its alt_lines; severity is not scored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, type Label } from '../../src/eval/main.js';
import type { Finding } from '../../src/rules/types.js';

function finding(file: string, line: number, dimension: Finding['dimension'], severity: Finding['severity'] = 'minor'): Finding {
  return { rule: 'X', dimension, severity, file, line } as Finding;
}

test('a finding on one of the alt_lines matches; elsewhere it is a false positive and the label a miss', () => {
  const labels: Label[] = [{ file: 'a.py', line: 40, alt_lines: [12], dimension: 'disk', expect: true }];
  const hit = evaluate([finding('corpus/a.py', 12, 'disk')], labels, 'corpus');
  assert.equal(hit.overall.truePositives, 1);
  assert.equal(hit.overall.falsePositives, 0);
  const near = evaluate([finding('corpus/a.py', 41, 'disk')], labels, 'corpus');
  assert.equal(near.overall.truePositives, 1);
  const miss = evaluate([finding('corpus/a.py', 20, 'disk'), finding('corpus/a.py', 12, 'memory')], labels, 'corpus');
  assert.equal(miss.overall.truePositives, 0);
  assert.equal(miss.overall.falsePositives, 2);
  assert.equal(miss.perDimension.disk.falseNegatives, 1);
});

test('severity is not scored, and a finding path relative to another folder still matches', () => {
  const labels: Label[] = [{ file: 'a.py', line: 5, dimension: 'polling', severity: 'critical', expect: true }];
  const result = evaluate([finding('./corpus/../corpus/a.py', 5, 'polling', 'minor')], labels, 'corpus');
  assert.equal(result.overall.recall, 1);
  assert.equal(result.overall.precision, 1);
});
