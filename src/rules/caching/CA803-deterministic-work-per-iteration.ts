// CA803: work whose result cannot change redone on every iteration or request: compiling the same
// regular expression, resolving the same host name, parsing the same constant.
import { cycleRate } from '../../impact/rate.js';
import type { UnitId } from '../../impact/types.js';
import type { CallSite, FileModel, ProjectModel } from '../../model/types.js';
import { httpKind, httpVerb, urlArg } from '../io_blocking/http.js';
import { blockingInFunction } from '../memory/helpers.js';
import { calleeFunction } from '../../model/calls.js';
import { callText } from '../io_blocking/http.js';
import { fmt, fmtEs, isTestFile } from '../polling/hotpath.js';
import { isAssumedHeat, withContext } from '../../model/frequency.js';
import { report } from '../support.js';
import type { L10n, Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { callsInLoop, loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'CA803',
  name: 'deterministic-work-per-iteration',
  dimension: 'caching',
  title: { es: 'Trabajo determinista repetido en cada iteración', en: 'Deterministic work redone every iteration' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Dentro de un bucle o de un manejador se repite un trabajo cuyo resultado es siempre el mismo: `re.compile` del mismo patrón, la resolución DNS del mismo host, el parseo de la misma constante.',
      en: 'Inside a loop or a handler, work whose result is always the same is repeated: `re.compile` of the same pattern, a DNS lookup of the same host, parsing the same constant.',
    },
    why: {
      es: 'Con 100 agentes el coste se multiplica por líneas, elementos y peticiones: la caché interna de `re` tiene 512 entradas y se vacía entera al llenarse, y una resolución DNS cuesta de 1 a 50 ms cada vez.',
      en: 'With 100 agents the cost multiplies by lines, items and requests: `re`’s internal cache holds 512 entries and is cleared whole when full, and a DNS lookup costs 1 to 50 ms each time.',
    },
    example: 'for line in lines:\n    if re.compile(r"\\b(ERROR|CRITICAL)\\b").search(line):\n        found.append(line)',
    useInstead: 'ERROR_RE = re.compile(r"\\b(ERROR|CRITICAL)\\b")  # module level, compiled once\n\nfor line in lines:\n    if ERROR_RE.search(line):\n        found.append(line)',
    tradeoff: {
      es: 'Mover el trabajo fuera del bucle lo fija: si el patrón o el host pueden cambiar en caliente, recalcúlelo al recargar la configuración, no en cada vuelta.',
      en: 'Hoisting the work freezes it: if the pattern or host may change at runtime, recompute it when the configuration reloads, not on every pass.',
    },
  },
};

type Work = { kind: 'regex' | 'dns' | 'parse' | 'fetch'; unit: UnitId; label: string; argument: string };

const DNS = /^socket\.(getfqdn|gethostbyname|gethostbyname_ex|gethostbyaddr|getaddrinfo)$/;
const PARSERS = /^(json\.loads|ast\.literal_eval|yaml\.safe_load|tomllib\.loads|shlex\.split|ipaddress\.ip_(network|address)|datetime\.datetime\.strptime|time\.strptime|string\.Template|struct\.Struct)$/;

/** Names a loop rebinds on each pass: its targets and what its body assigns. */
function loopVariables(file: FileModel, call: CallSite): Set<string> {
  const names = new Set<string>();
  for (const id of call.loopIds) {
    const loop = loopById(file, id);
    for (const target of (loop?.targetText ?? '').match(/[A-Za-z_]\w*/g) ?? []) names.add(target);
    // Comprehensions carry their targets in their own text: `[f(w) for w in words]`.
    if (loop?.kind === 'comprehension') {
      const text = file.source.slice(loop.span.line - 1, loop.span.endLine).join('\n');
      for (const match of text.matchAll(/\bfor\s+([\w\s,()]+?)\s+in\b/g)) for (const t of match[1]!.match(/[A-Za-z_]\w*/g) ?? []) names.add(t);
    }
    for (const a of file.assignments) if (a.loopIds.includes(id)) for (const t of a.target.match(/(?<![.\w])[A-Za-z_]\w*/g) ?? []) names.add(t);
    if (loop) for (const w of file.withs) if (w.span.line > loop.span.line && w.span.endLine <= loop.span.endLine) for (const item of w.items) if (item.alias) names.add(item.alias);
  }
  return names;
}

