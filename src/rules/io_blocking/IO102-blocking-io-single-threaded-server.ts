// IO102: blocking network or file I/O on the request path of a single-threaded HTTPServer/TCPServer:
// while one request waits, every other client waits in the listen queue.
import { cycleRate } from '../../impact/rate.js';
import type { UnitId } from '../../impact/types.js';
import type { CallSite, FileModel } from '../../model/types.js';
import { fmt, fmtEs, isTestFile } from '../polling/hotpath.js';
import { withContext } from '../../model/frequency.js';
import { fileOp, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { destinationOf, httpKind, httpUnit, timeoutOf, urlArg } from './http.js';
import { requestPathKind } from './servers.js';

export const meta: RuleMeta = {
  id: 'IO102',
  name: 'blocking-io-single-threaded-server',
  dimension: 'io_blocking',
  title: { es: 'E/S bloqueante en un servidor de un solo hilo', en: 'Blocking I/O in a single-threaded server' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: null, loop: null, per_task: null, startup: null },
  docs: {
    what: {
      es: 'Un manejador de `HTTPServer`/`TCPServer` (un solo hilo) hace E/S de red o de disco mientras atiende una petición: el servidor no acepta a nadie más hasta que termina.',
      en: 'A handler of an `HTTPServer`/`TCPServer` (one thread) does network or disk I/O while serving a request: the server accepts nobody else until it finishes.',
    },
    why: {
      es: 'Con 100 agentes llamando a la vez, las peticiones se atienden de una en una: la latencia del último es 100 × la de la E/S, y una llamada lenta o colgada congela el servicio entero.',
      en: 'With 100 agents calling at once, requests are served one at a time: the last one waits 100 × the I/O latency, and one slow or hung call freezes the whole service.',
    },
    example: 'class StatusHandler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        resp = requests.get(PEER_URL + "/health", timeout=3)\n        ...\n\nHTTPServer(("", 8765), StatusHandler).serve_forever()',
    useInstead: 'from http.server import ThreadingHTTPServer\n\nclass StatusServer(ThreadingHTTPServer):\n    daemon_threads = True          # do not block shutdown on open requests\n    request_queue_size = 128       # room for 100 agents connecting at once\n\nStatusServer(("", 8765), StatusHandler).serve_forever()',
    tradeoff: {
      es: 'Con hilos, el código del manejador debe ser seguro ante concurrencia (estado global, ficheros compartidos); cada petición simultánea ocupa un hilo (~8 MB de pila virtual).',
      en: 'With threads, handler code must be safe under concurrency (global state, shared files); each simultaneous request holds a thread (~8 MB of virtual stack).',
    },
  },
};

interface Blocking {
  what: 'network' | 'file';
  unit: UnitId;
  label: string;
  blockedSeconds?: number;
}

const NETWORK_CALLS = /^(socket\.create_connection|socket\.getaddrinfo|socket\.gethostbyname\w*|smtplib\.SMTP\w*|ftplib\.FTP\w*|http\.client\.HTTPS?Connection|telnetlib\.Telnet|xmlrpc\.client\.ServerProxy)$/;

function blockingIo(call: CallSite, file: FileModel): Blocking | undefined {
  const kind = httpKind(call, file);
  if (kind) {
    const url = urlArg(call, kind);
    const timeout = timeoutOf(call, kind);
    return {
      what: 'network', unit: httpUnit(destinationOf(url)), label: `${call.calleeText}(${url?.text ?? '…'})`,
      blockedSeconds: timeout.kind === 'value' ? timeout.seconds : timeout.kind === 'splat' ? undefined : Infinity,
    };
  }
  if (NETWORK_CALLS.test(call.callee)) return { what: 'network', unit: /getaddrinfo|gethostbyname/.test(call.callee) ? 'dns_lookup' : 'http_local', label: call.calleeText };
  if (call.receiverType === 'socket.socket' && /^(connect|recv|recvfrom|sendall|accept)$/.test(call.method ?? '')) return { what: 'network', unit: 'http_local', label: call.calleeText };
  const op = fileOp(call);
  if (op === 'read' || op === 'write' || op === 'append' || op === 'fsync') {
    const path = call.args[0]?.expr;
    return { what: 'file', unit: op === 'read' ? 'file_read' : op === 'fsync' ? 'fsync' : 'file_write', label: `${call.calleeText}(${path?.text ?? ''})` };
  }
  return undefined;
}

const HIGH_MS: Partial<Record<UnitId, number>> = { http_local: 5, http_external: 500, dns_lookup: 50, file_read: 0.5, file_write: 0.2, fsync: 5 };

const ASSET = /\.(html?|css|js|ico|png|svg|gif|webmanifest)\b|\bindex\b|\b(static|assets?|STATIC\w*|INDEX\w*)\b/;

/**
 * A read of a small static asset (index.html, style.css, favicon.ico, a page under static/): page-cache
 * backed and tiny; what hurts is the single-threaded server (SC701), not this read.
 */
function staticAssetRead(file: FileModel, call: CallSite, fn: { span: { line: number; endLine: number } }): boolean {
  const path = call.args[0]?.expr;
  // The path as written, or the value of a literal / module constant (not of `self.x`, which handlers rebind).
  const trusted = path !== undefined && (path.type === 'string' || path.type === 'binary_operator' || /^[A-Z_][A-Z0-9_]*$/.test(path.text));
  const texts = [path?.text ?? '', trusted && path.value.kind === 'string' ? path.value.value : '', trusted ? path.literalPrefix ?? '' : ''];
  if (texts.some((t) => ASSET.test(t))) return true;
  // A handler serving files by extension with a content-type table of web assets only.
  const body = file.source.slice(fn.span.line - 1, fn.span.endLine).join('\n');
  const webTypes = (body.match(/["']\.(html?|css|js)["']\s*:/g) ?? []).length;
  return webTypes >= 2 && !/["']\.(mp4|mkv|avi|zip|tar|gz|iso|bin|img|jpe?g|tiff?)["']/i.test(body);
}

export const IO102: Rule = {
  meta,
  check({ file, project }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      const io = blockingIo(site, file);
      if (!io) continue;
      const call = withContext(project, site, file);
      if (call.context !== 'handler') continue;
      // I/O written in the handler method itself (do_GET, handle): what runs on every request for sure.
      // Helpers it calls are reported by their own rules (CA801, DK…), not twice here.
      const owner = call.functionId ? project.functionsById.get(call.functionId)?.fn : undefined;
      if (!owner || !/^(do_[A-Z]+|handle|handle_one_request)$/.test(owner.name)) continue;
      if (io.what === 'file' && io.unit === 'file_read' && staticAssetRead(file, call, owner)) continue;
      const path = requestPathKind(project, call.functionId);
      if (path.kind !== 'single' || !path.server) continue;
      const server = path.server;
      // A small local file op costs well under a millisecond: worth fixing, but the network is what freezes the server.
      const severity: Severity = io.what === 'network' ? 'critical' : 'minor';
      const highMs = HIGH_MS[io.unit] ?? 5;
      const queueSeconds = (100 * highMs) / 1000;
      const handler = server.handlerText || 'Handler';
      const serverArgs = server.call.args.map((a) => (a.name ? `${a.name}=${a.expr.text}` : a.expr.text)).join(', ') || `("", 8765), ${handler}`;
      findings.push(...report(meta, call.span, 'handler', {
        severity,
        message: {
          es: `\`${io.label}\` bloquea el único hilo de \`${server.serverClass}\` (${server.file.path}:${server.call.span.line}) mientras atiende a \`${handler}\``,
          en: `\`${io.label}\` blocks the only thread of \`${server.serverClass}\` (${server.file.path}:${server.call.span.line}) while serving \`${handler}\``,
        },
        whyAtScale: {
          es: `con 100 agentes a la vez las peticiones esperan en cola: el último espera ~${fmtEs(queueSeconds)} s (100 × ${fmtEs(highMs)} ms)${io.blockedSeconds === Infinity ? ', y sin timeout un solo cuelgue detiene el servicio para todos' : ''}`,
          en: `with 100 agents at once requests queue up: the last one waits ~${fmt(queueSeconds)} s (100 × ${fmt(highMs)} ms)${io.blockedSeconds === Infinity ? ', and with no timeout one hang stops the service for everyone' : ''}`,
        },
        proposal: {
          change: {
            es: `Servir con \`ThreadingHTTPServer\` (o \`socketserver.ThreadingMixIn\`) en lugar de \`${server.serverClass}\`, para que una E/S lenta solo retenga su propia petición${io.what === 'network' ? '; y acotar la llamada con timeout' : ''}.`,
            en: `Serve with \`ThreadingHTTPServer\` (or \`socketserver.ThreadingMixIn\`) instead of \`${server.serverClass}\`, so slow I/O only holds its own request${io.what === 'network' ? '; and bound the call with a timeout' : ''}.`,
          },
          justification: {
            es: 'Es un cambio de una línea en la stdlib: cada petición tiene su hilo, la E/S libera el GIL y las peticiones se solapan en lugar de hacer cola.',
            en: 'It is a one-line stdlib change: each request gets its thread, I/O releases the GIL and requests overlap instead of queueing.',
          },
          tradeoff: meta.docs.tradeoff,
          example: `from http.server import ThreadingHTTPServer\n\n\nclass Server(ThreadingHTTPServer):\n    daemon_threads = True\n    request_queue_size = 128\n\n\nserver = Server(${serverArgs})\nserver.serve_forever()`,
        },
        cost: {
          current: [{ unit: io.unit, count: 1 }],
          expected: [{ unit: io.unit, count: 1 }],
          rate: cycleRate(call, file),
          currentResources: { blockedSeconds: io.blockedSeconds === Infinity ? Infinity : queueSeconds },
          expectedResources: { blockedSeconds: highMs / 1000, threads: 1 },
          assumptions: [{
            es: 'un servidor de un solo hilo atiende las peticiones de una en una: 100 clientes simultáneos se serializan',
            en: 'a single-threaded server serves requests one at a time: 100 simultaneous clients are serialised',
          }],
        },
        facts: { server: server.serverClass, serverLine: `${server.file.path}:${server.call.span.line}`, handler, io: io.what },
      }));
    }
    return findings;
  },
};
