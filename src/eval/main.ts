// `npm run eval`: precision and recall of the rules on the labelled corpora: the developers' own (test/corpus/)
// and the blind one, labelled by people who never saw the rules (test/blind/tune/, test/blind/holdout/),
// each scored on its own. `--corpus PATH` scores one folder. A finding matches a label when file and
// dimension agree and its line is within ±1 of the label's line or one of its `alt_lines`; severity is not scored.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzePaths } from '../pipeline.js';
import { DIMENSIONS, type Dimension, type Finding } from '../rules/types.js';

export interface Label {
  file: string;
  line: number;
  /** Other lines where the same problem may be reported (the helper it goes through, the loop header). */
  alt_lines?: number[];
  dimension: Dimension;
  rule?: string;
  /** As labelled; not scored. */
  severity?: string;
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
  if (finding.dimension !== label.dimension || resolve(finding.file) !== resolve(corpus, label.file)) return false;
  return Math.abs(finding.line - label.line) <= 1 || (label.alt_lines ?? []).includes(finding.line);
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

/** The corpora `npm run eval` scores by default: the dev corpus, then each blind half that is present. */
/** The held-out half is the final check: scored only when asked for (`--holdout`), so tuning never sees it by accident. */
const DEFAULT_CORPORA = ['test/corpus', 'test/blind/tune'];
const HOLDOUT = 'test/blind/holdout';

function row(name: string, s: Score): string {
  return `${name.padEnd(14)} ${pct(s.precision).padStart(9)} ${pct(s.recall).padStart(7)} ${String(s.truePositives).padStart(4)} ${String(s.falsePositives).padStart(4)} ${String(s.falseNegatives).padStart(4)}`;
}

async function scoreCorpus(corpus: string, verbose: boolean): Promise<void> {
  const labels = JSON.parse(readFileSync(join(corpus, 'labels.json'), 'utf8')) as Label[];
  const result = await analyzePaths([corpus], { agents: 100 });
  const report = evaluate(result.findings, labels, corpus);
  console.log(`corpus: ${corpus}  files: ${result.summary.files}  labels: ${labels.filter((l) => l.expect).length} positive, ${labels.filter((l) => !l.expect).length} negative  findings: ${result.findings.length}\n`);
  console.log('dimension      precision  recall   TP   FP   FN');
  for (const [dimension, s] of Object.entries(report.perDimension)) console.log(row(dimension, s));
  console.log(row('overall', report.overall));
  if (!verbose) return;
  console.log('\nfalse positives:');
  for (const f of report.falsePositives) console.log(`  ${f.file}:${f.line} ${f.rule} ${f.message.en}`);
  console.log('\nmisses:');
  for (const m of report.misses) console.log(`  ${m.file}:${m.line} ${m.rule ?? ''} ${m.dimension} ${m.note ?? ''}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--corpus');
  if (at >= 0 && !args[at + 1]) throw new Error('--corpus needs a folder with a labels.json');
  const chosen = at >= 0 ? [args[at + 1]!] : args.filter((arg) => !arg.startsWith('--'));
  const defaults = args.includes('--holdout') ? [...DEFAULT_CORPORA, HOLDOUT] : DEFAULT_CORPORA;
  const corpora = chosen.length > 0 ? chosen : defaults.filter((dir) => existsSync(join(dir, 'labels.json')));
  const verbose = args.includes('--verbose');
  for (const [index, corpus] of corpora.entries()) {
    if (index > 0) console.log('');
    await scoreCorpus(corpus, verbose);
  }
  if (!verbose) console.log('\n(--verbose lists every false positive and miss)');
}

if (process.argv[1]?.endsWith('eval/main.js')) {
  await main().catch((error: Error) => {
    console.error(`eval: ${error.message}`);
    process.exitCode = 2;
  });
}
