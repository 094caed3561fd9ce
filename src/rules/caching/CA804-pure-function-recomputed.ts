// CA804: a pure function (no I/O, no clock, no shared state) called again and again with the same
// arguments: parsing a module constant per task, hashing an unchanged definition every round,
// computing the same value twice in one expression.
import { cycleRate } from '../../impact/rate.js';
import type { CallSite, FileModel, FunctionInfo, ProjectModel } from '../../model/types.js';
import { callText, httpKind } from '../io_blocking/http.js';
import { callSitesOf, resolveCallee } from '../../model/calls.js';
import { fmt, fmtEs, functionLines, isTestFile } from '../polling/hotpath.js';
import { isAssumedHeat, withContext } from '../../model/frequency.js';
import { assignmentsOfFunction, assignmentsTo, loopById } from '../../model/file-index.js';
import { fileOp, isSubprocess, report } from '../support.js';
import type { L10n, Rule, RuleFinding, RuleMeta } from '../types.js';
import { pathFacts } from './paths.js';

export const meta: RuleMeta = {
  id: 'CA804',
  name: 'pure-function-recomputed',
  dimension: 'caching',
  title: { es: 'Función pura recalculada con los mismos argumentos', en: 'Pure function recomputed with the same arguments' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Una función sin efectos (no lee ficheros, no mira el reloj, no toca estado compartido) se llama una y otra vez con los mismos argumentos: su resultado es siempre el mismo.',
      en: 'A function with no side effects (no file reads, no clock, no shared state) is called again and again with the same arguments: its result is always the same.',
    },
    why: {
      es: 'El trabajo se repite por tarea, petición o vuelta de bucle × 100 agentes para obtener el mismo valor; calcularlo una vez (o `functools.lru_cache`) lo reduce a cero.',
      en: 'The work is repeated per task, request or loop pass × 100 agents to get the same value; computing it once (or `functools.lru_cache`) brings it to zero.',
    },
    example: 'def process_task(path):\n    limits = parse_limits(LIMITS_SPEC)\n    ...',
    useInstead: 'LIMITS = parse_limits(LIMITS_SPEC)  # module level: parsed once\n\n# or, when the argument varies among a few values:\n@functools.lru_cache(maxsize=128)\ndef parse_limits(spec):\n    ...',
    tradeoff: {
      es: '`lru_cache` guarda resultados en memoria y exige argumentos hashables; si el resultado es mutable, quien lo modifique altera la copia compartida (devuelva tuplas o copie).',
      en: '`lru_cache` keeps results in memory and needs hashable arguments; if the result is mutable, whoever changes it alters the shared copy (return tuples or copy).',
    },
  },
};

// ---------- purity

const PURE_CALLEES = /^(len|int|float|str|bytes|bool|round|abs|min|max|sum|any|all|sorted|reversed|enumerate|zip|range|map|filter|isinstance|list|dict|set|tuple|frozenset|ord|chr|hex|divmod|pow|repr|format|hash)$|^(re|json|hashlib|math|base64|binascii|struct|zlib|itertools|functools|operator|string|unicodedata|textwrap|fnmatch|difflib|hmac|statistics|bisect|heapq|ast|shlex|ipaddress)\.\w+/;
const PURE_METHODS = /^(split|rsplit|splitlines|strip|lstrip|rstrip|partition|rpartition|lower|upper|title|casefold|replace|join|startswith|endswith|encode|decode|format|items|keys|values|get|count|index|find|rfind|hexdigest|digest|copy|group|groups|groupdict|match|search|findall|finditer|sub|subn|fullmatch|isdigit|isalpha|isalnum|isspace|zfill|ljust|rjust|center|translate)$/;
const LOCAL_MUTATORS = /^(append|extend|add|update|setdefault|insert|sort|pop|remove|discard|clear)$/;

const pureCache = new WeakMap<ProjectModel, Map<string, boolean>>();

/** A project function that only computes: every call it makes is pure, it returns a value, no globals. */
export function isPure(project: ProjectModel, fnId: string, depth = 0): boolean {
  let cache = pureCache.get(project);
  if (!cache) pureCache.set(project, (cache = new Map()));
  const known = cache.get(fnId);
  if (known !== undefined) return known;
  if (depth > 4) return false;
  cache.set(fnId, true); // recursion: assume pure while we look
  const owner = project.functionsById.get(fnId);
  // A method or a coroutine is never pure, whatever its body: told before the body is read (most functions are methods).
  const pure = !!owner && !(owner.fn.params[0] === 'self' || owner.fn.params[0] === 'cls' || owner.fn.isAsync) && pureBody(project, owner.file, owner.fn, depth);
  cache.set(fnId, pure);
  return pure;
}

