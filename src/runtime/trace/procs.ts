// Finding the processes a traced command left: by process group, and by the trace's token in their
// environment (children that started their own session still carry it). Linux reads /proc; elsewhere
// only the process group is known (kill(-pgid, 0)).
import { readdirSync, readFileSync } from 'node:fs';

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
}

/** Live (not zombie) processes of the group `pgid`. */
export function groupMembers(pgid: number): number[] {
  if (!hasProc) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const found: number[] = [];
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') found.push(pid);
  }
  return found;
}

/** Live processes (other than ourselves) whose environment holds `needle` (e.g. `CLAWPERF_TRACE_DIR=/tmp/…`). */
export function processesWithEnv(needle: string): number[] {
  if (!hasProc) return [];
  const found: number[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (!environ.includes(needle)) continue;
    const stat = readStat(pid);
    if (stat && stat.state !== 'Z' && stat.state !== 'X') found.push(pid);
  }
  return found;
}

/** Is this pid a live process (not a zombie)? */
export function isAlive(pid: number): boolean {
  if (hasProc) {
    const stat = readStat(pid);
    return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nobody left.
  }
}

export function signalPids(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}
