import { cycleRate } from '../../impact/rate.js';
import type { CallSite, FileModel } from '../../model/types.js';
import { contains, functionCode, nameOfPath } from './helpers.js';
import { bigFileHint, fileGrowth, milderIf, oneOff, wholeReadsIn, type Growth } from './reads.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { callsOfFunction } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'ME601',
  name: 'unbounded-read-growing-file',
  dimension: 'memory',
  title: { es: 'Lectura completa de un fichero que crece', en: 'Whole read of a file that grows' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: 'minor' },
  docs: {
    what: {
      es: '`f.read()`, `f.readlines()` o `Path.read_text()` de un fichero que solo crece (un log, un historial, un .jsonl, un fichero al que se añade): carga el fichero entero en memoria.',
      en: '`f.read()`, `f.readlines()` or `Path.read_text()` of a file that only grows (a log, a history, a .jsonl, a file something appends to): loads the whole file into memory.',
    },
    why: {
      es: 'El coste crece con la antigüedad del sistema, no con el trabajo: un log de 50 MB leído entero por petición son ~100 MB de memoria por lectura (texto + líneas) y decenas de ms de CPU; con 100 agentes, GB de memoria en picos.',
      en: 'The cost grows with the age of the system, not with the work: a 50 MB log read whole per request is ~100 MB of memory per read (text + lines) and tens of ms of CPU; at 100 agents, GBs of memory at peaks.',
    },
    example: 'def tail_log(count=100):\n    with open(LOG_PATH) as fh:\n        text = fh.read()\n    return text.splitlines()[-count:]',
    useInstead: 'def tail_log(count=100):\n    with open(LOG_PATH, "rb") as fh:\n        fh.seek(0, os.SEEK_END)\n        fh.seek(max(0, fh.tell() - 64 * 1024))  # only the last 64 KB\n        lines = fh.read().decode("utf-8", "replace").splitlines()\n    return lines[-count:]',
    tradeoff: {
      es: 'Leer desde el final asume que las últimas líneas caben en el bloque (64 KB); recorrer línea a línea sigue costando tiempo O(tamaño) aunque no memoria. La solución de fondo es rotar el fichero (logging.handlers.RotatingFileHandler o un fichero por día).',
      en: 'Reading from the end assumes the last lines fit in the block (64 KB); iterating line by line still costs O(size) time, though not memory. The root fix is rotating the file (logging.handlers.RotatingFileHandler or one file per day).',
    },
  },
};

/** Size a never-rotated growing file reaches (assumed), and the memory a whole read takes (text + split lines). */
const FILE_MB = 50;
const READ_MEMORY_MB = FILE_MB * 2;
/** Reading ~50 MB from the page cache and decoding it ≈ the time of this many small-file reads. */
const READ_UNITS = 120;

/** `content[offset:]` after a whole read: the code tails a file that is appended to. */
function tailedFrom(file: FileModel, call: CallSite, variable: string | undefined): Growth | undefined {
  if (!variable) return undefined;
  const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
  const code = functionCode(file, call.functionId);
  const match = new RegExp(`\\b${variable}\\[\\s*([A-Za-z_]\\w*)\\s*:\\s*\\]`).exec(code);
  if (!match) return undefined;
  const index = match[1]!;
  if (!(fn?.params.includes(index) || /offset|pos|position|start|last|seen|cursor|since|mark/i.test(index))) return undefined;
  return {
    reason: { es: `se lee entero para quedarse con lo que sigue a ${index}: se sigue (tail) un fichero al que se añade`, en: `it is read whole to keep what follows ${index}: a file that is appended to, being tailed` },
    appendedAndRewritten: false,
  };
}

