// `runStress`: run 1…N copies of a command at once, sample their process trees from /proc, and
// always end every process it started (deadline, Ctrl-C, crash of clawperf or of the command).
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readSync, fstatSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { growthOf } from './metrics.js';
import { CLOCK_TICKS, type IoCounters, isRunning, pageSize, procAvailable, readStat, systemForks, ZERO_IO } from './procfs.js';
import { killAllSync, registerGroup, signalGroup, signalPid, unregisterGroup, Watchdog } from './reaper.js';
import { renderSvg } from './svg.js';
import { escapesRoot } from '../../util/confine.js';
import { writeFileAtomic } from '../../util/fs.js';
import { type AgentSample, TreeTracker } from './tracker.js';
import type { AgentDetail, EarlyExit, StressOptions, StressProgress, StressResult, StressRow, StressRun } from './types.js';

/** Bad options or input (the CLI exits 2). */
export class StressInputError extends Error {}

export const METHOD_NOTES = [
  'Each agent runs in its own session and process group (setsid); its tree is every process of that session or group, plus descendants found through their parent pid.',
  'Sampled from /proc every sampleMs: /proc/PID/stat (CPU ticks, threads, RSS), /proc/PID/io (syscr, syscw, rchar, wchar, read_bytes, write_bytes), /proc/PID/fd (open fds).',
  'CPU and I/O counters of a live process include the children it reaped (cutime/cstime and io are added to the parent by the kernel), so short-lived children are counted even if no sample saw them; a process ending with no parent in the tree keeps its last sampled figures.',
  'Syscalls are the read-family and write-family counts of /proc/PID/io; listdir (getdents), stat and open are not in them.',
  'Child processes seen is a lower bound (processes living less than one sampling interval are usually missed); forks on the machine is the /proc/stat counter over the window and includes threads and other programs.',
  'Peak RSS per agent is the mean over agents of each agent tree\'s peak; totals are summed over agents at the same sample. RSS counts shared pages in every process that maps them, except a child caught between fork and exec (same program and size as its parent), which is left out.',
  'Threads count every task of the tree: each child process counts as (at least) one.',
  'Growth: per-agent figure at N divided by the same at the smallest count; within ±25 % is linear (the total grows with N), below sub-linear, above super-linear.',
];

const sleep = (ms: number, wake: { fn?: () => void }): Promise<void> =>
  new Promise((done) => {
    const timer = setTimeout(done, Math.max(0, ms));
    wake.fn = () => {
      clearTimeout(timer);
      done();
    };
  });

function timestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

function findInPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Resolve the program, and make relative paths to existing files absolute (agents run in other folders). */
function prepareCommand(command: string[], cwd: string): string[] {
  const [program, ...args] = command;
  if (!program) throw new StressInputError('no command given (put it after --)');
  let exe = program;
  if (program.includes('/')) {
    exe = resolve(cwd, program);
    try {
      accessSync(exe, constants.X_OK);
    } catch {
      throw new StressInputError(`cannot run ${program}: not an executable file`);
    }
  } else if (!findInPath(program)) {
    throw new StressInputError(`cannot run ${program}: command not found in PATH`);
  }
  // Agents run in their own sandbox folders: an argument naming a file here (`agent.py`, `lib/x.py`) is made absolute.
  const fixed = args.map((arg) => {
    if (arg === '' || arg.startsWith('/') || arg.startsWith('-') || arg.includes('{')) return arg;
    const full = resolve(cwd, arg);
    try {
      return statSync(full).isFile() ? full : arg;
    } catch {
      return arg;
    }
  });
  return [exe, ...fixed];
}

const substitute = (text: string, agent: number, agents: number, sandbox: string, run: string): string =>
  text.replaceAll('{agent}', String(agent)).replaceAll('{agents}', String(agents)).replaceAll('{sandbox}', sandbox).replaceAll('{run}', run);

function countFilesIn(dir: string): number {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

function tail(path: string, bytes = 1500, lines = 6): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, bytes);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

function subIo(a: IoCounters, b: IoCounters): IoCounters {
  return {
    rchar: Math.max(0, a.rchar - b.rchar),
    wchar: Math.max(0, a.wchar - b.wchar),
    syscr: Math.max(0, a.syscr - b.syscr),
    syscw: Math.max(0, a.syscw - b.syscw),
    readBytes: Math.max(0, a.readBytes - b.readBytes),
    writeBytes: Math.max(0, a.writeBytes - b.writeBytes),
  };
}

