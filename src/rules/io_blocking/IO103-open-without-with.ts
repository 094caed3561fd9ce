// IO103: `open()` outside `with`: the descriptor is released only by an explicit close (skipped on
// errors) or by the garbage collector, and written data stays in the buffer until then.
import { cycleRate } from '../../impact/rate.js';
import type { CallSite, FileModel } from '../../model/types.js';
import { fmt, fmtEs, functionLines, isTestFile } from '../polling/hotpath.js';
import { withContext } from '../../model/frequency.js';
import { fileOp, isOpen, isSubprocess, milder, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { callText } from './http.js';

export const meta: RuleMeta = {
  id: 'IO103',
  name: 'open-without-with',
  dimension: 'io_blocking',
  title: { es: 'open() fuera de with (fuga de descriptores)', en: 'open() outside `with` (descriptor leak)' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Un fichero abierto con `open()` sin `with`: se cierra solo si el código llega a `close()` (no ante una excepción) o cuando el recolector lo decide; lo escrito queda en el búfer hasta entonces.',
      en: 'A file opened with `open()` outside `with`: it closes only if the code reaches `close()` (not on an exception) or when the garbage collector gets to it; written data sits in the buffer until then.',
    },
    why: {
      es: 'Con 100 agentes procesando peticiones y tareas sin parar, cada error deja un descriptor abierto: el proceso llega a `ulimit -n` (1024) y falla con «Too many open files»; y un lector de IPC puede ver un fichero a medio escribir.',
      en: 'With 100 agents serving requests and tasks non-stop, each error leaves a descriptor open: the process reaches `ulimit -n` (1024) and fails with "Too many open files"; and an IPC reader may see a half-written file.',
    },
    example: 'out = open(path, "w")\nfor line in lines:\n    out.write(line + "\\n")\nout.close()',
    useInstead: 'with open(path, "w") as out:\n    for line in lines:\n        out.write(line + "\\n")',
    tradeoff: {
      es: 'Ninguno relevante: `with` cierra siempre, también ante excepciones; solo cambia la indentación.',
      en: 'None worth noting: `with` always closes, on exceptions too; only the indentation changes.',
    },
  },
};

const LOADERS = /^(json\.(load|dump)|pickle\.(load|dump)|marshal\.(load|dump)|yaml\.(safe_)?(load|dump)\w*|csv\.(reader|writer|DictReader|DictWriter)|tomllib\.load|toml\.(load|dump)|plistlib\.(load|dump))$/;

type Usage =
  | { kind: 'never-closed'; name: string }
  | { kind: 'closed-without-finally'; name: string }
  | { kind: 'inline'; how: string };

function indent(line: string): number {
  return /^\s*/.exec(line)![0].length;
}

