// Reading Linux /proc: one process's stat, io and fd count, and the whole process table.
// Everything here is synchronous and tolerant: a process may end between listing and reading.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Fields of /proc/PID/stat that the sampler uses (see proc(5)). */
export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z, T… — Z is a zombie: ended, waiting for its parent to reap it. */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks (USER_HZ) spent by the process itself. */
  utime: number;
  stime: number;
  /** Clock ticks of children it has waited for (reaped), recursively. */
  cutime: number;
  cstime: number;
  threads: number;
  /** Clock ticks after boot when it started: with pid, identifies a process despite pid reuse. */
  starttime: number;
  /** Virtual size in bytes: with comm, tells a child that has not exec'd yet (it shares its parent's pages). */
  vsize: number;
  rssPages: number;
}

/** /proc/PID/io. For a process, these include its exited threads and the children it has reaped. */
export interface IoCounters {
  rchar: number;
  wchar: number;
  syscr: number;
  syscw: number;
  readBytes: number;
  writeBytes: number;
}

export const ZERO_IO: Readonly<IoCounters> = Object.freeze({ rchar: 0, wchar: 0, syscr: 0, syscw: 0, readBytes: 0, writeBytes: 0 });

export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const f = text.slice(close + 2).trim().split(' ');
  // f[0] is field 3 (state); field n is f[n - 3].
  if (f.length < 22) return undefined;
  const n = (field: number): number => Number(f[field - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: f[0] ?? '?',
    ppid: n(4),
    pgrp: n(5),
    session: n(6),
    utime: n(14),
    stime: n(15),
    cutime: n(16),
    cstime: n(17),
    threads: n(20),
    starttime: n(22),
    vsize: n(23),
    rssPages: n(24),
  };
}

export function parseIo(text: string): IoCounters {
  const io: IoCounters = { ...ZERO_IO };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const value = Number(line.slice(colon + 1));
    switch (line.slice(0, colon)) {
      case 'rchar': io.rchar = value; break;
      case 'wchar': io.wchar = value; break;
      case 'syscr': io.syscr = value; break;
      case 'syscw': io.syscw = value; break;
      case 'read_bytes': io.readBytes = value; break;
      case 'write_bytes': io.writeBytes = value; break;
    }
  }
  return io;
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

export function readIo(pid: number): IoCounters | undefined {
  try {
    return parseIo(readFileSync(`/proc/${pid}/io`, 'latin1'));
  } catch {
    return undefined;
  }
}

export function countFds(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** Every process's stat, in one pass over /proc. */
export function scanProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** Forks and clones since boot, system-wide (`processes` in /proc/stat; threads count too). */
export function systemForks(): number | undefined {
  try {
    const match = /^processes\s+(\d+)/m.exec(readFileSync('/proc/stat', 'latin1'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Is the process still running (present and not a zombie), the same one we saw (pid + start time)? */
export function isRunning(pid: number, starttime?: number): boolean {
  const stat = readStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  return starttime === undefined || stat.starttime === starttime;
}

let pageSizeCache: number | undefined;
export function pageSize(): number {
  if (pageSizeCache === undefined) {
    try {
      pageSizeCache = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || 4096;
    } catch {
      pageSizeCache = 4096;
    }
  }
  return pageSizeCache;
}

/** USER_HZ: the unit of utime/stime in /proc. It is 100 on every Linux architecture Node supports. */
export const CLOCK_TICKS = 100;

export function procAvailable(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}