interface AgentProc {
  index: number;
  sandbox: string;
  log: string;
  logFd: number | null;
  child: ChildProcess;
  pid: number | null;
  exit: { code: number | null; signal: string | null; atSeconds: number } | null;
  error?: string;
  lines: number;
  partial: string;
}

interface Shared {
  options: Required<Pick<StressOptions, 'durationSeconds' | 'warmupSeconds' | 'sampleMs' | 'graceSeconds'>> & StressOptions;
  command: string[];
  runDir: string;
  pageBytes: number;
  progressRe: RegExp | null;
  state: { interrupted: boolean; wake: { fn?: () => void } };
}

function emit(shared: Shared, progress: Omit<StressProgress, 'steps' | 'durationSeconds' | 'totalSeconds' | 'doneSeconds'>, steps: number): void {
  const per = shared.options.durationSeconds + shared.options.warmupSeconds;
  const elapsed = Math.min(progress.elapsedSeconds, per);
  shared.options.onProgress?.({
    ...progress,
    steps,
    durationSeconds: per,
    totalSeconds: per * steps,
    doneSeconds: progress.phase === 'done' ? per * (progress.step + 1) : per * progress.step + elapsed,
  });
}

/** Processes and the watchdog of one count, so that an unexpected error still ends them. */
interface Owned {
  groups: number[];
  watchdog?: Watchdog;
}

async function runCount(shared: Shared, agents: number, step: number, steps: number): Promise<StressRun> {
  const owned: Owned = { groups: [] };
  try {
    return await measureCount(shared, agents, step, steps, owned);
  } catch (error) {
    for (const g of owned.groups) {
      signalGroup(g, 'SIGKILL');
      unregisterGroup(g);
    }
    await owned.watchdog?.close();
    throw error;
  }
}

