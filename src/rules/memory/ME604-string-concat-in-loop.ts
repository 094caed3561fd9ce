import type { AssignmentInfo, Expr, FileModel, LoopInfo } from '../../model/types.js';
import { contextAt, isFixedCountLoop, loopHeader, rateAt } from './helpers.js';
import { loopById, num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { assignmentsTo } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'ME604',
  name: 'string-concat-in-loop',
  dimension: 'memory',
  title: { es: 'Construcción de cadenas con += en un bucle', en: 'String building with += in a loop' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: '`s += "..."` (o `s = s + ...`) sobre una cadena o bytes dentro de un bucle: cada vuelta puede copiar todo lo acumulado.',
      en: '`s += "..."` (or `s = s + ...`) on a str or bytes inside a loop: every pass may copy everything accumulated so far.',
    },
    why: {
      es: 'Las cadenas son inmutables: n trozos pueden costar O(n²) bytes copiados (CPython solo lo evita a veces, nunca para bytes ni si la cadena tiene otra referencia). 1.000 líneas de 50 bytes son ~25 MB copiados por respuesta; con 100 agentes pidiendo, CPU y memoria temporal que un join no gastaría.',
      en: 'Strings are immutable: n pieces may cost O(n²) bytes copied (CPython avoids it only sometimes, never for bytes or when the string has another reference). 1,000 lines of 50 bytes are ~25 MB copied per response; with 100 agents asking, CPU and garbage a join would not spend.',
    },
    example: 'html = "<ul>"\nfor path in paths:\n    html += "<li>%s</li>" % os.path.basename(path)\nhtml += "</ul>"',
    useInstead: 'parts = ["<ul>"]\nfor path in paths:\n    parts.append("<li>%s</li>" % os.path.basename(path))\nparts.append("</ul>")\nhtml = "".join(parts)  # one copy, O(n)',
    tradeoff: {
      es: 'Una lista de trozos ocupa algo más de memoria mientras se construye; io.StringIO es equivalente cuando se escribe en muchos sitios.',
      en: 'A list of pieces takes a little more memory while it is built; io.StringIO is equivalent when writes come from many places.',
    },
  },
};

/** Pieces and bytes per piece assumed for a loop over data. */
const PIECES = 1_000;
const PIECE_BYTES = 50;

