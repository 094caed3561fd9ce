import type { CallSite, FileModel } from '../../model/types.js';
import { cadence, isTestFile, placeText, rateOf, severityAt } from '../disk/hot-path.js';
import { where } from '../../model/frequency.js';
import { argument, hasKwargsSplat, keyword, num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { commandLabel, commandOf, WAITING_RUNS, type Command } from './command.js';
import { pipesOf } from './popen.js';
import { callsOfFunction, loopById } from '../../model/file-index.js';

export const meta: RuleMeta = {
  id: 'SP504',
  name: 'subprocess-without-timeout',
  dimension: 'subprocess',
  title: { es: 'Subproceso sin timeout', en: 'Subprocess without a timeout' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'subprocess.run/call/check_call/check_output, Popen.communicate() o Popen.wait() sin timeout= en una ruta que se repite.',
      en: 'subprocess.run/call/check_call/check_output, Popen.communicate() or Popen.wait() without timeout= on a path that repeats.',
    },
    why: {
      es: 'Un hijo colgado (D-Bus lento, NFS caído, un git esperando credenciales) bloquea para siempre al hilo que espera: el manejador deja de responder, el bucle de sondeo se para. Con 100 agentes, basta un hijo colgado por agente para dejar la flota quieta.',
      en: 'A hung child (slow D-Bus, a dead NFS mount, git waiting for credentials) blocks the waiting thread forever: the handler stops answering, the polling loop stops. With 100 agents one hung child each is enough to stall the fleet.',
    },
    example: 'out = subprocess.run(["systemctl", "--user", "is-active", unit], capture_output=True, text=True)',
    useInstead: 'try:\n    out = subprocess.run(["systemctl", "--user", "is-active", unit], capture_output=True, text=True, timeout=10)\nexcept subprocess.TimeoutExpired:\n    state = "unknown"  # the child is killed; decide what a timeout means here',
    tradeoff: {
      es: 'Hay que elegir un límite y decidir qué significa agotarlo (reintentar, marcar como desconocido); un límite demasiado corto mata trabajos lentos pero legítimos.',
      en: 'You must pick a limit and decide what hitting it means (retry, mark unknown); a limit too short kills slow but legitimate jobs.',
    },
  },
};

/** Interactive programs block on a person on purpose. */
const INTERACTIVE = new Set(['vi', 'vim', 'nvim', 'nano', 'emacs', 'less', 'more', 'man', 'top', 'htop', 'pager', 'editor']);

function isInteractive(command: Command): boolean {
  return !!command.program && (INTERACTIVE.has(command.program) || /EDITOR|PAGER/.test(command.text));
}

