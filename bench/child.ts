// One measurement in its own process (so peak memory is its own): `node dist/bench/child.js MODE JSON`.
// Prints one JSON line: { ms, cpuMs, maxRssMB, files, lines, ... }.
//   read     read + decode every file, nothing else (the floor)
//   clawperf analyzePaths: discover, read, parse/model (workers, cache), link, rules
//   ruff     Ruff's WASM build: a Workspace with its performance rules, check() on every file
//   parser   the mandated parser's own cost, one thread: tree-sitter parses every file and runs the model's
//            query over the tree (no model built): what no clawperf run can go below
//   cli      `clawperf analyze PATHS --format json` end to end: analysis, pricing, capacity, the report written
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover } from '../src/discover/discover.js';
import { loadPythonParser } from '../src/parse/parser.js';
import { readSource } from '../src/parse/read.js';
import { analyzePaths } from '../src/pipeline.js';

export interface ChildArgs {
  paths: string[];
  cwd: string;
  jobs?: number;
  cache?: string | false;
}

export interface ChildResult {
  ms: number;
  cpuMs: number;
  maxRssMB: number;
  files: number;
  lines: number;
  findings?: number;
  parsed?: number;
  cached?: number;
  workers?: number;
  findingsCached?: boolean;
  stages?: Record<string, number>;
  ruffVersion?: string;
  codes?: Record<string, number>;
  /** Query matches (parser mode). */
  matches?: number;
}

/** The performance-related Ruff rules the bench selects (PERF, ASYNC, subprocess/requests S rules, SIM115, PLW1510). */
export const RUFF_SELECT = ['PERF', 'ASYNC', 'S113', 'S602', 'S603', 'S604', 'S605', 'S606', 'S607', 'SIM115', 'PLW1510'];

function files(args: ChildArgs): { paths: string[]; texts: string[] } {
  const found = discover(args.paths, { gitignore: false, cwd: args.cwd });
  const texts: string[] = [];
  const paths: string[] = [];
  for (const abs of found.files) {
    const read = readSource(abs);
    if (read.ok) {
      texts.push(read.text);
      paths.push(abs);
    }
  }
  return { paths, texts };
}

function lineCount(texts: string[]): number {
  return texts.reduce((sum, text) => sum + text.split(/\r?\n/).length, 0);
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const args = JSON.parse(process.argv[3] ?? '{}') as ChildArgs;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let result: Omit<ChildResult, 'ms' | 'cpuMs' | 'maxRssMB'>;
  if (mode === 'read') {
    const { texts } = files(args);
    const ms = performance.now() - t0;
    result = { files: texts.length, lines: lineCount(texts) };
    return finish(ms, cpu0, result);
  } else if (mode === 'ruff') {
    const require = createRequire(import.meta.url);
    const ruff = require('@astral-sh/ruff-wasm-nodejs') as typeof import('@astral-sh/ruff-wasm-nodejs');
    const workspace = new ruff.Workspace({ lint: { select: RUFF_SELECT } }, ruff.PositionEncoding.Utf16);
    const { texts } = files(args);
    const codes: Record<string, number> = {};
    for (const text of texts) {
      let diagnostics: { code: string | null }[] = [];
      try {
        diagnostics = workspace.check(text) as { code: string | null }[];
      } catch {
        // a file Ruff cannot handle: counted, no diagnostics
      }
      for (const d of diagnostics) codes[d.code ?? 'syntax'] = (codes[d.code ?? 'syntax'] ?? 0) + 1;
    }
    const ms = performance.now() - t0;
    result = { files: texts.length, lines: lineCount(texts), ruffVersion: ruff.Workspace.version(), codes };
    return finish(ms, cpu0, result);
  } else if (mode === 'parser') {
    const parser = await loadPythonParser();
    const { texts } = files(args);
    let matches = 0;
    for (const text of texts) {
      const tree = parser.parse(text);
      matches += parser.query.matches(tree.rootNode).length;
      tree.delete();
    }
    const ms = performance.now() - t0;
    result = { files: texts.length, lines: lineCount(texts), matches };
    return finish(ms, cpu0, result);
  } else if (mode === 'cli') {
    const out = join(tmpdir(), `clawperf-bench-${process.pid}.json`);
    const cache = args.cache ? ['--cache-dir', args.cache] : ['--no-cache'];
    const jobs = args.jobs ? ['--jobs', String(args.jobs)] : [];
    process.argv = [process.execPath, 'clawperf', 'analyze', ...args.paths, '--format', 'json', '-o', out, '--no-memory', '--no-config', '--fail-on', 'none', '--quiet', ...cache, ...jobs];
    await import(new URL('../src/cli/main.js', import.meta.url).href);
    const ms = performance.now() - t0;
    const report = JSON.parse(readFileSync(out, 'utf8')) as { summary: { files: number; lines: number }; findings: unknown[] };
    rmSync(out, { force: true });
    process.exitCode = 0;
    result = { files: report.summary.files, lines: report.summary.lines, findings: report.findings.length };
    return finish(ms, cpu0, result);
  } else if (mode === 'clawperf') {
    const stages: Record<string, number> = {};
    const analysis = await analyzePaths(args.paths, {
      cwd: args.cwd, gitignore: false, jobs: args.jobs, cache: args.cache ?? false,
      onStage: (stage, ms) => { stages[stage] = Math.round(ms); },
    });
    const ms = performance.now() - t0;
    const stats = analysis.modelStats;
    result = {
      files: analysis.summary.files, lines: analysis.summary.lines, findings: analysis.findings.length, stages,
      parsed: stats?.parsed, cached: stats?.cached, workers: stats?.workers, findingsCached: stats?.findingsCached,
    };
    return finish(ms, cpu0, result);
  }
  throw new Error(`unknown mode ${mode}`);
}

function finish(ms: number, cpu0: NodeJS.CpuUsage, result: Omit<ChildResult, 'ms' | 'cpuMs' | 'maxRssMB'>): void {
  const cpu = process.cpuUsage(cpu0);
  const out: ChildResult = { ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), ...result };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
