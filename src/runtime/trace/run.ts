// `clawperf trace`: run the user's command with the audit-hook sitecustomize on PYTHONPATH, stop it on
// --duration or Ctrl-C (SIGTERM to its process group, SIGKILL after a grace period), merge what every
// traced process wrote, and save the result.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pythonDir } from '../../paths.js';
import { escapesRoot } from '../../util/confine.js';
import { writeFileAtomic } from '../../util/fs.js';
import { Watchdog } from '../stress/reaper.js';
import { mergeCounts, readCountFiles } from './merge.js';
import { groupMembers, processesWithEnv, signalGroup, signalPids } from './procs.js';
import { TraceUsageError, type TraceOptions, type TraceResult } from './types.js';

export const SITECUSTOMIZE = join(pythonDir, 'trace', 'sitecustomize.py');
export const DEFAULT_OUTPUT = join('.clawperf', 'trace.json');

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function signalNumber(name: string | null): number {
  if (!name) return 0;
  return (constants.signals as Record<string, number>)[name] ?? 0;
}

/** Waits until `alive()` returns nothing or the deadline passes; returns what is still alive. */
async function waitGone(alive: () => number[], deadline: number): Promise<number[]> {
  let left = alive();
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(25);
    left = alive();
  }
  return left;
}

const WORK_PREFIX = 'clawperf-trace-';
const OWNER_FILE = 'owner.pid';

/** Work folders of traces whose clawperf died without cleaning up (`kill -9`): their owner pid is gone. */
function removeStaleWorkDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((name) => name.startsWith(WORK_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours, or another user's: left alone
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function runTrace(options: TraceOptions): Promise<TraceResult> {
  const command = options.command;
  if (!command.length || !command[0]) throw new TraceUsageError('no command to trace (usage: clawperf trace [options] -- CMD ARGS...)');
  if (!existsSync(SITECUSTOMIZE)) throw new Error(`clawperf: missing ${SITECUSTOMIZE}`);
  const cwd = resolve(options.cwd);
  if (!existsSync(cwd)) throw new TraceUsageError(`no such directory: ${cwd}`);
  const projectRoot = realpathOr(resolve(cwd, options.projectRoot));
  const graceMs = Math.max(0, (options.graceSeconds ?? 3) * 1000);
  const output = resolve(cwd, options.output ?? DEFAULT_OUTPUT);
  // The default file stays under the traced folder (a symlinked .clawperf must not carry it elsewhere).
  const outside = options.output === undefined ? escapesRoot(cwd, output, 'the trace file') : undefined;
  if (outside) throw new TraceUsageError(outside);

  removeStaleWorkDirs();
  const work = mkdtempSync(join(tmpdir(), WORK_PREFIX));
  writeFileSync(join(work, OWNER_FILE), String(process.pid));
  const siteDir = join(work, 'site');
  const outDir = join(work, 'out');
  mkdirSync(siteDir);
  mkdirSync(outDir);
  copyFileSync(SITECUSTOMIZE, join(siteDir, 'sitecustomize.py'));

  const baseEnv = { ...process.env, ...options.env };
  const userPath = baseEnv.PYTHONPATH;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    PYTHONPATH: userPath ? `${siteDir}${delimiter}${userPath}` : siteDir,
    CLAWPERF_TRACE_DIR: outDir,
    CLAWPERF_TRACE_ROOT: projectRoot,
  };
  const envToken = `CLAWPERF_TRACE_DIR=${outDir}`;

  let stoppedBy: TraceResult['stoppedBy'] = null;
  let termAt = 0;
  let killTimer: NodeJS.Timeout | undefined;
  let durationTimer: NodeJS.Timeout | undefined;
  let pgid = 0;
  let mainExited = false;

  const killGroup = (): void => {
    if (pgid) signalGroup(pgid, 'SIGKILL');
  };
  const stop = (reason: 'duration' | 'interrupt'): void => {
    if (termAt) {
      // A second Ctrl-C: no more waiting.
      if (reason === 'interrupt') killGroup();
      return;
    }
    stoppedBy = reason;
    termAt = Date.now();
    if (pgid) signalGroup(pgid, 'SIGTERM');
    killTimer = setTimeout(killGroup, graceMs);
  };

  const onSignal = (): void => stop('interrupt');
  const handleSignals = options.handleSignals ?? true;
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  if (handleSignals) for (const s of signals) process.on(s, onSignal);
  const onAbort = (): void => stop('interrupt');
  options.signal?.addEventListener('abort', onAbort);

  // If clawperf itself dies where no handler runs (SIGKILL, out of memory), the watchdog kills the command's group.
  const watchdog = new Watchdog();
  const started = Date.now();
  let ended = started;
  try {
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit, rejectExit) => {
      const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: options.stdio ?? 'inherit', detached: true });
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (mainExited) return;
        mainExited = true;
        if (error.code === 'ENOENT') rejectExit(new TraceUsageError(`command not found: ${command[0]}`));
        else if (error.code === 'EACCES') rejectExit(new TraceUsageError(`cannot execute ${command[0]} (permission denied)`));
        else rejectExit(error);
      });
      child.once('exit', (code, signal) => {
        mainExited = true;
        ended = Date.now();
        resolveExit({ code, signal });
      });
      if (child.pid) {
        pgid = child.pid; // detached: the child leads its own process group (and session)
        watchdog.watchGroup(pgid);
        if (options.durationSeconds !== undefined && options.durationSeconds > 0) {
          durationTimer = setTimeout(() => stop('duration'), options.durationSeconds * 1000);
        }
        if (options.signal?.aborted) stop('interrupt');
      }
    });
    clearTimeout(durationTimer);

    // The command is done; nothing it started may outlive the trace. Children normally exit with it.
    const leftovers = (): number[] => [...new Set([...(pgid ? groupMembers(pgid) : []), ...processesWithEnv(envToken)])];
    let left = leftovers();
    if (left.length > 0) {
      if (!termAt) {
        termAt = Date.now();
        signalGroup(pgid, 'SIGTERM');
      }
      const inGroup = new Set(pgid ? groupMembers(pgid) : []);
      signalPids(left.filter((pid) => !inGroup.has(pid)), 'SIGTERM'); // escaped with setsid()
      left = await waitGone(leftovers, termAt + graceMs);
      if (left.length > 0) {
        killGroup();
        signalPids(left, 'SIGKILL');
        await waitGone(leftovers, Date.now() + 2000);
      }
    }

    const seconds = Math.max(1e-3, (ended - started) / 1000);
    const result = mergeCounts(readCountFiles(outDir), {
      version: 1,
      command,
      projectRoot,
      durationSeconds: Math.round(seconds * 1000) / 1000,
      exitCode: exit.code ?? 128 + signalNumber(exit.signal),
      signal: exit.signal,
      stoppedBy,
    });
    writeResult(output, result);
    return result;
  } finally {
    await watchdog.close();
    clearTimeout(durationTimer);
    clearTimeout(killTimer);
    if (handleSignals) for (const s of signals) process.off(s, onSignal);
    options.signal?.removeEventListener('abort', onAbort);
    rmSync(work, { recursive: true, force: true });
  }
}

export function writeResult(output: string, result: TraceResult): void {
  // Temp file + fsync + rename (no temp left on a full disk; `-o /dev/stdout` written in place, not replaced).
  writeFileAtomic(output, `${JSON.stringify(result, null, 2)}\n`);
}