/** The value is text: a string/bytes/f-string literal, a concatenation or %-format of one, `.format()`, `str()`. */
function isTextExpr(expr: Expr): boolean {
  if (expr.type === 'string' || expr.type === 'concatenated_string') return true;
  if (expr.value.kind === 'string') return true;
  if (expr.literalPrefix !== undefined) return true;
  if (expr.type === 'binary_operator' && /^\s*[rbfuRBFU]*["']/.test(expr.text)) return true;
  if (expr.type === 'binary_operator' && /\+\s*[rbfuRBFU]*["']/.test(expr.text)) return true;
  if (expr.type === 'call' && /^(str|repr|chr|format)$/.test(expr.qualifiedName ?? '')) return true;
  if (expr.type === 'call' && /^[rbfuRBFU]*["'].*["']\s*\.\s*(format|join)\(/s.test(expr.text)) return true;
  return false;
}

function isBytes(expr: Expr): boolean {
  return /^\s*[rR]?[bB][rR]?["']/.test(expr.text);
}

/** How `target` was initialised in its function before the loop: `text`, `other` (a number, a list…), or unknown. */
function initialisation(file: FileModel, target: string, a: AssignmentInfo): { kind: 'text' | 'other' | 'unknown'; bytes: boolean } {
  const inits = assignmentsTo(file, target).filter((x) => x.functionId === a.functionId && !x.augmented && x.span.start < a.span.start);
  const last = inits[inits.length - 1];
  if (!last) return { kind: 'unknown', bytes: false };
  if (isTextExpr(last.value)) return { kind: 'text', bytes: isBytes(last.value) };
  return { kind: 'other', bytes: false };
}

/** Loops whose size follows the data: file lines, listings, records read from files/HTTP/JSON, unbounded loops. */
const DATA_ITERABLE = /readlines|splitlines|\blines\b|listdir|scandir|walk|glob|iterdir|json|\.json\(|reader|records|rows|entries|results|messages|items\b|\b(f|fh|fp|file|infile|stream)\b|iter_(lines|content)|\.read\(/i;
/** Hardware (GPUs, CPUs, disks, fans, sensors) or the fields of one record: a handful of items. */
const HANDFUL = /\b(gpus?|cpus?|cores?|disks?|fans?|sensors?|zones?|devices?|nics?|interfaces?|metrics|fields?|columns?|keys|attrs?|headers?)\b/i;

function loopSize(loop: LoopInfo): 'data' | 'small' | 'unknown' {
  if (loop.kind === 'while') return 'data';
  const iterable = loop.iterableText ?? '';
  const bound = /^range\(\s*(?:\d+\s*,\s*)?(\d+)\s*\)$/.exec(iterable.trim());
  if (bound && Number(bound[1]) <= 100) return 'small';
  if (DATA_ITERABLE.test(iterable)) return 'data';
  if (HANDFUL.test(`${loop.targetText ?? ''} ${iterable}`)) return 'small';
  return 'unknown';
}

export const ME604: Rule = {
  meta,
  check({ file, agents }) {
    const findings: RuleFinding[] = [];
    for (const a of file.assignments) {
      if (a.loopIds.length === 0 || !/^[A-Za-z_]\w*$/.test(a.target)) continue;
      let piece: Expr | undefined;
      if (a.augmented === '+=') piece = a.value;
      else if (!a.augmented && a.value.type === 'binary_operator' && new RegExp(`^${a.target}\\s*\\+`).test(a.value.text)) {
        piece = { ...a.value, text: a.value.text.replace(new RegExp(`^${a.target}\\s*\\+\\s*`), '') };
      }
      if (!piece) continue;
      const init = initialisation(file, a.target, a);
      if (init.kind === 'other') continue;
      if (init.kind === 'unknown' && !isTextExpr(piece)) continue;
      // Rebound in every iteration (`path = base; path += ".json"`): nothing accumulates across passes.
      if (assignmentsTo(file, a.target).some((x) => x !== a && !x.augmented && x.loopIds.includes(a.loopIds[0]!))) continue;
      const loops = a.loopIds.map((id) => loopById(file, id)).filter((l): l is LoopInfo => l !== undefined);
      if (!loops.some((l) => !isFixedCountLoop(file, l))) continue;
      // Quadratic copying matters only when the loop is data-sized; a handful of items (GPUs, fields) is free.
      const sizes = loops.filter((l) => !isFixedCountLoop(file, l)).map((l) => loopSize(l));
      if (sizes.every((size) => size === 'small')) continue;
      const dataSized = sizes.includes('data');
      const context = contextAt(file, a.functionId, a.loopIds);
      const bytes = init.bytes || isBytes(piece);
      const rate = rateAt(file, a.functionId, a.loopIds.slice(1), a.span);
      const copiedKB = (PIECES * PIECES * PIECE_BYTES) / 2 / 1024;
      const parts = a.target === 'parts' ? 'pieces' : 'parts';
      const pieceText = piece.text.length > 60 ? '...' : piece.text;
      findings.push(...report(meta, a.span, context, {
        ...(dataSized ? {} : { severity: 'minor' as const }),
        message: {
          es: `${a.target} += ... construye ${bytes ? 'bytes' : 'una cadena'} trozo a trozo dentro del bucle`,
          en: `${a.target} += ... builds ${bytes ? 'bytes' : 'a string'} piece by piece inside the loop`,
        },
        whyAtScale: {
          es: `con ${num(PIECES)} trozos de ~${PIECE_BYTES} bytes se copian hasta ~${num(copiedKB / 1024)} MB por pasada en vez de ~${num((PIECES * PIECE_BYTES) / 1024)} KB; ${num(rate.perSecond * agents)} pasadas/s con ${agents} agentes`,
          en: `with ${num(PIECES)} pieces of ~${PIECE_BYTES} bytes up to ~${num(copiedKB / 1024)} MB are copied per pass instead of ~${num((PIECES * PIECE_BYTES) / 1024)} KB; ${num(rate.perSecond * agents)} passes/s at ${agents} agents`,
        },
        proposal: {
          change: {
            es: `Acumular los trozos en una lista y unirlos una vez con ${bytes ? 'b""' : '""'}.join(...) (o io.${bytes ? 'BytesIO' : 'StringIO'}).`,
            en: `Collect the pieces in a list and join them once with ${bytes ? 'b""' : '""'}.join(...) (or io.${bytes ? 'BytesIO' : 'StringIO'}).`,
          },
          justification: {
            es: 'join calcula el tamaño final y copia cada byte una sola vez: O(n) en lugar de O(n²), sin depender de la optimización in situ de CPython.',
            en: 'join computes the final size and copies every byte once: O(n) instead of O(n²), without relying on CPython’s in-place optimisation.',
          },
          tradeoff: meta.docs.tradeoff,
          example: `${parts} = []\n${loopHeader(loopById(file, a.loopIds[0]!))}  # the same loop\n    ${parts}.append(${pieceText === '...' ? 'piece' : pieceText})\n${a.target} = ${bytes ? 'b""' : '""'}.join(${parts})  # one copy`,
        },
        cost: {
          current: [{ unit: 'python_op', count: Math.round(copiedKB) }],
          expected: [{ unit: 'python_op', count: Math.round((PIECES * PIECE_BYTES) / 1024) }],
          rate,
          assumptions: [{
            es: `${num(PIECES)} trozos de ~${PIECE_BYTES} bytes por pasada; una operación Python ≈ copiar 1 KB`,
            en: `${num(PIECES)} pieces of ~${PIECE_BYTES} bytes per pass; one Python operation ≈ copying 1 KB`,
          }],
        },
        facts: { target: a.target, bytes },
      }));
    }
    return findings;
  },
};
