// IO104: `time.sleep` on a request path: the request (and, in a single-threaded server, every other
// client) waits for nothing.
import { cycleRate } from '../../impact/rate.js';
import { sleepInterval } from '../../model/link.js';
import { fmt, fmtEs, isTestFile } from '../polling/hotpath.js';
import { functionOf, reachable } from '../../model/calls.js';
import { loopKind, withContext } from '../../model/frequency.js';
import { isRouteFunction } from '../../model/link.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { handlerPath, requestPathKind } from './servers.js';
import { loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'IO104',
  name: 'sleep-in-handler',
  dimension: 'io_blocking',
  title: { es: 'time.sleep en un manejador HTTP', en: 'time.sleep in an HTTP handler' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: null, loop: null, per_task: null, startup: null },
  docs: {
    what: {
      es: 'Un `time.sleep()` en `do_GET`/`do_POST`/`handle` o en algo que llaman: la petición se queda parada esperando, sin hacer nada.',
      en: 'A `time.sleep()` in `do_GET`/`do_POST`/`handle` or in something they call: the request sits waiting, doing nothing.',
    },
    why: {
      es: 'En un `HTTPServer` de un hilo, 100 agentes × el sleep se suman en cola (0,5 s × 100 = 50 s para el último); con hilos, cada petición dormida retiene un hilo y una conexión.',
      en: 'In a one-thread `HTTPServer`, 100 agents × the sleep add up in the queue (0.5 s × 100 = 50 s for the last one); with threads, every sleeping request holds a thread and a connection.',
    },
    example: 'def do_POST(self):\n    write_task(task)\n    time.sleep(0.5)  # give the dispatcher a moment\n    self._send(202, {"queued": not os.path.exists(path)})',
    useInstead: 'def do_POST(self):\n    write_task(task)\n    # answer at once; the client asks again (or waits on /tasks/<id>?wait=30,\n    # served with a threading.Condition that the dispatcher notifies)\n    self._send(202, {"id": task["id"], "status": "queued"})',
    tradeoff: {
      es: 'El cliente recibe «aceptado» en lugar del estado final y debe consultar después (o usar una espera larga con `threading.Condition`), lo que cambia un poco el protocolo.',
      en: 'The client gets "accepted" instead of the final state and must ask later (or use a long-poll backed by `threading.Condition`), which changes the protocol a little.',
    },
  },
};

