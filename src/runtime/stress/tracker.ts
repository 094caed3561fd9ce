// Follows each agent's whole process tree through /proc and keeps cumulative counters for it.
//
// Method (honest about its limits):
// - Membership: every agent is started with setsid (Node's `detached`), so its processes share its
//   session id and process group; a process that leaves both (setsid again) is still followed through its
//   parent pid if a sample saw it. A process is identified by pid + start time, so pid reuse is harmless.
// - CPU and I/O of a live process include the children it has reaped: Linux adds a child's utime/stime to
//   the parent's cutime/cstime, and its /proc/PID/io to the parent's, when the parent waits for it. So the
//   tree's total at any instant is Σ over its live processes (zombies included) of
//   utime+stime+cutime+cstime and of the io counters; short-lived children that no sample saw are still
//   counted, through their parent. A process that ends without an in-tree parent to reap it (the agent
//   itself, orphans) keeps its last sampled figures ("carry"); only what it did after that sample is lost.
// - Processes spawned: the distinct processes a sample saw, a lower bound (a `true` that lives 1 ms is
//   rarely seen); the run also records the system-wide fork counter of /proc/stat over the same window.
import { CLOCK_TICKS, countFds, type IoCounters, type ProcStat, readIo, scanProcesses, ZERO_IO } from './procfs.js';

export interface Counters {
  cpuTicks: number;
  io: IoCounters;
}

export interface AgentSample {
  /** Cumulative since start, reaped children included. */
  cpuSeconds: number;
  io: IoCounters;
  rssBytes: number;
  fds: number;
  threads: number;
  processes: number;
}

interface Tracked {
  agent: number;
  pid: number;
  starttime: number;
  ppid: number;
  last: Counters;
  alive: boolean;
  zombie: boolean;
  rss: number;
  fds: number;
  threads: number;
  comm: string;
  vsize: number;
}

interface AgentRoot {
  index: number;
  pid: number;
  starttime: number;
  carry: Counters;
  seen: Set<string>;
}

const key = (pid: number, starttime: number): string => `${pid}:${starttime}`;

function addIo(a: IoCounters, b: IoCounters): IoCounters {
  return {
    rchar: a.rchar + b.rchar,
    wchar: a.wchar + b.wchar,
    syscr: a.syscr + b.syscr,
    syscw: a.syscw + b.syscw,
    readBytes: a.readBytes + b.readBytes,
    writeBytes: a.writeBytes + b.writeBytes,
  };
}

export class TreeTracker {
  private readonly roots: AgentRoot[] = [];
  private readonly byRootPid = new Map<number, AgentRoot>();
  private readonly procs = new Map<string, Tracked>();
  private ioReadable = false;

  constructor(private readonly pageBytes: number) {}

  /** Register agent `index` whose root process is `pid` (a session and group leader). */
  addAgent(index: number, pid: number, starttime: number): void {
    const root: AgentRoot = { index, pid, starttime, carry: { cpuTicks: 0, io: { ...ZERO_IO } }, seen: new Set() };
    this.roots[index] = root;
    this.byRootPid.set(pid, root);
  }

  get agentCount(): number {
    return this.roots.length;
  }

  /** Whether /proc/PID/io could be read for any tracked process (it needs ptrace access). */
  get ioAvailable(): boolean {
    return this.ioReadable;
  }

  /** The distinct pids seen for an agent. */
  pidsOf(index: number): number[] {
    const root = this.roots[index];
    return root ? [...root.seen].map((k) => Number(k.split(':')[0])) : [];
  }

  /** Processes of the run still running (not zombies), as [pid, starttime]. */
  running(): Array<{ pid: number; starttime: number; agent: number }> {
    const out: Array<{ pid: number; starttime: number; agent: number }> = [];
    for (const t of this.procs.values()) if (t.alive && !t.zombie) out.push({ pid: t.pid, starttime: t.starttime, agent: t.agent });
    return out;
  }

  zombies(): number {
    let n = 0;
    for (const t of this.procs.values()) if (t.alive && t.zombie) n += 1;
    return n;
  }

  /** Which agent a new process belongs to, if any. */
  private owner(stat: ProcStat, tracked: Map<number, Tracked>): number | undefined {
    for (const id of [stat.session, stat.pgrp]) {
      const root = this.byRootPid.get(id);
      // A process older than the agent cannot be its descendant (guards against pid reuse).
      if (root && stat.starttime >= root.starttime) return root.index;
    }
    const parent = tracked.get(stat.ppid);
    return parent?.agent;
  }

