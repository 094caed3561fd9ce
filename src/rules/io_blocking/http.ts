// HTTP client calls as the I/O, polling and caching rules need them: which calls are requests (module
// functions, Sessions however they were made, urllib), what timeout they carry, and where they go.
import type { CallSite, Expr, FileModel, ProjectModel } from '../../model/types.js';
import type { UnitId } from '../../impact/types.js';
import { HTTP_METHODS, hasKwargsSplat, isHttpCall, keyword, positional } from '../support.js';

export type HttpKind = 'requests' | 'session' | 'urllib' | 'http.client';

const SESSION_TYPES = ['requests.Session', 'requests.sessions.Session', 'requests.session', 'requests.sessions.session'];

/** Resolve the head of a dotted text through the file's imports (`r.Session` → `requests.Session`). */
export function qualifyText(file: FileModel, text: string): string {
  const [head, ...rest] = text.split('.');
  const binding = head ? file.imports.get(head) : undefined;
  return binding ? [binding.target, ...rest].join('.') : text;
}

/**
 * The kind of HTTP client call, or undefined. Beyond support.isHttpCall: `requests.Session().get(...)`,
 * `requests.session()` objects, `requests.api.get`, and urllib's `urlopen` under any import form.
 */
export function httpKind(call: CallSite, file: FileModel): HttpKind | undefined {
  const basic = isHttpCall(call);
  if (basic) return basic;
  if (/^requests\.api\./.test(call.callee) && HTTP_METHODS.includes(call.callee.split('.').pop()!)) return 'requests';
  if (call.method && HTTP_METHODS.includes(call.method)) {
    const receiverType = call.receiverType ?? '';
    if (SESSION_TYPES.includes(receiverType)) return 'session';
    // `requests.Session().get(url)`: the receiver is a call we cannot type-track.
    const receiver = call.receiver ?? '';
    const ctor = /^([\w.]+)\(\s*\)$/.exec(receiver);
    if (ctor && SESSION_TYPES.includes(qualifyText(file, ctor[1]!))) return 'session';
  }
  if (call.callee === 'urllib.request.urlopen' || call.callee === 'urllib2.urlopen' || call.callee === 'six.moves.urllib.request.urlopen') return 'urllib';
  if (/^http\.client\.HTTPS?Connection$/.test(call.callee)) return 'http.client';
  return undefined;
}

/** The URL argument of an HTTP call (`requests.get(url)`, `requests.request("GET", url)`, `urlopen(req)`). */
export function urlArg(call: CallSite, kind: HttpKind): Expr | undefined {
  if (kind === 'http.client') return positional(call, 0)?.expr ?? keyword(call, 'host')?.expr;
  const isRequest = call.callee.endsWith('.request') || call.method === 'request';
  if (kind !== 'urllib' && isRequest) return (keyword(call, 'url') ?? positional(call, 1))?.expr;
  return (keyword(call, 'url') ?? positional(call, 0))?.expr;
}

/** The HTTP verb, upper case (`GET`, `POST`), when the call says it. */
export function httpVerb(call: CallSite, kind: HttpKind): string {
  if (kind === 'urllib') return keyword(call, 'data') || positional(call, 1) ? 'POST' : 'GET';
  if (kind === 'http.client') return 'CONNECT';
  const name = kind === 'requests' ? call.callee.split('.').pop()! : call.method ?? 'get';
  if (name === 'request') {
    const verb = (keyword(call, 'method') ?? positional(call, 0))?.expr.value;
    return verb?.kind === 'string' ? verb.value.toUpperCase() : 'REQUEST';
  }
  return name.toUpperCase();
}

export type Timeout =
  | { kind: 'missing' }
  | { kind: 'splat' } // **kwargs may carry it
  | { kind: 'none'; text: string }
  | { kind: 'value'; seconds?: number; text: string };

/** The timeout an HTTP call passes: missing, explicit None, a number of seconds (max of a tuple), or unknown. */
export function timeoutOf(call: CallSite, kind: HttpKind): Timeout {
  let arg = keyword(call, 'timeout');
  // Positional timeouts: urlopen(url, data, timeout), HTTPConnection(host, port, timeout).
  if (!arg && (kind === 'urllib' || kind === 'http.client')) arg = positional(call, 2);
  if (!arg) return hasKwargsSplat(call) ? { kind: 'splat' } : { kind: 'missing' };
  const value = arg.expr.value;
  if (value.kind === 'none') return { kind: 'none', text: arg.expr.text };
  if (value.kind === 'number') return { kind: 'value', seconds: value.value, text: arg.expr.text };
  if (value.kind === 'string' && value.value.trim() !== '' && !Number.isNaN(Number(value.value))) return { kind: 'value', seconds: Number(value.value), text: arg.expr.text };
  if (value.kind === 'list') {
    const parts = value.items.map((item) => (item.value.kind === 'number' ? item.value.value : item.value.kind === 'none' ? Infinity : undefined));
    if (parts.some((p) => p === Infinity)) return { kind: 'none', text: arg.expr.text };
    if (parts.every((p) => p !== undefined)) return { kind: 'value', seconds: Math.max(...(parts as number[])), text: arg.expr.text };
  }
  return { kind: 'value', text: arg.expr.text };
}

