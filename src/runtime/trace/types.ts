// `clawperf trace`: the result contract (`.clawperf/trace.json`) and the options of a run.

/** What the trace counts. `listdir` covers os.listdir and os.scandir (os.walk, glob, pathlib.iterdir). */
export const TRACE_KINDS = [
  'open', // builtins.open / io.open / os.open
  'listdir', // os.listdir, os.scandir
  'stat', // os.stat / os.lstat, hence os.path.exists/isfile/isdir/getmtime/getsize, pathlib .exists()
  'remove', // os.remove / os.unlink / os.rmdir
  'rename', // os.rename / os.replace
  'mkdir',
  'truncate',
  'fsync', // os.fsync / os.fdatasync
  'shutil', // shutil.copyfile / copytree / move / rmtree / archives
  'subprocess', // subprocess.Popen (run, call, check_output, os.popen), os.system, os.posix_spawn
  'exec', // os.exec*
  'fork', // os.fork / os.forkpty (multiprocessing)
  'connect', // socket.connect (requests, urllib, http.client)
  'dns', // socket.getaddrinfo / gethostbyname / gethostbyaddr / getnameinfo
  'http', // urllib.request.urlopen (urllib.Request)
  'sleep', // time.sleep
  'thread', // threading.Thread.start
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

export interface TraceLine {
  /** Relative to the project root, forward slashes. */
  file: string;
  line: number;
  kind: string;
  events: number;
  eventsPerSecond: number;
}

export interface TraceProcess {
  pid: number;
  ppid: number;
  argv: string[];
  /** Events of this process attributed to the project's code. */
  events: number;
}

export interface TraceResult {
  version: 1;
  command: string[];
  /** Absolute project root the `lines[].file` paths are relative to. */
  projectRoot: string;
  /** Wall time of the run, the denominator of every `eventsPerSecond`. */
  durationSeconds: number;
  /** The traced program's exit code; 128 + signal number when it died from a signal. */
  exitCode: number;
  /** Set when the program died from a signal (`SIGTERM`, `SIGKILL`, …). */
  signal: string | null;
  /** Why clawperf stopped the program, if it did: `--duration` elapsed or the user pressed Ctrl-C. */
  stoppedBy: 'duration' | 'interrupt' | null;
  /** The Python processes that were traced (the command and its Python children). */
  processes: TraceProcess[];
  /** Hottest first. */
  lines: TraceLine[];
  totals: Record<string, number>;
}

export interface TraceOptions {
  command: string[];
  cwd: string;
  /** Events are attributed to files under this folder (not the stdlib, not site-packages). */
  projectRoot: string;
  /** Stop the program after this many seconds (SIGTERM to its process group, then SIGKILL). */
  durationSeconds?: number;
  /** Where to write the JSON; default `<cwd>/.clawperf/trace.json`. Relative paths resolve against cwd. */
  output?: string;
  /** Seconds between SIGTERM and SIGKILL when stopping the program. Default 3. */
  graceSeconds?: number;
  /** Extra environment for the program (merged over process.env). */
  env?: NodeJS.ProcessEnv;
  /** Aborting stops the program like Ctrl-C does. */
  signal?: AbortSignal;
  /** The program's stdio: `inherit` (default: its output passes through untouched) or `ignore` (benchmarks). */
  stdio?: 'inherit' | 'ignore';
  /** Handle SIGINT/SIGTERM/SIGHUP received by clawperf itself (default true; the CLI relies on it). */
  handleSignals?: boolean;
}

/** Thrown for problems the user must fix (no command, command not found): the CLI exits 2. */
export class TraceUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceUsageError';
  }
}