  /**
   * One pass over /proc. Returns a sample per agent (index order). With `measure` false only the
   * membership is refreshed (used while stopping), and io/fds are not read.
   */
  sample(measure = true): AgentSample[] {
    const all = scanProcesses();
    const liveByPid = new Map<number, Tracked>();
    const current = new Set<string>();
    const pending: ProcStat[] = [];
    for (const stat of all) {
      const existing = this.procs.get(key(stat.pid, stat.starttime));
      if (existing) {
        this.refresh(existing, stat, measure);
        liveByPid.set(stat.pid, existing);
        current.add(key(stat.pid, stat.starttime));
      } else {
        pending.push(stat);
      }
    }
    // New processes: by session/group, or by a tracked parent (iterate for chains of new processes).
    let changed = true;
    while (changed && pending.length > 0) {
      changed = false;
      for (let i = pending.length - 1; i >= 0; i -= 1) {
        const stat = pending[i]!;
        const agent = this.owner(stat, liveByPid);
        if (agent === undefined) continue;
        const t: Tracked = {
          agent,
          pid: stat.pid,
          starttime: stat.starttime,
          ppid: stat.ppid,
          last: { cpuTicks: 0, io: { ...ZERO_IO } },
          alive: true,
          zombie: false,
          rss: 0,
          fds: 0,
          threads: 0,
          comm: stat.comm,
          vsize: stat.vsize,
        };
        this.refresh(t, stat, measure);
        const k = key(stat.pid, stat.starttime);
        this.procs.set(k, t);
        this.roots[agent]!.seen.add(k);
        liveByPid.set(stat.pid, t);
        current.add(k);
        pending.splice(i, 1);
        changed = true;
      }
    }
    // Processes that ended since the last pass.
    for (const [k, t] of this.procs) {
      if (!t.alive || current.has(k)) continue;
      t.alive = false;
      const parent = liveByPid.get(t.ppid);
      // Reaped by a live parent of the same tree: its figures are now in the parent's cutime and io.
      if (parent && parent.agent === t.agent) continue;
      const root = this.roots[t.agent]!;
      root.carry = { cpuTicks: root.carry.cpuTicks + t.last.cpuTicks, io: addIo(root.carry.io, t.last.io) };
    }
    // Sum per agent.
    const samples: AgentSample[] = this.roots.map((root) => ({
      cpuSeconds: root.carry.cpuTicks,
      io: { ...root.carry.io },
      rssBytes: 0,
      fds: 0,
      threads: 0,
      processes: 0,
    }));
    for (const t of liveByPid.values()) {
      const s = samples[t.agent]!;
      s.cpuSeconds += t.last.cpuTicks;
      s.io = addIo(s.io, t.last.io);
      if (t.zombie) continue;
      // A child caught between fork and exec (same program, same address-space size) shares its
      // parent's pages (vfork: the very same memory; fork: copy-on-write): counting them twice would
      // show memory that does not exist.
      const parent = liveByPid.get(t.ppid);
      const unexeced = parent !== undefined && parent.agent === t.agent && parent.comm === t.comm && parent.vsize === t.vsize;
      if (!unexeced) s.rssBytes += t.rss;
      s.fds += t.fds;
      s.threads += t.threads;
      s.processes += 1;
    }
    for (const s of samples) s.cpuSeconds /= CLOCK_TICKS;
    return samples;
  }

  private refresh(t: Tracked, stat: ProcStat, measure: boolean): void {
    t.ppid = stat.ppid;
    t.zombie = stat.state === 'Z' || stat.state === 'X';
    const cpuTicks = stat.utime + stat.stime + stat.cutime + stat.cstime;
    // Counters only grow; a zombie's io may be unreadable, so keep the last known value then.
    let io = t.last.io;
    if (measure && !t.zombie) {
      const read = readIo(stat.pid);
      if (read) {
        io = read;
        this.ioReadable = true;
      }
    }
    t.last = { cpuTicks: Math.max(cpuTicks, t.last.cpuTicks), io };
    t.rss = stat.rssPages * this.pageBytes;
    t.comm = stat.comm;
    t.vsize = stat.vsize;
    t.threads = stat.threads;
    if (measure && !t.zombie) t.fds = countFds(stat.pid) ?? t.fds;
  }
}
