// PO301: a loop that sleeps and looks at the filesystem again on every pass. Computes what the seed asks:
// the interval (literal, constant or environment default), operations per poll, polls/s × N agents, CPU share.
import { cycleRate } from '../../impact/rate.js';
import { fmt, fmtEs, isPseudoFsPath, isTestFile, loopContext, pacingOf, pollLoops } from './hotpath.js';
import { callText } from '../parallelism/independence.js';
import { coreShare, cpuWords, intervalText, operationsOf, opsWords, pollOperations, rateWords } from './pollcost.js';
import { nameHint, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';

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

/** Above this interval a poll is a periodic check, not a hot loop. */
const MAX_INTERVAL_SECONDS = 60;

function severityFor(interval: number | undefined): Severity {
  if (interval === undefined || interval <= 1) return 'critical';
  return interval <= 5 ? 'important' : 'minor';
}

const FS_CHECKS = new Set(['listdir', 'walk', 'stat', 'read']);

export const PO301: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const loop of pollLoops(file)) {
      const poll = loop.poll!;
      const interval = poll.intervalSeconds;
      if (interval !== undefined && interval >= MAX_INTERVAL_SECONDS) continue;
      if (pacingOf(project, file, loop) === 'select') continue; // blocks on descriptors: event-driven already
      if (poll.hasBackoff) continue; // idle cost already bounded by the back-off: what is left is a design choice
      const { idle, perItem } = pollOperations(project, file, loop);
      // Reads of /proc and /sys sample the kernel's state: that is the job of a sampler, not a poll for messages.
      const fsIdle = idle.filter((w) => FS_CHECKS.has(w.what) && !isPseudoFsPath(w.call.args[0]?.expr.text));
      if (fsIdle.length === 0) continue;
      const current = operationsOf(idle);
      const listing = fsIdle.find((w) => w.what === 'listdir' || w.what === 'walk') ?? fsIdle[0]!;
      const folderText = listing.root === listing.call ? listing.call.args[0]?.expr.text : listing.root.args[0]?.expr.text ?? listing.call.args[0]?.expr.text;
      const folder = nameHint(folderText, /^[\w.]+$/.test(folderText ?? '') ? folderText! : 'INBOX');
      // The example lists what the loop lists, as written (`self.spool.glob("*.json")`, `os.listdir(INBOX_DIR)`).
      const listed = listing.root === listing.call ? callText(file, listing.call) : `os.listdir(${folder})`;
      const names = /^(os\.)?listdir\(|^sorted\(/.test(listed) ? listed : `list(${listed})`;
      const waitsForPath = listing.what === 'stat' && !fsIdle.some((w) => w.what === 'listdir' || w.what === 'walk');
      const every = intervalText(project, file, loop);
      const rate = cycleRate({ ...listing.call, context: 'poll_loop', loopIds: [loop.id], poll: { ...poll, loopFile: file.path, loopLine: loop.span.line } }, file);
      const pollsPerSecond = rate.perSecond * agents;
      const share = coreShare(current, pollsPerSecond);
      const perSecondWords = rateWords(current, pollsPerSecond);
      const cpu = cpuWords(share);
      let severity = severityFor(interval);
      // A wait that ends (`while not os.path.exists(p)`) in cold code runs once: milder.
      if (!loop.unbounded && loopContext(project, file, loop) === 'startup') severity = 'minor';
      const words = opsWords(current);
      const itemWords = perItem.length ? opsWords(operationsOf(perItem)) : undefined;
      findings.push(...report(meta, loop.span, 'poll_loop', {
        severity,
        message: {
          es: `Bucle que sondea \`${folder}\` cada ${every.es} con ${words.es} por vuelta${itemWords ? ` (más ${itemWords.es} por mensaje)` : ''}`,
          en: `Loop polls \`${folder}\` every ${every.en} with ${words.en} per pass${itemWords ? ` (plus ${itemWords.en} per message)` : ''}`,
        },
        whyAtScale: {
          es: `${agents} agentes × ${fmtEs(rate.perSecond)} sondeos/s = ${fmtEs(pollsPerSecond)} sondeos/s → ${perSecondWords.es}, ${cpu.es}, aunque no llegue ningún mensaje`,
          en: `${agents} agents × ${fmt(rate.perSecond)} polls/s = ${fmt(pollsPerSecond)} polls/s → ${perSecondWords.en}, ${cpu.en}, even when no message arrives`,
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
          example: waitsForPath
            ? `delay = ${poll.intervalText}\nwhile ${loop.conditionText ?? `not os.path.exists(${folder})`}:\n    time.sleep(delay)\n    delay = min(delay * 2, 2.0)  # back off: a long wait costs a few stats, not thousands\n\n# better: be told. inotify (ctypes) on the parent folder for IN_CREATE/IN_DELETE,\n# or a threading.Event / FIFO that the process holding ${folder} signals.`
            : `delay = ${poll.intervalText}\nwhile True:\n    names = ${names}\n    for name in names:\n        ...  # handle the message\n    # idle → back off up to 10 s; busy → poll fast again\n    delay = ${poll.intervalText} if names else min(delay * 2, 10.0)\n    time.sleep(delay)\n\n# event-driven alternative, no polling at all (~/.config/systemd/user/openclaw-inbox.path):\n# [Path]\n# DirectoryNotEmpty=%h/.openclaw/inbox\n# Unit=openclaw-dispatcher.service`,
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
        facts: {
          interval: interval ?? 'unknown', intervalSource: poll.intervalSource, intervalText: poll.intervalText,
          opsPerPoll: current.reduce((s, o) => s + o.count, 0), opsPerItem: perItem.length, folder,
          pollsPerSecondAtN: Number(pollsPerSecond.toFixed(2)), coreShareHigh: Number(share.high.toFixed(3)),
        },
      }));
    }
    return findings;
  },
};
