import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { renamesInto } from './files.js';
import { cadence, exitsAfter, isTestFile, placeText, rateOf, severityAt } from './hot-path.js';
import { where } from '../../model/frequency.js';
import { callsOfFunction, withItemOf } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'DK406',
  name: 'temp-file-per-message',
  dimension: 'disk',
  title: { es: 'Fichero temporal creado y borrado por mensaje', en: 'Temp file created and deleted per message' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'tempfile.NamedTemporaryFile/mkstemp/mkdtemp por cada mensaje o tarea, solo para pasar datos a otro programa y borrarlo después (no el temporal que se publica con os.replace/os.rename/os.link).',
      en: 'tempfile.NamedTemporaryFile/mkstemp/mkdtemp for every message or task, only to hand data to another program and delete it afterwards (not a temp file published with os.replace/os.rename/os.link).',
    },
    why: {
      es: 'Cada temporal es crear + escribir + cerrar + borrar: cuatro operaciones de metadatos en /tmp (a menudo en disco), que compiten entre los 100 agentes por el mismo directorio y dejan basura si el proceso muere.',
      en: 'Each temp file is create + write + close + unlink: four metadata operations in /tmp (often on disk) that 100 agents contend for in one folder, leaving litter when a process dies.',
    },
    example: 'with tempfile.NamedTemporaryFile("w", suffix=".md") as src:\n    src.write(text)\n    src.flush()\n    out = subprocess.run(["agent-fmt", src.name], capture_output=True, text=True)',
    useInstead: 'out = subprocess.run(["agent-fmt", "-"], input=text, capture_output=True, text=True, timeout=30)',
    tradeoff: {
      es: 'Pasar los datos por stdin exige que la herramienta lea de "-"/stdin; si no puede, reutiliza un único fichero por agente en $XDG_RUNTIME_DIR (tmpfs) en lugar de uno nuevo por mensaje.',
      en: 'Passing data on stdin needs the tool to read "-"/stdin; if it cannot, reuse one file per agent under $XDG_RUNTIME_DIR (tmpfs) instead of a new one per message.',
    },
  },
};

/** Named temp files and folders: a directory entry created and removed each time. (TemporaryFile uses O_TMPFILE on Linux: no entry.) */
const TEMP_CALLS = new Set(['tempfile.mkstemp', 'tempfile.NamedTemporaryFile', 'tempfile.mkdtemp', 'tempfile.TemporaryDirectory', 'tempfile.mktemp']);

export const DK406: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      if (!TEMP_CALLS.has(call.callee)) continue;
      // mkstemp + os.replace (or os.link) is the atomic-write idiom: the temp file becomes the real one.
      if (renamesInto(file, call.functionId)) continue;
      const at = where(project, file, call);
      if (!at.repeated) continue;
      // `for name in candidates: try: mkdtemp(...) … break`: a loop that stops at the first success creates one.
      if (at.ownLoops[0] && !at.fnRepeated && exitsAfter(file, call, at.ownLoops[0])) continue;
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const perSecond = rate.perSecond * agents;
      const folder = /mkdtemp|TemporaryDirectory/.test(call.callee);
      const what = folder ? { es: 'una carpeta temporal', en: 'a temp folder' } : { es: 'un fichero temporal', en: 'a temp file' };
      const withItem = withItemOf(file, call.id)?.item;
      const name = withItem?.alias ?? call.assignedTo ?? 'tmp';
      const handle = name.includes(',') ? name.split(',').pop()!.trim() : name;
      // Does the temp file feed a child process in the same function?
      const spawn = callsOfFunction(file, call.functionId).find((c) => c.span.start > call.span.start &&
        /^(subprocess\.(run|call|check_call|check_output|Popen)|os\.system)$/.test(c.callee) && c.args.some((a) => a.expr.text.includes(handle)));
      const argv = spawn?.args[0]?.expr.text;
      const written = callsOfFunction(file, call.functionId).find((c) => c.receiver === handle && c.method === 'write')?.args[0]?.expr.text ?? 'payload';
      const stdinArgv = argv ? argv.replace(new RegExp(`${handle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.name|\\b${handle}\\b`), '"-"') : undefined;
      const example = spawn
        ? `# hand the data over on stdin: no file to create, write, close and delete\nout = ${/^(subprocess\.)?(run|check_output|call|check_call)$/.test(spawn.calleeText.replace(/^\w+\./, 'subprocess.')) && !/Popen/.test(spawn.callee) ? spawn.calleeText : 'subprocess.run'}(${stdinArgv}, input=${written}, capture_output=True, text=True, timeout=30)`
        : `# one scratch file per agent on tmpfs, reused for every message\nSCRATCH = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "openclaw-%d.scratch" % os.getpid())\nwith open(SCRATCH, "w", encoding="utf-8") as ${handle}:\n    ${handle}.write(${written})\n# or keep the data in memory: io.StringIO() / io.BytesIO()`;
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${call.calleeText}() crea ${what.es} ${placeText(file, at).es}${spawn ? ` solo para pasárselo a ${spawn.calleeText}()` : ''}: crear, escribir y borrar ${cadence(at).es}`,
          en: `${call.calleeText}() creates ${what.en} ${placeText(file, at).en}${spawn ? ` only to hand it to ${spawn.calleeText}()` : ''}: create, write and delete ${cadence(at).en}`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(perSecond)} ficheros temporales/s (${rate.basis.es}), ~${num(perSecond * 4)} operaciones de metadatos/s en el mismo directorio /tmp`,
          en: `at ${agents} agents that is ${num(perSecond)} temp files/s (${rate.basis.en}), ~${num(perSecond * 4)} metadata operations/s in the same /tmp folder`,
        },
        proposal: {
          change: spawn
            ? { es: `Pasar los datos por stdin (input=…) y que la herramienta lea "-" en lugar de un fichero temporal.`, en: 'Pass the data on stdin (input=…) and let the tool read "-" instead of a temp file.' }
            : { es: 'Mantener los datos en memoria (io.StringIO/BytesIO) o reutilizar un único fichero por agente en $XDG_RUNTIME_DIR (tmpfs).', en: 'Keep the data in memory (io.StringIO/BytesIO) or reuse one file per agent under $XDG_RUNTIME_DIR (tmpfs).' },
          justification: {
            es: 'Una tubería no toca el sistema de ficheros; un fichero reutilizado en tmpfs evita crear y borrar entradas de directorio. Ambos son stdlib.',
            en: 'A pipe never touches the filesystem; a reused file on tmpfs avoids creating and deleting directory entries. Both are stdlib.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: [{ unit: 'file_write', count: 1 }, { unit: 'stat', count: 3 }],
          expected: spawn ? [] : [{ unit: 'file_write', count: 1 }],
          rate,
          currentResources: { fds: 1 },
        },
        facts: { api: call.calleeText, feedsProcess: !!spawn },
      }));
    }
    return findings;
  },
};
