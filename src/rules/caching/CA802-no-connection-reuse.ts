// CA802: `requests.get/post(...)` (or a throw-away `requests.Session()`) on a hot path: every call opens
// a new TCP (and TLS) connection instead of reusing one from a Session's pool.
import { cycleRate } from '../../impact/rate.js';
import type { CallSite, FileModel, ProjectModel } from '../../model/types.js';
import { callText, destinationOf, httpKind, httpUnit, qualifyText, urlArg } from '../io_blocking/http.js';
import { callSitesOf } from '../../model/calls.js';
import { fmt, fmtEs, isTestFile } from '../polling/hotpath.js';
import { isAssumedHeat, withContext } from '../../model/frequency.js';
import { report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { callsOfFunction, loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'CA802',
  name: 'no-connection-reuse',
  dimension: 'caching',
  title: { es: 'Sin reutilizar conexiones HTTP', en: 'No HTTP connection reuse' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: '`requests.get/post/…` a nivel de módulo crean una sesión nueva en cada llamada: conexión TCP (y TLS) nueva, resolución DNS y socket en TIME_WAIT al cerrar.',
      en: 'Module-level `requests.get/post/…` build a new session on every call: a new TCP (and TLS) connection, a DNS lookup, and a socket left in TIME_WAIT when it closes.',
    },
    why: {
      es: 'Con 100 agentes llamando en un bucle o por petición son cientos de conexiones nuevas por segundo: cada una paga el handshake (1–5 ms en local, 50–200 ms con TLS remoto) y deja un socket en TIME_WAIT 60 s, hasta agotar puertos efímeros.',
      en: 'With 100 agents calling in a loop or per request that is hundreds of new connections per second: each pays the handshake (1–5 ms locally, 50–200 ms with remote TLS) and leaves a socket in TIME_WAIT for 60 s, until ephemeral ports run out.',
    },
    example: 'for line in new_lines:\n    requests.post(COLLECTOR, data=line, timeout=5)',
    useInstead: '_http = requests.Session()  # module level: one pool per process, reused\n\nfor line in new_lines:\n    _http.post(COLLECTOR, data=line, timeout=5)',
    tradeoff: {
      es: 'La sesión mantiene conexiones abiertas (un descriptor por host) y guarda cookies entre llamadas; compartirla entre hilos es seguro para peticiones simples, pero conviene una por hilo si se modifican cabeceras o cookies.',
      en: 'The session keeps connections open (one descriptor per host) and keeps cookies between calls; sharing it between threads is fine for plain requests, but use one per thread if headers or cookies are changed.',
    },
  },
};

