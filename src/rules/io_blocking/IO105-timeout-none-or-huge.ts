// IO105: a timeout that does not protect: `timeout=None` written out, or one so large (minutes) that a
// hung peer still stalls the caller for minutes.
import { cycleRate } from '../../impact/rate.js';
import { fmt, fmtEs, isTestFile } from '../polling/hotpath.js';
import { withContext } from '../../model/frequency.js';
import { keyword, milder, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { destinationOf, httpKind, httpUnit, isLongRunningEndpoint, timeoutOf, urlArg, withKeyword } from './http.js';

export const meta: RuleMeta = {
  id: 'IO105',
  name: 'timeout-none-or-huge',
  dimension: 'io_blocking',
  title: { es: 'Timeout nulo o excesivo', en: 'Timeout of None or minutes long' },
  phase: 1,
  // A call that can wait forever hangs a repair path or a person's prompt as surely as a hot one.
  anyCadence: true,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: 'minor' },
  docs: {
    what: {
      es: 'Una llamada de red con `timeout=None` explícito o con un timeout de más de un minuto: aparenta estar protegida, pero un servidor colgado la retiene igual.',
      en: 'A network call with an explicit `timeout=None` or a timeout over a minute: it looks protected, but a hung server still holds it.',
    },
    why: {
      es: 'Con 100 agentes, un servicio lento retiene 100 hilos o bucles durante minutos: las colas crecen, los sondeos se detienen y nada falla a tiempo para reintentar.',
      en: 'With 100 agents, one slow service holds 100 threads or loops for minutes: queues grow, polls stop and nothing fails soon enough to retry.',
    },
    example: 'requests.post(cfg["webhook"], json=event, timeout=600)',
    useInstead: '# bound connect and read separately; retry or report on requests.Timeout\nrequests.post(cfg["webhook"], json=event, timeout=(3.05, 10))',
    tradeoff: {
      es: 'Las respuestas legítimamente lentas fallarán: si el servicio tarda de verdad minutos (un modelo, una exportación), sepárelo en petición + consulta del resultado, o use `stream=True` con timeout de lectura por bloque.',
      en: 'Legitimately slow answers will fail: if the service really takes minutes (a model, an export), split it into submit + poll for the result, or use `stream=True` with a per-chunk read timeout.',
    },
  },
};

/** A timeout longer than this blocks "for minutes". */
export const HUGE_TIMEOUT_SECONDS = 60;

const SOCKET_CALLS = /^socket\.create_connection$/;

export const IO105: Rule = {
  meta,
  check({ file, project }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      const kind = httpKind(site, file);
      if (!kind && !SOCKET_CALLS.test(site.callee)) continue;
      const call = withContext(project, site, file);
      let timeout;
      if (kind) timeout = timeoutOf(call, kind);
      else if (SOCKET_CALLS.test(call.callee)) {
        const arg = keyword(call, 'timeout') ?? call.args.filter((a) => !a.name)[1];
        if (!arg) continue;
        timeout = arg.expr.value.kind === 'none' ? { kind: 'none' as const, text: arg.expr.text } : arg.expr.value.kind === 'number' ? { kind: 'value' as const, seconds: arg.expr.value.value, text: arg.expr.text } : undefined;
      }
      if (!timeout) continue;
      const url = kind ? urlArg(call, kind) : call.args[0]?.expr;
      let severity = meta.severity[call.context];
      if (!severity) continue;
      let seconds: number;
      if (timeout.kind === 'none') seconds = Infinity;
      else if (timeout.kind === 'value' && timeout.seconds !== undefined && timeout.seconds > HUGE_TIMEOUT_SECONDS) {
        if (isLongRunningEndpoint(call, url)) continue; // an LLM completion or a large transfer: minutes are expected
        seconds = timeout.seconds;
        // Bounded, though long: one step milder below ten minutes.
        if (seconds < 600) severity = milder(severity) as Severity;
      } else continue;
      const unbounded = !Number.isFinite(seconds);
      const shown = unbounded ? 'None' : `${fmt(seconds)} s`;
      const minutes = unbounded ? '∞' : fmt(seconds / 60);
      const rate = cycleRate(call, file);
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `\`${call.calleeText}(${url?.text ?? '…'})\` con \`timeout=${timeout.text}\`${unbounded ? ': sin límite de espera' : ` (${minutes} min): un servidor colgado la retiene minutos`}`,
          en: `\`${call.calleeText}(${url?.text ?? '…'})\` with \`timeout=${timeout.text}\`${unbounded ? ': no bound on the wait' : ` (${minutes} min): a hung server holds it for minutes`}`,
        },
        whyAtScale: {
          es: `si ${url?.text ?? 'el servidor'} se cuelga, los 100 agentes quedan retenidos ${unbounded ? 'indefinidamente' : `hasta ${shown.replace('.', ',')}`} cada uno${rate.perSecond > 0 ? `: ${unbounded ? 'a los 10 min habría' : 'puede haber'} ~${fmtEs(rate.perSecond * 100 * (unbounded ? 600 : seconds))} llamadas paradas a la vez` : ''} en vez de fallar en segundos`,
          en: `if ${url?.text ?? 'the server'} hangs, all 100 agents are held ${unbounded ? 'indefinitely' : `for up to ${shown}`} each${rate.perSecond > 0 ? `: ${unbounded ? 'after 10 min there would be' : 'there can be'} ~${fmt(rate.perSecond * 100 * (unbounded ? 600 : seconds))} calls stuck at once` : ''} instead of failing in seconds`,
        },
        proposal: {
          change: {
            es: 'Usar un timeout (conexión, lectura) de segundos, p. ej. `(3.05, 10)`, y tratar `Timeout` con reintento o aviso; si el trabajo remoto tarda de verdad minutos, pedirlo y consultar su resultado aparte.',
            en: 'Use a (connect, read) timeout of seconds, e.g. `(3.05, 10)`, and handle `Timeout` with a retry or a report; if the remote work really takes minutes, submit it and fetch the result separately.',
          },
          justification: {
            es: 'Un timeout corto convierte un cuelgue en un error rápido y visible; un límite de minutos solo aplaza el mismo bloqueo.',
            en: 'A short timeout turns a hang into a fast, visible error; a limit of minutes only postpones the same stall.',
          },
          tradeoff: meta.docs.tradeoff,
          example: kind ? withKeyword(file, call, kind === 'urllib' || kind === 'http.client' ? 'timeout=10' : 'timeout=(3.05, 10)', 'timeout') : `${call.calleeText}(${call.args[0]?.expr.text ?? 'address'}, timeout=10)`,
        },
        cost: {
          current: [{ unit: httpUnit(destinationOf(url)), count: 1 }],
          expected: [{ unit: httpUnit(destinationOf(url)), count: 1 }],
          rate,
          currentResources: { blockedSeconds: seconds },
          expectedResources: { blockedSeconds: 13 },
        },
        facts: { timeout: unbounded ? 'None' : seconds, url: url?.text ?? '' },
      }));
    }
    return findings;
  },
};