/** `proc.kill(); proc.wait()` reaps a child that was just killed: it cannot hang. */
function reapsAfterKill(file: FileModel, call: CallSite): boolean {
  const receiver = call.receiver;
  if (!receiver) return false;
  const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
  const start = fn ? fn.span.line : 1;
  const before = file.source.slice(start - 1, call.span.line - 1).join('\n') + (file.source[call.span.line - 1]?.slice(0, call.span.column - 1) ?? '');
  const esc = receiver.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b${esc}\\s*\\.\\s*(kill|terminate|send_signal)\\(`).test(before);
}

/** Which Popen the waiting method belongs to, when the receiver was assigned from one in this function. */
function popenOf(file: FileModel, call: CallSite): CallSite | undefined {
  if (!call.receiver) return undefined;
  return callsOfFunction(file, call.functionId).find((c) => c.callee === 'subprocess.Popen' && c.assignedTo === call.receiver && c.span.start < call.span.start);
}

export const SP504: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      let kind: 'run' | 'wait' | 'communicate';
      let command: Command | undefined;
      if (WAITING_RUNS.has(call.callee)) {
        if (keyword(call, 'timeout') || hasKwargsSplat(call)) continue;
        command = commandOf(file, call);
        if (isInteractive(command)) continue;
        kind = 'run';
      } else if ((call.method === 'wait' || call.method === 'communicate') && (call.receiverType === 'subprocess.Popen' || popenOf(file, call))) {
        if (argument(call, call.method === 'wait' ? 0 : 1, 'timeout')) continue;
        if (reapsAfterKill(file, call)) continue;
        const popen = popenOf(file, call);
        if (popen) {
          command = commandOf(file, popen);
          if (isInteractive(command)) continue;
          // A supervisor blocks on its long-running child on purpose: `child = Popen(cmd); child.wait()` in a restart loop.
          const sameLoop = popen.loopIds.length > 0 && popen.loopIds[0] === call.loopIds[0];
          if (call.method === 'wait' && sameLoop && pipesOf(popen).length === 0 && loopById(file, call.loopIds[0])?.kind === 'while') continue;
        }
        kind = call.method;
      } else continue;
      // Waiting on a child repeats only as often as the child is started: a retry loop around one wait() is not repetition.
      const popenCall = kind !== 'run' ? popenOf(file, call) : undefined;
      const at = where(project, file, popenCall ?? call);
      if (!at.repeated) continue;
      // In a thread started per job, a hung child stalls that job's thread only; the job's own command sets its length.
      if (at.site?.passed && at.ownLoops.length === 0) continue;
      const severity: Severity | null = at.context === 'poll_loop' ? meta.severity.poll_loop : severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const label = command ? commandLabel(command) : call.receiver ?? 'proc';
      const what = kind === 'run' ? `${call.calleeText}(\`${label}\`)` : `${call.calleeText}()`;
      const place = placeText(file, at);
      const example = kind === 'run'
        ? `try:\n    ${file.source[call.span.line - 1]?.trim().startsWith('return') ? 'out = ' : call.assignedTo ? `${call.assignedTo} = ` : ''}${call.calleeText}(${call.args.map((a) => (a.name ? `${a.name}=${a.expr.text}` : a.expr.text)).join(', ')}, timeout=10)\nexcept subprocess.TimeoutExpired:\n    ...  # the child was killed: log it and treat the answer as unknown`
        : `try:\n    ${kind === 'communicate' ? 'out, err = ' : ''}${call.receiver}.${kind}(${kind === 'communicate' && call.args.length ? `${call.args.map((a) => a.expr.text).join(', ')}, ` : ''}timeout=30)\nexcept subprocess.TimeoutExpired:\n    ${call.receiver}.kill()\n    ${call.receiver}.${kind === 'communicate' ? 'communicate()' : 'wait()'}  # reap it; no zombie, no leaked pipes`;
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${what} espera sin timeout ${place.es}: si el hijo se cuelga, este hilo se bloquea para siempre`,
          en: `${what} waits with no timeout ${place.en}: if the child hangs, this thread blocks forever`,
        },
        whyAtScale: {
          es: `se ejecuta ${cadence(at).es}, ${num(rate.perSecond * agents)} veces/s con ${agents} agentes; basta un hijo colgado para ${at.context === 'handler' ? 'dejar el servidor sin respuesta' : at.context === 'poll_loop' ? 'parar el bucle de sondeo del agente' : 'detener el trabajo del agente'}, sin error ni traza`,
          en: `it runs ${cadence(at).en}, ${num(rate.perSecond * agents)} times/s at ${agents} agents; one hung child is enough to ${at.context === 'handler' ? 'leave the server unresponsive' : at.context === 'poll_loop' ? "stop the agent's polling loop" : "stall the agent's work"}, with no error and no trace`,
        },
        proposal: {
          change: {
            es: `Pasar timeout= (p. ej. 10 s, o el máximo razonable para \`${label}\`) y tratar subprocess.TimeoutExpired.`,
            en: `Pass timeout= (e.g. 10 s, or the longest reasonable time for \`${label}\`) and handle subprocess.TimeoutExpired.`,
          },
          justification: {
            es: 'Con timeout, subprocess mata al hijo y devuelve el control: el fallo se vuelve visible y acotado en lugar de un bloqueo silencioso.',
            en: 'With a timeout, subprocess kills the child and gives control back: the failure becomes visible and bounded instead of a silent hang.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: kind === 'run' ? [{ unit: 'subprocess', count: 1 }] : [],
          expected: kind === 'run' ? [{ unit: 'subprocess', count: 1 }] : [],
          rate,
          currentResources: { blockedSeconds: Infinity, threads: 1 },
          expectedResources: { blockedSeconds: kind === 'run' ? 10 : 30, threads: 1 },
        },
        facts: { command: label, callee: call.calleeText },
      }));
    }
    return findings;
  },
};