/** URLs built from the loop item's own host (`agent["url"]`, `peer.host`): a Session would not reuse them in one pass. */
const PER_HOST = /\b(agent|peer|host|node|server|worker|instance|member|replica|target|endpoint|site)s?\b\s*(\[\s*["'](url|host|addr|address|endpoint|base_url)["']\s*\]|\.(url|host|address|base_url))/i;

function throwAwaySession(call: CallSite, file: FileModel): boolean {
  const ctor = /^([\w.]+)\(\s*\)$/.exec(call.receiver ?? '');
  return !!ctor && /^requests\.(sessions\.)?[Ss]ession$/.test(qualifyText(file, ctor[1]!));
}

const LONG_CYCLE_SECONDS = 30;

/** The host part of a URL text: its leading literal or the name it is built from. */
function hostKey(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const literal = /^f?["'](\w+:\/\/[^/"'{]+)/.exec(text);
  if (literal) return literal[1];
  return /^([A-Za-z_][\w.]*)/.exec(text)?.[1];
}

/**
 * The call reaches the same host more than once per cycle: it sits in a loop below the poll loop, its
 * function is called from several places or in a loop, or its function calls the same host again.
 */
function repeatedPerCycle(project: ProjectModel, file: FileModel, call: CallSite, urlText: string | undefined): boolean {
  if (call.loopIds.some((id) => { const l = loopById(file, id); return l !== undefined && !l.poll; })) return true;
  const host = hostKey(urlText);
  const siblings = callsOfFunction(file, call.functionId).filter((c) => c.id !== call.id && httpKind(c, file) !== undefined);
  if (siblings.some((c) => host === undefined || hostKey(urlArg(c, httpKind(c, file)!)?.text) === host)) return true;
  if (!call.functionId) return false;
  const sites = callSitesOf(project, call.functionId);
  if (sites.length > 1) return true;
  return sites.some(({ file: f, call: c }) => c.loopIds.some((id) => { const l = loopById(f, id); return l !== undefined && !l.poll; }));
}

export const CA802: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      const kind = httpKind(site, file);
      const chained = kind === 'session' && throwAwaySession(site, file);
      if (kind !== 'requests' && !chained) continue;
      const call = withContext(project, site, file);
      if (call.context === 'startup') continue;
      // per-task code is hot only when a loop or a thread per item reaches it, not by assumption.
      if (isAssumedHeat(call)) continue;
      const url = urlArg(call, 'requests');
      // One pass over distinct hosts (agentctl pinging each agent once): nothing to reuse.
      if (call.context === 'loop' && !loopById(file, call.loopIds[0])?.poll && url && PER_HOST.test(url.text)) continue;
      // One call per long cycle (≥ 30 s): keep-alive has expired by the next one, a Session gains nothing.
      if (call.context === 'poll_loop' && (call.poll?.intervalSeconds ?? 0) >= LONG_CYCLE_SECONDS && !repeatedPerCycle(project, file, call, url?.text)) continue;
      const destination = destinationOf(url);
      const unit = httpUnit(destination);
      let severity: Severity | null = meta.severity[call.context];
      if (!severity) continue;
      if (destination === 'external' && (call.context === 'handler' || call.context === 'poll_loop' || call.context === 'loop')) severity = 'critical';
      const rate = cycleRate(call, file);
      const perSecond = rate.perSecond * agents;
      const verb = call.method ?? call.callee.split('.').pop() ?? 'get';
      const original = callText(file, call).replace(/\s+/g, ' ');
      const rest = original.replace(/^[\w.]+(\(\s*\))?\.\w+\(/, '');
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `\`${chained ? 'requests.Session().' + verb : call.calleeText}(${url?.text ?? '…'})\` abre una conexión nueva en cada llamada (sin \`requests.Session\` reutilizada)`,
          en: `\`${chained ? 'requests.Session().' + verb : call.calleeText}(${url?.text ?? '…'})\` opens a new connection on every call (no reused \`requests.Session\`)`,
        },
        whyAtScale: {
          es: `${agents} agentes × ${fmtEs(rate.perSecond)}/s = ${fmtEs(perSecond)} conexiones TCP nuevas/s${destination === 'external' ? ' con handshake TLS' : ''}, ~${fmtEs(perSecond * 60)} sockets en TIME_WAIT; con una Session, casi ninguna`,
          en: `${agents} agents × ${fmt(rate.perSecond)}/s = ${fmt(perSecond)} new TCP connections/s${destination === 'external' ? ' with a TLS handshake' : ''}, ~${fmt(perSecond * 60)} sockets in TIME_WAIT; with a Session, almost none`,
        },
        proposal: {
          change: {
            es: 'Crear una `requests.Session()` una vez (a nivel de módulo o en `__init__`) y hacer todas las llamadas con ella para reutilizar conexiones keep-alive.',
            en: 'Create one `requests.Session()` once (module level or in `__init__`) and make every call through it to reuse keep-alive connections.',
          },
          justification: {
            es: 'Es requests de siempre: el pool de urllib3 de la sesión mantiene la conexión abierta y la petición baja a 0,5–1 ms en local.',
            en: 'Plain requests: the session’s urllib3 pool keeps the connection open and a local request drops to 0.5–1 ms.',
          },
          tradeoff: meta.docs.tradeoff,
          example: `_http = requests.Session()  # once per process\n\n# where it was: ${original.slice(0, 80)}\nresp = _http.${verb}(${rest}`,
        },
        cost: {
          current: [{ unit, count: 1 }],
          expected: destination === 'external' ? [{ unit: 'http_external', count: 0.6 }] : [{ unit: 'http_local_reuse', count: 1 }],
          rate,
          assumptions: destination === 'external'
            ? [{ es: 'una conexión reutilizada se ahorra el handshake TCP+TLS (~40 % de una petición externa corta)', en: 'a reused connection skips the TCP+TLS handshake (~40 % of a short external request)' }]
            : undefined,
        },
        facts: { url: url?.text ?? '', destination },
      }));
    }
    return findings;
  },
};
