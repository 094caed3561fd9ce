// IO101: an HTTP request (requests, a Session, urllib) with no timeout can block its caller forever.
import { cycleRate } from '../../impact/rate.js';
import { fmt, fmtEs, isTestFile } from '../polling/hotpath.js';
import { withContext } from '../../model/frequency.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { callText, destinationOf, httpKind, httpUnit, httpVerb, projectSetsDefaultTimeout, sessionsHaveDefaultTimeout, timeoutOf, urlArg, withKeyword } from './http.js';

export const meta: RuleMeta = {
  id: 'IO101',
  name: 'http-without-timeout',
  dimension: 'io_blocking',
  title: { es: 'Petición HTTP sin timeout', en: 'HTTP request without a timeout' },
  phase: 1,
  // A call that can wait forever hangs a repair path or a person's prompt as surely as a hot one.
  anyCadence: true,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: 'minor' },
  docs: {
    what: {
      es: 'Una llamada `requests.get/post/…`, de una `requests.Session` o `urllib.request.urlopen` sin `timeout=`: si el otro extremo acepta la conexión y no responde, la llamada espera para siempre.',
      en: 'A `requests.get/post/…`, `requests.Session` or `urllib.request.urlopen` call with no `timeout=`: if the other end accepts the connection and never answers, the call waits forever.',
    },
    why: {
      es: 'Con 100 agentes, un solo servicio colgado bloquea a todos los que lo llaman: hilos, manejadores y bucles de sondeo se quedan parados sin error ni log, y el servidor de un solo hilo deja de atender a todo el mundo.',
      en: 'With 100 agents, one hung service blocks everyone who calls it: threads, handlers and poll loops stall with no error and no log line, and a single-threaded server stops serving everybody.',
    },
    example: 'resp = requests.get(cfg["peer_url"] + "/health")',
    useInstead: '# (connect, read) timeouts: fail fast when the peer is down, bound the wait when it is slow\nresp = requests.get(cfg["peer_url"] + "/health", timeout=(3.05, 10))',
    tradeoff: {
      es: 'Hay que elegir un límite y tratar `requests.Timeout`: una respuesta legítimamente lenta (más de 10 s) pasa a ser un error que el código debe reintentar o informar.',
      en: 'You must pick a bound and handle `requests.Timeout`: a legitimately slow answer (over 10 s) becomes an error the code must retry or report.',
    },
  },
};

const WHERE: Record<string, { es: string; en: string }> = {
  handler: { es: 'el manejador HTTP se queda bloqueado y con él la petición del cliente', en: 'the HTTP handler blocks, and the client’s request with it' },
  poll_loop: { es: 'el bucle de sondeo se detiene sin error y deja de procesar trabajo', en: 'the poll loop stops silently and no longer processes work' },
  loop: { es: 'el bucle se detiene en ese elemento y no avanza', en: 'the loop stops at that item and never moves on' },
  per_task: { es: 'la tarea se queda colgada y retiene su hilo', en: 'the task hangs and keeps its thread' },
  startup: { es: 'el arranque se queda colgado sin mensaje de error', en: 'start-up hangs with no error message' },
};

export const IO101: Rule = {
  meta,
  check({ file, project }) {
    if (isTestFile(file.path)) return [];
    if (projectSetsDefaultTimeout(project)) return [];
    const sessionsHaveDefault = sessionsHaveDefaultTimeout(project);
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      const kind = httpKind(site, file);
      if (!kind || kind === 'http.client') continue;
      const call = withContext(project, site, file);
      if (kind === 'session' && sessionsHaveDefault) continue;
      if (timeoutOf(call, kind).kind !== 'missing') continue;
      const url = urlArg(call, kind);
      const destination = destinationOf(url);
      const verb = httpVerb(call, kind);
      const written = callText(file, call).split('\n')[0]!;
      const fixed = withKeyword(file, call, kind === 'urllib' ? 'timeout=10' : 'timeout=(3.05, 10)');
      const rate = cycleRate(call, file);
      const where = WHERE[call.context]!;
      findings.push(...report(meta, call.span, call.context, {
        message: {
          es: `\`${call.calleeText}(${url?.text ?? '…'})\` (${verb}) no tiene timeout: puede esperar para siempre`,
          en: `\`${call.calleeText}(${url?.text ?? '…'})\` (${verb}) has no timeout: it can wait forever`,
        },
        whyAtScale: rate.perSecond > 0
          ? {
            es: `si ${url?.text ?? 'el servidor'} deja de responder, ${where.es}; con 100 agentes a ${fmtEs(rate.perSecond)} llamadas/s cada uno se acumulan ${fmtEs(rate.perSecond * 100)} esperas nuevas por segundo, sin límite`,
            en: `if ${url?.text ?? 'the server'} stops answering, ${where.en}; with 100 agents at ${fmt(rate.perSecond)} calls/s each, ${fmt(rate.perSecond * 100)} new stuck calls pile up every second, without bound`,
          }
          : {
            es: `si ${url?.text ?? 'el servidor'} no responde al arrancar, los 100 agentes se quedan colgados en el arranque sin error ni reintento`,
            en: `if ${url?.text ?? 'the server'} does not answer at start-up, all 100 agents hang while starting, with no error and no retry`,
          },
        proposal: {
          change: {
            es: `Pasar \`timeout=\` a \`${call.calleeText}\`: ${kind === 'urllib' ? 'un número de segundos' : 'una tupla (conexión, lectura) como `(3.05, 10)`'} y tratar el error.`,
            en: `Pass \`timeout=\` to \`${call.calleeText}\`: ${kind === 'urllib' ? 'a number of seconds' : 'a (connect, read) tuple such as `(3.05, 10)`'} and handle the error.`,
          },
          justification: {
            es: 'Sin timeout, requests y urllib esperan indefinidamente a un servidor que no contesta; con timeout el fallo aparece en segundos y el agente puede reintentar, degradar o informar.',
            en: 'Without a timeout, requests and urllib wait indefinitely on a server that does not answer; with one, the failure shows in seconds and the agent can retry, degrade or report.',
          },
          tradeoff: meta.docs.tradeoff,
          example: kind === 'urllib'
            ? `try:\n    resp = ${fixed}\nexcept (urllib.error.URLError, TimeoutError) as exc:\n    ...  # retry later or report: ${written.trim()} timed out`
            : `try:\n    resp = ${fixed}\nexcept requests.Timeout:\n    ...  # the peer is down or slow: retry later or report`,
        },
        cost: {
          current: [{ unit: httpUnit(destination), count: 1 }],
          expected: [{ unit: httpUnit(destination), count: 1 }],
          rate,
          currentResources: { blockedSeconds: Infinity },
          expectedResources: { blockedSeconds: kind === 'urllib' ? 10 : 13 },
          assumptions: [{
            es: 'sin timeout, una conexión aceptada que no responde bloquea indefinidamente',
            en: 'with no timeout, an accepted connection that never answers blocks indefinitely',
          }],
        },
        facts: { callee: call.calleeText, url: url?.text ?? '', verb },
      }));
    }
    return findings;
  },
};
