// PO302: a loop that waits for something without ever sleeping or blocking: it re-checks a file, a flag,
// a process or the clock as fast as the CPU allows, burning a whole core while it waits.
import type { CallSite, FileModel, LoopInfo } from '../../model/types.js';
import { fmt, fmtEs, isTestFile, loopContext } from './hotpath.js';
import { loopLines } from '../../model/frequency.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';

export const meta: RuleMeta = {
  id: 'PO302',
  name: 'busy-wait',
  dimension: 'polling',
  title: { es: 'Espera activa (busy wait)', en: 'Busy wait' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'critical', per_task: 'critical', startup: 'important' },
  docs: {
    what: {
      es: 'Un bucle que espera un cambio (un fichero, un flag, un proceso, la hora) comprobándolo sin dormir ni bloquearse: da vueltas tan rápido como puede la CPU.',
      en: 'A loop that waits for a change (a file, a flag, a process, the clock) by checking it without sleeping or blocking: it spins as fast as the CPU allows.',
    },
    why: {
      es: 'Cada agente que espera consume un núcleo entero (~100 % de CPU) mientras dura la espera; con 100 agentes esperando a la vez la máquina queda saturada y el proceso que debía liberar el recurso va más lento.',
      en: 'Every waiting agent burns a whole core (~100 % CPU) for as long as the wait lasts; with 100 agents waiting at once the machine saturates, and the process that should release the resource runs slower.',
    },
    example: 'while os.path.exists(lock_path):\n    pass',
    useInstead: '# block on the real event when there is one (proc.wait(), event.wait(), a FIFO);\n# otherwise at least sleep, with back-off:\ndelay = 0.01\nwhile os.path.exists(lock_path):\n    time.sleep(delay)\n    delay = min(delay * 2, 0.5)',
    tradeoff: {
      es: 'Dormir añade como mucho un intervalo de latencia al detectar el cambio (0,5 s en el ejemplo); un evento real (Event, FIFO, inotify) no añade latencia pero exige que el otro lado avise.',
      en: 'Sleeping adds at most one interval of latency before the change is noticed (0.5 s in the example); a real event (Event, FIFO, inotify) adds none but needs the other side to signal.',
    },
  },
};

/** Calls that only look at state and return at once: re-checking them in a loop is spinning. */
const CHECKS = /^(os\.path\.(exists|isfile|isdir|islink|getmtime|getsize|lexists)|os\.(stat|lstat|access|listdir|scandir|kill|getppid)|glob\.glob|time\.(time|monotonic|perf_counter|time_ns|monotonic_ns)|len|pathlib\.Path\.(exists|is_file|is_dir|stat))$/;
const CHECK_METHODS = /^(exists|is_file|is_dir|is_set|is_alive|done|empty|full|qsize|locked|poll|mkdir|touch|acquire|get_nowait|cancelled|running)$/;
/** Non-blocking attempts that fail fast: a lock taken with mkdir/O_EXCL, `acquire(blocking=False)`. */
const TRY_CALLS = /^(os\.mkdir|os\.makedirs|os\.open|os\.link|os\.symlink|fcntl\.(flock|lockf))$/;

function isSpinCheck(call: CallSite): boolean {
  if (CHECKS.test(call.callee) || TRY_CALLS.test(call.callee)) return true;
  if (!call.method || !CHECK_METHODS.test(call.method)) return false;
  // `select.poll().poll(t)`, `proc.poll()` with a timeout, `lock.acquire()` that blocks: real waits.
  if (/^select\./.test(call.receiverType ?? '')) return false;
  if (call.method === 'acquire') return call.args.some((a) => (a.name === 'blocking' || !a.name) && a.expr.text === 'False');
  if (call.method === 'poll' || call.method === 'mkdir' || call.method === 'touch') return call.args.every((a) => a.name !== 'timeout');
  return call.args.length === 0;
}

/** Statements a spin loop may contain besides its checks: control flow, try/except, trivial assignments. */
const SPIN_STATEMENT = /^(pass|continue|\.\.\.|break|return\b.*|raise\b.*|try:|except\b.*:|finally:|else:|(el)?if\b.*:\s*(pass|continue|break|return\b.*|raise\b.*)?|[\w.]+\s*[-+]?=\s*.+|[\w.]+\(.*\))$/;

