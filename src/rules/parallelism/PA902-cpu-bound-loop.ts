import type { AssignmentInfo, CallSite, FileModel, FunctionInfo, ProjectModel } from '../../model/types.js';
import { functionInfo, identifiers, loopPassRate } from '../memory/helpers.js';
import { calleeFunction } from '../../model/calls.js';
import { milderIf, oneOff } from '../memory/reads.js';
import { callsInLoop } from '../../model/file-index.js';
import { keyword, num, positional, report, SEVERITY_ORDER } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { callText, independentLoopOf, mapsDirectly } from './independence.js';

export const meta: RuleMeta = {
  id: 'PA902',
  name: 'cpu-bound-loop',
  dimension: 'parallelism',
  title: { es: 'Trabajo de CPU por elemento en serie', en: 'CPU-bound work per item, in series' },
  phase: 3,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Un bucle hace trabajo pesado de CPU por elemento (derivación de claves, compresión, hash de ficheros enteros, regex sobre textos grandes), un elemento detrás de otro en un solo núcleo.',
      en: 'A loop does heavy CPU work per item (key derivation, compression, hashing whole files, regex over large texts), one item after another on a single core.',
    },
    why: {
      es: 'Un PBKDF2 de 200.000 iteraciones son ~200 ms; 8 adjuntos por tarea son 1,6 s de un núcleo mientras los demás esperan. Con 100 agentes la CPU total es la misma, pero cada tarea tarda lo que su parte más lenta en lugar de la suma.',
      en: 'A 200,000-iteration PBKDF2 is ~200 ms; 8 attachments per task are 1.6 s of one core while the others idle. At 100 agents the total CPU is the same, but each task takes as long as its slowest part instead of the sum.',
    },
    example: 'prints = []\nfor chunk in chunks:\n    prints.append(hashlib.pbkdf2_hmac("sha256", chunk.encode(), SALT, 200_000).hex())',
    useInstead: 'from concurrent.futures import ProcessPoolExecutor\n\n_cpu_pool = ProcessPoolExecutor(max_workers=os.cpu_count())  # once, at start-up\n\ndef _fingerprint(chunk):  # top level: picklable\n    return hashlib.pbkdf2_hmac("sha256", chunk.encode(), SALT, 200_000).hex()\n\nprints = list(_cpu_pool.map(_fingerprint, chunks))',
    tradeoff: {
      es: 'Los procesos cuestan un fork (~5-10 ms) al crear el pool y serializar (pickle) argumentos y resultados; la función debe ser de nivel superior. hashlib y zlib sueltan el GIL con buffers grandes, así que un ThreadPoolExecutor(os.cpu_count()) sirve sin pickle. Con 100 agentes ocupando todos los núcleos no hay ganancia: reducir el trabajo (cachear, menos iteraciones) importa tanto como repartirlo.',
      en: 'Processes cost a fork (~5-10 ms) when the pool starts and pickling of arguments and results; the function must be top level. hashlib and zlib release the GIL on large buffers, so a ThreadPoolExecutor(os.cpu_count()) works without pickling. With 100 agents already using every core there is no gain: doing less work (cache, fewer iterations) matters as much as spreading it.',
    },
  },
};

const CORES = 2;
/** Reference: one Python operation ≈ 0.0001 ms, so 1 ms of CPU ≈ 10,000 operations. */
const OPS_PER_MS = 10_000;

type Work = { kind: 'kdf' | 'compression' | 'hash' | 'regex' | 'python'; ms: number; releasesGil: boolean; what: string };