export const IO104: Rule = {
  meta,
  check({ file, project }) {
    if (isTestFile(file.path)) return [];
    const onRequestPath = handlerPath(project);
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      if (site.callee !== 'time.sleep') continue;
      const call = withContext(project, site, file);
      if (call.context !== 'handler') continue;
      if (!call.functionId || !onRequestPath.has(call.functionId)) continue;
      const interval = sleepInterval(call);
      if (interval?.seconds !== undefined && interval.seconds <= 0) continue; // sleep(0) only yields the GIL
      const seconds = interval?.seconds;
      const server = requestPathKind(project, call.functionId);
      const inRetry = call.loopIds.some((id) => {
        const loop = loopById(file, id);
        return loop !== undefined && loopKind(file, loop) === 'retry';
      });
      // Routes of a web framework run on a worker pool; http.server handlers with no server found may be single-threaded.
      const route = [...onRequestPath.keys()].some((id) => isRouteFunction(functionOf(project, id)!.fn) && (id === call.functionId || reachable(project, [id], 4).has(call.functionId!)));
      let severity: Severity = server.kind === 'threaded' || (server.kind === 'unknown' && route) ? 'important' : 'critical';
      if (inRetry && severity === 'critical') severity = 'important';
      const handlerName = functionOf(project, call.functionId)?.fn.qualname ?? 'handler';
      const s = seconds ?? 1;
      const single = server.kind !== 'threaded';
      const sleepText = call.args[0]?.expr.text ?? '…';
      const isHttpHandler = /^do_[A-Z]+$/.test(functionOf(project, call.functionId)?.fn.name ?? '');
      findings.push(...report(meta, call.span, 'handler', {
        severity,
        message: {
          es: `\`time.sleep(${sleepText})\` en \`${handlerName}\`: cada petición espera ${seconds !== undefined ? `${fmtEs(s).replace('.', ',')} s` : 'un tiempo'} sin hacer nada${inRetry ? ' (reintento dentro de la petición)' : ''}`,
          en: `\`time.sleep(${sleepText})\` in \`${handlerName}\`: every request waits ${seconds !== undefined ? `${fmt(s)} s` : 'a while'} doing nothing${inRetry ? ' (a retry inside the request)' : ''}`,
        },
        whyAtScale: single
          ? {
            es: `${server.kind === 'single' ? `\`${server.server!.serverClass}\` tiene un solo hilo` : 'si el servidor es de un solo hilo'}: 100 agentes a la vez hacen cola detrás del sleep, el último espera ~${fmtEs(100 * s)} s`,
            en: `${server.kind === 'single' ? `\`${server.server!.serverClass}\` has one thread` : 'if the server is single-threaded'}: 100 agents at once queue behind the sleep, the last waits ~${fmt(100 * s)} s`,
          }
          : {
            es: `con 100 agentes a 1 petición/s, ~${fmtEs(100 * s)} hilos y conexiones quedan retenidos durmiendo en todo momento`,
            en: `with 100 agents at 1 request/s, ~${fmt(100 * s)} threads and connections are held asleep at any moment`,
          },
        proposal: {
          change: {
            es: `Quitar el sleep de \`${handlerName}\`: responder enseguida (202 + id) y que el cliente consulte después, o esperar el evento real con \`threading.Event/Condition.wait(timeout)\` que el productor notifica.`,
            en: `Remove the sleep from \`${handlerName}\`: answer at once (202 + id) and let the client ask later, or wait for the real event with \`threading.Event/Condition.wait(timeout)\` that the producer notifies.`,
          },
          justification: {
            es: 'Dormir no hace avanzar nada: solo retiene el hilo (o el servidor entero). Un evento despierta justo cuando hay resultado, y responder 202 libera la petición al instante.',
            en: 'Sleeping moves nothing forward: it only holds the thread (or the whole server). An event wakes exactly when the result exists, and a 202 frees the request at once.',
          },
          tradeoff: meta.docs.tradeoff,
          example: isHttpHandler
            ? `# in ${handlerName}: no time.sleep(${sleepText})\nself.send_response(202)\nself.send_header("Content-Type", "application/json")\nself.end_headers()\nself.wfile.write(json.dumps({"status": "queued"}).encode())\n\n# if the answer must wait for a result, wait on the event, bounded:\n# done = threading.Event()  # set() by the producer\n# done.wait(timeout=${seconds ?? 5})`
            : `# ${handlerName} without time.sleep(${sleepText}): the producer signals instead\nready = threading.Event()   # shared with the thread that produces the result; it calls ready.set()\n\nif not ready.wait(timeout=${Math.max(5, Math.ceil((seconds ?? 1) * 10))}):\n    ...  # give up: answer "pending" instead of holding the request`,
        },
        cost: {
          current: [],
          expected: [],
          rate: cycleRate(call, file),
          currentResources: single ? { blockedSeconds: 100 * s } : { blockedSeconds: s, threads: s },
          expectedResources: { blockedSeconds: 0 },
          assumptions: [{
            es: single ? 'servidor de un solo hilo: las peticiones simultáneas se atienden en serie' : 'un hilo por petición mientras dura el sleep',
            en: single ? 'single-threaded server: simultaneous requests are served one after another' : 'one thread per request for the length of the sleep',
          }],
        },
        facts: { seconds: seconds ?? 'unknown', handler: handlerName, server: server.kind },
      }));
    }
    return findings;
  },
};
