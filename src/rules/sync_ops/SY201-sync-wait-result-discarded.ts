// SY201: the caller waits for a result it then throws away: an HTTP call whose response nobody reads
// (a webhook, a notification, a metrics push), or work handed to a thread/pool and awaited at once.
import { cycleRate } from '../../impact/rate.js';
import type { UnitId } from '../../impact/types.js';
import type { CallSite, FileModel } from '../../model/types.js';
import { callText, destinationOf, httpKind, httpUnit, httpVerb, timeoutOf, urlArg } from '../io_blocking/http.js';
import { fmt, fmtEs, functionLines, isTestFile } from '../polling/hotpath.js';
import { isAssumedHeat, withContext } from '../../model/frequency.js';
import { argvOf, isSubprocess, keyword, milder, report } from '../support.js';
import type { L10n, Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { callsOfFunction, loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'SY201',
  name: 'sync-wait-result-discarded',
  dimension: 'sync_ops',
  title: { es: 'Espera síncrona de un resultado que se descarta', en: 'Synchronous wait on a discarded result' },
  phase: 2,
  severity: { handler: 'critical', poll_loop: 'important', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'El código espera a que termine una llamada (un POST a un webhook, una notificación, un trabajo enviado a un hilo) y luego no usa su resultado: bastaría con lanzarla y seguir.',
      en: 'The code waits for a call to finish (a POST to a webhook, a notification, work sent to a thread) and then does not use its result: firing it and moving on would do.',
    },
    why: {
      es: 'Cada tarea o petición suma la latencia completa de la llamada (1–500 ms, o el timeout entero si el destino va lento); con 100 agentes eso son hilos y peticiones parados esperando respuestas que nadie lee.',
      en: 'Every task or request adds the call’s full latency (1–500 ms, or the whole timeout when the target is slow); with 100 agents that is threads and requests stalled on answers nobody reads.',
    },
    example: 'requests.post(cfg["webhook"], json={"task": task_id}, timeout=5)\nlog("task %s done" % task_id)',
    useInstead: 'from concurrent.futures import ThreadPoolExecutor\n\n_notify_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="notify")\n_http = requests.Session()\n\ndef _post_quietly(url, payload):\n    try:\n        _http.post(url, json=payload, timeout=5)\n    except requests.RequestException as exc:\n        log("webhook failed: %s" % exc)\n\n_notify_pool.submit(_post_quietly, cfg["webhook"], {"task": task_id})\nlog("task %s done" % task_id)',
    tradeoff: {
      es: 'Los fallos ya no llegan al llamador: hay que registrarlos en el propio hilo; el orden entre notificaciones no está garantizado y las pendientes se pierden si el proceso muere (use `shutdown(wait=True)` al salir).',
      en: 'Failures no longer reach the caller: they must be logged on the worker thread; ordering between notifications is not guaranteed, and pending ones are lost if the process dies (call `shutdown(wait=True)` on exit).',
    },
  },
};

/** Programs run for their side effect on a person (a popup, a sound, a log line, a mail): nobody needs to wait for them. */
const NOTIFY_PROGRAMS = /^(notify-send|paplay|aplay|play|espeak|espeak-ng|spd-say|say|logger|wall|mail|mailx|sendmail|beep|canberra-gtk-play|zenity|kdialog|osascript|terminal-notifier)$/;

const NOTIFY_WORDS = /notif|webhook|hook|\bevents?\b|metric|telemetry|\bstats\b|\blog(s|ger|ging)?\b|\bping\b|alert|callback|slack|discord|heartbeat|\breport|audit|track|typing|sendChatAction|send_?message/i;

/** The result of `call` is never read: an expression statement, or a name never mentioned again. */
function resultUnused(file: FileModel, call: CallSite): boolean {
  if (call.resultDiscarded) return true;
  const name = call.assignedTo;
  if (!name || !/^\w+$/.test(name) || !call.functionId) return false;
  const fn = file.functions.get(call.functionId);
  if (!fn) return false;
  const rest = functionLines(file, fn).slice(call.span.endLine - fn.span.line + 1).join('\n');
  const atEnd = file.source[call.span.endLine - 1]!.slice(call.span.endColumn - 1);
  return !new RegExp(`\\b${name}\\b`).test(`${atEnd}\n${rest}`);
}

interface Wait {
  kind: 'http' | 'submit-result' | 'start-join' | 'process';
  label: string;
  notify: boolean;
  unit: UnitId;
  blockedSeconds?: number;
  /** The command line, for process examples. */
  argvText?: string;
}

