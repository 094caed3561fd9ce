import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { num, report } from '../support.js';
import { serverConstructionsIn } from './servers.js';

/** A backlog at least this big absorbs a burst of 100 agents connecting at once (the kernel caps it at somaxconn). */
const ENOUGH_BACKLOG = 64;

export const meta: RuleMeta = {
  id: 'SC705',
  name: 'small-listen-backlog',
  dimension: 'scalability',
  title: { es: 'Cola de escucha (backlog) de 5 conexiones', en: 'Listen backlog of 5 connections' },
  phase: 1,
  severity: { handler: 'minor', poll_loop: 'minor', loop: 'minor', per_task: 'minor', startup: 'minor' },
  docs: {
    what: {
      es: 'Un servidor de socketserver/http.server que deja `request_queue_size = 5`: el socket escucha con `listen(5)`.',
      en: 'A socketserver/http.server server that keeps `request_queue_size = 5`: its socket listens with `listen(5)`.',
    },
    why: {
      es: 'Si 100 agentes conectan a la vez, el kernel solo encola ~5 conexiones pendientes; el resto de SYN se descartan y los clientes reintentan a 1 s, 3 s y 7 s: picos de segundos de latencia en cada ráfaga.',
      en: 'When 100 agents connect at once the kernel queues only ~5 pending connections; the other SYNs are dropped and clients retry after 1 s, 3 s and 7 s: latency spikes of seconds on every burst.',
    },
    example: 'server = ThreadingHTTPServer(("127.0.0.1", 8765), StatusHandler)  # listen(5)',
    useInstead: 'class StatusServer(ThreadingHTTPServer):\n    daemon_threads = True\n    request_queue_size = 128  # capped by net.core.somaxconn (4096 on recent kernels)\n\n\nserver = StatusServer(("127.0.0.1", 8765), StatusHandler)',
    tradeoff: {
      es: 'Un backlog mayor solo reserva memoria del kernel para conexiones pendientes (unos cientos de bytes cada una); no acelera un servidor saturado, solo evita que las ráfagas se conviertan en reintentos de segundos.',
      en: 'A bigger backlog only reserves kernel memory for pending connections (a few hundred bytes each); it does not speed up a saturated server, it keeps bursts from turning into second-long retries.',
    },
  },
};

export const SC705: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    for (const server of serverConstructionsIn(project, file)) {
      const call = server.call;
      if (server.ephemeral || server.customActivate) continue;
      if (server.backlog !== undefined && server.backlog >= ENOUGH_BACKLOG) continue;
      const backlog = server.backlog ?? 5;
      const className = server.projectClass?.cls.name ?? `${(server.handler?.text ?? '').replace(/(Request)?Handler$/, '') || 'My'}Server`;
      const base = server.projectClass ? server.projectClass.cls.bases.map((b) => b.split('.').pop()).join(', ') : server.classText;
      const args = call.args.map((a) => (a.name ? `${a.name}=${a.expr.text}` : a.expr.text)).join(', ');
      const variable = call.assignedTo && /^[\w.]+$/.test(call.assignedTo) ? call.assignedTo : 'server';
      const dropped = Math.max(0, agents - backlog - 1);
      findings.push(...report(meta, call.span, call.context, {
        // Worse on a single-threaded server: the accept queue also fills while the only thread is busy.
        severity: server.threaded ? 'minor' : 'important',
        message: {
          es: `${server.classText}(...) escucha con request_queue_size = ${backlog}: solo ${backlog} conexiones pendientes`,
          en: `${server.classText}(...) listens with request_queue_size = ${backlog}: only ${backlog} pending connections`,
        },
        whyAtScale: {
          es: `si ${agents} agentes conectan a la vez, ~${num(dropped)} SYN se descartan y esos clientes reintentan tras 1 s (luego 3 s, 7 s)`,
          en: `when ${agents} agents connect at once ~${num(dropped)} SYNs are dropped and those clients retry after 1 s (then 3 s, 7 s)`,
        },
        proposal: {
          change: {
            es: `Declarar request_queue_size = 128 en la clase del servidor (${className}); el kernel lo limita a net.core.somaxconn.`,
            en: `Set request_queue_size = 128 on the server class (${className}); the kernel caps it at net.core.somaxconn.`,
          },
          justification: {
            es: `Un atributo de clase, sin dependencias: una ráfaga de ${agents} conexiones cabe entera en la cola y ningún cliente paga el reintento de 1 s.`,
            en: `One class attribute, no dependency: a burst of ${agents} connections fits in the queue and no client pays the 1 s retry.`,
          },
          tradeoff: meta.docs.tradeoff,
          example: `class ${className}(${base}):\n    request_queue_size = 128  # listen backlog for ${agents} agents\n\n\n${variable} = ${className}(${args})`,
        },
        cost: {
          current: [],
          expected: [],
          rate: { perSecond: 0, basis: { es: 'en cada ráfaga de conexiones', en: 'on every burst of connections' } },
          currentResources: { blockedSeconds: 1 },
          expectedResources: { blockedSeconds: 0 },
          assumptions: [{
            es: `listen(${backlog}): ~${backlog + 1} conexiones pendientes; el primer reintento de SYN de Linux llega a 1 s`,
            en: `listen(${backlog}): ~${backlog + 1} pending connections; Linux's first SYN retransmission comes after 1 s`,
          }],
        },
        facts: { serverClass: server.classText, backlog, threaded: server.threaded },
      }));
    }
    return findings;
  },
};
