// The cost of a finding, as rules describe it; the impact model prices it at N agents.
import type { L10n } from '../rules/types.js';

/** Items of the seed's reference table (and of `clawperf calibrate`), plus a few derived ones. */
export const UNIT_IDS = [
  'file_read', // open+read+close of a small file
  'file_write', // open+write+close, no fsync
  'file_write_fsync', // open+write+close+fsync
  'fsync',
  'listdir', // os.listdir of ~100 entries
  'listdir_idle', // os.listdir of a folder with nothing waiting, plus the wake-up of the pass that lists it
  'stat', // os.stat / os.path.exists
  'subprocess', // subprocess.run of a trivial command (fork+exec+wait)
  'shell', // the extra /bin/sh of shell=True / os.system
  'http_local', // requests.get to localhost, new connection
  'http_local_reuse', // the same over a kept-alive Session
  'http_external', // requests.get to a remote host
  'json_1kb', // json.loads or dumps of 1 KB
  'thread_create',
  'fork',
  'regex_compile',
  'dns_lookup',
  'python_op', // one cheap Python-level operation (a list scan step, a string copy of 1 KB)
] as const;
export type UnitId = (typeof UNIT_IDS)[number];

/** A cost range in milliseconds, with where it came from. */
export interface UnitCost {
  lowMs: number;
  highMs: number;
  source: 'reference' | 'measured';
}

export interface Operation {
  unit: UnitId;
  /** How many per cycle. May be fractional (e.g. one reload every 10 cycles). */
  count: number;
}

/** How often one agent goes through the cycle that holds the finding. */
export interface CycleRate {
  perSecond: number;
  basis: L10n; // "poll every 0.5 s (POLL_INTERVAL)", "1 request/s per agent (assumed)"
}

/** Non-time resources a finding holds per agent (memory, descriptors, threads, connections). */
export interface ResourceUse {
  memoryMB?: number;
  fds?: number;
  threads?: number;
  /** New TCP connections per cycle (each leaves a socket in TIME_WAIT for 60 s). */
  tcpConnections?: number;
  /** Processes spawned per cycle. */
  processes?: number;
  /** Seconds a caller may stay blocked (no timeout → effectively unbounded). */
  blockedSeconds?: number;
}

export interface CostSpec {
  current: Operation[];
  expected: Operation[];
  rate: CycleRate;
  /** When the fix changes how often the cycle runs (inotify wakes on events only). */
  expectedRate?: CycleRate;
  currentResources?: ResourceUse;
  expectedResources?: ResourceUse;
  /** How the cost grows with N agents: linear by default; quadratic when every agent scans every other's files. */
  growth?: 'linear' | 'quadratic';
  /** Extra assumptions to list beside the computed ones. */
  assumptions?: L10n[];
}

/** The priced impact written into the JSON and section 4 of the report. */
export interface Impact {
  current: string;
  expected: string;
  improvement: string;
  assumptions: string[];
}
