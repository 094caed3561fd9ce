import type { CallSite, FileModel, ProjectModel } from '../../model/types.js';
import { functionInfo, identifiers, loopPassRate, UNIT_MID_MS } from '../memory/helpers.js';
import { callSitesOf } from '../memory/reads.js';
import { milderIf, oneOff } from '../memory/reads.js';
import { argvOf, isSubprocess, num, positional, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { callText, independentLoopOf, type IndependentLoop } from './independence.js';

export const meta: RuleMeta = {
  id: 'PA903',
  name: 'sequential-subprocesses',
  dimension: 'parallelism',
  title: { es: 'Subprocesos independientes uno detrás de otro', en: 'Independent subprocesses run one after another' },
  phase: 2,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Un bucle lanza un subproceso por elemento y espera a que termine antes de lanzar el siguiente, aunque los comandos no dependen entre sí.',
      en: 'A loop starts one subprocess per item and waits for it to finish before starting the next, although the commands do not depend on each other.',
    },
    why: {
      es: 'Cada subproceso cuesta 5-50 ms (fork+exec+espera): 10 unidades en serie son hasta 0,5 s por pasada; lanzados todos y recogidos después, la pasada dura lo que el más lento. En un manejador o un sondeo, esa espera se multiplica por los 100 agentes.',
      en: 'Each subprocess costs 5-50 ms (fork+exec+wait): 10 units in series are up to 0.5 s per pass; started together and collected afterwards, the pass lasts as long as the slowest. In a handler or a poll loop that wait is multiplied by the 100 agents.',
    },
    example: 'states = {}\nfor unit in units:\n    proc = subprocess.run(["systemctl", "--user", "is-active", unit], capture_output=True, text=True)\n    states[unit] = proc.stdout.strip()',
    useInstead: 'procs = {unit: subprocess.Popen(["systemctl", "--user", "is-active", unit], stdout=subprocess.PIPE, text=True)\n         for unit in units}                 # start them all\nstates = {}\nfor unit, proc in procs.items():          # then collect\n    out, _ = proc.communicate(timeout=10)\n    states[unit] = out.strip()',
    tradeoff: {
      es: 'Todos los procesos existen a la vez (memoria, descriptores, carga en el sistema): para listas largas, acotar con ThreadPoolExecutor(max_workers=8).map(...) sobre subprocess.run; si el programa acepta varios argumentos (systemctl is-active u1 u2 …) una sola llamada es aún mejor.',
      en: 'All processes exist at once (memory, descriptors, system load): for long lists, bound it with ThreadPoolExecutor(max_workers=8).map(...) over subprocess.run; if the program takes several arguments (systemctl is-active u1 u2 …) a single call is better still.',
    },
  },
};

const WORKERS = 8;
const STDLIB_PROGRAMS = /^(cat|ls|mkdir|rm|rmdir|cp|mv|touch|date|sleep|grep|find|wc|head|tail|echo|test|stat|true|false|ln|basename|dirname|pwd|curl|wget)$/;
const WAITS = /^(wait|communicate)$/;
/** Programs that take many targets in one call: one call beats parallel calls (SP505 says so too). */
const BATCHABLE = /^(systemctl|chmod|chown|kill|du)$/;

/** A Popen counts only when the same iteration waits for it (otherwise the loop already runs them in parallel). */
function waitsInSameIteration(file: FileModel, call: CallSite): boolean {
  if (call.callee !== 'subprocess.Popen') return true;
  const loopId = call.loopIds[0];
  const handle = call.assignedTo;
  const chained = file.calls.some((c) => c.span.start === call.span.start && c !== call && WAITS.test(c.method ?? ''));
  if (chained) return true;
  if (!handle || call.inWithItem) return call.inWithItem;
  return file.calls.some((c) => c.receiver === handle && WAITS.test(c.method ?? '') && c.loopIds[0] === loopId);
}

