// Fuzzing the analyser in process: thousands of generated inputs (random bytes, token soup, truncated
// and garbled real Python, deep nesting, huge lines, odd line endings) through `analyzeSources`.
// Every run must finish without an exception, count every file, report each bad file in one line, and
// leave the clean files of the same run exactly as a clean run sees them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSource } from '../../src/parse/read.js';
import { analyzeSources, type AnalysisResult, type Source } from '../../src/pipeline.js';
import { FAMILIES, fixedCases, garbleCase, randomBytesCase, soupCase, type Case, type Family } from './generators.js';
import { Rng } from './helpers.js';

// ---------- the harness

/** Findings of clean files as comparable text (everything but the object identity). */
function findingsOf(result: AnalysisResult, paths: Set<string>): string[] {
  return result.findings.filter((f) => paths.has(f.file)).map((f) => JSON.stringify(f));
}

interface Clean {
  sources: Source[];
  paths: Set<string>;
  findings: string[];
}

async function cleanRun(family: Family): Promise<Clean> {
  // broken_syntax.py is the corpus's deliberate syntax error: a garble source, not a clean file.
  const sources = [...FAMILIES[family]].filter(([name]) => name !== 'broken_syntax.py').slice(0, 10).map(([name, text]) => ({ path: `proj/${name}`, text }));
  const result = await analyzeSources(sources);
  assert.deepEqual(result.warnings, [], `the clean ${family} files analyse without warnings`);
  const paths = new Set(sources.map((s) => s.path));
  return { sources, paths, findings: findingsOf(result, paths) };
}

const failures: string[] = [];

/** CPU time of this process (ms): unlike wall time, it does not grow when the machine is busy with other tests. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Analyses the cases with the clean files; on an exception, finds the case that caused it. */
async function checkBatch(cases: Case[], clean: Clean, batchLabel: string): Promise<number> {
  const fuzz = cases.map((c, i) => ({ path: `proj/zz_fuzz_${i}.py`, text: c.text, label: c.label }));
  const started = cpuMs();
  let result: AnalysisResult;
  try {
    result = await analyzeSources([...clean.sources, ...fuzz]);
  } catch (error) {
    for (const c of fuzz) {
      try {
        await analyzeSources([{ path: c.path, text: c.text }]);
      } catch (single) {
        failures.push(`${c.label}: threw ${(single as Error).name}: ${(single as Error).message.split('\n')[0]}`);
      }
    }
    if (!failures.length) failures.push(`${batchLabel}: threw ${(error as Error).message} (no single case reproduces it)`);
    return cpuMs() - started;
  }
  const ms = cpuMs() - started;
  const where = `${batchLabel} (${cases.map((c) => c.label).join(', ').slice(0, 300)})`;
  // Every result has a summary that counts every file, bad ones included.
  const s = result.summary;
  assert.ok(s && typeof s.files === 'number' && typeof s.lines === 'number' && typeof s.parse_errors === 'number', where);
  for (const severity of ['critical', 'important', 'minor'] as const) assert.equal(typeof s.findings[severity], 'number', where);
  assert.equal(s.files, clean.sources.length + fuzz.length, `every file is counted: ${where}`);
  assert.ok(s.lines >= fuzz.length, where);
  // Bad files: one warning line each, counted in parse_errors; none for the clean files.
  const bad = result.project.files.filter((f) => f.parseError).map((f) => f.path);
  assert.equal(s.parse_errors, bad.length, where);
  for (const warning of result.warnings) {
    assert.ok(!/[\r\n]/.test(warning), `a warning is one line: ${JSON.stringify(warning.slice(0, 200))} in ${where}`);
    assert.ok(warning.startsWith('proj/zz_fuzz_'), `only fuzz files are warned about: ${warning.slice(0, 200)} in ${where}`);
    assert.ok(!/rule \w+ failed/.test(warning), `no rule may fail: ${warning.slice(0, 300)} in ${where}`);
  }
  for (const path of bad) {
    assert.equal(result.warnings.filter((w) => w.startsWith(`${path}:`)).length, 1, `${path} (${fuzz.find((f) => f.path === path)?.label}) has exactly one warning line`);
  }
  // The clean files of the same run: exactly what a clean run found.
  assert.deepEqual(findingsOf(result, clean.paths), clean.findings, `clean files unaffected: ${where}`);
  for (const finding of result.findings) {
    assert.ok(Number.isInteger(finding.line) && finding.line >= 1 && finding.column >= 1, `finding position: ${finding.file}:${finding.line}`);
  }
  return ms;
}

// Above the pool's worker threshold (50 files): the batches go through the parse worker threads too.
const BATCH = 150;

async function fuzzFamily(family: Family, seeds: { bytes: number; soup: number; garble: number }, seedBase: number): Promise<{ inputs: number; slowest: number }> {
  const clean = await cleanRun(family);
  const cases: Case[] = [];
  for (let i = 0; i < seeds.bytes; i++) cases.push(randomBytesCase(new Rng(seedBase + i), seedBase + i));
  for (let i = 0; i < seeds.soup; i++) cases.push(soupCase(new Rng(seedBase + 10_000 + i), seedBase + 10_000 + i));
  // Garbles come from the other family, so the clean files share nothing with them.
  const other: Family = family === 'demo' ? 'corpus' : 'demo';
  for (let i = 0; i < seeds.garble; i++) cases.push(garbleCase(new Rng(seedBase + 20_000 + i), seedBase + 20_000 + i, other));
  let slowest = 0;
  for (let i = 0; i < cases.length; i += BATCH) {
    slowest = Math.max(slowest, await checkBatch(cases.slice(i, i + BATCH), clean, `${family} batch ${i / BATCH}`));
  }
  return { inputs: cases.length, slowest };
}

