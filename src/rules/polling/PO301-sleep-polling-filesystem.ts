import { cycleRate } from '../../impact/rate.js';
import type { Operation, UnitId } from '../../impact/types.js';
import { callsPerPoll, fileOp, nameHint, num, report, type FileOp } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';

const UNIT_OF: Partial<Record<FileOp, UnitId>> = {
  listdir: 'listdir', walk: 'listdir', read: 'file_read', stat: 'stat', write: 'file_write', append: 'file_write', fsync: 'fsync',
};

export const meta: RuleMeta = {
  id: 'PO301',
  name: 'sleep-polling-filesystem',
  dimension: 'polling',
  title: { es: 'Sondeo del sistema de ficheros con sleep', en: 'Sleep-polling the filesystem' },
  phase: 2,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'Un bucle que duerme y vuelve a mirar el sistema de ficheros (listdir, exists, lectura) en cada vuelta.',
      en: 'A loop that sleeps and looks at the filesystem again (listdir, exists, a read) on every pass.',
    },
    why: {
      es: 'Cada agente paga las operaciones de cada sondeo aunque no haya nada nuevo: con 100 agentes a 0,5 s son 200 sondeos/s de trabajo vacío y de CPU despertada.',
      en: 'Every agent pays every poll’s operations even when nothing changed: 100 agents at 0.5 s make 200 polls/s of empty work and wake-ups.',
    },
    example: 'while True:\n    for name in os.listdir(INBOX):\n        handle(os.path.join(INBOX, name))\n    time.sleep(0.5)',
    useInstead: '# systemd --user path unit (openclaw-inbox.path):\n#   [Path]\n#   DirectoryNotEmpty=%h/openclaw/inbox\n# or inotify through ctypes, waking only on IN_CLOSE_WRITE/IN_MOVED_TO;\n# at least: back off when idle\ndelay = 0.5\nwhile True:\n    names = os.listdir(INBOX)\n    for name in names:\n        handle(os.path.join(INBOX, name))\n    delay = 0.5 if names else min(delay * 2, 10.0)\n    time.sleep(delay)',
    tradeoff: {
      es: 'inotify vía ctypes añade ~40 líneas específicas de Linux; una unidad .path de systemd mueve la espera fuera del proceso; el back-off añade hasta 10 s de latencia al primer mensaje tras un periodo inactivo.',
      en: 'inotify through ctypes adds ~40 Linux-specific lines; a systemd .path unit moves the wait out of the process; back-off adds up to 10 s of latency to the first message after an idle period.',
    },
  },
};

function severityFor(interval: number | undefined): Severity {
  if (interval === undefined || interval <= 1) return 'critical';
  return interval <= 10 ? 'important' : 'minor';
}

export const PO301: Rule = {
  meta,
  check({ file, project }) {
    const findings: RuleFinding[] = [];
    for (const loop of file.loops) {
      if (!loop.poll) continue;
      const ops = callsPerPoll(project, file, loop).flatMap(({ call }) => {
        const op = fileOp(call);
        const unit = op ? UNIT_OF[op] : undefined;
        return unit ? [{ call, op: op!, unit }] : [];
      });
      if (!ops.some((o) => o.op === 'listdir' || o.op === 'walk' || o.op === 'stat' || o.op === 'read')) continue;
      const counts = new Map<UnitId, number>();
      for (const { unit } of ops) counts.set(unit, (counts.get(unit) ?? 0) + 1);
      const current: Operation[] = [...counts].map(([unit, count]) => ({ unit, count }));
      const listing = ops.find((o) => o.op === 'listdir' || o.op === 'walk') ?? ops[0]!;
      const folder = nameHint(listing.call.args[0]?.expr.text, 'INBOX');
      const interval = loop.poll.intervalSeconds;
      const intervalText = interval === undefined ? loop.poll.intervalText : `${num(interval)} s`;
      const rate = cycleRate({ ...listing.call, context: 'poll_loop', loopIds: [loop.id], poll: { ...loop.poll, loopFile: file.path, loopLine: loop.span.line } }, file);
      findings.push(...report(meta, loop.span, 'poll_loop', {
        severity: severityFor(interval),
        message: {
          es: `Bucle que sondea el sistema de ficheros cada ${intervalText} con ${ops.length} operación(es) por vuelta (${[...counts.keys()].join(', ')})`,
          en: `Loop polls the filesystem every ${intervalText} with ${ops.length} operation(s) per pass (${[...counts.keys()].join(', ')})`,
        },
        whyAtScale: {
          es: `con 100 agentes son ${num((100 / (interval ?? 1)) * ops.length)} operaciones/s aunque no llegue ningún mensaje`,
          en: `at 100 agents that is ${num((100 / (interval ?? 1)) * ops.length)} operations/s even when no message arrives`,
        },
        proposal: {
          change: {
            es: `Esperar eventos en lugar de sondear ${folder}: una unidad systemd .path (DirectoryNotEmpty=) o inotify vía ctypes; como mínimo, back-off exponencial cuando no hay trabajo.`,
            en: `Wait for events instead of polling ${folder}: a systemd .path unit (DirectoryNotEmpty=) or inotify through ctypes; at the least, exponential back-off when idle.`,
          },
          justification: {
            es: 'Solo stdlib y systemd: el proceso duerme de verdad hasta que llega un fichero, y el coste pasa a ser proporcional a los mensajes, no al tiempo.',
            en: 'Stdlib and systemd only: the process truly sleeps until a file arrives, so cost follows messages, not time.',
          },
          tradeoff: meta.docs.tradeoff,
          example: `delay = ${interval ?? 0.5}\nwhile True:\n    names = os.listdir(${folder})\n    for name in names:\n        ...  # handle the message\n    # idle → back off up to 10 s; busy → poll fast again\n    delay = ${interval ?? 0.5} if names else min(delay * 2, 10.0)\n    time.sleep(delay)`,
        },
        cost: {
          current,
          expected: current,
          rate,
          expectedRate: {
            perSecond: 0.1,
            basis: { es: 'un despertar cada ~10 s en reposo (back-off) o solo con eventos (inotify)', en: 'one wake-up every ~10 s when idle (back-off) or on events only (inotify)' },
          },
        },
        facts: { interval: interval ?? 'unknown', intervalSource: loop.poll.intervalSource, opsPerPoll: ops.length, folder },
      }));
    }
    return findings;
  },
};