/** The same loop iteration also runs a non-trivial command (`git show`, `python3 -m py_compile` next to `wc -l`). */
function partOfPipeline(file: FileModel, call: CallSite): boolean {
  const loopId = call.loopIds[0];
  if (loopId === undefined) return false;
  return file.calls.some((c) => c !== call && c.loopIds[0] === loopId && isSubprocess(c) && !STDLIB_PROGRAMS.test(argvOf(c).program ?? 'unknown'));
}

/** A call site, in a loop with independent iterations, of the function holding `call` (whose argv uses a parameter). */
function helperCallerInLoop(project: ProjectModel, file: FileModel, call: CallSite, argvText: string): { independent: IndependentLoop; loopFile: FileModel; loopCall: CallSite } | undefined {
  const fn = functionInfo(file, call.functionId);
  if (!fn) return undefined;
  const params = new Set(fn.params.filter((p) => p !== 'self' && p !== 'cls'));
  if (![...identifiers(argvText)].some((id) => params.has(id))) return undefined;
  if (call.callee === 'subprocess.Popen' && !(call.assignedTo && file.calls.some((c) => c.receiver === call.assignedTo && WAITS.test(c.method ?? '') && c.functionId === fn.id))) return undefined;
  for (const { file: other, call: site } of callSitesOf(project, fn.id)) {
    if (site.loopIds.length === 0) continue;
    const independent = independentLoopOf(other, site);
    if (independent) return { independent, loopFile: other, loopCall: site };
  }
  return undefined;
}