async function measureCount(shared: Shared, agents: number, step: number, steps: number, owned: Owned): Promise<StressRun> {
  const { options, runDir, pageBytes, progressRe, state } = shared;
  const dir = join(runDir, `n${agents}`);
  mkdirSync(dir, { recursive: true });
  const sharedDir = options.shared ? resolve(options.shared) : undefined;
  const sandboxes = Array.from({ length: agents }, (_, i) => sharedDir ?? join(dir, `agent-${i}`));
  for (const s of new Set(sandboxes)) mkdirSync(s, { recursive: true });

  // Throughput from files: one folder per sandbox, or one shared/absolute folder.
  const countDirs = options.countFiles
    ? isAbsolute(options.countFiles) || sharedDir
      ? [resolve(sharedDir ?? '/', options.countFiles)]
      : sandboxes.map((s) => resolve(s, options.countFiles!))
    : [];
  const countPerDir = (): number[] => countDirs.map(countFilesIn);

  emit(shared, { agents, step, phase: 'starting', elapsedSeconds: 0 }, steps);
  const watchdog = new Watchdog();
  owned.watchdog = watchdog;
  const tracker = new TreeTracker(pageBytes);
  let stopping = false;
  let t0 = performance.now();
  const seconds = (): number => (performance.now() - t0) / 1000;

  // The feed (not measured), then the agents.
  let feed: { child: ChildProcess; pid: number | null; exit: { code: number | null; signal: string | null } | null; fd: number } | null = null;
  if (options.feed) {
    const fd = openSync(join(dir, 'feed.log'), 'a');
    const script = substitute(options.feed, 0, agents, sharedDir ?? dir, dir);
    const child = spawn('/bin/sh', ['-c', script], {
      cwd: process.cwd(),
      detached: true,
      stdio: ['ignore', fd, fd],
      env: {
        ...process.env,
        CLAWPERF_AGENTS: String(agents),
        CLAWPERF_RUN_DIR: dir,
        CLAWPERF_SHARED: sharedDir ?? '',
        CLAWPERF_SANDBOXES: sandboxes.join(delimiter),
      },
    });
    const f = { child, pid: child.pid ?? null, exit: null as { code: number | null; signal: string | null } | null, fd };
    child.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      f.exit = { code, signal };
    });
    if (f.pid) {
      registerGroup(f.pid);
      owned.groups.push(f.pid);
      watchdog.watchGroup(f.pid);
    }
    feed = f;
  }

  const countsAtStart = countPerDir();
  const forksAtStart = systemForks();
  t0 = performance.now();
  const procs: AgentProc[] = [];
  for (let i = 0; i < agents; i += 1) {
    const sandbox = sandboxes[i]!;
    const log = join(dir, `agent-${i}.log`);
    const logFd = openSync(log, 'a');
    const argv = shared.command.map((a) => substitute(a, i, agents, sandbox, dir));
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: sandbox,
      detached: true,
      stdio: ['ignore', progressRe ? 'pipe' : logFd, logFd],
      env: {
        ...process.env,
        CLAWPERF_AGENT: String(i),
        CLAWPERF_AGENTS: String(agents),
        CLAWPERF_SANDBOX: sandbox,
        CLAWPERF_RUN_DIR: dir,
      },
    });
    const p: AgentProc = { index: i, sandbox, log, logFd, child, pid: child.pid ?? null, exit: null, lines: 0, partial: '' };
    procs.push(p);
    if (p.pid) {
      registerGroup(p.pid);
      owned.groups.push(p.pid);
      watchdog.watchGroup(p.pid);
      tracker.addAgent(i, p.pid, readStartTime(p.pid));
    } else {
      tracker.addAgent(i, -1 - i, Number.MAX_SAFE_INTEGER);
    }
    child.on('error', (error) => {
      p.error = error.message;
      if (!p.exit) p.exit = { code: null, signal: null, atSeconds: seconds() };
    });
    child.on('exit', (code, signal) => {
      p.exit = { code, signal, atSeconds: seconds() };
    });
    if (progressRe && child.stdout) {
      child.stdout.on('data', (chunk: Buffer) => {
        if (p.logFd !== null) writeSync(p.logFd, chunk);
        const parts = (p.partial + chunk.toString('utf8')).split('\n');
        p.partial = parts.pop() ?? '';
        if (p.partial.length > 65536) p.partial = p.partial.slice(-65536);
        if (stopping || seconds() < options.warmupSeconds) return;
        for (const line of parts) if (progressRe.test(line)) p.lines += 1;
      });
    } else {
      closeSync(logFd);
      p.logFd = null;
    }
  }

  // ---- the measured window ----
  const deadline = t0 + (options.warmupSeconds + options.durationSeconds) * 1000;
  const zero = (): AgentSample => ({ cpuSeconds: 0, io: { ...ZERO_IO }, rssBytes: 0, fds: 0, threads: 0, processes: 0 });
  let base: AgentSample[] | null = options.warmupSeconds > 0 ? null : procs.map(zero);
  let tBase = t0;
  let forksBase = forksAtStart;
  let countsBase = countsAtStart;
  let linesBase = procs.map(() => 0);
  let last: AgentSample[] = procs.map(zero);
  let tLast = t0;
  const peak = procs.map(() => ({ rss: 0, rssSum: 0, fds: 0, threads: 0 }));
  const totals = { rss: 0, fds: 0, threads: 0 };
  let ticks = 0;
  let samples = 0;
  let cpuBase = process.cpuUsage();
  let nextAt = performance.now();
  while (true) {
    const sample = tracker.sample(true);
    // Every process the tracker follows, setsid ones included, is the watchdog's to kill if clawperf dies.
    for (const r of tracker.running()) watchdog.watchProcess(r.pid, r.starttime);
    samples += 1;
    const now = performance.now();
    if (!base && (now - t0) / 1000 >= options.warmupSeconds) {
      base = sample;
      tBase = now;
      forksBase = systemForks();
      countsBase = countPerDir();
      linesBase = procs.map((p) => p.lines);
      cpuBase = process.cpuUsage();
    }
    if (base) {
      ticks += 1;
      let rss = 0;
      let fds = 0;
      let threads = 0;
      sample.forEach((s, i) => {
        const pk = peak[i]!;
        pk.rss = Math.max(pk.rss, s.rssBytes);
        pk.rssSum += s.rssBytes;
        pk.fds = Math.max(pk.fds, s.fds);
        pk.threads = Math.max(pk.threads, s.threads);
        rss += s.rssBytes;
        fds += s.fds;
        threads += s.threads;
      });
      totals.rss = Math.max(totals.rss, rss);
      totals.fds = Math.max(totals.fds, fds);
      totals.threads = Math.max(totals.threads, threads);
    }
    last = sample;
    tLast = now;
    emit(shared, { agents, step, phase: 'running', elapsedSeconds: (now - t0) / 1000 }, steps);
    const allEnded = procs.every((p) => p.exit !== null) && sample.every((s) => s.processes === 0);
    if (now >= deadline || state.interrupted || allEnded) break;
    // Fixed cadence: the time a scan takes does not stretch the interval.
    nextAt = Math.max(nextAt + options.sampleMs, performance.now() + options.sampleMs / 4);
    await sleep(Math.min(nextAt, deadline) - performance.now(), state.wake);
  }
  if (!base) {
    base = procs.map(zero);
    tBase = t0;
  }
  const countsEnd = countPerDir();
  const forksEnd = systemForks();
  const linesEnd = procs.map((p) => p.lines);
  const samplerCpu = process.cpuUsage(cpuBase);
  const earlyExits: EarlyExit[] = procs
    .filter((p) => p.exit !== null)
    .map((p) => ({ agent: p.index, code: p.exit!.code, signal: p.exit!.signal, atSeconds: p.exit!.atSeconds, ...(p.error ? { error: p.error } : {}), outputTail: '' }));

  // ---- teardown: SIGTERM every group, SIGKILL after the grace period ----
  stopping = true;
  emit(shared, { agents, step, phase: 'stopping', elapsedSeconds: (tLast - t0) / 1000 }, steps);
  const groups = [...procs.map((p) => p.pid), feed?.pid ?? null].filter((x): x is number => x !== null && x > 0);
  const stragglers = (): Array<{ pid: number; starttime: number }> => tracker.running().filter((r) => isRunning(r.pid, r.starttime));
  const signalAll = (signal: NodeJS.Signals): void => {
    for (const g of groups) signalGroup(g, signal);
    // Processes that left the groups (setsid) are signalled one by one.
    for (const r of stragglers()) if (!groups.includes(r.pid)) signalPid(r.pid, signal);
  };
  const everythingEnded = (): boolean =>
    procs.every((p) => p.exit !== null || p.pid === null) && (feed === null || feed.exit !== null || feed.pid === null) && tracker.running().length === 0;
  const waitEnded = async (ms: number): Promise<void> => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      tracker.sample(false);
      if (everythingEnded()) return;
      await sleep(50, {});
    }
  };
  tracker.sample(false);
  signalAll('SIGTERM');
  await waitEnded(options.graceSeconds * 1000);
  if (!everythingEnded()) {
    signalAll('SIGKILL');
    await waitEnded(2000);
  }
  tracker.sample(false);
  if (tracker.running().length > 0) {
    signalAll('SIGKILL');
    await waitEnded(1000);
  }
  const leftover = { running: tracker.running().length, zombies: tracker.zombies() };
  for (const g of groups) unregisterGroup(g);
  await watchdog.close();
  for (const p of procs) {
    if (p.logFd !== null) {
      closeSync(p.logFd);
      p.logFd = null;
    }
  }
  if (feed) closeSync(feed.fd);
  for (const e of earlyExits) e.outputTail = tail(procs[e.agent]!.log);

  // ---- figures ----
  const window = Math.max((tLast - tBase) / 1000, 1e-9);
  const measured = window > 1e-6;
  const rate = (v: number): number => (measured ? v / window : 0);
  const throughputPerAgent: Array<number | null> = procs.map((_, i) => {
    if (progressRe) return linesEnd[i]! - linesBase[i]!;
    if (countDirs.length === agents && !sharedDir && !isAbsolute(options.countFiles ?? '')) return countsEnd[i]! - countsBase[i]!;
    return null;
  });
  const throughputTotal = progressRe
    ? throughputPerAgent.reduce<number>((a, b) => a + (b ?? 0), 0)
    : options.countFiles
      ? countsEnd.reduce((a, b) => a + b, 0) - countsBase.reduce((a, b) => a + b, 0)
      : null;

  const details: AgentDetail[] = procs.map((p, i) => {
    const io = subIo(last[i]!.io, base![i]!.io);
    return {
      index: i,
      pid: p.pid ?? -1,
      pids: tracker.pidsOf(i),
      cpuSeconds: Math.max(0, last[i]!.cpuSeconds - base![i]!.cpuSeconds),
      peakRssBytes: peak[i]!.rss,
      meanRssBytes: ticks ? peak[i]!.rssSum / ticks : 0,
      peakFds: peak[i]!.fds,
      peakThreads: peak[i]!.threads,
      io: { syscr: io.syscr, syscw: io.syscw, rchar: io.rchar, wchar: io.wchar, readBytes: io.readBytes, writeBytes: io.writeBytes },
      throughput: throughputPerAgent[i] === null ? null : rate(throughputPerAgent[i]!),
      exit: p.exit,
    };
  });
  const sum = (f: (d: AgentDetail) => number): number => details.reduce((a, d) => a + f(d), 0);
  const cpu = sum((d) => d.cpuSeconds);
  const seen = sum((d) => Math.max(0, d.pids.length - 1));
  const row: StressRow = {
    agents,
    windowSeconds: measured ? window : 0,
    cpuSecondsTotal: cpu,
    cpuSecondsPerAgent: cpu / agents,
    cpuPercentOneCore: rate(cpu) * 100,
    peakRssBytesPerAgent: sum((d) => d.peakRssBytes) / agents,
    meanRssBytesPerAgent: sum((d) => d.meanRssBytes) / agents,
    peakRssBytesTotal: totals.rss,
    peakFdsPerAgent: sum((d) => d.peakFds) / agents,
    peakFdsTotal: totals.fds,
    peakThreadsPerAgent: sum((d) => d.peakThreads) / agents,
    peakThreadsTotal: totals.threads,
    processesSeenTotal: seen,
    processesSeenPerAgent: seen / agents,
    systemForks: forksEnd !== undefined && forksBase !== undefined ? forksEnd - forksBase : null,
    readSyscallsPerSecondTotal: rate(sum((d) => d.io.syscr)),
    readSyscallsPerSecondPerAgent: rate(sum((d) => d.io.syscr)) / agents,
    writeSyscallsPerSecondTotal: rate(sum((d) => d.io.syscw)),
    writeSyscallsPerSecondPerAgent: rate(sum((d) => d.io.syscw)) / agents,
    readBytesPerSecondTotal: rate(sum((d) => d.io.rchar)),
    readBytesPerSecondPerAgent: rate(sum((d) => d.io.rchar)) / agents,
    writeBytesPerSecondTotal: rate(sum((d) => d.io.wchar)),
    writeBytesPerSecondPerAgent: rate(sum((d) => d.io.wchar)) / agents,
    diskReadBytesTotal: sum((d) => d.io.readBytes),
    diskWriteBytesTotal: sum((d) => d.io.writeBytes),
    throughputPerSecondTotal: throughputTotal === null ? null : rate(throughputTotal),
    throughputPerSecondPerAgent: throughputTotal === null ? null : rate(throughputTotal) / agents,
  };
  const samplerSeconds = (samplerCpu.user + samplerCpu.system) / 1e6;
  const cores = availableParallelism();
  emit(shared, { agents, step, phase: 'done', elapsedSeconds: (tLast - t0) / 1000 }, steps);
  return {
    row,
    dir,
    agentsDetail: details,
    earlyExits,
    saturated: row.cpuPercentOneCore >= 85 * cores,
    leftover,
    sampler: {
      samples,
      meanIntervalMs: samples > 1 ? (tLast - t0) / (samples - 1) : 0,
      cpuSeconds: samplerSeconds,
      cpuPercentOneCore: rate(samplerSeconds) * 100,
    },
    feed: feed ? { pid: feed.pid, exit: feed.exit } : null,
  };
}