/** The body of a plain function only computes (see `isPure`); callees are asked at `depth + 1`. */
function pureBody(project: ProjectModel, file: FileModel, fn: FunctionInfo, depth: number): boolean {
  const text = functionLines(file, fn).join('\n');
  if (/\b(global|nonlocal|yield)\b/.test(text) || !/\breturn\s+\S/.test(text)) return false;
  // `for line in p.stdout`: reading a stream or a file object is I/O even without a call.
  if (file.loops.some((l) => l.functionId === fn.id && /(^|\.)(stdout|stderr|stdin|fh|fp|f|file|sock|conn|resp|response|stream|rfile)$/.test(l.iterableText ?? ''))) return false;
  const assignments = assignmentsOfFunction(file, fn.id);
  const locals = new Set([...fn.params, ...assignments.map((a) => a.target)]);
  // Writing an attribute or an item of anything but a fresh local is a side effect (`_log.threshold = level`).
  const created = new Set(assignments.filter((a) => /^\w+$/.test(a.target)).map((a) => a.target));
  for (const a of assignments) {
    if (/^\w+$/.test(a.target) || a.target.includes(',')) continue;
    const root = /^(\w+)/.exec(a.target)?.[1] ?? '';
    if (!created.has(root) || fn.params.includes(root)) return false;
  }
  for (const id of fn.callIds) {
    const call = file.calls[id]!;
    if (fileOp(call) || httpKind(call, file) || isSubprocess(call)) return false;
    if (/^(time|random|uuid|datetime|os|sys|socket|threading|subprocess|logging|shutil|tempfile|secrets)\./.test(call.callee) || /^(print|input|open)$/.test(call.callee)) return false;
    const target = resolveCallee(project, file, call);
    if (target) {
      if (!isPure(project, target, depth + 1)) return false;
      continue;
    }
    if (PURE_CALLEES.test(call.callee)) continue;
    if (call.method && PURE_METHODS.test(call.method)) continue;
    if (call.method && LOCAL_MUTATORS.test(call.method) && call.receiver && locals.has(call.receiver) && !fn.params.includes(call.receiver)) continue;
    return false;
  }
  return true;
}

// ---------- same arguments

function loopVariables(file: FileModel, loopIds: number[]): Set<string> {
  const names = new Set<string>();
  for (const id of loopIds) {
    const loop = loopById(file, id);
    for (const target of (loop?.targetText ?? '').match(/[A-Za-z_]\w*/g) ?? []) names.add(target);
    for (const a of file.assignments) if (a.loopIds.includes(id)) for (const t of a.target.match(/(?<![.\w])[A-Za-z_]\w*/g) ?? []) names.add(t);
    // `with open(p) as f:` inside the loop binds f anew on each pass.
    if (loop) for (const w of file.withs) if (w.span.line > loop.span.line && w.span.endLine <= loop.span.endLine) for (const item of w.items) if (item.alias) names.add(item.alias);
    if (loop?.kind === 'comprehension') {
      const text = file.source.slice(loop.span.line - 1, loop.span.endLine).join('\n');
      for (const match of text.matchAll(/\bfor\s+([\w\s,()]+?)\s+in\b/g)) for (const t of match[1]!.match(/[A-Za-z_]\w*/g) ?? []) names.add(t);
    }
  }
  return names;
}