const COMPRESSION = /^(zlib|gzip|bz2|lzma)\.(compress|decompress)$/;
const HASHES = /^hashlib\.(md5|sha1|sha224|sha256|sha384|sha512|sha3_\w+|blake2b|blake2s|new)$/;
const REGEX = /^re\.(findall|finditer|sub|subn|search|match|fullmatch|split)$/;
const BIG_DATA = /\.read\(\s*\)|read_bytes\(|read_text\(/;

/** Names bound in the loop (or the helper) to a whole file's content (`data = fh.read()`). */
function wholeContentNames(file: FileModel, inScope: (a: AssignmentInfo) => boolean): Set<string> {
  const names = new Set<string>();
  for (const a of wholeContentAssignments(file)) if (inScope(a)) names.add(a.target);
  return names;
}

/** Assignments of a whole file's content to a name, anywhere in the file (few: asked for every call in a loop). */
function wholeContentAssignments(file: FileModel): AssignmentInfo[] {
  let found = wholeContent.get(file);
  if (!found) wholeContent.set(file, (found = file.assignments.filter((a) => BIG_DATA.test(a.value.text) && /^\w+$/.test(a.target))));
  return found;
}

const wholeContent = new WeakMap<FileModel, AssignmentInfo[]>();

const CHEAP_BUILTINS = /^(ord|chr|len|abs|min|max|int|divmod|range|enumerate|bool|float)$/;

/** A pure-Python loop over a parameter doing arithmetic (`for byte in data: a = (a + byte) % 65521`). */
function pythonHotLoop(file: FileModel, fn: FunctionInfo): string | undefined {
  const params = new Set(fn.params);
  for (const loop of file.loops) {
    if (loop.functionId !== fn.id || loop.kind !== 'for') continue;
    const iterable = (loop.iterableText ?? '').replace(/\s+/g, '');
    const over = /^(?:range\(len\((\w+)\)\)|enumerate\((\w+)\)|(\w+))$/.exec(iterable);
    const param = over?.[1] ?? over?.[2] ?? over?.[3];
    if (!param || !params.has(param)) continue;
    const arithmetic = file.assignments.filter((a) => a.loopIds.includes(loop.id) && !/["']/.test(a.value.text) && /[%^&|*]|<<|>>/.test(a.value.text));
    const calls = callsInLoop(file, loop.id);
    if (arithmetic.length > 0 && calls.every((c) => CHEAP_BUILTINS.test(c.callee))) return param;
  }
  return undefined;
}

/** CPU work done inside a project helper called per item (`digest = sha256_of(archive)`, `checksum(blob)`). */
function helperWork(project: ProjectModel, file: FileModel, call: CallSite): Work | undefined {
  const callee = calleeFunction(project, file, call);
  if (!callee || callee.fn.id === call.functionId) return undefined;
  // The same helper is called from many loops: its work is a fact of its own body.
  let work = helperWorks.get(callee.fn);
  if (work === undefined) helperWorks.set(callee.fn, (work = workInHelper(callee) ?? null));
  return work ?? undefined;
}

const helperWorks = new WeakMap<FunctionInfo, Work | null>();

function workInHelper(callee: { file: FileModel; fn: FunctionInfo }): Work | undefined {
  const big = () => wholeContentNames(callee.file, (a) => a.functionId === callee.fn.id);
  for (const id of callee.fn.callIds) {
    const inner = callee.file.calls[id];
    const work = inner ? cpuWork(inner, big) : undefined;
    if (work) return { ...work, what: `${callee.fn.name}() → ${work.what}` };
  }
  const param = pythonHotLoop(callee.file, callee.fn);
  if (param) return { kind: 'python', ms: 100, releasesGil: false, what: `${callee.fn.name}() (pure-Python loop over ${param})` };
  return undefined;
}

/** `big`: the names holding whole file contents where the call is (asked only for hashes and regexes). */
function cpuWork(call: CallSite, big: () => Set<string>): Work | undefined {
  if (call.callee === 'hashlib.pbkdf2_hmac') {
    const iterations = (keyword(call, 'iterations') ?? positional(call, 3))?.expr.value;
    const count = iterations?.kind === 'number' ? iterations.value : 100_000;
    return { kind: 'kdf', ms: count / 1000, releasesGil: true, what: `hashlib.pbkdf2_hmac(…, iterations=${count.toLocaleString('en-US').replace(/,/g, '_')})` };
  }
  if (call.callee === 'hashlib.scrypt') return { kind: 'kdf', ms: 50, releasesGil: true, what: 'hashlib.scrypt' };
  const dataIsBig = () => {
    const dataText = call.args.filter((a) => !a.name).map((a) => a.expr.text).join(' ');
    if (BIG_DATA.test(dataText)) return true;
    const names = big();
    return [...identifiers(dataText)].some((id) => names.has(id));
  };
  if (COMPRESSION.test(call.callee)) return { kind: 'compression', ms: 30, releasesGil: true, what: call.callee };
  if ((HASHES.test(call.callee) || (call.method === 'update' && /hashlib/.test(call.receiverType ?? ''))) && dataIsBig()) {
    return { kind: 'hash', ms: 2, releasesGil: true, what: call.callee };
  }
  if ((REGEX.test(call.callee) || (call.method && /^(findall|finditer|sub|subn|search|match|split)$/.test(call.method) && /re\.compile/.test(call.receiverType ?? ''))) && dataIsBig()) {
    return { kind: 'regex', ms: 10, releasesGil: false, what: call.calleeText };
  }
  return undefined;
}

export const PA902: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      const loopId = call.loopIds[0];
      if (loopId === undefined) continue;
      const work = cpuWork(call, () => wholeContentNames(file, (a) => a.loopIds.includes(loopId))) ?? helperWork(project, file, call);
      if (!work) continue;
      const independent = independentLoopOf(file, call);
      if (!independent) continue;
      const base = meta.severity[call.context];
      if (!base) continue;
      let severity: Severity = milderIf(oneOff(file, call, call.context), base);
      if (work.kind === 'kdf' && work.ms >= 50 && SEVERITY_ORDER[severity] < SEVERITY_ORDER.important && call.context !== 'startup') severity = 'important';
      const k = independent.items;
      const sequentialMs = k * work.ms;
      const parallelMs = Math.ceil(k / Math.min(k, CORES)) * work.ms;
      const rate = loopPassRate(file, independent.loop, call);
      const coresBusy = (rate.perSecond * agents * sequentialMs) / 1000;
      const targetText = independent.loop.targetText ?? [...independent.perItem][0] ?? 'item';
      const iterable = independent.loop.iterableText ?? 'items';
      const text = callText(file, call);
      const direct = mapsDirectly(call, targetText);
      const executor = 'ProcessPoolExecutor';
      const worker = direct ? call.calleeText : '_work';
      const define = direct ? '' : `def _work(${targetText}):  # top level, so it can be pickled\n    return ${text}\n\n`;
      const gilNote = work.releasesGil
        ? `\n# ${work.what.split('(')[0]} releases the GIL on large buffers: ThreadPoolExecutor(os.cpu_count()) also works, without pickling`
        : '';
      const fn = functionInfo(file, call.functionId);
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `${work.what} por cada elemento de ${iterable}, en serie (~${num(work.ms)} ms de CPU por elemento)`,
          en: `${work.what} for every item of ${iterable}, in series (~${num(work.ms)} ms of CPU per item)`,
        },
        whyAtScale: {
          es: `${independent.itemsKnown ? k : `~${k}`} elementos × ~${num(work.ms)} ms = ~${num(sequentialMs)} ms de un solo núcleo por pasada (~${num(parallelMs)} ms repartido en ${CORES} núcleos); con ${agents} agentes ~${num(coresBusy)} núcleos ocupados solo en esto`,
          en: `${independent.itemsKnown ? k : `~${k}`} items × ~${num(work.ms)} ms = ~${num(sequentialMs)} ms of one core per pass (~${num(parallelMs)} ms spread over ${CORES} cores); at ${agents} agents ~${num(coresBusy)} cores busy with this alone`,
        },
        proposal: {
          change: {
            es: `Repartir ${work.what.split('(')[0]} de ${iterable} en un ${executor}(max_workers=os.cpu_count()) creado una vez al arrancar${work.kind === 'kdf' ? ', y revisar si hace falta repetirlo (cachear el resultado por entrada)' : ''}.`,
            en: `Spread ${work.what.split('(')[0]} over ${iterable} on a ${executor}(max_workers=os.cpu_count()) created once at start-up${work.kind === 'kdf' ? ', and check whether it must be recomputed at all (cache the result per input)' : ''}.`,
          },
          justification: {
            es: `concurrent.futures es stdlib: la pasada baja de ~${num(sequentialMs)} ms a ~${num(parallelMs)} ms en una máquina de ${CORES} núcleos libre; no reduce la CPU total.`,
            en: `concurrent.futures is stdlib: the pass drops from ~${num(sequentialMs)} ms to ~${num(parallelMs)} ms on an idle ${CORES}-core machine; it does not reduce total CPU.`,
          },
          tradeoff: meta.docs.tradeoff,
          example: `import os\nfrom concurrent.futures import ${executor}\n\n_cpu_pool = ${executor}(max_workers=os.cpu_count())  # once, at start-up (module level)\n\n${define}# inside ${fn?.name ?? 'the function'}:\nresults = list(_cpu_pool.map(${worker}, ${iterable}))${gilNote}`,
        },
        cost: {
          current: [{ unit: 'python_op', count: Math.round(sequentialMs * OPS_PER_MS) }],
          expected: [{ unit: 'python_op', count: Math.round(sequentialMs * OPS_PER_MS) }],
          rate,
          currentResources: { blockedSeconds: sequentialMs / 1000 },
          expectedResources: { blockedSeconds: parallelMs / 1000, processes: Math.min(k, CORES) },
          assumptions: [{
            es: `~${num(work.ms)} ms de CPU por elemento (${work.kind === 'kdf' ? '~1 µs por iteración' : work.kind === 'hash' ? '~1 MB por elemento a ~500 MB/s' : work.kind === 'compression' ? '~1 MB por elemento a ~30 MB/s' : work.kind === 'python' ? '~1 MB recorrido byte a byte en Python' : '~1 MB de texto por elemento'}); ${CORES} núcleos`,
            en: `~${num(work.ms)} ms of CPU per item (${work.kind === 'kdf' ? '~1 µs per iteration' : work.kind === 'hash' ? '~1 MB per item at ~500 MB/s' : work.kind === 'compression' ? '~1 MB per item at ~30 MB/s' : work.kind === 'python' ? '~1 MB walked byte by byte in Python' : '~1 MB of text per item'}); ${CORES} cores`,
          }],
        },
        facts: { work: work.kind, msPerItem: work.ms, items: k },
      }));
    }
    return findings;
  },
};