function escape(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How the file object of an `open()` outside `with` is used, or undefined when its lifetime is handled elsewhere. */
function usageOf(file: FileModel, call: CallSite): Usage | undefined {
  const lineText = file.source[call.span.line - 1] ?? '';
  const name = call.assignedTo;
  if (name) {
    if (!/^\w+$/.test(name)) return undefined; // self.fh = open(…), d[k] = open(…): a long-lived handle by design
    const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
    if (!fn) return undefined; // module level: a handle for the life of the process
    const body = file.source.slice(call.span.endLine, fn.span.endLine);
    const n = escape(name);
    // Each pattern is made once per handle, not once per line it is tried on.
    const declaredGlobal = new RegExp(`^\\s*global\\s+[^#]*\\b${n}\\b`);
    const aliased = new RegExp(`^\\s*[\\w.\\[\\]"']+\\s*=\\s*${n}\\s*$`);
    const handedOver = new RegExp(`\\b(return|yield)\\s+\\(?\\s*${n}\\s*($|,|\\))|with\\s+[^#]*\\b${n}\\b|closing\\(\\s*${n}\\b|enter_context\\(\\s*${n}\\b|(self|cls)\\.\\w+\\s*=\\s*${n}\\b|\\b${n}\\s*,|register\\([^)]*\\b${n}\\b`);
    const passedToCall = new RegExp(`\\w\\([^)]*\\b${n}\\b(?!\\.)`);
    const passedToSerializer = new RegExp(`\\b(json|pickle|yaml|csv|print|marshal|tomllib|toml)\\.?\\w*\\([^)]*\\b${n}\\b`);
    const closed = new RegExp(`\\b${n}\\.close\\(\\)`);
    const mentioned = new RegExp(`\\b${n}\\b`);
    // `global logfp` / `out = fp`: a process-wide handle, or the object travels under another name.
    if (functionLines(file, fn).some((l) => declaredGlobal.test(l))) return undefined;
    if (body.some((l) => aliased.test(l))) return undefined;
    if (body.some((l) => handedOver.test(l))) return undefined;
    // Passed on to something that owns it (`Popen(stdout=out)`, `handles.append(out)`, `Reader(out)`): not ours to judge.
    if (body.some((l) => passedToCall.test(l) && !passedToSerializer.test(l))) return undefined;
    const closeIndex = body.findIndex((l) => closed.test(l));
    if (closeIndex < 0) {
      // Opened once and used by an endless loop that follows: a handle for the life of the process.
      const longLived = file.loops.some((loop) => loop.functionId === fn.id && loop.unbounded && loop.span.line > call.span.line &&
        file.source.slice(loop.span.line - 1, loop.span.endLine).some((l) => mentioned.test(l)));
      return longLived ? undefined : { kind: 'never-closed', name };
    }
    const closeIndent = indent(body[closeIndex]!);
    const between = body.slice(0, closeIndex);
    if (between.some((l) => /^\s*finally\s*:/.test(l) && indent(l) < closeIndent)) return undefined;
    // close() right after a short use (two statements or fewer) leaves almost no room for an exception.
    if (between.filter((l) => l.trim() && !l.trim().startsWith('#')).length === 0) return undefined;
    return { kind: 'closed-without-finally', name };
  }
  if (call.inWithItem || call.isLoopIterable || call.resultDiscarded) return undefined;
  // open(p).read() / open(p, "w").write(s)
  const after = lineText.slice(call.span.endColumn - 1);
  if (call.span.line === call.span.endLine && /^\s*\.\s*(read|readlines|readline|write|writelines)\s*\(/.test(after)) return { kind: 'inline', how: /^\s*\.\s*(\w+)/.exec(after)![1]! };
  // json.load(open(p)), csv.reader(open(p))
  const wrapper = file.calls.find((c) => c.id !== call.id && c.span.start < call.span.start && call.span.end <= c.span.end && LOADERS.test(c.callee) && c.args.some((a) => a.expr.text === callText(file, call)));
  if (wrapper) return { kind: 'inline', how: wrapper.calleeText };
  // Popen(argv, stdout=open(log, "a")): the parent's copy of the file object is never closed.
  const spawn = file.calls.find((c) => c.id !== call.id && c.span.start < call.span.start && call.span.end <= c.span.end && isSubprocess(c) &&
    c.args.some((a) => /^(stdout|stderr|stdin)$/.test(a.name ?? '') && a.expr.text === callText(file, call)));
  if (spawn) return { kind: 'inline', how: `${spawn.calleeText}(…, stdout=…)` };
  return undefined;
}

export const IO103: Rule = {
  meta,
  check({ file, project }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      if (!isOpen(site) || site.inWithItem) continue;
      const call = withContext(project, site, file);
      if (/\bO_[A-Z]+\b/.test(call.args[1]?.expr.text ?? '')) continue; // os.open under the name `open`: a raw fd
      const usage = usageOf(file, call);
      if (!usage) continue;
      // A descriptor that is never closed is a leak even in cold code; the other forms only matter when repeated.
      const base = meta.severity[call.context] ?? (usage.kind === 'never-closed' ? 'minor' : null);
      if (!base) continue;
      const severity: Severity = usage.kind === 'never-closed' ? base : milder(base);
      const path = call.args[0]?.expr.text ?? 'path';
      const op = fileOp(call);
      const writes = op === 'write' || op === 'append';
      const opened = callText(file, call).replace(/\s+/g, ' ');
      const variable = usage.kind === 'inline' ? 'fh' : usage.name;
      const message = usage.kind === 'never-closed'
        ? { es: `\`${variable} = ${opened}\` nunca se cierra: el descriptor queda abierto hasta que lo recoja el GC`, en: `\`${variable} = ${opened}\` is never closed: the descriptor stays open until the GC collects it` }
        : usage.kind === 'closed-without-finally'
          ? { es: `\`${variable} = ${opened}\` se cierra sin \`with\`/\`finally\`: cualquier excepción antes de \`${variable}.close()\` deja el descriptor abierto`, en: `\`${variable} = ${opened}\` is closed without \`with\`/\`finally\`: any exception before \`${variable}.close()\` leaves the descriptor open` }
          : { es: `\`${opened}\` usado en línea (\`${usage.how}\`) sin \`with\`: el cierre depende del recolector de basura`, en: `\`${opened}\` used inline (\`${usage.how}\`) without \`with\`: closing it is left to the garbage collector` };
      const rate = cycleRate(call, file);
      const example = usage.kind === 'inline' && usage.how.includes('stdout=')
        ? `with ${opened} as log_file:\n    subprocess.Popen(..., stdout=log_file)  # the child keeps its own copy; the parent's is closed here`
        : usage.kind === 'inline'
        ? (usage.how.includes('.')
          ? `with ${opened} as fh:\n    data = ${usage.how}(fh)`
          : `with ${opened} as fh:\n    ${writes ? `fh.${usage.how}(...)` : `data = fh.${usage.how}()`}`)
        : `with ${opened} as ${variable}:\n    ...  # the same code, indented: ${variable} is closed on every path, errors included`;
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message,
        whyAtScale: whyAtScale(usage.kind, rate.perSecond, writes),
        proposal: {
          change: {
            es: `Abrir \`${path}\` con \`with open(...) as ${variable}:\` para que se cierre siempre, también ante errores.`,
            en: `Open \`${path}\` with \`with open(...) as ${variable}:\` so it is always closed, errors included.`,
          },
          justification: {
            es: 'El gestor de contexto garantiza `close()` (y el vaciado del búfer) al salir del bloque, sin depender del recolector ni de que no haya excepciones.',
            en: 'The context manager guarantees `close()` (and the buffer flush) when the block ends, without relying on the collector or on the absence of exceptions.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: [{ unit: writes ? 'file_write' : 'file_read', count: 1 }],
          expected: [{ unit: writes ? 'file_write' : 'file_read', count: 1 }],
          rate,
          currentResources: { fds: usage.kind === 'never-closed' ? 1 : 0.01 },
          expectedResources: { fds: 0 },
          assumptions: [{
            es: usage.kind === 'never-closed' ? 'un descriptor retenido por ciclo hasta la recolección' : 'una de cada cien operaciones falla y deja su descriptor abierto',
            en: usage.kind === 'never-closed' ? 'one descriptor held per cycle until collection' : 'one operation in a hundred fails and leaves its descriptor open',
          }],
        },
        facts: { path, usage: usage.kind },
      }));
    }
    return findings;
  },
};


