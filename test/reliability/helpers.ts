// Shared by the reliability tests: a seeded PRNG, the built CLI, temp folders, and a /proc process scan.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/reliability/helpers.js → the repository root. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
export const DEMO = join(REPO_ROOT, 'examples', 'openclaw-demo');
export const CORPUS = join(REPO_ROOT, 'test', 'corpus');

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
}

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * How long a CLI run may take before a test calls it hung. A guard against hangs, not a speed budget: the
 * slowest run (the 10 MB input beside the demo) takes ~15 s alone and ~60 s on two cores shared with the
 * rest of the suite and other work, so 5 minutes only fires on a real hang.
 */
export const HANG_GUARD_MS = 300_000;

export const CLI_ENV = { LANG: 'C', LC_ALL: '', CLAWPERF_DEBUG: '' };

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** A command put before node (e.g. a shell that sets `ulimit -f`). */
  wrap?: string[];
  /** Options for node itself (e.g. `--import` a fault-injecting module). */
  nodeArgs?: string[];
  /** Run as this user and group (tests running as root drop to `nobody`). */
  uid?: number;
  gid?: number;
  /** Where stdout goes: a pipe (default) or an open file descriptor. */
  stdoutFd?: number;
}

export function runCli(args: string[], cwd: string, options: RunOptions = {}): CliRun {
  const started = Date.now();
  const argv = [...(options.wrap ?? []), process.execPath, ...(options.nodeArgs ?? []), CLI, ...args];
  const run = spawnSync(argv[0]!, argv.slice(1), {
    cwd, encoding: 'utf8', env: { ...process.env, ...CLI_ENV, ...options.env }, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? HANG_GUARD_MS,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    ...(options.stdoutFd !== undefined ? { stdio: ['ignore', options.stdoutFd, 'pipe'] as const } : {}),
  });
  return { status: run.status, signal: run.signal, stdout: run.stdout ?? '', stderr: run.stderr ?? '', ms: Date.now() - started };
}

/** The same, asynchronously (many at once). */
export function runCliAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...CLI_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

export function tempDir(prefix = 'clawperf-rel-'): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir`, relative, sorted (hidden ones included). */
export function listTree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listTree(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** Live (non-zombie) processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1');
      if (!cmdline.includes(marker)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state !== 'Z' && state !== 'X') found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls until `check()` is true or the time is up; returns the last value. */
export async function waitFor(check: () => boolean, ms: number, every = 50): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Kills leftovers of a failed test so they do not outlive the suite (by pid, never by name). */
export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The demo's Python files: name → text. */
export function demoSources(): Map<string, string> {
  return new Map(readdirSync(DEMO).filter((n) => n.endsWith('.py')).sort().map((n) => [n, readFileSync(join(DEMO, n), 'utf8')]));
}

export const NOBODY = 65534;

/**
 * How to make permission bits bite: as a normal user they already do; as root they do not, so the child
 * runs as `nobody`, if this machine lets us switch. `undefined` with a reason when neither works.
 */
export function unprivileged(): { options: { uid?: number; gid?: number }; reason?: undefined } | { options?: undefined; reason: string } {
  if (process.getuid?.() !== 0) return { options: {} };
  const probe = spawnSync('/bin/sh', ['-c', 'id -u'], { uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === String(NOBODY)) return { options: { uid: NOBODY, gid: NOBODY } };
  return { reason: `running as root and cannot switch to nobody (${probe.error?.message ?? probe.stderr.trim()}): chmod does not deny root, so this case cannot be tested here` };
}
