import type { ProjectModel } from '../../model/types.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { fileAccesses, renamesInto, type FileAccess } from './files.js';
import { cadence, isTestFile, loopVariables, mentions, placeText, rateOf, severityAt } from './hot-path.js';
import { where } from '../../model/frequency.js';
import { loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'DK405',
  name: 'non-atomic-shared-write',
  dimension: 'disk',
  title: { es: 'Escritura no atómica de un fichero que leen otros procesos', en: 'Non-atomic write of a file other processes read' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'open(ruta, "w") (o write_text) sobre un fichero compartido —estado, estado de salud, resultados, bandeja de entrada— que otros procesos leen mientras se reescribe.',
      en: 'open(path, "w") (or write_text) on a shared file — state, status, results, an inbox — that other processes read while it is being rewritten.',
    },
    why: {
      es: '"w" trunca el fichero a 0 bytes antes de escribir: durante ese intervalo un lector ve un fichero vacío o a medias (JSONDecodeError) y un fallo a mitad deja el fichero corrupto. Con 100 agentes leyendo y escribiendo a la vez, la ventana se abre cientos de veces por segundo.',
      en: '"w" truncates the file to 0 bytes before writing: in that window a reader sees an empty or half file (JSONDecodeError), and a crash mid-write leaves it corrupt. With 100 agents reading and writing at once, the window opens hundreds of times a second.',
    },
    example: 'with open(STATE_PATH, "w") as fh:\n    json.dump(state, fh)',
    useInstead: 'fd, tmp = tempfile.mkstemp(dir=os.path.dirname(STATE_PATH), prefix=".tmp-")\nwith os.fdopen(fd, "w", encoding="utf-8") as fh:\n    json.dump(state, fh)\nos.replace(tmp, STATE_PATH)  # readers see the old or the new file, never half of one',
    tradeoff: {
      es: 'Un fichero temporal y un rename más por escritura (microsegundos); el temporal debe estar en el mismo sistema de ficheros, y un proceso muerto a mitad puede dejar temporales .tmp-* que conviene limpiar al arrancar.',
      en: 'One temp file and one rename more per write (microseconds); the temp file must be on the same filesystem, and a process killed mid-write can leave .tmp-* files to clean at start-up.',
    },
  },
};

/** Words that name files other processes consume: IPC folders, status and state files. */
const SHARED_WORDS = /(^|[^a-z])(inbox|outbox|queue|spool|results?|tasks?|jobs?|mail|mailbox|messages?|requests?|responses?|replies|status|heartbeat|state|stats|snapshot|registry|health|progress|current|latest|shared|pid)(?=[^a-z]|$)/i;
const TEMP_WORDS = /tmp|temp|\.part\b|\.new\b|~/i;

interface Readers {
  /** Function ids that read it on a repeated path. */
  repeatedBy: Set<string>;
  startupOnly: boolean;
}

/** A key that names the same file wherever it appears: a constant, an attribute, an expression with literals; not a bare local. */
function isGlobalKey(key: string): boolean {
  return !/^[a-z_][a-z0-9_]*$/.test(key);
}

const readerMemo = new WeakMap<ProjectModel, Map<string, Readers>>();

/** Who reads each path key in the project, and whether any reader repeats (per request/poll/task). */
function readers(project: ProjectModel): Map<string, Readers> {
  let map = readerMemo.get(project);
  if (map) return map;
  map = new Map();
  for (const file of project.files) {
    for (const access of fileAccesses(file)) {
      if (access.kind !== 'read' || !isGlobalKey(access.key)) continue;
      const at = where(project, file, access.call);
      const prev = map.get(access.key) ?? { repeatedBy: new Set<string>(), startupOnly: true };
      if (at.repeated) prev.repeatedBy.add(access.call.functionId ?? `${file.module}:<module>`);
      map.set(access.key, { repeatedBy: prev.repeatedBy, startupOnly: prev.startupOnly && !at.repeated });
    }
  }
  readerMemo.set(project, map);
  return map;
}

function evidence(project: ProjectModel, access: FileAccess, poll: boolean, fixedPath: boolean): string | undefined {
  const read = isGlobalKey(access.key) ? readers(project).get(access.key) : undefined;
  // Another function reads it again and again (its own read-modify-write partner does not count: see DK402).
  if (read && [...read.repeatedBy].some((fnId) => fnId !== access.call.functionId)) return 'read-repeated';
  if (read?.startupOnly) return undefined; // the program's own checkpoint, read back at start-up only
  if (SHARED_WORDS.test(access.resolvedText) || SHARED_WORDS.test(access.pathText)) return 'shared-name';
  // Rewritten every poll at a fixed path that this program never reads back: published for someone else.
  if (poll && fixedPath && !read) return 'published-per-poll';
  return undefined;
}