export const PA903: Rule = {
  meta,
  check({ file, project, agents }) {
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      if (!isSubprocess(call)) continue;
      const argv = argvOf(call);
      const first = positional(call, 0)?.expr.text ?? '';
      // A command held in a variable is opaque, unless it comes from a helper's parameter (`def run_job(cmd)`)
      // and a loop calls that helper once per item (checked below).
      const opaque = argv.form === 'unknown' && !/\+|%|\{|format\(|\*/.test(first);
      if (opaque && (call.loopIds.length > 0 || !/^[A-Za-z_]\w*(\[\s*["']\w+["']\s*\]|\.\w+)?$/.test(first.trim()))) continue;
      // `rm`, `cat`, `touch`… per item: the fix is the stdlib call (SP503), not running them in parallel.
      // (Unless the item's work is a pipeline of several commands: then every step of it waits in series.)
      if (argv.program !== undefined && STDLIB_PROGRAMS.test(argv.program) && !partOfPipeline(file, call)) continue;
      // `python -c "…"` per item: the fix is running that code in-process.
      if (argv.words.includes('-c') && (/^python/.test(argv.program ?? '') || /sys\.executable/.test(first))) continue;
      let independent: IndependentLoop | undefined;
      let loopFile = file;
      let loopCall = call;
      if (call.loopIds.length > 0) {
        if (!waitsInSameIteration(file, call)) continue;
        independent = independentLoopOf(file, call, first);
        // `for cmd in STEPS: run(cmd)`: the loop variable is the whole command, usually ordered steps.
        if (independent && independent.perItem.has(first.trim())) continue;
      } else {
        // A helper (`def rss_bytes(pid): return check_output(["ps", …, str(pid)])`) called once per item of a loop.
        const caller = helperCallerInLoop(project, file, call, first);
        if (caller) ({ independent, loopFile, loopCall } = caller);
        // An opaque command per item of a list of steps/commands/hooks is usually an ordered sequence.
        if (opaque && independent && (/cmd|command|step|hook|script|stage|action/i.test(`${independent.loop.targetText ?? ''} ${independent.loop.iterableText ?? ''}`) || (independent.itemsKnown && independent.items <= 3))) continue;
      }
      if (!independent) continue;
      const base = meta.severity[call.context];
      if (!base) continue;
      const batchable = argv.program !== undefined && BATCHABLE.test(argv.program);
      let severity: Severity = milderIf(oneOff(file, call, call.context), base);
      if (batchable) severity = 'minor';
      const k = independent.items;
      const workers = Math.min(k, WORKERS);
      const each = UNIT_MID_MS.subprocess ?? 27;
      const sequentialMs = k * each;
      const parallelMs = Math.ceil(k / workers) * each;
      const target = independent.loop.targetText ?? 'item';
      const iterable = independent.loop.iterableText ?? 'items';
      const command = argv.program ? `${argv.program}${argv.words.length > 1 ? ` ${argv.words.slice(1, 3).join(' ')}` : ''}` : call.calleeText;
      const text = callText(file, call);
      const argvText = first || 'argv';
      const usesTarget = [...identifiers(argvText)].some((id) => independent.perItem.has(id));
      const example = `# start every command first, then wait for each: the pass lasts as long as the slowest\nprocs = [(${target}, subprocess.Popen(${argvText}, stdout=subprocess.PIPE, text=True))\n         for ${target} in ${iterable}]\nfor ${target}, proc in procs:\n    out, _ = proc.communicate(timeout=30)\n    ...  # use out as the loop body does today\n# many items? bound it: ThreadPoolExecutor(max_workers=${WORKERS}).map(run_one, ${iterable})${batchable ? `\n# ${argv.program} accepts many arguments: one call for all of ${iterable} is better still` : ''}`;
      const fn = functionInfo(file, call.functionId);
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message: {
          es: `${command} se ejecuta una vez por elemento de ${iterable}, esperando a cada uno antes de lanzar el siguiente`,
          en: `${command} runs once per item of ${iterable}, each awaited before the next starts`,
        },
        whyAtScale: {
          es: `${independent.itemsKnown ? k : `~${k}`} subprocesos × ~${num(each)} ms = ~${num(sequentialMs)} ms por pasada; lanzados a la vez ~${num(parallelMs)} ms (${num(sequentialMs / parallelMs)}× menos espera), por cada uno de los ${agents} agentes`,
          en: `${independent.itemsKnown ? k : `~${k}`} subprocesses × ~${num(each)} ms = ~${num(sequentialMs)} ms per pass; started together ~${num(parallelMs)} ms (${num(sequentialMs / parallelMs)}× less waiting), for each of the ${agents} agents`,
        },
        proposal: {
          change: batchable
            ? { es: `Una sola llamada a ${argv.program} con todos los elementos de ${iterable}; si no se puede, lanzarlos todos con Popen y esperarlos después.`, en: `One ${argv.program} call with every item of ${iterable}; failing that, start them all with Popen and wait afterwards.` }
            : { es: `Lanzar todos los comandos con subprocess.Popen y esperarlos después (o un ThreadPoolExecutor(max_workers=${WORKERS}) sobre subprocess.run para listas largas).`, en: `Start every command with subprocess.Popen and wait for them afterwards (or a ThreadPoolExecutor(max_workers=${WORKERS}) over subprocess.run for long lists).` },
          justification: {
            es: `Los hijos corren en paralelo mientras el padre solo espera: la pasada baja de ~${num(sequentialMs)} ms a ~${num(parallelMs)} ms con stdlib (subprocess, concurrent.futures).`,
            en: `The children run in parallel while the parent only waits: the pass drops from ~${num(sequentialMs)} ms to ~${num(parallelMs)} ms with the stdlib (subprocess, concurrent.futures).`,
          },
          tradeoff: meta.docs.tradeoff,
          example: usesTarget ? example : `# today, in ${fn?.name ?? 'the loop'}:\n#     ${text}\n${example}`,
        },
        cost: {
          current: [{ unit: 'subprocess', count: k }],
          expected: batchable ? [{ unit: 'subprocess', count: 1 }] : [{ unit: 'subprocess', count: k }],
          rate: loopPassRate(loopFile, independent.loop, loopCall),
          currentResources: { blockedSeconds: sequentialMs / 1000, processes: k },
          expectedResources: { blockedSeconds: parallelMs / 1000, processes: batchable ? 1 : k },
          assumptions: [{
            es: `${independent.itemsKnown ? k : `~${k}`} elementos por pasada; ~${num(each)} ms por subproceso (referencia 5-50 ms); hasta ${workers} a la vez`,
            en: `${independent.itemsKnown ? k : `~${k}`} items per pass; ~${num(each)} ms per subprocess (reference 5-50 ms); up to ${workers} at once`,
          }],
        },
        facts: { command, items: k, batchable },
      }));
    }
    return findings;
  },
};
