// PO304: a loop that asks an HTTP endpoint "anything new?" on a timer.
import type { CallSite, FileModel } from '../../model/types.js';
import { httpKind, httpVerb, urlArg } from '../io_blocking/http.js';
import { fmt, fmtEs, isTestFile, loopContext, pacingOf, pollLoops } from './hotpath.js';
import { coreShare, cpuWords, intervalText, pollOperations, pollRate, type PricedWork } from './pollcost.js';
import { milder, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';

export const meta: RuleMeta = {
  id: 'PO304',
  name: 'polling-http-endpoint',
  dimension: 'polling',
  title: { es: 'Sondeo de un endpoint HTTP', en: 'Polling an HTTP endpoint' },
  phase: 2,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: 'important' },
  docs: {
    what: {
      es: 'Un bucle que pregunta a un endpoint HTTP cada pocos segundos si hay algo nuevo (un resultado, un estado, mensajes).',
      en: 'A loop that asks an HTTP endpoint every few seconds whether there is something new (a result, a state, messages).',
    },
    why: {
      es: 'Cada pregunta es una petición completa (conexión, hilo del servidor, respuesta) aunque la respuesta sea «nada»: 100 agentes a 0,5 s son 200 peticiones/s contra el mismo servidor.',
      en: 'Every question is a full request (connection, a server thread, a response) even when the answer is "nothing": 100 agents at 0.5 s make 200 requests/s against the same server.',
    },
    example: 'while True:\n    listing = requests.get(API + "/results", timeout=5).text\n    if task_id in listing:\n        break\n    time.sleep(0.5)',
    useInstead: '# long-poll: the server holds the request (threading.Condition.wait(timeout=30))\n# until the result exists, so one request replaces ~60 polls\nsession = requests.Session()\nwhile True:\n    resp = session.get(API + "/results/" + task_id, params={"wait": 30}, timeout=(3.05, 35))\n    if resp.status_code == 200:\n        break',
    tradeoff: {
      es: 'La espera larga exige un servidor con hilos (`ThreadingHTTPServer`) y una `threading.Condition` que el productor notifique; un callback (webhook) invierte la dirección y necesita un puerto en el cliente.',
      en: 'Long-polling needs a threaded server (`ThreadingHTTPServer`) and a `threading.Condition` the producer notifies; a callback (webhook) reverses the direction and needs a port on the client.',
    },
  },
};

/** A slower pace is a deliberate period (a monitoring round), not an eager poll. */
const MAX_INTERVAL_SECONDS = 30;

function isQuery(work: PricedWork): boolean {
  if (work.what !== 'http') return false;
  const kind = httpKind(work.call, work.file);
  if (!kind) return false;
  const verb = httpVerb(work.call, kind);
  return verb === 'GET' || verb === 'HEAD' || verb === 'REQUEST';
}

function severityFor(interval: number | undefined, shared: boolean): Severity {
  if (interval === undefined || interval <= 1) return 'critical';
  // Under 5 s, or every 5 s against one host all N agents share (localhost, a central API constant).
  return interval < 5 || (interval <= 5 && shared) ? 'important' : 'minor';
}

/** The URL names a host every agent shares: a localhost literal or a module-level constant. */
function sharedHost(call: CallSite, file: FileModel): boolean {
  const kind = httpKind(call, file);
  const url = kind ? urlArg(call, kind)?.text ?? '' : '';
  if (/localhost|127\.0\.0\.1|\[::1\]/.test(url)) return true;
  const head = /^\s*(?:f?["'][^"']*["']\s*[+%]\s*)?([A-Za-z_]\w*)/.exec(url)?.[1];
  return head !== undefined && !/^(self|f)$/.test(head) && (file.constants.has(head) && /^[A-Z_][A-Z0-9_]*$/.test(head));
}

function describe(call: CallSite, file: FileModel): string {
  const kind = httpKind(call, file);
  const url = kind ? urlArg(call, kind) : undefined;
  return `${call.calleeText}(${url?.text ?? '…'})`;
}

