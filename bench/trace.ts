// Overhead of `clawperf trace`: the same I/O-heavy Python loop (20,000 × listdir + exists + open/read +
// json.load, a state write every 20 messages: a file-IPC agent's poll cycle) run untraced and traced.
// Prints wall time (median of 5, whole process) and the loop's own time, and the overhead in %.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runTrace, SITECUSTOMIZE } from '../src/runtime/trace/index.js';

const ITERATIONS = 20_000;
const RUNS = 5;

const WORKLOAD = `import json, os, sys, time

root = sys.argv[1]
inbox = os.path.join(root, "inbox")
state = os.path.join(root, "state.json")
t0 = time.perf_counter()
c0 = time.process_time()
handled = 0
for i in range(${ITERATIONS}):
    names = os.listdir(inbox)
    path = os.path.join(inbox, names[i % len(names)])
    if os.path.exists(path):
        with open(path) as fh:
            message = json.load(fh)
        handled += len(message["body"])
    if i % 20 == 0:
        with open(state + ".tmp", "w") as fh:
            json.dump({"handled": handled, "last": i}, fh)
        os.replace(state + ".tmp", state)
print("%.6f %.6f" % (time.perf_counter() - t0, time.process_time() - c0))
`;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const pct = (traced: number, plain: number): string => `${(((traced - plain) / plain) * 100).toFixed(1)} %`;

function realPython(): string {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) throw new Error('bench trace: python3 not found');
  return r.stdout.trim();
}

interface Timing {
  /** Whole process, seconds. */
  wall: number;
  /** The loop alone: wall and CPU seconds (CPU time is less disturbed by other load on the machine). */
  loop: number;
  cpu: number;
}

function timed(python: string, script: string, dir: string, env: NodeJS.ProcessEnv): Timing {
  const start = process.hrtime.bigint();
  const r = spawnSync(python, [script, dir], { env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`bench trace: workload failed: ${r.stderr}`);
  const [loop, cpu] = r.stdout.trim().split(/\s+/).map(Number);
  return { wall, loop: loop ?? NaN, cpu: cpu ?? NaN };
}

export async function benchTrace(): Promise<void> {
  const python = realPython();
  const work = mkdtempSync(join(tmpdir(), 'clawperf-bench-trace-'));
  try {
    const project = join(work, 'project');
    const inbox = join(project, 'inbox');
    mkdirSync(inbox, { recursive: true });
    const body = 'x'.repeat(900);
    for (let i = 0; i < 50; i++) writeFileSync(join(inbox, `msg-${i}.json`), JSON.stringify({ id: i, state: 'queued', body }));
    const script = join(project, 'agent.py');
    writeFileSync(script, WORKLOAD);
    const site = join(work, 'site');
    const out = join(work, 'out');
    mkdirSync(site);
    mkdirSync(out);
    copyFileSync(SITECUSTOMIZE, join(site, 'sitecustomize.py'));

    const plainEnv = { ...process.env };
    delete plainEnv.PYTHONPATH;
    const tracedEnv = { ...plainEnv, PYTHONPATH: site, CLAWPERF_TRACE_DIR: out, CLAWPERF_TRACE_ROOT: project };

    timed(python, script, project, plainEnv); // warm the page cache and the .pyc files
    const plain: Timing[] = [];
    const traced: Timing[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push(timed(python, script, project, plainEnv));
      traced.push(timed(python, script, project, tracedEnv));
    }
    const endToEnd: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      await runTrace({ command: [python, script, project], cwd: project, projectRoot: project, output: join(work, 'trace.json'), handleSignals: false, stdio: 'ignore' });
      endToEnd.push(Number(process.hrtime.bigint() - start) / 1e9);
    }

    const m = (runs: Timing[], key: keyof Timing): number => median(runs.map((r) => r[key]));
    const [pw, tw, pl, tl, pc, tc] = [m(plain, 'wall'), m(traced, 'wall'), m(plain, 'loop'), m(traced, 'loop'), m(plain, 'cpu'), m(traced, 'cpu')];
    const ee = median(endToEnd);
    const events = ITERATIONS * 3 + Math.ceil(ITERATIONS / 20) * 2;
    const row = (name: string, ...cells: string[]): string => `  ${name.padEnd(38)}${cells.map((c) => c.padStart(12)).join('')}`;
    console.log(`trace overhead: ${ITERATIONS.toLocaleString('en-US')} × (listdir + exists + open/read + json.load), a state write every 20; ~${events.toLocaleString('en-US')} counted events; median of ${RUNS}`);
    console.log(row('', 'wall s', 'loop s', 'loop cpu s'));
    console.log(row('untraced python3', pw.toFixed(3), pl.toFixed(3), pc.toFixed(3)));
    console.log(row('traced (audit-hook sitecustomize)', tw.toFixed(3), tl.toFixed(3), tc.toFixed(3)));
    console.log(row('overhead', pct(tw, pw), pct(tl, pl), pct(tc, pc)));
    console.log(row('clawperf trace end-to-end (runTrace)', ee.toFixed(3), '', ''));
    console.log(row('overhead', pct(ee, pw), '', ''));
    console.log(`  per counted event: ${(((tc - pc) / events) * 1e6).toFixed(2)} µs of CPU (target: overhead ≤ 10 %)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// `node dist/bench/trace.js` runs it alone.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchTrace();