/** Start time of a process we just spawned (0 if it is already gone: then only its group identifies it). */
const readStartTime = (pid: number): number => readStat(pid)?.starttime ?? 0;

export function validateOptions(options: StressOptions): void {
  if (process.platform !== 'linux' || !procAvailable()) throw new StressInputError('stress needs Linux /proc');
  if (!Array.isArray(options.command) || options.command.length === 0) throw new StressInputError('no command given (put it after --)');
  if (!options.agents.length) throw new StressInputError('--agents needs at least one count');
  for (const n of options.agents) {
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new StressInputError(`--agents: ${n} is not a whole number from 1 to 10000`);
  }
  if (!(options.durationSeconds > 0) || options.durationSeconds > 86_400) throw new StressInputError('--duration must be a number of seconds above 0');
  if (options.warmupSeconds !== undefined && !(options.warmupSeconds >= 0)) throw new StressInputError('--warmup must be 0 or more seconds');
  if (options.sampleMs !== undefined && !(options.sampleMs >= 20 && options.sampleMs <= 60_000)) throw new StressInputError('--sample-ms must be from 20 to 60000');
  if (options.progressRegex !== undefined && options.countFiles !== undefined) throw new StressInputError('use either --progress-regex or --count-files, not both');
  if (options.progressRegex !== undefined) {
    try {
      new RegExp(options.progressRegex);
    } catch (error) {
      throw new StressInputError(`--progress-regex: ${(error as Error).message}`);
    }
  }
  if (options.shared !== undefined) {
    try {
      if (!statSync(options.shared).isDirectory()) throw new Error();
    } catch {
      throw new StressInputError(`--shared ${options.shared}: not a directory`);
    }
  }
}

