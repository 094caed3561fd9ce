import type { Operation } from '../../impact/types.js';
import { cadence, isTestFile, itemsPerLoop, loopTargets, placeText, rateOf, severityAt } from '../disk/hot-path.js';
import { where } from '../../model/frequency.js';
import { keyword, num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { argvExpr, enclosingName, indent, runExpr, spawnLoad } from './advice.js';
import { commandLabel, commandOf, isHeavyWork, isSpawn, isTheJob } from './command.js';
import { isPopen, popenUse } from './popen.js';
import { operands, stdlibReplacement } from './stdlib.js';

export const meta: RuleMeta = {
  id: 'SP501',
  name: 'spawn-in-hot-path',
  dimension: 'subprocess',
  title: { es: 'Subproceso lanzado en un bucle o en la ruta caliente', en: 'Subprocess spawned in a loop or hot path' },
  phase: 2,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Un subprocess.run/Popen/check_output u os.system que se ejecuta por cada petición, por cada sondeo o por cada elemento de un bucle.',
      en: 'A subprocess.run/Popen/check_output or os.system that runs once per request, per poll, or per item of a loop.',
    },
    why: {
      es: 'Cada lanzamiento es fork+exec+wait: 5–50 ms y un proceso nuevo. Con 100 agentes sondeando cada segundo son 100 procesos/s, entre 0,5 y 5 núcleos solo en crear procesos, y latencia añadida a cada petición.',
      en: 'Every spawn is fork+exec+wait: 5–50 ms and a new process. With 100 agents polling every second that is 100 processes/s, 0.5–5 cores just creating processes, plus latency on every request.',
    },
    example: 'def do_GET(self):\n    out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True)\n    self._send(200, out.stdout)',
    useInstead: '# run it once (or refresh it in the background) and serve the answer from memory\nREVISION = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10).stdout.strip()\n\ndef do_GET(self):\n    self._send(200, REVISION)',
    tradeoff: {
      es: 'Un valor en caché puede quedar desfasado hasta el siguiente refresco (elige el TTL); agrupar elementos en una sola llamada exige parsear una salida conjunta.',
      en: 'A cached value can be stale until the next refresh (choose the TTL); batching items into one call means parsing a combined output.',
    },
  },
};

/** The call's output is captured and used: a query whose answer can be cached. */
function isQuery(call: Parameters<typeof popenUse>[1]): boolean {
  if (/check_output|getoutput|getstatusoutput|os\.popen/.test(call.callee)) return true;
  if (call.resultDiscarded) return false;
  const capture = keyword(call, 'capture_output')?.expr.text === 'True' || /PIPE/.test(keyword(call, 'stdout')?.expr.text ?? '');
  return capture;
}

/** A worker/child launched to run alongside (stored, not waited here) or a supervisor's restart loop. */
function isLongRunningChild(file: Parameters<typeof popenUse>[0], call: Parameters<typeof popenUse>[1], inWhile: boolean): boolean {
  const use = popenUse(file, call);
  if (use.escapes && !use.waited) return true;
  return inWhile && use.waitsWithoutTimeout > 0 && use.pipes.length === 0;
}

