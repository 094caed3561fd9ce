// `npm run bench:limits`: what one pathological file costs clawperf — peak memory (maxRSS of the process,
// worker threads included) and wall time of `analyze` on a single generated file, each in its own process.
// The per-file limits (src/parse/limits.ts) bound these: a file past the line limit costs what the limit
// does, a deep expression costs what its depth limit does. Prints a Markdown table (README "Per-file limits").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzePaths } from '../src/pipeline.js';

interface Measure {
  ms: number;
  peakMB: number;
  lines: number;
  warnings: string[];
}

const INPUTS: Array<{ name: string; text: () => string }> = [
  { name: '100 k lines `os.listdir(".")`', text: () => `import os\n${'os.listdir(".")\n'.repeat(100_000)}` },
  { name: '200 k lines `os.listdir(".")`', text: () => `import os\n${'os.listdir(".")\n'.repeat(200_000)}` },
  { name: '100 k lines `f()`', text: () => 'f()\n'.repeat(100_000) },
  { name: '1 M lines `f()` (4 MB)', text: () => 'f()\n'.repeat(1_000_000) },
  { name: '`f()()…` 50 k deep', text: () => `f()${'()'.repeat(50_000)}\n` },
  { name: '10 MB one-line expression', text: () => `x = ${Array.from({ length: (10 * 1024 * 1024 - 8) / 2 }, () => 'a').join('+')}\n` },
];

async function measureChild(file: string): Promise<void> {
  const started = performance.now();
  const result = await analyzePaths([file], { cache: false });
  const measure: Measure = {
    ms: performance.now() - started,
    peakMB: process.resourceUsage().maxRSS / 1024,
    lines: result.summary.lines,
    warnings: result.warnings,
  };
  process.stdout.write(`${JSON.stringify(measure)}\n`);
}

function measure(file: string): Measure {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`bench limits failed on ${file} (exit ${run.status ?? run.signal}): ${run.stderr.slice(-400)}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Measure;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'clawperf-bench-limits-'));
  try {
    const rows = ['| input | lines | peak memory | time | note |', '|---|---:|---:|---:|---|'];
    for (const [index, input] of INPUTS.entries()) {
      const file = join(dir, `input${index}.py`);
      writeFileSync(file, input.text());
      const m = measure(file);
      const note = m.warnings.map((w) => w.replace(/^\S+: /, '')).join('; ') || '—';
      rows.push(`| ${input.name} | ${m.lines.toLocaleString('es-ES')} | ${Math.round(m.peakMB).toLocaleString('es-ES')} MB | ${(m.ms / 1000).toLocaleString('es-ES', { maximumFractionDigits: 1 })} s | ${note} |`);
      rmSync(file);
    }
    process.stdout.write(`${rows.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await measureChild(process.argv[3]!);
else main();