function whyAtScale(kind: Usage['kind'], perSecond: number, writes: boolean): { es: string; en: string } {
  const total = { es: fmtEs(perSecond * 100), en: fmt(perSecond * 100) };
  const ipc = writes
    ? { es: '; además, otro proceso puede leer el fichero antes de que se vacíe el búfer', en: '; and another process may read the file before its buffer is flushed' }
    : { es: '', en: '' };
  if (kind === 'closed-without-finally') {
    return {
      es: `a ${total.es} aperturas/s entre 100 agentes, basta que una de cada cien falle para perder ~${fmtEs(perSecond / 100 * 3600)} descriptores/hora por agente: el límite de 1024 llega en ${leakMinutes(perSecond).replace('.', ',')}${ipc.es}`,
      en: `at ${total.en} opens/s across 100 agents, one failure in a hundred loses ~${fmt(perSecond / 100 * 3600)} descriptors/hour per agent: the 1024 limit arrives in ${leakMinutes(perSecond)}${ipc.en}`,
    };
  }
  if (kind === 'never-closed') {
    return {
      es: `${total.es} aperturas/s entre 100 agentes quedan a merced del recolector: cualquier referencia que sobreviva (una traza de excepción, una lista, un ciclo) retiene el descriptor, y el límite de 1024 por proceso se alcanza sin aviso${ipc.es}`,
      en: `${total.en} opens/s across 100 agents are left to the garbage collector: any reference that survives (an exception traceback, a list, a cycle) keeps the descriptor, and the 1024-per-process limit is reached without warning${ipc.en}`,
    };
  }
  return {
    es: `${total.es} aperturas/s entre 100 agentes se cierran solo por el conteo de referencias de CPython: en PyPy, o si una excepción retiene el marco, los descriptores se acumulan hasta el límite de 1024${ipc.es}`,
    en: `${total.en} opens/s across 100 agents are closed only by CPython reference counting: on PyPy, or when an exception keeps the frame alive, descriptors pile up to the 1024 limit${ipc.en}`,
  };
}

function leakMinutes(opensPerSecond: number): string {
  const leaksPerSecond = opensPerSecond / 100;
  if (leaksPerSecond <= 0) return '∞';
  const minutes = 1024 / leaksPerSecond / 60;
  return minutes >= 120 ? `~${fmt(minutes / 60)} h` : `~${fmt(minutes)} min`;
}