export const SP501: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      if (!isSpawn(call)) continue;
      const at = where(project, file, call);
      if (!at.repeated) continue;
      const command = commandOf(file, call);
      if (isTheJob(command, !!at.site?.passed && at.ownLoops.length === 0)) continue;
      // ffmpeg, tar, rsync, git clone…: the tool's own run time dwarfs fork+exec; one per item is the work, not overhead.
      if (isHeavyWork(command)) continue;
      // A thin wrapper (`def sh(cmd): return run(cmd, …)`) spawns whatever its caller passes: the caller decides how often.
      const params = (call.functionId ? file.functions.get(call.functionId)?.params : undefined) ?? [];
      if (!command.program && command.words.length === 0 && params.includes(command.text.replace(/^\*+/, ''))) continue;
      if (isPopen(call) && at.context !== 'handler') {
        const inWhile = at.ownLoops.some((l) => l.kind === 'while');
        if (!at.fnRepeated && isLongRunningChild(file, call, inWhile)) continue;
        if (inWhile && isLongRunningChild(file, call, true) && popenUse(file, call).waitsWithoutTimeout > 0) continue;
      }
      // Once per task (not per item), running a real tool is the task's work; a shell or a stdlib-sized command is overhead.
      if (at.context === 'per_task' && !at.viaItemLoop && !command.shell && !stdlibReplacement(command)) continue;
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const load = spawnLoad(rate, agents);
      const label = commandLabel(command);
      const place = placeText(file, at);
      const per = cadence(at);
      const loop = at.ownLoops[0];
      const targets = loop ? loopTargets(file, loop) : [];
      const batchable = loop && command.form === 'list' && command.dynamic.length === 1 && targets.includes(command.dynamic[0]!);
      const fnName = enclosingName(file, call);
      const current: Operation[] = [{ unit: 'subprocess', count: 1 }];
      if (command.shell) current.push({ unit: 'shell', count: 1 });
      let change;
      let example: string;
      let expected: Operation[];
      let expectedRate;
      const stdlib = stdlibReplacement(command);
      if (stdlib) {
        change = {
          es: `No lanzar un proceso ${per.es}: ${stdlib.use.es}, dentro del propio proceso.`,
          en: `Do not spawn a process ${per.en}: ${stdlib.use.en}, in-process.`,
        };
        example = stdlib.example;
        expected = [{ unit: 'python_op', count: 10 }];
      } else if (at.context === 'handler' && isQuery(call)) {
        change = {
          es: `Sacar \`${label}\` de la ruta de la petición: un hilo en segundo plano lo refresca cada pocos segundos y ${fnName} responde desde memoria.`,
          en: `Take \`${label}\` out of the request path: a background thread refreshes it every few seconds and ${fnName} answers from memory.`,
        };
        example = `_latest = {"value": None}\n\ndef _refresh_forever(stop, every=5.0):\n    while not stop.is_set():\n        out = ${runExpr(call, command)}\n        _latest["value"] = out.stdout\n        stop.wait(every)\n\n# at start-up: threading.Thread(target=_refresh_forever, args=(stop,), daemon=True).start()\n# in ${fnName}: use _latest["value"] — no process per request`;
        expected = [{ unit: 'subprocess', count: 1 }];
        expectedRate = { perSecond: 0.2, basis: { es: 'un refresco cada 5 s por agente, independiente de las peticiones', en: 'one refresh every 5 s per agent, whatever the request rate' } };
      } else if (batchable) {
        const iterable = loop!.iterableText ?? 'items';
        change = {
          es: `Lanzar \`${command.words.join(' ')}\` una sola vez con todos los elementos de ${iterable} (la mayoría de herramientas aceptan varios argumentos) en lugar de un proceso por ${targets[0]}.`,
          en: `Run \`${command.words.join(' ')}\` once with every item of ${iterable} (most tools take several arguments) instead of one process per ${targets[0]}.`,
        };
        example = `out = ${call.calleeText}([${command.words.map((w) => JSON.stringify(w)).join(', ')}, *${iterable}],\n${' '.repeat(call.calleeText.length + 7)}capture_output=True, text=True, timeout=30)\nfor ${targets[0]}, line in zip(${iterable}, out.stdout.splitlines()):\n    ...  # one process for the whole batch`;
        expected = [{ unit: 'subprocess', count: 1 / itemsPerLoop(loop) }];
      } else if (!loop && (at.context === 'handler' || at.context === 'per_task')) {
        change = {
          es: `Que ${fnName} no espere a \`${label}\` ${per.es}: entregar el comando a un único hilo trabajador (queue.Queue) que lo lanza en segundo plano, o hacer el trabajo sin proceso si la stdlib lo permite.`,
          en: `Do not make ${fnName} wait for \`${label}\` ${per.en}: hand the command to one worker thread (queue.Queue) that runs it in the background, or do the work without a process if the stdlib can.`,
        };
        example = `_spawn_queue = queue.Queue()\n\ndef _spawner():\n    while True:\n        argv = _spawn_queue.get()\n        subprocess.run(argv, timeout=30, check=False)  # one child at a time, off the hot path\n\nthreading.Thread(target=_spawner, daemon=True).start()  # once, at start-up\n\n# in ${fnName}:\n_spawn_queue.put(${argvExpr(command)})`;
        expected = [{ unit: 'subprocess', count: 1 }];
      } else if (isQuery(call)) {
        const keys = operands(command).filter((o) => /^[A-Za-z_][\w.]*$/.test(o));
        const key = keys.length ? (keys.length === 1 ? keys[0]! : `(${keys.join(', ')})`) : '"result"';
        const cacheName = `_${fnName.replace(/^_+/, '')}_cache`;
        change = {
          es: `No lanzar \`${label}\` ${per.es}: guardar su salida en memoria con un TTL (clave ${key}) y lanzarlo solo cuando caduque o cambie la entrada.`,
          en: `Do not spawn \`${label}\` ${per.en}: keep its output in memory with a TTL (key ${key}) and spawn only when it expires or the input changes.`,
        };
        example = `${cacheName} = {}  # ${key} -> (timestamp, output)\n\ndef ${fnName}_cached(${keys.map((k) => k.split('.').pop()).join(', ')}${keys.length ? ', ' : ''}ttl=30.0):\n    now = time.monotonic()\n    hit = ${cacheName}.get(${key})\n    if hit and now - hit[0] < ttl:\n        return hit[1]\n${indent(`out = ${runExpr(call, command)}`)}\n    ${cacheName}[${key}] = (now, out.stdout)\n    return out.stdout`;
        expected = [{ unit: 'subprocess', count: 0.1 }];
      } else {
        const iterable = loop?.iterableText ?? 'items';
        const item = targets[0] ?? 'item';
        // Without a loop there is no iterable to name: the Spanish sentence must not borrow the example's `items`.
        const of = loop ? { es: ` de \`${iterable}\``, en: ` for \`${iterable}\`` } : { es: '', en: '' };
        change = {
          es: `Si la herramienta acepta varios elementos, una sola llamada para todos; si no, lanzar los procesos${of.es} en un ThreadPoolExecutor acotado para que sus esperas se solapen, o hacer el trabajo con la stdlib.`,
          en: `If the tool takes several items, one call for all of them; otherwise run the processes${of.en} in a bounded ThreadPoolExecutor so their waits overlap, or do the work with the stdlib.`,
        };
        example = `from concurrent.futures import ThreadPoolExecutor\n\ndef _one(${item}):\n    return ${runExpr(call, command, 'check=True, timeout=60')}\n\nwith ThreadPoolExecutor(max_workers=4) as pool:  # bounded: 4 children at a time\n    results = list(pool.map(_one, ${iterable}))`;
        expected = [{ unit: 'subprocess', count: 1 }];
      }
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${call.calleeText}() lanza \`${label}\` ${place.es}: un fork+exec (5–50 ms) ${per.es}`,
          en: `${call.calleeText}() spawns \`${label}\` ${place.en}: one fork+exec (5–50 ms) ${per.en}`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(load.perSecond)} procesos/s (${rate.basis.es}): ${load.cores.es}`,
          en: `at ${agents} agents that is ${num(load.perSecond)} processes/s (${rate.basis.en}): ${load.cores.en}`,
        },
        proposal: {
          change,
          justification: {
            es: 'Un proceso cuesta 100–1000 veces más que la llamada equivalente en memoria; quitarlo de la ruta repetida elimina ese coste sin salir de la stdlib.',
            en: 'A process costs 100–1000× the equivalent in-memory call; taking it off the repeated path removes that cost without leaving the stdlib.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: { current, expected, rate, expectedRate },
        facts: { command: label, callee: call.calleeText, shell: command.shell },
      }));
    }
    return findings;
  },
};