export const DK405: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const access of fileAccesses(file)) {
      if (access.kind !== 'write') continue;
      const call = access.call;
      if (TEMP_WORDS.test(access.resolvedText) || TEMP_WORDS.test(access.pathText)) continue;
      if (renamesInto(file, call.functionId)) continue; // temp file + os.replace: already atomic
      const at = where(project, file, call);
      if (!at.repeated) continue;
      const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
      const params = new Set((fn?.params ?? []).filter((p) => p !== 'self' && p !== 'cls'));
      const loopVars = new Set(call.loopIds.flatMap((id) => [...loopVariables(file, loopById(file, id)!)]));
      const fixedPath = !mentions(access.resolvedText, params) && !mentions(access.resolvedText, loopVars) && !/^[a-z_]\w*$/.test(access.resolvedText);
      const why = evidence(project, access, at.context === 'poll_loop', fixedPath);
      if (!why) continue;
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const perSecond = rate.perSecond * agents;
      const path = access.pathText === access.resolvedText || access.resolvedText.length > 60 ? access.pathText : `${access.pathText} (${access.resolvedText})`;
      const pathlib = call.method === 'write_text' || call.method === 'write_bytes';
      const data = pathlib ? call.args[0]?.expr.text ?? 'text' : 'data';
      const example = pathlib
        ? `target = ${access.pathText}\ntmp = target.with_name(".tmp-" + target.name)\ntmp.${call.method}(${data})\ntmp.replace(target)  # atomic: readers see the old or the new file, never half`
        : `def write_atomic(path, data):\n    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".tmp-")\n    with os.fdopen(fd, "w", encoding="utf-8") as fh:\n        ${access.json ? 'json.dump(data, fh)' : 'fh.write(data)'}\n    os.replace(tmp, path)  # atomic rename on the same filesystem\n\nwrite_atomic(${access.pathText}, ${access.dumped ?? '...'})  # the data it wrote before`;
      const whoReads = why === 'read-repeated'
        ? { es: 'otra parte del programa lo lee en una ruta repetida', en: 'another part of the program reads it on a repeated path' }
        : why === 'published-per-poll'
          ? { es: 'se publica en cada sondeo para que otro proceso lo lea', en: 'it is published every poll for another process to read' }
          : { es: 'es un fichero compartido (estado, estado de salud, resultados o cola)', en: 'it is a shared file (state, status, results or a queue)' };
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${path} se reescribe en su sitio ${placeText(file, at).es} (${pathlib ? call.method : 'open "w"'} trunca y luego escribe) y ${whoReads.es}: un lector puede verlo vacío o a medias`,
          en: `${path} is rewritten in place ${placeText(file, at).en} (${pathlib ? call.method : 'open "w"'} truncates, then writes) and ${whoReads.en}: a reader can see it empty or half-written`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(perSecond)} ventanas de truncado/s (${rate.basis.es}); cada lector concurrente puede recibir JSON incompleto, y un proceso que muere a mitad deja el fichero corrupto`,
          en: `at ${agents} agents that is ${num(perSecond)} truncation windows/s (${rate.basis.en}); every concurrent reader can get incomplete JSON, and a process dying mid-write leaves the file corrupt`,
        },
        proposal: {
          change: {
            es: `Escribir ${path} en un temporal del mismo directorio y publicarlo con os.replace (atómico) ${cadence(at).es}.`,
            en: `Write ${path} to a temp file in the same folder and publish it with os.replace (atomic) ${cadence(at).en}.`,
          },
          justification: {
            es: 'rename(2) dentro de un mismo sistema de ficheros es atómico: los lectores abren la versión vieja o la nueva completa, sin bloqueos ni reintentos. Es stdlib (tempfile + os.replace).',
            en: 'rename(2) within one filesystem is atomic: readers open either the old or the complete new version, with no locks and no retries. It is stdlib (tempfile + os.replace).',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: [{ unit: 'file_write', count: 1 }],
          expected: [{ unit: 'file_write', count: 1 }, { unit: 'stat', count: 1 }],
          rate,
          assumptions: [{ es: 'el coste que se evita son lecturas corruptas y reintentos, no tiempo de disco', en: 'what is saved is corrupt reads and retries, not disk time' }],
        },
        facts: { path, evidence: why },
      }));
    }
    return findings;
  },
};