export async function runStress(options: StressOptions): Promise<StressResult> {
  validateOptions(options);
  const command = prepareCommand(options.command, process.cwd());
  const agentsList = [...new Set(options.agents)].sort((a, b) => a - b);
  const startedAt = new Date();
  const runDir = resolve(options.runDir ?? join('.clawperf', 'stress', timestamp(startedAt)));
  // The default folder stays under the current one (a symlinked .clawperf must not carry it elsewhere).
  const outside = options.runDir === undefined ? escapesRoot(process.cwd(), runDir, 'the stress folder') : undefined;
  if (outside) throw new StressInputError(outside);
  for (const n of agentsList) {
    if (existsSync(join(runDir, `n${n}`))) throw new StressInputError(`${runDir} already holds a run with ${n} agents (n${n}/): choose another --run-dir`);
  }
  mkdirSync(runDir, { recursive: true });
  const shared: Shared = {
    options: { ...options, warmupSeconds: options.warmupSeconds ?? 0, sampleMs: options.sampleMs ?? 200, graceSeconds: options.graceSeconds ?? 2 },
    command,
    runDir,
    pageBytes: pageSize(),
    progressRe: options.progressRegex !== undefined ? new RegExp(options.progressRegex) : null,
    state: { interrupted: false, wake: {} },
  };

  // Ctrl-C: stop the current count cleanly and return what was measured; a second one kills at once.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shared.state.interrupted) {
      killAllSync('SIGKILL');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    shared.state.interrupted = true;
    shared.state.wake.fn?.();
  };
  if (options.handleSignals !== false) for (const s of signals) process.on(s, onSignal);

  const runs: StressRun[] = [];
  try {
    for (const [step, n] of agentsList.entries()) {
      if (shared.state.interrupted) break;
      runs.push(await runCount(shared, n, step, agentsList.length));
    }
  } finally {
    if (options.handleSignals !== false) for (const s of signals) process.off(s, onSignal);
  }

  const result: StressResult = {
    version: 1,
    kind: 'clawperf-stress',
    command: options.command,
    agents: agentsList,
    durationSeconds: options.durationSeconds,
    warmupSeconds: shared.options.warmupSeconds,
    sampleMs: shared.options.sampleMs,
    shared: options.shared ? resolve(options.shared) : null,
    runDir,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    interrupted: shared.state.interrupted,
    machine: { cores: availableParallelism(), pageBytes: shared.pageBytes, clockTicks: CLOCK_TICKS, platform: process.platform, release: release() },
    throughputSource: options.progressRegex !== undefined ? 'progress-regex' : options.countFiles !== undefined ? 'count-files' : null,
    ioAvailable: runs.some((r) => r.agentsDetail.some((d) => d.io.syscr + d.io.rchar > 0)),
    runs,
    growth: growthOf(runs.map((r) => r.row)),
    method: METHOD_NOTES,
  };
  writeStressFiles(result);
  return result;
}

/** The first agent's early exit when every agent of every count exited before its time was up (nothing was measured). */
export function everyAgentExitedEarly(result: StressResult): EarlyExit | undefined {
  if (result.runs.length === 0 || !result.runs.every((run) => run.earlyExits.length >= run.row.agents)) return undefined;
  return result.runs[0]!.earlyExits[0];
}

export function stressPaths(runDir: string): { json: string; svg: string } {
  return { json: join(runDir, 'stress.json'), svg: join(runDir, 'stress.svg') };
}

export function writeStressFiles(result: StressResult): { json: string; svg: string } {
  const paths = stressPaths(result.runDir);
  if (!existsSync(result.runDir)) mkdirSync(result.runDir, { recursive: true });
  writeFileAtomic(paths.json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileAtomic(paths.svg, renderSvg(result));
  return paths;
}
