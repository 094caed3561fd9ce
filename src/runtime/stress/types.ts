// The stress result (stress.json) and the comparison of two of them. Other modules read these: keep stable.

export interface StressProgress {
  /** Agent count being run now. */
  agents: number;
  /** 0-based position of this count in the list, and the list's length. */
  step: number;
  steps: number;
  phase: 'starting' | 'running' | 'stopping' | 'done';
  elapsedSeconds: number;
  durationSeconds: number;
  /** Seconds of measurement done over the whole run, and the total planned. */
  doneSeconds: number;
  totalSeconds: number;
}

export interface StressOptions {
  /** The command and its arguments; `{agent}` is replaced by the agent index (0-based), `{agents}` by N, `{sandbox}` by its folder. */
  command: string[];
  /** Agent counts to run, e.g. [1, 10, 100]. */
  agents: number[];
  /** Measured seconds per agent count (after the warm-up). */
  durationSeconds: number;
  /** Seconds at the start of each count left out of the figures (interpreter start-up). Default 0. */
  warmupSeconds?: number;
  /** Run every agent in this directory instead of a sandbox folder each. */
  shared?: string;
  /** Where sandboxes, logs, stress.json and stress.svg go. Default .clawperf/stress/<timestamp>. */
  runDir?: string;
  /** Count stdout lines matching this regular expression as units of work. */
  progressRegex?: string;
  /** Count files that appear in this directory (relative to each sandbox, or the shared directory). */
  countFiles?: string;
  /** A helper command (shell syntax) started once per agent count before the agents and not measured, e.g. a message feeder. */
  feed?: string;
  /** Sampling interval, default 200 ms. */
  sampleMs?: number;
  /** Seconds between SIGTERM and SIGKILL. Default 2. */
  graceSeconds?: number;
  /** Install SIGINT/SIGTERM/SIGHUP handlers for the run's length (default true). */
  handleSignals?: boolean;
  onProgress?: (progress: StressProgress) => void;
}

export interface IoTotals {
  /** read-family / write-family syscalls (read, pread, readv…; write, pwrite, writev…) from /proc/PID/io. */
  syscr: number;
  syscw: number;
  /** Bytes passed through those syscalls (files, pipes, sockets). */
  rchar: number;
  wchar: number;
  /** Bytes the storage layer read or was asked to write. */
  readBytes: number;
  writeBytes: number;
}

/** One agent count: all figures are over the measured window. */
export interface StressRow {
  agents: number;
  windowSeconds: number;
  cpuSecondsTotal: number;
  cpuSecondsPerAgent: number;
  /** 100 = one core busy for the whole window. */
  cpuPercentOneCore: number;
  peakRssBytesPerAgent: number;
  meanRssBytesPerAgent: number;
  peakRssBytesTotal: number;
  peakFdsPerAgent: number;
  peakFdsTotal: number;
  peakThreadsPerAgent: number;
  peakThreadsTotal: number;
  /** Distinct child processes seen by the sampler (a lower bound: short-lived ones are missed). */
  processesSeenTotal: number;
  processesSeenPerAgent: number;
  /** Forks and clones on the whole machine during the window (/proc/stat; threads and other programs count too). */
  systemForks: number | null;
  readSyscallsPerSecondTotal: number;
  readSyscallsPerSecondPerAgent: number;
  writeSyscallsPerSecondTotal: number;
  writeSyscallsPerSecondPerAgent: number;
  readBytesPerSecondTotal: number;
  readBytesPerSecondPerAgent: number;
  writeBytesPerSecondTotal: number;
  writeBytesPerSecondPerAgent: number;
  diskReadBytesTotal: number;
  diskWriteBytesTotal: number;
  /** Units of work per second (progress lines or new files), null if neither option was given. */
  throughputPerSecondTotal: number | null;
  throughputPerSecondPerAgent: number | null;
}

export interface AgentDetail {
  index: number;
  pid: number;
  /** Every pid seen in this agent's tree. */
  pids: number[];
  cpuSeconds: number;
  peakRssBytes: number;
  meanRssBytes: number;
  peakFds: number;
  peakThreads: number;
  io: IoTotals;
  throughput: number | null;
  exit: { code: number | null; signal: string | null; atSeconds: number } | null;
}

export interface EarlyExit {
  agent: number;
  code: number | null;
  signal: string | null;
  atSeconds: number;
  error?: string;
  /** Last lines of its output (stdout+stderr log). */
  outputTail: string;
}

export interface StressRun {
  row: StressRow;
  /** The folder of this count (sandboxes, logs). */
  dir: string;
  agentsDetail: AgentDetail[];
  earlyExits: EarlyExit[];
  /** The machine's cores were nearly all busy: per-agent CPU is capped, look at throughput. */
  saturated: boolean;
  /** After teardown: processes of the run still running (should be 0) and zombies left for init to reap. */
  leftover: { running: number; zombies: number };
  sampler: { samples: number; meanIntervalMs: number; cpuSeconds: number; cpuPercentOneCore: number };
  feed: { pid: number | null; exit: { code: number | null; signal: string | null } | null } | null;
}

export type GrowthClass = 'linear' | 'sub-linear' | 'super-linear' | 'n/a';

export interface Growth {
  /** StressRow key of a per-agent figure. */
  metric: keyof StressRow;
  label: string;
  fromAgents: number;
  toAgents: number;
  from: number | null;
  to: number | null;
  /** to / from: 1 means the per-agent cost stayed constant, i.e. the total grew linearly. */
  factor: number | null;
  class: GrowthClass;
}

export interface StressResult {
  version: 1;
  kind: 'clawperf-stress';
  command: string[];
  agents: number[];
  durationSeconds: number;
  warmupSeconds: number;
  sampleMs: number;
  shared: string | null;
  runDir: string;
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  machine: { cores: number; pageBytes: number; clockTicks: number; platform: string; release: string };
  throughputSource: 'progress-regex' | 'count-files' | null;
  /** Whether /proc/PID/io was readable (it needs ptrace access); if not, syscall figures are 0. */
  ioAvailable: boolean;
  runs: StressRun[];
  /** Growth of each per-agent figure from the first to every later agent count. */
  growth: Growth[];
  method: string[];
}

export interface MetricDelta {
  agents: number;
  metric: keyof StressRow;
  label: string;
  unit: string;
  before: number;
  after: number;
  /** (after - before) / before × 100; null when before is 0. */
  changePercent: number | null;
  /** For costs lower is better; for throughput higher is better. Changes within ±10 % are 'same'. */
  verdict: 'better' | 'worse' | 'same';
}

export interface StressComparison {
  version: 1;
  kind: 'clawperf-stress-comparison';
  before: { command: string[]; startedAt: string; runDir: string };
  after: { command: string[]; startedAt: string; runDir: string };
  /** Agent counts present in both results. */
  agents: number[];
  deltas: MetricDelta[];
  growth: Array<{ metric: keyof StressRow; label: string; before: Growth | null; after: Growth | null }>;
  /** One line for memory ("optimization applied, measured impact"), at the largest common count. */
  headline: string;
}
