import { ASSUMED } from '../../impact/rate.js';
import type { Operation, UnitId } from '../../impact/types.js';
import type { L10n, Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { keyword, num, report } from '../support.js';
import { handlerWork, serverConstructionsIn, threadedCounterpart, type HandlerWork, type ServerConstruction } from './servers.js';

export const meta: RuleMeta = {
  id: 'SC701',
  name: 'single-threaded-server',
  dimension: 'scalability',
  title: { es: 'Servidor HTTP de un solo hilo', en: 'Single-threaded HTTP server' },
  phase: 1,
  // The construction runs once, but the server it builds serves every request of the process' life.
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'critical', per_task: 'critical', startup: 'critical' },
  docs: {
    what: {
      es: 'Construye un `HTTPServer`/`TCPServer` (o una subclase sin `ThreadingMixIn`/`ForkingMixIn`), o arranca bottle con `run()` sin `server=` (el `WSGIServer` de wsgiref): atiende las peticiones de una en una.',
      en: 'Builds an `HTTPServer`/`TCPServer` (or a subclass without `ThreadingMixIn`/`ForkingMixIn`), or starts bottle with `run()` and no `server=` (the `WSGIServer` of wsgiref): it serves requests one at a time.',
    },
    why: {
      es: 'Con 100 agentes a 1 petición/s llegan 100 peticiones/s a un único hilo: si el manejador tarda 10 ms el servidor está al 100 % y la cola crece sin límite; una sola petición lenta (un sleep, un subproceso, un peer colgado, un cliente keep-alive) bloquea a los 100 agentes.',
      en: 'At 100 agents × 1 request/s, 100 requests/s reach a single thread: a 10 ms handler saturates it and the queue grows without bound; one slow request (a sleep, a subprocess, a hung peer, a keep-alive client) stalls all 100 agents.',
    },
    example: 'from http.server import HTTPServer\n\nserver = HTTPServer(("127.0.0.1", 8765), StatusHandler)\nserver.serve_forever()',
    useInstead: 'from http.server import ThreadingHTTPServer\n\n\nclass StatusServer(ThreadingHTTPServer):\n    daemon_threads = True       # worker threads never block shutdown\n    request_queue_size = 128    # listen backlog for 100 agents\n\n\nserver = StatusServer(("127.0.0.1", 8765), StatusHandler)\nserver.serve_forever()',
    tradeoff: {
      es: 'Los manejadores pasan a ejecutarse a la vez: el estado compartido (dicts de módulo, ficheros) necesita un Lock o escrituras atómicas; un hilo por conexión (~8 MB de pila virtual, ~100 KB de RSS) hasta 100 simultáneos; si preocupa la concurrencia sin límite, acotarla con un BoundedSemaphore en process_request.',
      en: 'Handlers now run at the same time: shared state (module dicts, files) needs a Lock or atomic writes; one thread per connection (~8 MB virtual stack, ~100 KB RSS) up to 100 at once; if unbounded concurrency is a worry, cap it with a BoundedSemaphore in process_request.',
    },
  },
};

