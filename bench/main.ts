// `npm run bench`: clawperf against the fastest peer (Ruff's WASM build) and against merely reading the
// files, on the CPython standard library found on this machine and on the demo project. Each measurement
// runs in its own child process, so its peak memory (maxRSS, worker threads included) is its own.
//
//   read            discover + read + decode every file: the floor
//   ruff (wasm)     @astral-sh/ruff-wasm-nodejs, one Workspace with PERF, ASYNC, S113/S602-S607, SIM115, PLW1510
//   tree-sitter     the parser clawperf must use (web-tree-sitter, WASM), one thread: parse + the model's query
//                   walk, no model: the floor under any clawperf cold run
//   clawperf cold   no cache: parse + model (worker threads), link, rules
//   clawperf first  empty cache: as cold, and every model (and the findings) written to the cache
//   clawperf warm   the same files again: nothing changed, so the cached run's findings and digest stand
//                   (each model entry is checked, none is decoded, nothing is linked)
//   cli cold / warm `clawperf analyze --format json` end to end (pricing, capacity verdict, report written),
//                   without and with a cache
//
// Options: --runs N (median of N, default 1 for the stdlib, 5 for the demo), --jobs N, --only stdlib|demo.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot, VERSION } from '../src/paths.js';
import type { ChildArgs, ChildResult } from './child.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