function identifiersOf(text: string): string[] {
  return text.replace(/(["'])(?:\\.|(?!\1).)*\1/g, ' ').match(/(?<![.\w])[A-Za-z_]\w*/g) ?? [];
}

function isConstantArg(file: FileModel, text: string): boolean {
  const ids = identifiersOf(text);
  return ids.every((id) => (/^[A-Z][A-Z0-9_]*$/.test(id) && (file.constants.has(id) || file.imports.has(id))) || ['True', 'False', 'None'].includes(id));
}

/** Every caller of `fnId` passes the same value for parameter `param` on each pass of its loop. */
function invariantParameter(project: ProjectModel, fnId: string, param: string): { invariant: boolean; inLoop: boolean } {
  const owner = project.functionsById.get(fnId);
  const index = owner?.fn.params.indexOf(param) ?? -1;
  if (!owner || index < 0) return { invariant: false, inLoop: false };
  let sites = 0;
  let inLoop = false;
  const offset = owner.fn.params[0] === 'self' || owner.fn.params[0] === 'cls' ? 1 : 0;
  for (const { file, call } of callSitesOf(project, fnId)) {
    {
      sites++;
      const arg = call.args.find((a) => a.name === param) ?? call.args.filter((a) => !a.name)[index - offset];
      if (!arg) return { invariant: false, inLoop };
      if (call.loopIds.length === 0) return { invariant: false, inLoop };
      const varying = loopVariables(file, call.loopIds);
      if (identifiersOf(arg.expr.text).some((id) => varying.has(id))) return { invariant: false, inLoop };
      inLoop = true;
    }
  }
  return { invariant: sites > 0, inLoop };
}

/** A local read from a constant, static file in the same function (`persona = fh.read()` of PERSONA_FILE). */
function fromStaticFile(project: ProjectModel, file: FileModel, call: CallSite, name: string): boolean {
  const assignment = assignmentsTo(file, name).find((a) => a.functionId === call.functionId && a.span.line < call.span.line);
  if (!assignment || !/\.read(_text)?\(\)|json\.load\(/.test(assignment.value.text)) return false;
  const opened = file.withs.find((w) => w.functionId === call.functionId && w.span.line <= assignment.span.line && assignment.span.line <= w.span.endLine);
  const openCall = opened?.items[0]?.callId !== undefined ? file.calls[opened.items[0].callId] : undefined;
  const pathExpr = openCall?.args[0]?.expr;
  if (!pathExpr) return false;
  const facts = pathFacts(project, file, openCall, pathExpr);
  return facts.constant && !facts.dynamic;
}

/** Worth caching: the function loops, or parses, hashes, compresses or matches patterns. */
function isExpensive(project: ProjectModel, fnId: string): boolean {
  const owner = project.functionsById.get(fnId);
  if (!owner) return false;
  if (owner.file.loops.some((l) => l.functionId === fnId)) return true;
  return owner.fn.callIds.some((id) => /^(re|json|hashlib|zlib|hmac|ast|yaml|pickle|base64)\.|^sorted$/.test(owner.file.calls[id]!.callee) || /^(findall|finditer|sub|hexdigest)$/.test(owner.file.calls[id]!.method ?? ''));
}

type Reason = 'constant-args' | 'loop-invariant' | 'invariant-parameter' | 'duplicate' | 'rescanned' | 'static-input';

function reasonFor(project: ProjectModel, file: FileModel, call: CallSite, target: string | undefined): Reason | undefined {
  // `if X is None: X = f(...)`: already computed once and kept.
  if (call.assignedTo && file.source.slice(Math.max(0, call.span.line - 3), call.span.line - 1).some((l) => new RegExp(`\\bif\\s+(not\\s+${escapeRe(call.assignedTo!)}\\b|${escapeRe(call.assignedTo!)}\\s+is\\s+None)`).test(l))) return undefined;
  const args = call.args.filter((a) => !a.expr.text.startsWith('*'));
  if (args.length === 0 || args.length !== call.args.length) return undefined;
  const hasCalls = args.some((a) => /\w\s*\(/.test(a.expr.text.replace(/(['"])(?:\\.|(?!\1).)*\1/g, '')));
  // Twice the same call in one statement: `[json.loads(l) for l in lines if json.loads(l)["chat"] == c]`.
  const text = callText(file, call);
  const twin = file.calls.find((c) => c.id < call.id && c.callee === call.callee && c.span.line >= call.span.line - 2 && c.span.line <= call.span.line && callText(file, c) === text);
  if (twin) return 'duplicate';
  if (!target) return undefined;
  // sum(count(h) for h in history) in a `while` condition: every element re-computed on every pass.
  const innerWhile = call.loopIds.map((id) => loopById(file, id)).find((l) => l?.kind === 'while');
  if (call.loopIds.length >= 2 && innerWhile && loopById(file, call.loopIds[0])?.kind === 'comprehension' && innerWhile.conditionText?.includes(text)) return 'rescanned';
  if (hasCalls) return undefined; // `parse(fh.read())`: the argument is produced anew each time
  if (args.every((a) => isConstantArg(file, a.expr.text))) return 'constant-args';
  if (call.loopIds.length > 0 && loopById(file, call.loopIds[0])?.kind !== 'comprehension') {
    const varying = loopVariables(file, call.loopIds);
    if (args.every((a) => identifiersOf(a.expr.text).every((id) => !varying.has(id)))) return 'loop-invariant';
  }
  const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
  if (fn && args.every((a) => /^\w+$/.test(a.expr.text))) {
    if (args.every((a) => fromStaticFile(project, file, call, a.expr.text))) return 'static-input';
    if (args.every((a) => fn.params.includes(a.expr.text)) && args.every((a) => {
      const result = invariantParameter(project, fn.id, a.expr.text);
      return result.invariant && result.inLoop;
    })) return 'invariant-parameter';
  }
  return undefined;
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const WHY: Record<Reason, L10n> = {
  'constant-args': { es: 'sus argumentos son constantes del módulo', en: 'its arguments are module constants' },
  'loop-invariant': { es: 'sus argumentos no cambian dentro del bucle', en: 'its arguments do not change inside the loop' },
  'invariant-parameter': { es: 'quien la llama le pasa el mismo valor en cada vuelta', en: 'its caller passes the same value on every pass' },
  duplicate: { es: 'la misma llamada aparece dos veces en la misma expresión', en: 'the same call appears twice in one expression' },
  rescanned: { es: 'cada vuelta del `while` lo vuelve a calcular para todos los elementos', en: 'every pass of the `while` computes it again for every element' },
  'static-input': { es: 'su entrada sale de un fichero estático que no cambia', en: 'its input comes from a static file that does not change' },
};

export const CA804: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      if (site.args.length === 0) continue;
      const target = resolveCallee(project, file, site);
      if (!target && !/^(json\.loads|ast\.literal_eval|yaml\.safe_load)$/.test(site.callee)) continue;
      if (target && !(isPure(project, target) && isExpensive(project, target))) continue;
      const reason = reasonFor(project, file, site, target);
      if (!reason) continue;
      const call = withContext(project, site, file);
      if (call.context === 'startup' && reason !== 'duplicate') continue;
      if (isAssumedHeat(call) && reason !== 'duplicate' && reason !== 'rescanned') continue;
      const severity = meta.severity[call.context] ?? 'minor';
      const rate = cycleRate(call, file);
      const written = callText(file, call).replace(/\s+/g, ' ');
      const fnName = call.calleeText.split('.').pop()!;
      const cacheName = (fnName.replace(/^(parse|compute|calc|get|make|build|count)_?/, '') || 'value').toUpperCase();
      const example = reason === 'constant-args'
        ? `${cacheName} = ${written}  # module level: computed once\n\n# where it was called: use ${cacheName}`
        : reason === 'duplicate'
          ? `parsed = [...]  # [${written} for each element]: computed once per element, then filter the parsed values`
          : reason === 'rescanned'
            ? `costs = [...]  # [${written} for each element]: once per element\ntotal = sum(costs)\nwhile ... and total > budget:\n    total -= costs.pop(0)  # update the running total instead of re-computing every element`
            : `import functools\n\n# after its def: the same body, results reused while the arguments repeat (arguments must be hashable)\n${fnName} = functools.lru_cache(maxsize=128)(${fnName})\n\n# or hoist: value = ${written}  computed once, before the loop`;
      findings.push(...report(meta, call.span, call.context, {
        severity: call.context === 'startup' ? 'minor' : severity,
        message: {
          es: `\`${written}\` se recalcula en cada ${call.loopIds.length ? 'vuelta' : call.context === 'handler' ? 'petición' : call.context === 'poll_loop' ? 'sondeo' : 'tarea'} con el mismo resultado: ${WHY[reason].es}`,
          en: `\`${written}\` is recomputed on every ${call.loopIds.length ? 'pass' : call.context === 'handler' ? 'request' : call.context === 'poll_loop' ? 'poll' : 'task'} with the same result: ${WHY[reason].en}`,
        },
        whyAtScale: {
          es: `${fmtEs(rate.perSecond * agents)} cálculos/s entre ${agents} agentes que dan siempre el mismo resultado; con caché, prácticamente cero`,
          en: `${fmt(rate.perSecond * agents)} computations/s across ${agents} agents that always give the same result; cached, practically zero`,
        },
        proposal: {
          change: {
            es: reason === 'constant-args' ? `Calcular \`${written}\` una vez a nivel de módulo.` : reason === 'duplicate' ? 'Calcular el valor una vez por elemento y reutilizarlo.' : reason === 'rescanned' ? 'Calcular cada elemento una vez y mantener un total acumulado.' : `Calcularlo una vez fuera del bucle, o decorar \`${fnName}\` con \`functools.lru_cache\`.`,
            en: reason === 'constant-args' ? `Compute \`${written}\` once at module level.` : reason === 'duplicate' ? 'Compute the value once per element and reuse it.' : reason === 'rescanned' ? 'Compute each element once and keep a running total.' : `Compute it once outside the loop, or decorate \`${fnName}\` with \`functools.lru_cache\`.`,
          },
          justification: {
            es: 'Misma entrada, misma salida: memorizar es seguro y solo stdlib (`functools.lru_cache`).',
            en: 'Same input, same output: memoising is safe and stdlib only (`functools.lru_cache`).',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: { current: [{ unit: 'python_op', count: 200 }], expected: [{ unit: 'python_op', count: 1 }], rate },
        facts: { call: written, reason },
      }));
    }
    return findings;
  },
};