export const ME601: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    for (const read of wholeReadsIn(project, file)) {
      const call = read.call;
      // json.loads(f.read()) is ME602's: the parsed objects are the bigger cost.
      if (file.calls.some((c) => (c.callee === 'json.loads' || c.callee === 'json.load') && c !== call && contains(c.span, call.span))) continue;
      const variable0 = call.assignedTo && /^\w+$/.test(call.assignedTo) ? call.assignedTo : undefined;
      const hashed = file.calls.some((c) => /^hashlib\./.test(c.callee) && c !== call && contains(c.span, call.span)) ||
        (variable0 !== undefined && callsOfFunction(file, call.functionId).some((c) => (/^hashlib\./.test(c.callee) || (c.method === 'update' && /hashlib/.test(c.receiverType ?? ''))) && c.args.some((a) => a.expr.text === variable0)));
      const bigWord = hashed ? bigFileHint(project, file, call.functionId, read.path) : undefined;
      const growth = fileGrowth(project, file, read.path, undefined, call.functionId) ?? tailedFrom(file, call, variable0) ??
        (bigWord ? { reason: { es: `se lee entero para calcular su hash y es un fichero grande ("${bigWord}")`, en: `it is read whole only to hash it, and it is a big file ("${bigWord}")` }, appendedAndRewritten: false } : undefined);
      if (!growth) continue;
      const base = meta.severity[call.context];
      if (!base) continue;
      const severity = milderIf(oneOff(file, call, call.context), base);
      const pathText = read.path?.text ?? 'path';
      const pathName = nameOfPath(read.path);
      const fnText = functionCode(file, call.functionId);
      const wantsTail = /\[\s*-\s*[\w.]+\s*:\s*\]/.test(fnText) || /tail|last/i.test(file.functions.get(call.functionId ?? '')?.name ?? '');
      const rate = cycleRate(call, file);
      const variable = call.assignedTo && /^\w+$/.test(call.assignedTo) ? call.assignedTo : 'lines';
      const example = bigWord
        ? `digest = hashlib.sha256()\nwith open(${pathText}, "rb") as fh:\n    for block in iter(lambda: fh.read(1 << 20), b""):  # 1 MiB at a time\n        digest.update(block)\n# Python 3.11+: hashlib.file_digest(fh, "sha256")`
        : wantsTail
        ? `with open(${pathText}, "rb") as fh:\n    fh.seek(0, os.SEEK_END)\n    fh.seek(max(0, fh.tell() - 64 * 1024))  # only the last 64 KB, whatever the file size\n    ${variable} = fh.read().decode("utf-8", "replace")\n# rotate ${pathName} too: logging.handlers.RotatingFileHandler(${pathText}, maxBytes=10_000_000, backupCount=5)`
        : `with open(${pathText}, encoding="utf-8") as fh:\n    for line in fh:  # streams: one line in memory at a time\n        ...\n# rotate ${pathName} too: logging.handlers.RotatingFileHandler(${pathText}, maxBytes=10_000_000, backupCount=5)`;
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `.${read.kind}() carga entero ${pathText}, que solo crece (${growth.reason.es})`,
          en: `.${read.kind}() loads all of ${pathText}, which only grows (${growth.reason.en})`,
        },
        whyAtScale: {
          es: `a ~${FILE_MB} MB (sin rotación) cada lectura ocupa ~${READ_MEMORY_MB} MB; ${num(rate.perSecond * agents)} lecturas/s con ${agents} agentes mueven ~${num(rate.perSecond * agents * FILE_MB)} MB/s y picos de ~${num(Math.min(agents, Math.max(1, rate.perSecond * agents)) * READ_MEMORY_MB / 1024)} GB de memoria`,
          en: `at ~${FILE_MB} MB (never rotated) each read takes ~${READ_MEMORY_MB} MB; ${num(rate.perSecond * agents)} reads/s at ${agents} agents move ~${num(rate.perSecond * agents * FILE_MB)} MB/s with peaks of ~${num(Math.min(agents, Math.max(1, rate.perSecond * agents)) * READ_MEMORY_MB / 1024)} GB of memory`,
        },
        proposal: {
          change: bigWord
            ? { es: `Calcular el hash por bloques de 1 MiB (digest.update) en lugar de leer ${pathName} entero.`, en: `Hash ${pathName} in 1 MiB blocks (digest.update) instead of reading it whole.` }
            : wantsTail
            ? { es: `Leer solo el final de ${pathName} (seek al final menos 64 KB) y rotar el fichero.`, en: `Read only the end of ${pathName} (seek to the end minus 64 KB) and rotate the file.` }
            : { es: `Recorrer ${pathName} línea a línea (for line in fh) en vez de cargarlo entero, y rotar el fichero.`, en: `Iterate ${pathName} line by line (for line in fh) instead of loading it whole, and rotate the file.` },
          justification: {
            es: `La memoria por lectura pasa de ~${READ_MEMORY_MB} MB (y creciendo) a un bloque fijo de 64 KB o una línea; solo stdlib (os.seek, logging.handlers).`,
            en: `Memory per read goes from ~${READ_MEMORY_MB} MB (and growing) to a fixed 64 KB block or one line; stdlib only (os.seek, logging.handlers).`,
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: [{ unit: 'file_read', count: READ_UNITS }],
          expected: [{ unit: 'file_read', count: 1 }],
          rate,
          currentResources: { memoryMB: READ_MEMORY_MB },
          expectedResources: { memoryMB: 0.1 },
          assumptions: [{
            es: `${pathName} llega a ~${FILE_MB} MB sin rotación; leerlo y decodificarlo cuesta como ~${READ_UNITS} lecturas pequeñas`,
            en: `${pathName} reaches ~${FILE_MB} MB with no rotation; reading and decoding it costs about ${READ_UNITS} small reads`,
          }],
        },
        facts: { path: pathText, read: read.kind },
      }));
    }
    return findings;
  },
};