/** Service time assumed when the handler cannot be resolved or does nothing measurable. */
const ASSUMED_SERVICE_MS = 5;

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${num(ms / 1000)} s` : `${num(ms)} ms`;
}

function opsSummary(work: HandlerWork): string {
  const seen = new Set<string>();
  for (const { op } of work.slowest?.ops ?? []) {
    const label = op.sleepSeconds !== undefined ? `${op.what} ${num(op.sleepSeconds)} s` : op.what;
    seen.add(label);
    if (seen.size >= 3) break;
  }
  return [...seen].join(', ');
}

function example(server: ServerConstruction, variable: string): string {
  const args = server.call.args.map((a) => (a.name ? `${a.name}=${a.expr.text}` : a.expr.text)).join(', ');
  const handlerName = server.handler?.text ?? 'Handler';
  const stem = /^[A-Za-z_]\w*$/.test(handlerName) ? handlerName.replace(/(Request)?Handler$/, '') : '';
  const counterpart = threadedCounterpart(server.stdlibClass);
  if (server.bottle) {
    const host = keyword(server.call, 'host')?.expr.text ?? '"127.0.0.1"';
    const port = keyword(server.call, 'port')?.expr.text ?? '8080';
    return `${counterpart.importLine}\nimport bottle\n\n\nclass ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):\n    daemon_threads = True\n\n\n# instead of ${server.call.calleeText}(...): the same app, one thread per request\nmake_server(${host}, ${port}, bottle.default_app(), server_class=ThreadingWSGIServer).serve_forever()`;
  }
  if (server.stdlibClass.endsWith('WSGIServer')) {
    return `${counterpart.importLine}\n\n\nclass ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):\n    daemon_threads = True\n\n\n${variable} = make_server(${args}, server_class=ThreadingWSGIServer)\n${variable}.serve_forever()`;
  }
  if (server.projectClass) {
    const cls = server.projectClass.cls;
    const bases = cls.bases.length ? cls.bases.map((b) => b.split('.').pop()).join(', ') : 'HTTPServer';
    return `import socketserver\n\n\nclass ${cls.name}(socketserver.ThreadingMixIn, ${bases}):\n    daemon_threads = True       # worker threads never block shutdown\n    request_queue_size = 128    # listen backlog for 100 agents\n\n\n${variable} = ${server.classText}(${args})\n${variable}.serve_forever()`;
  }
  if (counterpart.name === 'ThreadingXMLRPCServer') {
    return `${counterpart.importLine}\n\n\nclass ThreadingXMLRPCServer(socketserver.ThreadingMixIn, SimpleXMLRPCServer):\n    daemon_threads = True\n    request_queue_size = 128\n\n\n${variable} = ThreadingXMLRPCServer(${args})`;
  }
  const className = `${stem || 'Threaded'}Server`;
  return `${counterpart.importLine}\n\n\nclass ${className}(${counterpart.name}):\n    daemon_threads = True       # worker threads never block shutdown\n    request_queue_size = 128    # listen backlog for 100 agents\n\n\n${variable} = ${className}(${args})\n${variable}.serve_forever()`;
}