/** `socket.setdefaulttimeout(n)` anywhere in the project gives every socket (and requests) a default timeout. */
const defaultTimeoutCache = new WeakMap<ProjectModel, { socket: boolean; session: boolean }>();

function projectDefaults(project: ProjectModel): { socket: boolean; session: boolean } {
  let known = defaultTimeoutCache.get(project);
  if (!known) {
    known = {
      socket: project.files.some((file) => file.calls.some((call) =>
        call.callee === 'socket.setdefaulttimeout' && call.args[0] !== undefined && call.args[0].expr.value.kind !== 'none')),
      // `session.request = functools.partial(session.request, timeout=10)`: every Session call gets a timeout.
      session: project.files.some((f) => f.assignments.some((a) => /\.request$/.test(a.target) && /timeout/.test(a.value.text))),
    };
    defaultTimeoutCache.set(project, known);
  }
  return known;
}

export function projectSetsDefaultTimeout(project: ProjectModel): boolean {
  return projectDefaults(project).socket;
}

/** Sessions whose `request` was wrapped with a default timeout somewhere in the project. */
export function sessionsHaveDefaultTimeout(project: ProjectModel): boolean {
  return projectDefaults(project).session;
}

export type Destination = 'local' | 'external' | 'unknown';

const LOCAL_URL = /(localhost|127\.0\.0\.\d+|\[::1\]|0\.0\.0\.0|\bunix:|http\+unix|\.sock\b|\.local\b)/i;
const EXTERNAL_URL = /^https?:\/\/(?!localhost|127\.|\[::1\]|0\.0\.0\.0)[\w-]+(\.[\w-]+)+/i;

/** Where a URL expression points, from its value, its literal prefix, or the constant it names. */
export function destinationOf(url: Expr | undefined): Destination {
  if (!url) return 'unknown';
  const candidates = [url.value.kind === 'string' ? url.value.value : '', url.literalPrefix ?? '', url.text];
  if (candidates.some((c) => LOCAL_URL.test(c))) return 'local';
  if (candidates.some((c) => EXTERNAL_URL.test(c.replace(/^[fFrRbBuU]*["']/, '')))) return 'external';
  return 'unknown';
}

/** The unit cost of one request to this destination (unknown hosts are priced as local: the optimistic figure). */
export function httpUnit(destination: Destination): UnitId {
  return destination === 'external' ? 'http_external' : 'http_local';
}

/** A URL that serves LLM completions or long streams: minutes-long timeouts are legitimate there. */
export function isLongRunningEndpoint(call: CallSite, url: Expr | undefined): boolean {
  const text = `${url?.text ?? ''} ${url?.value.kind === 'string' ? url.value.value : ''} ${url?.literalPrefix ?? ''}`;
  if (/completion|chat|generate|messages|embeddings|inference|predict|llm|openai|anthropic|ollama|model|upload|download|export|backup|stream/i.test(text)) return true;
  return call.args.some((a) => (a.name === 'stream' && a.expr.value.kind === 'bool' && a.expr.value.value) || a.name === 'files');
}

/** The call written again with one keyword argument added or replaced, for examples (`requests.get(url, timeout=5)`). */
export function withKeyword(file: FileModel, call: CallSite, keywordText: string, replace?: string): string {
  const snippet = callText(file, call);
  if (replace) {
    const pattern = new RegExp(`\\b${replace}\\s*=\\s*(\\([^)]*\\)|[^,)\\n]+)`);
    if (pattern.test(snippet)) return snippet.replace(pattern, keywordText);
  }
  if (/\(\s*\)$/.test(snippet)) return snippet.replace(/\(\s*\)$/, `(${keywordText})`);
  return snippet.replace(/,?\s*\)$/, `, ${keywordText})`);
}

/** The text of a call as written in the source (possibly several lines), dedented. */
export function callText(file: FileModel, call: CallSite): string {
  const lines = file.source.slice(call.span.line - 1, call.span.endLine);
  if (lines.length === 0) return call.calleeText + '(...)';
  if (lines.length === 1) return lines[0]!.slice(call.span.column - 1, call.span.endColumn - 1);
  lines[0] = lines[0]!.slice(call.span.column - 1);
  lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, call.span.endColumn - 1);
  return lines.map((l, i) => (i === 0 ? l : l.replace(/^\s+/, '    '))).join('\n');
}