/** The argument is the same on every iteration: literals, module constants, or names the loop never rebinds. */
function invariant(file: FileModel, call: CallSite, text: string): boolean {
  const stripped = text.replace(/(?<![\w])[rbuRBU]{0,2}(["'])(?:\\.|(?!\1).)*\1/g, ' ');
  // Only string literals (possibly implicitly concatenated): the same pattern every time. f-strings are not.
  if (/^[\s+()]*$/.test(stripped) && !/(^|[^\w])[rR]?[fF][rR]?["']/.test(text)) return true;
  const identifiers = stripped.replace(/(["'])(?:\\.|(?!\1).)*\1/g, ' ').match(/(?<![.\w])[A-Za-z_]\w*/g) ?? [];
  if (identifiers.length === 0) return true;
  if (call.loopIds.length === 0) {
    // Straight-line code of a hot function: only module-level constants are the same on every call.
    return identifiers.every((id) => file.constants.has(id) || /^[A-Z][A-Z0-9_]*$/.test(id) || ['re', 'str', 'os'].includes(id));
  }
  const varying = loopVariables(file, call);
  return identifiers.every((id) => !varying.has(id));
}

function workOf(file: FileModel, call: CallSite): Work | undefined {
  if (call.callee !== 're.compile' && !DNS.test(call.callee) && !PARSERS.test(call.callee)) return undefined;
  // `if host_ip is None: host_ip = socket.gethostbyname(host)`: computed once and kept.
  if (call.assignedTo && /^[\w.]+$/.test(call.assignedTo)) {
    const name = call.assignedTo.replace(/\./g, '\\.');
    const guard = new RegExp(`\\bif\\s+(not\\s+${name}\\b|${name}\\s+is\\s+None)`); // built once per call, not per line
    if (file.source.slice(Math.max(0, call.span.line - 4), call.span.line - 1).some((l) => guard.test(l))) return undefined;
  }
  if (call.callee === 're.compile') {
    const pattern = call.args[0]?.expr.text;
    // `isinstance(p, type(re.compile('')))`: naming the pattern type, not compiling one to use.
    if (/type\(\s*re\.compile\(/.test(file.source[call.span.line - 1] ?? '')) return undefined;
    if (!pattern || !invariant(file, call, pattern)) return undefined;
    return { kind: 'regex', unit: 'regex_compile', label: `re.compile(${pattern})`, argument: pattern };
  }
  if (DNS.test(call.callee)) {
    const host = call.args[0]?.expr.text ?? '';
    if (host && !invariant(file, call, host)) return undefined;
    return { kind: 'dns', unit: 'dns_lookup', label: `${call.calleeText}(${host})`, argument: host };
  }
  if (PARSERS.test(call.callee)) {
    const arg = call.args[0]?.expr;
    if (!arg) return undefined;
    const constant = arg.value.kind === 'string' || (/^[A-Z][A-Z0-9_]*$/.test(arg.text) && file.constants.has(arg.text));
    if (!constant) return undefined;
    return { kind: 'parse', unit: 'json_1kb', label: `${call.calleeText}(${arg.text})`, argument: arg.text };
  }
  return undefined;
}

const WRITE_VERB = /["'](POST|PUT|PATCH|DELETE)["']/i;

/**
 * A read over the network (`session.get(API + "/records")`, or a project helper that sends an HTTP request
 * with "GET") inside a `for` loop, whose arguments use nothing the innermost loop binds: the same answer is
 * fetched once per item, it can be fetched once before the loop.
 */
function fetchWork(project: ProjectModel, file: FileModel, call: CallSite): Work | undefined {
  const loop = loopById(file, call.loopIds[0]);
  if (!loop || loop.kind !== 'for' || loop.poll) return undefined;
  if (/^range\(/.test(loop.iterableText ?? '')) return undefined; // attempts or pages
  // Only a result that is kept: `records = s.get(...).json()`.
  if (!/^\s*[\w.]+\s*=\s*/.test(file.source[call.span.line - 1] ?? '')) return undefined;
  const text = call.args.map((a) => a.expr.text).join(', ');
  if (WRITE_VERB.test(text)) return undefined;
  const kind = httpKind(call, file);
  let label: string | undefined;
  if (kind) {
    if (httpVerb(call, kind) !== 'GET') return undefined;
    label = `${call.calleeText}(${urlArg(call, kind)?.text ?? '…'})`;
  } else {
    const callee = calleeFunction(project, file, call);
    if (!callee || !/["']GET["']/.test(text)) return undefined;
    if (!blockingInFunction(project, callee, 2).some((b) => b.op.unit.startsWith('http'))) return undefined;
    label = `${call.calleeText}(${call.args[0]?.expr.text.replace(/\s+/g, ' ') ?? '…'})`;
  }
  // Same request every time: nothing the innermost loop binds, and no pacing sleep (a poll for a state change).
  const varying = loopVariables(file, { ...call, loopIds: [loop.id] });
  const identifiers = text.replace(/(["'])(?:\\.|(?!\1).)*\1/g, ' ').match(/(?<![.\w])[A-Za-z_]\w*/g) ?? [];
  if (identifiers.some((id) => varying.has(id))) return undefined;
  if (callsInLoop(file, loop.id).some((c) => /sleep$|\.wait$/.test(c.callee))) return undefined;
  return { kind: 'fetch', unit: 'http_external', label, argument: text };
}

function constName(work: Work): string {
  if (work.kind === 'dns') return 'HOSTNAME';
  const hint = (work.argument.match(/[A-Za-z]{3,}/g) ?? []).find((w) => !/^(rb?|fr?|re|str|cfg|config|get|pattern)$/i.test(w));
  return `${(hint ?? 'PATTERN').toUpperCase()}_${work.kind === 'regex' ? 'RE' : 'PARSED'}`;
}

export const CA803: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      const work = workOf(file, site) ?? (site.loopIds.length > 0 ? fetchWork(project, file, site) : undefined);
      if (!work) continue;
      const call = withContext(project, site, file);
      if (call.context === 'startup') continue;
      if (isAssumedHeat(call)) continue;
      let severity: Severity | null = meta.severity[call.context];
      if (!severity) continue;
      if (work.kind === 'dns' && severity !== 'critical') severity = severity === 'minor' ? 'important' : 'critical';
      const rate = cycleRate(call, file);
      const perSecond = rate.perSecond * agents;
      const name = constName(work);
      const inLoop = call.loopIds.length > 0;
      const where: L10n = inLoop ? { es: 'en cada iteración', en: 'on every iteration' } : call.context === 'handler' ? { es: 'en cada petición', en: 'on every request' } : { es: 'en cada llamada', en: 'on every call' };
      const what: L10n = work.kind === 'fetch' ? { es: 'pide por red la misma respuesta, que no depende del elemento,', en: 'fetches over the network the same response, which does not depend on the item,' }
        : work.kind === 'regex' ? { es: 'compila el mismo patrón', en: 'compiles the same pattern' }
        : work.kind === 'dns' ? { es: 'resuelve el mismo nombre por DNS', en: 'resolves the same name through DNS' } : { es: 'parsea la misma constante', en: 'parses the same constant' };
      const used = callText(file, call).replace(/\s+/g, ' ');
      const loopHeader = work.kind === 'fetch' ? loopById(file, site.loopIds[0]) : undefined;
      const fetchVar = site.assignedTo ?? /^\s*([\w.]+)\s*=/.exec(file.source[site.span.line - 1] ?? '')?.[1] ?? 'result';
      const example = work.kind === 'fetch'
        ? `${fetchVar} = ${used}  # once, before the loop\nfor ${loopHeader?.targetText ?? 'item'} in ${loopHeader?.iterableText ?? 'items'}:\n    ...  # use ${fetchVar}; refresh it only after a write that changes it`
        : work.kind === 'regex'
        ? `${name} = re.compile(${work.argument})  # ${inLoop && !/^[rbu]*["']/i.test(work.argument) ? 'before the loop' : 'module level'}: compiled once\n\n# in the loop / handler: ${name}.search(…), ${name}.sub(…) where it called ${used}.…`
        : work.kind === 'dns'
          ? `${name} = ${used}  # once, at start-up (or functools.lru_cache on a helper)\n\n# then use ${name} where the loop called ${used}`
          : `${name} = ${used}  # module level, parsed once\n\n# in the loop / handler: use ${name}`;
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `\`${work.label}\` ${what.es} ${where.es}`,
          en: `\`${work.label}\` ${what.en} ${where.en}`,
        },
        whyAtScale: {
          es: `${fmtEs(perSecond)} veces/s entre ${agents} agentes para obtener siempre el mismo resultado${work.kind === 'dns' ? ' (1–50 ms cada una, y una caída del DNS para el bucle)' : ''}`,
          en: `${fmt(perSecond)} times/s across ${agents} agents to get the same result every time${work.kind === 'dns' ? ' (1–50 ms each, and a DNS outage stalls the loop)' : ''}`,
        },
        proposal: {
          change: {
            es: work.kind === 'fetch' ? `Hacer la petición una vez antes del bucle y reutilizar \`${fetchVar}\` en cada iteración.` : `Calcularlo una vez (${work.kind === 'regex' ? 'compilar a nivel de módulo o antes del bucle' : 'al arrancar o con `functools.lru_cache`'}) y reutilizar \`${name}\`.`,
            en: work.kind === 'fetch' ? `Make the request once before the loop and reuse \`${fetchVar}\` on every iteration.` : `Compute it once (${work.kind === 'regex' ? 'compile at module level or before the loop' : 'at start-up or with `functools.lru_cache`'}) and reuse \`${name}\`.`,
          },
          justification: {
            es: 'El resultado no depende de la iteración: hacerlo una vez elimina el coste sin cambiar el comportamiento.',
            en: 'The result does not depend on the iteration: doing it once removes the cost without changing behaviour.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: { current: [{ unit: work.unit, count: 1 }], expected: [{ unit: 'python_op', count: 1 }], rate },
        facts: { work: work.kind, argument: work.argument },
      }));
    }
    return findings;
  },
};
