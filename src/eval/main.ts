// `npm run eval`: precision and recall of the rules on the labelled corpus in test/corpus/.
// A finding matches a label when file, line ±1 and dimension agree (the scoring used on unseen code).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePaths } from '../pipeline.js';
import { DIMENSIONS, type Dimension, type Finding } from '../rules/types.js';

export interface Label {
  file: string;
  line: number;
  dimension: Dimension;
  rule?: string;
  expect: boolean;
  note?: string;
}

export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

function score(tp: number, fp: number, fn: number): Score {
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
}

function matches(finding: Finding, label: Label, corpus: string): boolean {
  return finding.file === join(corpus, label.file).split('\\').join('/') && Math.abs(finding.line - label.line) <= 1 && finding.dimension === label.dimension;
}

/**
 * Scores findings against labels. Findings on lines with no label at all count as false positives:
 * the corpus labels everything a careful engineer would flag, so an unlabelled finding is noise.
 */
export function evaluate(findings: Finding[], labels: Label[], corpus: string) {
  const positives = labels.filter((l) => l.expect);
  const perDimension = new Map<Dimension, { tp: number; fp: number; fn: number }>();
  const bucket = (d: Dimension) => perDimension.get(d) ?? perDimension.set(d, { tp: 0, fp: 0, fn: 0 }).get(d)!;
  const falsePositives: Finding[] = [];
  const misses: Label[] = [];
  for (const label of positives) {
    if (findings.some((f) => matches(f, label, corpus))) bucket(label.dimension).tp++;
    else {
      bucket(label.dimension).fn++;
      misses.push(label);
    }
  }
  for (const finding of findings) {
    if (positives.some((l) => matches(finding, l, corpus))) continue;
    bucket(finding.dimension).fp++;
    falsePositives.push(finding);
  }
  const total = [...perDimension.values()].reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }), { tp: 0, fp: 0, fn: 0 });
  return {
    overall: score(total.tp, total.fp, total.fn),
    perDimension: Object.fromEntries(DIMENSIONS.map((d) => {
      const b = perDimension.get(d) ?? { tp: 0, fp: 0, fn: 0 };
      return [d, score(b.tp, b.fp, b.fn)];
    })) as Record<Dimension, Score>,
    falsePositives,
    misses,
  };
}

function pct(value: number): string {
  return value.toFixed(2);
}

async function main(): Promise<void> {
  const corpus = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'test/corpus';
  const labels = JSON.parse(readFileSync(join(corpus, 'labels.json'), 'utf8')) as Label[];
  const result = await analyzePaths([corpus], { agents: 100 });
  const report = evaluate(result.findings, labels, corpus);
  const verbose = process.argv.includes('--verbose');
  console.log(`corpus: ${corpus}  files: ${result.summary.files}  labels: ${labels.filter((l) => l.expect).length} positive, ${labels.filter((l) => !l.expect).length} negative  findings: ${result.findings.length}\n`);
  console.log('dimension      precision  recall   TP   FP   FN');
  for (const [dimension, s] of Object.entries(report.perDimension)) {
    console.log(`${dimension.padEnd(14)} ${pct(s.precision).padStart(9)} ${pct(s.recall).padStart(7)} ${String(s.truePositives).padStart(4)} ${String(s.falsePositives).padStart(4)} ${String(s.falseNegatives).padStart(4)}`);
  }
  const o = report.overall;
  console.log(`${'overall'.padEnd(14)} ${pct(o.precision).padStart(9)} ${pct(o.recall).padStart(7)} ${String(o.truePositives).padStart(4)} ${String(o.falsePositives).padStart(4)} ${String(o.falseNegatives).padStart(4)}`);
  if (verbose) {
    console.log('\nfalse positives:');
    for (const f of report.falsePositives) console.log(`  ${f.file}:${f.line} ${f.rule} ${f.message.en}`);
    console.log('\nmisses:');
    for (const m of report.misses) console.log(`  ${m.file}:${m.line} ${m.rule ?? ''} ${m.dimension} ${m.note ?? ''}`);
  } else {
    console.log('\n(--verbose lists every false positive and miss)');
  }
}

if (process.argv[1]?.endsWith('eval/main.js')) await main();