export const PO304: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const loop of pollLoops(file)) {
      const poll = loop.poll!;
      const interval = poll.intervalSeconds;
      if (interval !== undefined && interval > MAX_INTERVAL_SECONDS) continue;
      if (pacingOf(project, file, loop) === 'select') continue;
      const { idle, perItem } = pollOperations(project, file, loop);
      const queries = [...idle, ...perItem].filter(isQuery);
      if (queries.length === 0) continue;
      const idleQueries = idle.filter(isQuery);
      let severity = severityFor(interval, queries.some((q) => sharedHost(q.call, q.file)));
      const context = loopContext(project, file, loop);
      if (!loop.unbounded && context === 'startup') severity = milder(severity);
      if (idleQueries.length === 0) severity = milder(severity); // only per item found: asked less often
      const rate = pollRate(file, loop);
      const requests = rate.perSecond * agents * Math.max(idleQueries.length, 1);
      const target = describe(queries[0]!.call, queries[0]!.file);
      const every = intervalText(project, file, loop);
      const unit = queries[0]!.unit;
      const current = [{ unit, count: Math.max(idleQueries.length, 1) }];
      const cpu = cpuWords(coreShare(current, rate.perSecond * agents));
      const loopCondition = loop.conditionText ?? 'True';
      findings.push(...report(meta, loop.span, context === 'startup' ? 'poll_loop' : context, {
        severity,
        message: {
          es: `El bucle consulta \`${target}\` cada ${every.es} para ver si hay novedades`,
          en: `The loop queries \`${target}\` every ${every.en} to see whether anything changed`,
        },
        whyAtScale: {
          es: `${agents} agentes × ${fmtEs(rate.perSecond)}/s = ${fmtEs(requests)} peticiones/s contra el servidor (${cpu.es} solo en peticiones), casi todas respondidas con «nada nuevo»`,
          en: `${agents} agents × ${fmt(rate.perSecond)}/s = ${fmt(requests)} requests/s against the server (${cpu.en} in requests alone), nearly all answered "nothing new"`,
        },
        proposal: {
          change: {
            es: `Sustituir el sondeo por una espera larga: el servidor retiene la petición con \`threading.Condition.wait(timeout=30)\` hasta que hay resultado; mientras tanto, back-off y \`requests.Session\` para \`${target}\`.`,
            en: `Replace the poll with a long-poll: the server holds the request with \`threading.Condition.wait(timeout=30)\` until there is a result; meanwhile, back-off and a \`requests.Session\` for \`${target}\`.`,
          },
          justification: {
            es: 'Una petición que espera 30 s sustituye a ~60 sondeos de 0,5 s; todo con stdlib (`ThreadingHTTPServer` + `threading.Condition`) y requests.',
            en: 'One request that waits 30 s replaces ~60 polls at 0.5 s; all stdlib (`ThreadingHTTPServer` + `threading.Condition`) plus requests.',
          },
          tradeoff: meta.docs.tradeoff,
          example: `session = requests.Session()\ndelay = ${interval ?? 0.5}\nwhile ${loopCondition}:\n    # server side: the handler waits on a threading.Condition up to "wait" seconds\n    resp = session.get(..., params={"wait": 30}, timeout=(3.05, 35))  # was ${target}\n    if resp.status_code == 200 and resp.content:\n        break\n    delay = min(delay * 2, 10.0)  # back off while nothing changes\n    time.sleep(delay)`,
        },
        cost: {
          current,
          expected: current,
          rate,
          expectedRate: { perSecond: 1 / 30, basis: { es: 'una petición de espera larga cada ~30 s', en: 'one long-poll request every ~30 s' } },
        },
        facts: { endpoint: target, interval: interval ?? 'unknown', requestsPerSecondAtN: requests },
      }));
    }
    return findings;
  },
};