function child(mode: string, args: ChildArgs): ChildResult {
  const result = spawnSync(process.execPath, [CHILD, mode, JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`bench ${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as ChildResult;
}

function median(results: ChildResult[]): ChildResult {
  const sorted = [...results].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function repeat(runs: number, measure: () => ChildResult): ChildResult {
  return median(Array.from({ length: runs }, measure));
}

function stdlibPath(): string | undefined {
  for (const python of ['python3', 'python']) {
    try {
      const path = execFileSync(python, ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
      if (path && existsSync(path)) return path;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const rate = (lines: number, ms: number) => `${Math.round(lines / (ms / 1000)).toLocaleString('en-US')}`;

function table(title: string, rows: [string, ChildResult][], reference: { read: ChildResult; ruff: ChildResult }): void {
  console.log(title);
  const head = ['', 'time s', 'cpu s', 'lines/s', 'peak MB', '÷ ruff', 'cpu÷ruff', '÷ read', 'notes'];
  const widths = [17, 8, 8, 11, 8, 8, 9, 8, 0];
  const line = (cells: string[]) => console.log(`  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : i === cells.length - 1 ? `  ${c}` : c.padStart(widths[i]!))).join('')}`);
  line(head);
  for (const [name, r] of rows) {
    const notes = [
      r.workers !== undefined ? `${r.workers ? `${r.workers} workers` : 'in-process'}` : '',
      r.parsed !== undefined ? `parsed ${r.parsed}, cached ${r.cached}${r.findingsCached ? ', findings cached' : ''}` : '',
      r.stages ? Object.entries(r.stages).map(([k, v]) => `${k} ${s(v)}`).join(' ') : '',
      r.findings !== undefined ? `${r.findings} findings` : '',
      r.codes ? `${Object.values(r.codes).reduce((a, b) => a + b, 0)} diagnostics` : '',
      r.matches !== undefined ? `${r.matches.toLocaleString('en-US')} query matches` : '',
    ].filter(Boolean).join('; ');
    line([name, s(r.ms), s(r.cpuMs), rate(r.lines, r.ms), String(r.maxRssMB), x(r.ms, reference.ruff.ms), x(r.cpuMs, reference.ruff.cpuMs), x(r.ms, reference.read.ms), notes]);
  }
}

async function benchTarget(name: string, paths: string[], runs: number, jobs: number | undefined): Promise<void> {
  const cache = mkdtempSync(join(tmpdir(), 'clawperf-bench-cache-'));
  try {
    const base: ChildArgs = { paths, cwd: packageRoot, jobs };
    child('read', base); // warm the page cache: every measurement then reads from memory
    const read = repeat(runs, () => child('read', base));
    const ruff = repeat(runs, () => child('ruff', base));
    const parser = repeat(runs, () => child('parser', base));
    const cold = repeat(runs, () => child('clawperf', { ...base, cache: false }));
    const first = child('clawperf', { ...base, cache });
    const warm = repeat(runs, () => child('clawperf', { ...base, cache }));
    const cliCache = join(cache, 'cli');
    const cliCold = repeat(runs, () => child('cli', { ...base, cache: false }));
    child('cli', { ...base, cache: cliCache });
    const cliWarm = repeat(runs, () => child('cli', { ...base, cache: cliCache }));
    console.log(`\n== ${name}: ${read.files.toLocaleString('en-US')} files, ${read.lines.toLocaleString('en-US')} lines (${paths.join(' ')}); median of ${runs}`);
    table('  per run:', [['read (floor)', read], [`ruff ${ruff.ruffVersion} (wasm)`, ruff], ['tree-sitter', parser], ['clawperf cold', cold], ['clawperf first', first], ['clawperf warm', warm], ['cli cold', cliCold], ['cli warm', cliWarm]], { read, ruff });
    const perHundredK = (r: ChildResult) => (r.ms / 1000) / (r.lines / 100_000);
    if (read.lines < 100_000) {
      console.log(`  (a small project: fixed costs — WASM start-up, worker threads — dominate; the targets are judged on the stdlib)`);
    } else {
      console.log(`  targets: cold ≤ 1.5× ruff → ${x(cold.ms, ruff.ms)} ${cold.ms <= 1.5 * ruff.ms ? 'met' : 'NOT met'}; ` +
        `warm ≤ 0.2 s/100k lines → ${perHundredK(warm).toFixed(3)} s ${perHundredK(warm) <= 0.2 ? 'met' : 'NOT met'}; ` +
        `peak ≤ 500 MB → cold ${cold.maxRssMB} MB ${cold.maxRssMB <= 500 ? 'met' : 'NOT met'}, warm ${warm.maxRssMB} MB`);
      // A cold run on C cores can spend at most C × 1.5 × ruff's time of cpu; the parser's own share is fixed.
      const cores = availableParallelism();
      const budget = cores * 1.5 * ruff.ms;
      console.log(`  the parser alone (one thread) takes ${x(parser.ms, ruff.ms)} ruff's time: on ${cores} cores, cold ≤ 1.5× ruff allows ${s(budget)} cpu s, ` +
        `${s(parser.cpuMs)} of them the parser's, leaving ${s(Math.max(0, budget - parser.cpuMs))} for reading the trees, modelling, linking and the rules ` +
        `(this run: ${s(cold.cpuMs - parser.cpuMs)})`);
      console.log(`  end to end (report written): cli cold ${x(cliCold.ms, ruff.ms)} ruff (cpu ${x(cliCold.cpuMs, ruff.cpuMs)}), ` +
        `cli warm ${perHundredK(cliWarm).toFixed(3)} s/100k lines, peak ${cliCold.maxRssMB} MB cold / ${cliWarm.maxRssMB} MB warm`);
    }
    if (ruff.codes) console.log(`  ruff rules hit: ${Object.entries(ruff.codes).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([c, n]) => `${c} ${n}`).join(', ')}`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const option = (flag: string) => { const i = argv.indexOf(flag); return i >= 0 ? argv[i + 1] : undefined; };
  const runsOption = option('--runs');
  const jobs = option('--jobs') ? Number(option('--jobs')) : undefined;
  const only = option('--only');
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`clawperf ${VERSION} bench · node ${process.version} · ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? '?'}) · load average ${load}`);
  console.log('  (times are wall-clock inside each child process, node start-up excluded; cpu s counts every thread; peak = maxRSS incl. worker threads;');
  console.log('   on a busy machine wall times stretch: compare the cpu columns too)');
  if (only !== 'demo') {
    const stdlib = stdlibPath();
    if (stdlib) await benchTarget('CPython standard library', [stdlib], runsOption ? Number(runsOption) : 1, jobs);
    else console.log('\n== CPython standard library: no python3 found, skipped');
  }
  if (only !== 'stdlib') await benchTarget('examples/openclaw-demo', [join(packageRoot, 'examples/openclaw-demo')], runsOption ? Number(runsOption) : 5, jobs);
  if (!only) {
    console.log('\n== clawperf trace');
    const tracePath = new URL('./trace.js', import.meta.url);
    if (existsSync(fileURLToPath(tracePath))) {
      const traceModule = (await import(tracePath.href)) as { benchTrace?: () => Promise<void> };
      if (traceModule.benchTrace) await traceModule.benchTrace();
      else console.log('  bench/trace.ts has no benchTrace(): skipped');
    } else {
      console.log('  bench/trace.ts not present: skipped');
    }
  }
  console.log(`\nload average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