export const SC701: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    for (const server of serverConstructionsIn(project, file)) {
      const call = server.call;
      if (server.threaded) continue;
      const work = handlerWork(project, file, server);
      const measured = work.slowest && work.slowest.ms > 0 ? work.slowest.ms : undefined;
      const serviceMs = measured ?? ASSUMED_SERVICE_MS;
      const arrivals = agents * ASSUMED.requestsPerSecond;
      const utilisation = (arrivals * serviceMs) / 1000;
      const burstWaitSeconds = ((agents - 1) * serviceMs) / 1000;
      let severity: Severity = 'critical';
      if (work.resolved && measured === undefined) severity = 'important';
      if (server.ephemeral) severity = 'minor';

      const handlerName = server.handler?.text;
      const ops = opsSummary(work);
      const serviceBasis: L10n = measured !== undefined
        ? { es: `${work.slowest!.method} bloquea ~${fmtMs(serviceMs)} por petición (${ops})`, en: `${work.slowest!.method} blocks ~${fmtMs(serviceMs)} per request (${ops})` }
        : { es: `se suponen ${ASSUMED_SERVICE_MS} ms por petición`, en: `${ASSUMED_SERVICE_MS} ms per request assumed` };
      const whyAtScale: L10n = utilisation >= 1
        ? {
          es: `${agents} agentes × ${ASSUMED.requestsPerSecond} petición/s = ${num(arrivals)} peticiones/s sobre un único hilo; ${serviceBasis.es}: el servidor no pasa de ~${num(1000 / serviceMs)} peticiones/s (la demanda es ${num(utilisation)}× su capacidad) y la cola crece sin límite`,
          en: `${agents} agents × ${ASSUMED.requestsPerSecond} request/s = ${num(arrivals)} requests/s on one thread; ${serviceBasis.en}: the server tops out at ~${num(1000 / serviceMs)} requests/s (demand is ${num(utilisation)}× its capacity) and the queue grows without bound`,
        }
        : {
          es: `${agents} agentes × ${ASSUMED.requestsPerSecond} petición/s = ${num(arrivals)} peticiones/s sobre un único hilo (${serviceBasis.es}, utilización ${num(utilisation * 100)} %): en una ráfaga de ${agents} peticiones la última espera ~${num(burstWaitSeconds)} s, y una sola petición lenta (un peer colgado, un cliente keep-alive) bloquea a los ${agents} agentes`,
          en: `${agents} agents × ${ASSUMED.requestsPerSecond} request/s = ${num(arrivals)} requests/s on one thread (${serviceBasis.en}, utilisation ${num(utilisation * 100)} %): in a burst of ${agents} requests the last one waits ~${num(burstWaitSeconds)} s, and one slow request (a hung peer, a keep-alive client) stalls all ${agents} agents`,
        };

      const counts = new Map<UnitId, number>();
      for (const { op } of work.slowest?.ops ?? []) if (op.sleepSeconds === undefined) counts.set(op.unit, (counts.get(op.unit) ?? 0) + 1);
      const current: Operation[] = [...counts].map(([unit, count]) => ({ unit, count }));
      const variable = call.assignedTo && /^[\w.]+$/.test(call.assignedTo) ? call.assignedTo : 'server';
      const counterpart = threadedCounterpart(server.stdlibClass).name;

      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `${server.classText}(...) es un servidor de un solo hilo: atiende una petición cada vez${handlerName ? ` (${handlerName})` : ''}`,
          en: `${server.classText}(...) is a single-threaded server: it serves one request at a time${handlerName ? ` (${handlerName})` : ''}`,
        },
        whyAtScale,
        proposal: {
          change: {
            es: `Usar ${counterpart} (o añadir socketserver.ThreadingMixIn a la clase) con daemon_threads = True: cada petición en su propio hilo.`,
            en: `Use ${counterpart} (or add socketserver.ThreadingMixIn to the class) with daemon_threads = True: each request on its own thread.`,
          },
          justification: {
            es: `Es stdlib y un cambio de una línea: las peticiones lentas dejan de bloquear a las rápidas y la espera en ráfaga baja de ~${num(burstWaitSeconds)} s a ~${fmtMs(serviceMs)} (el propio tiempo de la petición).`,
            en: `It is stdlib and a one-line change: slow requests stop blocking fast ones, and the burst wait drops from ~${num(burstWaitSeconds)} s to ~${fmtMs(serviceMs)} (the request's own time).`,
          },
          tradeoff: meta.docs.tradeoff,
          example: example(server, variable),
        },
        cost: {
          current,
          expected: current,
          rate: {
            perSecond: ASSUMED.requestsPerSecond,
            basis: { es: `${ASSUMED.requestsPerSecond} petición/s por agente (supuesto)`, en: `${ASSUMED.requestsPerSecond} request/s per agent (assumed)` },
          },
          currentResources: { threads: 1, blockedSeconds: burstWaitSeconds },
          expectedResources: { threads: Math.min(agents, Math.max(2, Math.ceil(utilisation * 2))), blockedSeconds: serviceMs / 1000 },
          assumptions: [
            serviceBasis,
            { es: `una ráfaga de ${agents} peticiones simultáneas se sirve en serie: la última espera ${agents - 1} × el tiempo de servicio`, en: `a burst of ${agents} simultaneous requests is served in series: the last one waits ${agents - 1} × the service time` },
          ],
        },
        facts: {
          serverClass: server.classText, threaded: false, handler: server.handler?.text ?? 'unknown',
          serviceMs: Number(serviceMs.toFixed(2)), utilisation: Number(utilisation.toFixed(2)),
        },
      }));
    }
    return findings;
  },
};
