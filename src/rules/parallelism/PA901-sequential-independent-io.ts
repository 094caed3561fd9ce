import type { UnitId } from '../../impact/types.js';
import type { CallSite, FileModel, ProjectModel } from '../../model/types.js';
import { blockingInFunction, constantLength, functionInfo, isFixedCountLoop, loopPassRate, uniqueMethod, UNIT_MID_MS } from '../memory/helpers.js';
import { calleeFunction } from '../../model/calls.js';
import { milderIf, oneOff } from '../memory/reads.js';
import { isHttpCall, num, report } from '../support.js';
import { callSitesOf } from '../../model/calls.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { callText, independentLoopOf, mapsDirectly } from './independence.js';
import { loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'PA901',
  name: 'sequential-independent-io',
  dimension: 'parallelism',
  title: { es: 'E/S independiente en serie dentro de un bucle', en: 'Independent blocking I/O in a sequential loop' },
  phase: 2,
  severity: { handler: 'critical', poll_loop: 'important', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'Un bucle hace una petición HTTP (o una llamada que la hace) por elemento, una detrás de otra, aunque cada iteración no depende de la anterior.',
      en: 'A loop makes one HTTP request (or a call that makes one) per item, one after another, although no iteration depends on the previous one.',
    },
    why: {
      es: 'La latencia se suma: 10 peers a 50 ms son 500 ms por pasada, y en un manejador esa espera la paga cada petición de los 100 agentes. Con un ThreadPoolExecutor de 8 hilos la pasada dura lo que las 2 más lentas.',
      en: 'Latency adds up: 10 peers at 50 ms are 500 ms per pass, and in a handler every request of the 100 agents pays that wait. With an 8-thread ThreadPoolExecutor the pass takes as long as the 2 slowest.',
    },
    example: 'report = {}\nfor url in peers:\n    report[url] = requests.get(url + "/health", timeout=3).json()',
    useInstead: 'from concurrent.futures import ThreadPoolExecutor\n\n_pool = ThreadPoolExecutor(max_workers=8)  # once, at start-up\n\ndef health(url):\n    return requests.get(url + "/health", timeout=3).json()\n\nreport = dict(zip(peers, _pool.map(health, peers)))',
    tradeoff: {
      es: 'Hasta 8 hilos por agente (800 con 100 agentes, casi todos esperando en un socket, ~100 KB de RSS cada uno); el destino recibe 8× más concurrencia; un requests.Session no es seguro entre hilos sin cuidado (uno por hilo con threading.local); las excepciones llegan al recoger cada resultado.',
      en: 'Up to 8 threads per agent (800 at 100 agents, almost all waiting on a socket, ~100 KB RSS each); the target gets 8× more concurrency; a requests.Session is not safely shared across threads without care (one per thread with threading.local); exceptions surface when each result is collected.',
    },
  },
};

const WORKERS = 8;

/** The network wait a call blocks on, directly or inside a project function it calls. */
function networkUnit(project: ProjectModel, file: FileModel, call: CallSite): { unit: UnitId; via?: string } | undefined {
  const http = isHttpCall(call);
  if (http) return { unit: externalUrl(call) ? 'http_external' : http === 'session' ? 'http_local_reuse' : 'http_local' };
  if (call.callee === 'socket.create_connection' || call.callee === 'http.client.HTTPConnection.request' || call.callee === 'http.client.HTTPSConnection.request') return { unit: 'http_local' };
  const callee = calleeFunction(project, file, call) ?? uniqueMethod(project, call, file);
  if (!callee || callee.fn.id === call.functionId) return undefined;
  const ops = blockingInFunction(project, callee, 3);
  // Only HTTP clients (requests, urllib): raw socket calls in a helper are a protocol client's one connection
  // (POP3, IMAP, FTP), serial by nature.
  const found = ops.find((b) => b.op.unit.startsWith('http') && isHttpCall(b.call) !== undefined);
  if (!found) return undefined;
  // A helper that processes a whole message (files, moves, subprocesses besides the request) is a per-message
  // pipeline, and one that loops over its own targets gets reported at that inner loop instead.
  if (ops.some((b) => !b.op.unit.startsWith('http') && b.op.unit !== 'stat' && b.op.unit !== 'python_op')) return undefined;
  if (ops.some((b) => b.op.unit.startsWith('http') && b.call.loopIds.some((id) => {
    const loop = loopById(b.file, id);
    return loop !== undefined && !isFixedCountLoop(b.file, loop);
  }))) return undefined;
  return { unit: found.op.unit, via: `${callee.fn.qualname} → ${found.call.calleeText}` };
}

