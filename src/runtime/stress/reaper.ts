// Making sure no process started by a stress run outlives clawperf.
//
// Three layers: (1) normal teardown in run.ts (SIGTERM to each process group, SIGKILL after a grace
// period); (2) a process 'exit' handler that SIGKILLs every group still registered (runs on
// process.exit, on an uncaught exception, and after our SIGINT/SIGTERM handlers); (3) a tiny shell
// watchdog holding the read end of a pipe from us: if clawperf dies in a way no handler sees (SIGKILL,
// out of memory), the pipe closes and the watchdog kills the groups and processes it was told about, and
// their descendants.
import { type ChildProcess, spawn } from 'node:child_process';

const liveGroups = new Set<number>();
const livePids = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => killAllSync('SIGKILL'));
}

export function registerGroup(pgid: number): void {
  installExitHook();
  liveGroups.add(pgid);
}

export function unregisterGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

/** A process outside the agent groups (it called setsid) that must still be killed. */
export function registerPid(pid: number): void {
  installExitHook();
  livePids.add(pid);
}

export function unregisterPid(pid: number): void {
  livePids.delete(pid);
}

/** Signal a whole process group; false if it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Kill everything still registered, synchronously (safe inside an 'exit' handler). */
export function killAllSync(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pgid of liveGroups) signalGroup(pgid, signal);
  for (const pid of livePids) signalPid(pid, signal);
}

// The watchdog: reads "-PGID" lines (a group), "PID:STARTTIME" lines (a process that left its group: setsid)
// and "PID" lines; on "done" it exits quietly. On end of input (we died) it first adds, by parentage in
// /proc, every descendant of what it was told (a grandchild that called setsid since the last sample), then
// kills them all; a PID:STARTTIME whose start time changed is a reused pid and is spared. It ignores the
// terminal's signals so a Ctrl-C cannot remove it before us.
const WATCHDOG = `trap '' INT TERM HUP
g=; p=
while read x; do
  case "$x" in done) exit 0;; -*) g="$g $x";; *) p="$p $x";; esac
done
pstat() { s=; { read -r s < /proc/$1/stat; } 2>/dev/null || return 1; s=\${s##*) }; set -- $s; pp=$2; st=\${20}; }
all=" "
for x in $g; do all="$all\${x#-} "; done
for e in $p; do
  pid=\${e%%:*}
  case "$e" in *:*) pstat $pid && [ "$st" = "\${e#*:}" ] && all="$all$pid ";; *) all="$all$pid ";; esac
done
more=1
while [ $more = 1 ]; do
  more=0
  for f in /proc/[0-9]*; do
    q=\${f#/proc/}
    case "$all" in *" $q "*) continue;; esac
    pstat $q && case "$all" in *" $pp "*) all="$all$q "; more=1;; esac
  done
done
[ -n "$g" ] && kill -9 $g 2>/dev/null
[ "$all" != " " ] && kill -9 $all 2>/dev/null
exit 0`;

export class Watchdog {
  private readonly child: ChildProcess | undefined;
  private readonly told = new Set<string>();

  constructor() {
    try {
      this.child = spawn('/bin/sh', ['-c', WATCHDOG], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
      this.child.on('error', () => undefined);
      this.child.stdin?.on('error', () => undefined);
      this.child.unref();
    } catch {
      this.child = undefined;
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  watchGroup(pgid: number): void {
    this.child?.stdin?.write(`-${pgid}\n`);
  }

  watchPid(pid: number): void {
    this.child?.stdin?.write(`${pid}\n`);
  }

  /** A process found by parentage (it may have left its group): killed only if it is still the same process. */
  watchProcess(pid: number, starttime: number): void {
    const key = `${pid}:${starttime}`;
    if (this.told.has(key)) return;
    this.told.add(key);
    this.child?.stdin?.write(`${key}\n`);
  }

  /** Normal end: the watchdog exits without killing anything. */
  close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signalPid(child.pid ?? -1, 'SIGKILL');
        resolve();
      }, 2000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end('done\n');
    });
  }
}