test('thousands of random, garbled and truncated inputs: no exception, every file counted, bad files in one line, clean files unaffected', async () => {
  failures.length = 0;
  const a = await fuzzFamily('demo', { bytes: 450, soup: 350, garble: 300 }, 1_000);
  const b = await fuzzFamily('corpus', { bytes: 300, soup: 300, garble: 300 }, 500_000);
  assert.deepEqual(failures, [], 'cases that threw');
  assert.ok(a.inputs + b.inputs >= 2000, `${a.inputs + b.inputs} inputs`);
  // A batch of 150 inputs plus the clean files: a few hundred ms of CPU, unless something is super-linear.
  assert.ok(Math.max(a.slowest, b.slowest) < 10_000, `slowest batch ${Math.round(Math.max(a.slowest, b.slowest))} ms of CPU`);
});

test('deep nesting, 50,000-character lines, NULs, lone surrogates, CRLF and tabs: no exception, bounded time', async () => {
  failures.length = 0;
  const clean = await cleanRun('demo');
  const cases = fixedCases();
  const slow: string[] = [];
  // Each fixed case alone first: its time says which shape is slow, then all of them in one run with the clean files.
  const alone: Clean = { sources: [], paths: new Set(), findings: [] };
  for (const c of cases) {
    const ms = await checkBatch([c], alone, c.label);
    if (ms > 4_000) slow.push(`${c.label}: ${Math.round(ms)} ms of CPU`);
  }
  assert.deepEqual(failures, [], 'cases that threw');
  assert.deepEqual(slow, [], 'no single input may take seconds');
  await checkBatch(cases, clean, 'all fixed cases together');
  assert.deepEqual(failures, []);
});

test('every demo and corpus file in CRLF, tab-indented and CR-only form gives the same findings as the original', async () => {
  for (const family of ['demo', 'corpus'] as const) {
    const sources = [...FAMILIES[family]].map(([name, text]) => ({ path: `proj/${name}`, text }));
    const base = await analyzeSources(sources);
    const key = (r: AnalysisResult) => r.findings.map((f) => `${f.file}:${f.line}:${f.column}:${f.rule}:${f.severity}:${f.context}`);
    const crlf = await analyzeSources(sources.map((s) => ({ ...s, text: s.text.replace(/\n/g, '\r\n') })));
    assert.deepEqual(key(crlf), key(base), `${family}: CRLF changes nothing`);
    assert.equal(crlf.summary.lines, base.summary.lines, `${family}: CRLF counts the same lines`);
    const tabs = await analyzeSources(sources.map((s) => ({ ...s, text: s.text.replace(/^( {4})+/gm, (m) => '\t'.repeat(m.length / 4)) })));
    assert.equal(tabs.summary.files, sources.length);
    assert.deepEqual(tabs.findings.map((f) => `${f.file}:${f.line}:${f.rule}`), base.findings.map((f) => `${f.file}:${f.line}:${f.rule}`), `${family}: tab indentation changes nothing`);
  }
});

test('decodeSource: random bytes and invalid UTF-8 never throw; a refusal is one line', () => {
  const rng = new Rng(77);
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    let bytes = rng.bytes(rng.int(0, 400));
    if (i % 3 === 0) bytes = Buffer.concat([Buffer.from(rng.pick(['# -*- coding: latin-1 -*-\n', '# coding: nope\n', '# coding=utf-8\n', '#!/usr/bin/python\n# vim: set fileencoding=cp1252 :\n', ''])), bytes.filter((b) => b !== 0)]);
    const result = decodeSource(bytes);
    if (result.ok) assert.equal(typeof result.text, 'string');
    else {
      refused++;
      assert.ok(result.reason.length > 0 && !/[\r\n]/.test(result.reason), result.reason);
    }
  }
  assert.ok(refused > 100, 'random bytes are mostly refused');
  assert.deepEqual(decodeSource(Buffer.from([0x78, 0x20, 0x3d, 0x20, 0xff, 0xfe, 0x0a])), { ok: false, reason: 'not valid UTF-8 (and no PEP 263 coding line), skipped' });
  assert.equal(decodeSource(Buffer.from('x = 1\0\n')).ok, false);
  assert.deepEqual(decodeSource(Buffer.from('\uFEFFx = 1\n')), { ok: true, text: 'x = 1\n' });
});

test('a file whose model cannot be built (the parser or the model throws) is counted and named, not fatal', async () => {
  const { modelFile } = await import('../../src/parse/model-file.js');
  const { summarize } = await import('../../src/pipeline.js');
  const throwing = (error: Error) => ({ parse: () => { throw error; } }) as unknown as Parameters<typeof modelFile>[0];
  const task = { index: 0, path: 'proj/deep.py', module: 'deep', isPackage: false, text: 'x = 1\ny = 2\n' };
  const deep = modelFile(throwing(new RangeError('Maximum call stack size exceeded')), task);
  assert.equal(deep.modelError, 'nested too deeply');
  assert.equal(deep.parseError, true);
  assert.equal(deep.lines, 3);
  const other = modelFile(throwing(new Error('tree-sitter returned no tree\nsecond line')), task);
  assert.equal(other.modelError, 'tree-sitter returned no tree');
  assert.deepEqual(summarize([deep, other], []).parse_errors, 2);
});