/** Loops over a stream whose order matters (log lines, chat updates, queued messages): serial on purpose. */
const ORDERED_STREAM = /^(lines?|updates?|msgs?|messages?|events?|records?|entr(y|ies)|rows?|offsets?|commands?|cmds?|steps?|batch(es)?|pages?_?tokens?)$/i;

function orderedStream(loop: { targetText?: string; iterableText?: string }): boolean {
  const target = loop.targetText?.trim() ?? '';
  const iterable = (loop.iterableText ?? '').trim().split(/[.(\[]/).pop() ?? '';
  const last = /([A-Za-z_]\w*)\s*(\(\s*\))?\s*$/.exec(loop.iterableText ?? '')?.[1] ?? iterable;
  return ORDERED_STREAM.test(target) || ORDERED_STREAM.test(last);
}

function externalUrl(call: CallSite): boolean {
  const text = call.args.map((a) => a.expr.text).join(' ');
  const url = /["'](https?:\/\/[^"'/:]+)/.exec(text)?.[1];
  return url !== undefined && !/localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0/.test(url);
}

/** Top-level items of a literal collection text (`{"A": x, "AAAA": y}`, `["a", "b"]`), when it is one. */
function literalItems(text: string): number | undefined {
  const t = text.trim();
  if (!/^[\[({]/.test(t) || /\bfor\b/.test(t)) return undefined;
  const inner = t.slice(1, -1).trim();
  if (inner === '') return 0;
  let depth = 0;
  let parts = 1;
  let quote: string | undefined;
  for (const ch of inner) {
    if (quote) { if (ch === quote) quote = undefined; continue; }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) parts++;
  }
  return inner.endsWith(',') ? parts - 1 : parts;
}

/**
 * Items per pass when the loop walks a small fixed collection: a literal or constant, or a parameter that
 * every caller in the project fills with a literal (`update({"A": ip4, "AAAA": ip6})`).
 */
function smallFixedItems(project: ProjectModel, file: FileModel, iterable: string | undefined, fnId: string | undefined): number | undefined {
  const base = (iterable ?? '').trim().replace(/\.(items|keys|values)\(\s*\)$/, '');
  const direct = constantLength(file, base) ?? literalItems(base);
  if (direct !== undefined) return direct;
  const fn = fnId ? file.functions.get(fnId) : undefined;
  if (!fn || !/^[A-Za-z_]\w*$/.test(base)) return undefined;
  const index = fn.params.filter((p) => p !== 'self' && p !== 'cls').indexOf(base);
  if (index < 0) return undefined;
  const sites = callSitesOf(project, fn.id);
  if (sites.length === 0) return undefined;
  let most = 0;
  for (const { call } of sites) {
    const arg = call.args.find((a) => a.name === base) ?? call.args.filter((a) => !a.name)[index];
    const n = arg ? literalItems(arg.expr.text) : undefined;
    if (n === undefined) return undefined;
    most = Math.max(most, n);
  }
  return most;
}

/** The call sits under an `if` inside the loop that tests for a missing/absent case (`if x not in seen:`, `if rec is None:`). */
function underRareBranch(file: FileModel, call: CallSite, loopLine: number): boolean {
  const indent = (line: string) => line.length - line.trimStart().length;
  let level = indent(file.source[call.span.line - 1] ?? '');
  for (let n = call.span.line - 1; n > loopLine; n--) {
    const line = file.source[n - 1] ?? '';
    if (line.trim() === '' || indent(line) >= level) continue;
    level = indent(line);
    if (/^\s*(el)?if\b.*(\bnot\s+in\b|\bis\s+None\b|^\s*(el)?if\s+not\b|==\s*0\b)/.test(line)) return true;
  }
  return false;
}

export const PA901: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    const networkCalls = new Map<CallSite, NonNullable<ReturnType<typeof networkUnit>>>();
    for (const call of file.calls) {
      if (call.loopIds.length === 0) continue;
      const network = networkUnit(project, file, call);
      if (network) networkCalls.set(call, network);
    }
    for (const [call, network] of networkCalls) {
      // `if not allowed(url): continue` next to `page = fetch(url)`: the guard is not the work to parallelise.
      const inCondition = /^\s*(if|elif|while)\b/.test(file.source[call.span.line - 1] ?? '');
      if (inCondition && [...networkCalls.keys()].some((other) => other !== call && other.loopIds[0] === call.loopIds[0])) continue;
      const independent = independentLoopOf(file, call);
      if (!independent || orderedStream(independent.loop)) continue;
      // A poll loop walking an inbox listing processes messages: a worker pool (SC706), not a fan-out to targets.
      if (call.context === 'poll_loop' && /\b(os\.listdir|os\.scandir|listdir|scandir|glob\.i?glob|iterdir|glob)\(/.test(independent.loop.iterableText ?? '')) continue;
      // A handful of fixed items (≤ 3) gains next to nothing from threads; a call taken only when something is missing is rare.
      const small = smallFixedItems(project, file, independent.loop.iterableText, call.functionId);
      if (small !== undefined && small <= 3) continue;
      if (underRareBranch(file, call, independent.loop.span.line)) continue;
      const base = meta.severity[call.context];
      if (!base) continue;
      let severity = milderIf(oneOff(file, call, call.context), base);
      // A pass every minute or more: the serial waits cost little against the cycle.
      if (call.context === 'poll_loop' && (call.poll?.intervalSeconds ?? 0) >= 60 && severity !== 'minor') severity = 'minor';
      const k = independent.items;
      const workers = Math.min(k, WORKERS);
      const latencyMs = UNIT_MID_MS[network.unit] ?? 3;
      const sequentialMs = k * latencyMs;
      const parallelMs = Math.ceil(k / workers) * latencyMs;
      const speedup = sequentialMs / parallelMs;
      const target = [...independent.perItem][0] ?? 'item';
      const targetText = independent.loop.targetText ?? target;
      const iterable = independent.loop.iterableText ?? 'items';
      const text = callText(file, call);
      const worker = mapsDirectly(call, targetText) ? call.calleeText : `fetch_one`;
      const define = mapsDirectly(call, targetText) ? '' : `def fetch_one(${targetText}):\n    return ${text}\n\n`;
      const rate = loopPassRate(file, independent.loop, call);
      const fn = functionInfo(file, call.functionId);
      const itemsBasis = independent.itemsKnown ? `${k}` : `~${k}`;
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `${call.calleeText}(...) se llama una vez por elemento de ${iterable}, en serie, aunque las iteraciones son independientes${network.via ? ` (${network.via})` : ''}`,
          en: `${call.calleeText}(...) runs once per item of ${iterable}, one after another, although the iterations are independent${network.via ? ` (${network.via})` : ''}`,
        },
        whyAtScale: {
          es: `${itemsBasis} esperas de red de ~${num(latencyMs)} ms en serie = ~${num(sequentialMs)} ms por pasada; con ${workers} hilos ~${num(parallelMs)} ms (${num(speedup)}× más rápido)${call.context === 'handler' ? `, y cada una de las ${num(agents)} peticiones/s de los agentes paga la diferencia` : ''}`,
          en: `${itemsBasis} network waits of ~${num(latencyMs)} ms in series = ~${num(sequentialMs)} ms per pass; with ${workers} threads ~${num(parallelMs)} ms (${num(speedup)}× faster)${call.context === 'handler' ? `, and each of the agents' ${num(agents)} requests/s pays the difference` : ''}`,
        },
        proposal: {
          change: {
            es: `Lanzar las llamadas de ${iterable} en un ThreadPoolExecutor(max_workers=${WORKERS}) creado una vez al arrancar y recoger los resultados con map().`,
            en: `Run the calls over ${iterable} on a ThreadPoolExecutor(max_workers=${WORKERS}) created once at start-up and collect the results with map().`,
          },
          justification: {
            es: `Las llamadas de red pasan el tiempo esperando y sueltan el GIL: los hilos de concurrent.futures (stdlib) las solapan; la pasada baja de ~${num(sequentialMs)} ms a ~${num(parallelMs)} ms.`,
            en: `Network calls spend their time waiting and release the GIL: concurrent.futures threads (stdlib) overlap them; the pass drops from ~${num(sequentialMs)} ms to ~${num(parallelMs)} ms.`,
          },
          tradeoff: meta.docs.tradeoff,
          example: `from concurrent.futures import ThreadPoolExecutor\n\n_pool = ThreadPoolExecutor(max_workers=${WORKERS})  # once, at start-up (module level)\n\n${define}# inside ${fn?.name ?? 'the function'}:\nresults = list(_pool.map(${worker}, ${iterable}))  # same order as ${iterable}`,
        },
        cost: {
          current: [{ unit: network.unit, count: k }],
          expected: [{ unit: network.unit, count: k }],
          rate,
          currentResources: { threads: 1, blockedSeconds: sequentialMs / 1000 },
          expectedResources: { threads: workers, blockedSeconds: parallelMs / 1000 },
          assumptions: [{
            es: `${itemsBasis} elementos por pasada; ~${num(latencyMs)} ms por llamada (coste de referencia de ${network.unit}); ${workers} hilos`,
            en: `${itemsBasis} items per pass; ~${num(latencyMs)} ms per call (reference cost of ${network.unit}); ${workers} threads`,
          }],
        },
        facts: { items: k, workers, speedup: Number(speedup.toFixed(1)), iterable },
      }));
    }
    return findings;
  },
};