function waitOf(file: FileModel, call: CallSite): Wait | undefined {
  const kind = httpKind(call, file);
  if (kind && kind !== 'http.client') {
    if (!resultUnused(file, call)) return undefined;
    const verb = httpVerb(call, kind);
    if (verb === 'DELETE' || verb === 'HEAD' || verb === 'OPTIONS') return undefined;
    const url = urlArg(call, kind);
    const timeout = timeoutOf(call, kind);
    return {
      kind: 'http', label: `${call.calleeText}(${url?.text ?? '…'})`, unit: httpUnit(destinationOf(url)),
      notify: NOTIFY_WORDS.test(`${url?.text ?? ''} ${call.calleeText} ${file.functions.get(call.functionId ?? '')?.name ?? ''}`),
      blockedSeconds: timeout.kind === 'value' ? timeout.seconds : timeout.kind === 'missing' || timeout.kind === 'none' ? Infinity : undefined,
    };
  }
  // subprocess.run(["notify-send", …]) / Popen(["paplay", …]).wait(): waiting for a notification to finish.
  if (isSubprocess(call) && call.resultDiscarded && !/Popen$/.test(call.callee)) {
    const argv = argvOf(call);
    const check = keyword(call, 'check');
    // Shell forms (os.system, shell=True) are the subprocess rules' business (SP502); here only argv lists.
    if (argv.form === 'list' && !argv.shell && argv.program && NOTIFY_PROGRAMS.test(argv.program) && !(check && check.expr.text === 'True')) {
      return { kind: 'process', label: `${call.calleeText}([${argv.words.map((w) => JSON.stringify(w)).slice(0, 3).join(', ')}…])`, unit: 'subprocess', notify: true, argvText: call.args[0]?.expr.text };
    }
  }
  if (call.method === 'wait' && call.args.length === 0 && call.resultDiscarded && call.receiver && /^\w+$/.test(call.receiver)) {
    const spawn = callsOfFunction(file, call.functionId).find((c) => c.assignedTo === call.receiver && /Popen$/.test(c.callee) && c.span.line < call.span.line);
    const program = spawn ? argvOf(spawn).program : undefined;
    if (spawn && program && NOTIFY_PROGRAMS.test(program)) {
      return { kind: 'process', label: `${call.receiver}.wait()  # ${program}`, unit: 'subprocess', notify: true, argvText: spawn.args[0]?.expr.text };
    }
  }
  // pool.submit(fn, x).result() with the result dropped: the thread pool buys nothing.
  if (call.method === 'result' && /\.submit\(/.test(call.receiver ?? '') && call.resultDiscarded) {
    return { kind: 'submit-result', label: callText(file, call), unit: 'thread_create', notify: true };
  }
  // t.start() immediately followed by t.join(): the thread runs synchronously.
  if (call.method === 'join' && call.args.length === 0 && call.receiver && /^\w+$/.test(call.receiver) && call.resultDiscarded) {
    const previous = file.source.slice(0, call.span.line - 1).reverse().find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    if (previous && previous.trim() === `${call.receiver}.start()`) {
      return { kind: 'start-join', label: `${call.receiver}.start(); ${call.receiver}.join()`, unit: 'thread_create', notify: true };
    }
  }
  return undefined;
}

export const SY201: Rule = {
  meta,
  check({ file, project }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const site of file.calls) {
      const wait = waitOf(file, site);
      if (!wait) continue;
      const call = withContext(project, site, file);
      if (isAssumedHeat(call)) continue; // nobody calls it: no evidence it runs per task
      let severity: Severity | null = meta.severity[call.context];
      if (!severity) continue;
      if (wait.kind === 'http' && !wait.notify) severity = milder(severity);
      const rate = cycleRate(call, file);
      const latencyMs = wait.unit === 'http_external' ? 500 : wait.unit === 'http_local' ? 5 : 1;
      const fn = call.functionId ? file.functions.get(call.functionId)?.name ?? 'task' : 'task';
      const text = callText(file, call).replace(/\s+/g, ' ');
      const loop = loopById(file, call.loopIds[0]);
      const message: L10n = wait.kind === 'http'
        ? { es: `\`${wait.label}\` espera la respuesta y la descarta: \`${fn}\` se detiene sin necesidad`, en: `\`${wait.label}\` waits for the response and drops it: \`${fn}\` stalls for nothing` }
        : wait.kind === 'process'
          ? { es: `\`${wait.label}\`: se espera a que termine un aviso cuyo resultado nadie usa`, en: `\`${wait.label}\`: waits for a notification to finish although nobody uses its result` }
          : wait.kind === 'submit-result'
          ? { es: `\`${text}\` envía trabajo a un pool y lo espera al instante: se ejecuta en serie igualmente`, en: `\`${text}\` sends work to a pool and waits for it at once: it still runs serially` }
          : { es: `\`${wait.label}\`: el hilo se espera justo después de arrancarlo, así que trabaja en serie`, en: `\`${wait.label}\`: the thread is joined right after it starts, so it works serially` };
      const example = wait.kind === 'http'
        ? `from concurrent.futures import ThreadPoolExecutor\n\n_background = ThreadPoolExecutor(max_workers=4, thread_name_prefix="${fn}-notify")\n\n\ndef _send_quietly(*args, **kwargs):\n    try:\n        ${call.calleeText}(*args, **kwargs)\n    except Exception as exc:  # fire-and-forget: log, never raise\n        logging.warning("background call failed: %s", exc)\n\n\n# in ${fn}: do not wait for the answer\n_background.submit(_send_quietly, ${call.args.map((a) => (a.name ? `${a.name}=${a.expr.text}` : a.expr.text)).join(', ')})`
        : wait.kind === 'process'
          ? `# start it and move on; reap it later so it does not linger as a zombie\n_children = []\n\n_children.append(subprocess.Popen(${(wait.argvText ?? 'argv').replace(/\n\s*/g, ' ')}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))\n_children[:] = [p for p in _children if p.poll() is None]  # reap the finished ones`
          : wait.kind === 'submit-result'
          ? `# submit everything first, then wait once (results re-raise errors)\nfutures = [${call.receiver ?? 'pool.submit(work, item)'} for ${loop?.targetText ?? 'item'} in ${loop?.iterableText ?? 'items'}]\nfor future in concurrent.futures.as_completed(futures):\n    future.result()`
          : `threads = []\nfor ${loop?.targetText ?? 'item'} in ${loop?.iterableText ?? '...'}:\n    ${call.receiver} = threading.Thread(...)  # the same target and args as before\n    ${call.receiver}.start()\n    threads.append(${call.receiver})\nfor ${call.receiver} in threads:  # join once, after all have started\n    ${call.receiver}.join()`;
      findings.push(...report(meta, call.span, call.context, {
        severity,
        message,
        whyAtScale: wait.kind === 'http'
          ? {
            es: `a ${fmtEs(rate.perSecond * 100)} llamadas/s entre 100 agentes, cada una añade ${latencyMs} ms o más al camino de \`${fn}\`${wait.blockedSeconds === Infinity ? ', y sin timeout un destino colgado la para del todo' : wait.blockedSeconds ? ` (hasta ${fmtEs(wait.blockedSeconds)} s si el destino va lento)` : ''}`,
            en: `at ${fmt(rate.perSecond * 100)} calls/s across 100 agents, each adds ${latencyMs} ms or more to \`${fn}\`’s path${wait.blockedSeconds === Infinity ? ', and with no timeout a hung target stops it entirely' : wait.blockedSeconds ? ` (up to ${fmt(wait.blockedSeconds)} s when the target is slow)` : ''}`,
          }
          : wait.kind === 'process'
            ? {
              es: `${fmtEs(rate.perSecond * 100)} esperas/s entre 100 agentes de 5–50 ms (o lo que dure el sonido) cada una, en el camino de \`${fn}\``,
              en: `${fmt(rate.perSecond * 100)} waits/s across 100 agents of 5–50 ms each (or the length of the sound), on \`${fn}\`’s path`,
            }
          : {
            es: `el trabajo se hace en serie y además paga la creación/entrega a un hilo; con 100 agentes × ${fmtEs(rate.perSecond)} ciclos/s no hay paralelismo alguno`,
            en: `the work runs serially and also pays the hand-off to a thread; with 100 agents × ${fmt(rate.perSecond)} cycles/s there is no parallelism at all`,
          },
        proposal: {
          change: wait.kind === 'http'
            ? { es: `Enviar \`${wait.label}\` en segundo plano con un \`ThreadPoolExecutor\` pequeño del módulo (fire-and-forget) y registrar los fallos allí.`, en: `Send \`${wait.label}\` in the background with a small module-level \`ThreadPoolExecutor\` (fire-and-forget) and log failures there.` }
            : { es: 'Lanzar todo el trabajo primero y esperar una sola vez al final (o no esperar, si el resultado no se usa).', en: 'Start all the work first and wait once at the end (or not at all, when the result is not used).' },
          justification: {
            es: 'Solo stdlib (concurrent.futures): el camino crítico deja de esperar una respuesta que no necesita, sin cambiar la arquitectura.',
            en: 'Stdlib only (concurrent.futures): the critical path stops waiting for an answer it does not need, with no architectural change.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: [{ unit: wait.unit, count: 1 }],
          expected: [{ unit: 'python_op', count: 50 }],
          rate,
          currentResources: wait.blockedSeconds !== undefined ? { blockedSeconds: wait.blockedSeconds } : undefined,
          expectedResources: wait.kind === 'http' ? { blockedSeconds: 0, threads: 4 } : { blockedSeconds: 0 },
          assumptions: [{
            es: 'la llamada sigue haciéndose, en un hilo del pool: lo que desaparece es la espera en el camino de la tarea',
            en: 'the call still happens, on a pool thread: what goes away is the wait on the task’s path',
          }],
        },
        facts: { call: wait.label, kind: wait.kind },
      }));
    }
    return findings;
  },
};