function spins(file: FileModel, loop: LoopInfo, calls: CallSite[]): boolean {
  const body = loopLines(file, loop).slice(1).map((l) => l.trim()).filter(Boolean);
  if (body.length === 0) return false;
  if (!body.every((statement) => SPIN_STATEMENT.test(statement))) return false;
  const onlyPass = body.every((s) => /^(pass|continue|\.\.\.)$/.test(s));
  if (calls.length === 0) {
    // `while not self.ready: pass` — a flag another thread sets; `while True: pass` keeps a process alive.
    return onlyPass && loop.kind === 'while';
  }
  if (!calls.every(isSpinCheck)) return false;
  // Assignments must not make progress on their own (`i += 1` counts up to a bound: a compute loop).
  if (body.some((s) => /^[\w.]+\s*[-+*]=/.test(s))) return false;
  // `node = node.parent`: the loop walks a structure; only re-reading external state is spinning.
  const conditionNames = new Set((loop.conditionText ?? '').match(/[A-Za-z_]\w*/g) ?? []);
  if (body.some((s) => {
    const assignment = /^([\w.]+)\s*=\s*(.+)$/.exec(s);
    return assignment !== null && conditionNames.has(assignment[1]!.split('.')[0]!) && !/^[\w.]+\(.*\)$/.test(assignment[2]!);
  })) return false;
  // A drain: `while sem.acquire(False)` or `try: q.get_nowait() except Empty: break` stops as soon as it fails.
  // (`while not lock.acquire(False)` is the opposite: it spins until the attempt succeeds.)
  const condition = (loop.conditionText ?? '').trim();
  if (/\b(acquire|get_nowait|pop|mkdir)\(/.test(condition) && !/^not\b/.test(condition)) return false;
  const lines = loopLines(file, loop).map((l) => l.trim());
  if (lines.some((l, i) => /^except\b.*:$/.test(l) && /^(break|return\b|raise\b)/.test(lines[i + 1] ?? ''))) return false;
  return true;
}

/** Directory scans: re-running them with no pause is an unthrottled rescan. */
const RESCANS = /^(os\.(listdir|scandir|walk)|glob\.(glob|iglob)|pathlib\.Path\.(glob|rglob|iterdir))$/;
const FAST_CALLS = /^(len|print|str|int|float|bool|sorted|set|list|dict|tuple|min|max|any|all|enumerate|zip|isinstance|os\.path\.(join|basename|dirname|splitext|abspath|normpath)|logging\.\w+)$/;
const FAST_METHODS = /^(add|append|discard|remove|update|clear|copy|items|keys|values|get|pop|setdefault|startswith|endswith|split|strip|lower|format|join|debug|info|warning|error|exception)$/;

/**
 * `while True:` whose body rescans a folder (listdir/glob/walk) and makes no call that could block or
 * pace it: when the folder holds nothing new, it rescans as fast as the disk cache allows.
 */
function rescans(file: FileModel, loop: LoopInfo, calls: CallSite[]): CallSite | undefined {
  if (!loop.unbounded || loop.poll) return undefined;
  const own = calls.filter((c) => c.loopIds[0] === loop.id);
  // The scan may sit in an inner loop (`for ext in EXTS: glob(...)`); what runs once per pass must not block.
  const scan = calls.find((c) => RESCANS.test(c.callee) || (c.method !== undefined && /^(glob|rglob|iterdir)$/.test(c.method) && /pathlib/.test(c.receiverType ?? '')));
  if (!scan) return undefined;
  if (!own.every((c) => c === scan || CHECKS.test(c.callee) || RESCANS.test(c.callee) || FAST_CALLS.test(c.callee) || (c.method !== undefined && FAST_METHODS.test(c.method) && !c.callee.startsWith('requests')))) return undefined;
  // `input()`, `select`, a socket or a queue read in the body would block; so would a `with` lock/connection.
  if (loopLines(file, loop).some((l) => /\b(input|select|accept|recv|wait|sleep|get)\(|^\s*with\b/.test(l) && !/\.get\(\s*["'\w]+\s*(,[^)]*)?\)/.test(l))) return undefined;
  return scan;
}

export const PO302: Rule = {
  meta,
  check({ file, project }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const loop of file.loops) {
      if (loop.kind !== 'while' || loop.poll) continue;
      const calls = file.calls.filter((c) => c.loopIds.includes(loop.id));
      const rescan = spins(file, loop, calls) ? undefined : rescans(file, loop, calls);
      if (!rescan && !spins(file, loop, calls)) continue;
      const check = rescan ?? calls.find((c) => !/^time\./.test(c.callee)) ?? calls[0];
      const what = check ? `${check.calleeText}(${check.args.map((a) => a.expr.text).join(', ')})` : (loop.conditionText ?? 'True');
      const context = loopContext(project, file, loop);
      const stat = check && /exists|isfile|isdir|stat|getmtime|mkdir|access|listdir|glob/.test(check.callee);
      const checksPerSecond = stat ? 100_000 : 5_000_000;
      const condition = loop.conditionText ?? 'True';
      findings.push(...report(meta, loop.span, context, {
        message: {
          es: `Espera activa: \`while ${condition}\` repite \`${what}\` sin dormir ni bloquearse`,
          en: `Busy wait: \`while ${condition}\` repeats \`${what}\` without sleeping or blocking`,
        },
        whyAtScale: {
          es: `~${fmtEs(checksPerSecond)} comprobaciones/s por agente = un núcleo al 100 % mientras espera; 100 agentes esperando a la vez necesitan 100 núcleos`,
          en: `~${fmt(checksPerSecond)} checks/s per agent = one core at 100 % while it waits; 100 agents waiting at once need 100 cores`,
        },
        proposal: {
          change: {
            es: 'Bloquearse en el evento real si existe (`proc.wait()`, `event.wait()`, un FIFO, inotify) o, como mínimo, dormir entre comprobaciones con back-off.',
            en: 'Block on the real event when there is one (`proc.wait()`, `event.wait()`, a FIFO, inotify), or at least sleep between checks with back-off.',
          },
          justification: {
            es: 'Un `time.sleep` de 10–500 ms reduce las comprobaciones de millones a unas pocas por segundo; un evento las elimina.',
            en: 'A 10–500 ms `time.sleep` cuts the checks from millions to a few per second; an event removes them.',
          },
          tradeoff: meta.docs.tradeoff,
          example: `delay = 0.01\nwhile ${condition}:\n    time.sleep(delay)  # was: spinning on ${what}\n    delay = min(delay * 2, 0.5)`,
        },
        cost: {
          current: [{ unit: stat ? 'stat' : 'python_op', count: 1 }],
          expected: [{ unit: stat ? 'stat' : 'python_op', count: 1 }],
          rate: {
            perSecond: checksPerSecond,
            basis: { es: 'una vuelta sin pausa: tantas comprobaciones como permite un núcleo', en: 'a loop with no pause: as many checks as one core allows' },
          },
          expectedRate: { perSecond: 2, basis: { es: 'una comprobación cada ~0,5 s con back-off', en: 'one check every ~0.5 s with back-off' } },
        },
        facts: { check: what, condition },
      }));
    }
    return findings;
  },
};
