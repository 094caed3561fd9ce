import { isTestFile, placeText, rateOf, severityAt } from '../disk/hot-path.js';
import { where } from '../../model/frequency.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta, Severity } from '../types.js';
import { commandLabel, commandOf } from './command.js';
import { popenUse, type PopenUse } from './popen.js';

export const meta: RuleMeta = {
  id: 'SP506',
  name: 'popen-never-waited',
  dimension: 'subprocess',
  title: { es: 'Popen sin esperar o con tuberías sin leer', en: 'Popen never waited or pipes never drained' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: 'minor' },
  docs: {
    what: {
      es: 'Un subprocess.Popen cuyo resultado se descarta o nunca se espera (wait/communicate/poll), o cuyas tuberías stdout/stderr=PIPE nadie lee.',
      en: 'A subprocess.Popen whose result is thrown away or never waited (wait/communicate/poll), or whose stdout/stderr=PIPE nobody reads.',
    },
    why: {
      es: 'Un hijo que escribe más de 64 KB en una tubería que nadie lee se bloquea para siempre; cada Popen olvidado deja dos descriptores abiertos y un zombi hasta que el recolector lo encuentra. Con 100 agentes lanzando uno por tarea, miles de fds y procesos colgados en horas.',
      en: 'A child that writes more than 64 KB into a pipe nobody reads blocks forever; every forgotten Popen leaves two descriptors open and a zombie until the garbage collector finds it. With 100 agents launching one per task, thousands of fds and stuck processes within hours.',
    },
    example: 'subprocess.Popen(["python3", "-m", "openclaw_helper", task_id], stdout=subprocess.PIPE, stderr=subprocess.PIPE)',
    useInstead: 'proc = subprocess.Popen(["python3", "-m", "openclaw_helper", task_id],\n                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n_children.append(proc)\n# once per cycle: reap the finished ones\n_children[:] = [p for p in _children if p.poll() is None]',
    tradeoff: {
      es: 'Mandar la salida a DEVNULL pierde los mensajes del hijo (usa un fichero de log si hacen falta); llevar la lista de hijos y sondearlos es una línea más por ciclo.',
      en: 'Sending output to DEVNULL loses the child’s messages (use a log file if you need them); keeping a list of children and polling them is one more line per cycle.',
    },
  },
};

type Problem = 'discarded-pipes' | 'undrained-pipes' | 'waited-undrained' | 'never-waited';

function problemOf(use: PopenUse): Problem | undefined {
  if (use.contextManager || use.escapes) return undefined;
  if (use.discarded) return use.pipes.some((p) => p !== 'stdin') ? 'discarded-pipes' : 'never-waited';
  if (!use.variable) return undefined;
  const outputPipes = use.pipes.filter((p) => p !== 'stdin');
  if (outputPipes.length > 0 && !use.drained) return use.waited ? 'waited-undrained' : 'undrained-pipes';
  if (!use.waited && !use.drained) return 'never-waited';
  // Reading stdout to EOF (`proc.stdout.read()`) does not reap the child: without wait/communicate/poll it stays a zombie.
  if (!use.waited && use.readsToEnd && !use.streams) return 'never-waited';
  return undefined;
}

function soften(severity: Severity): Severity {
  return severity === 'critical' ? 'important' : 'minor';
}

export const SP506: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      if (call.callee !== 'subprocess.Popen') continue;
      const use = popenUse(file, call);
      const problem = problemOf(use);
      if (!problem) continue;
      const at = where(project, file, call);
      let severity = at.context === 'poll_loop' ? meta.severity.poll_loop : severityAt(meta.severity, at);
      if (!severity) continue;
      // A child nobody waits for is a zombie until the next Popen reaps it: real, but milder than a blocked pipe.
      if (problem === 'never-waited') {
        if (!at.repeated) continue;
        severity = soften(severity);
      }
      const command = commandOf(file, call);
      const label = commandLabel(command);
      const rate = rateOf(call, file, at);
      const pipes = use.pipes.filter((p) => p !== 'stdin');
      const place = placeText(file, at);
      const perHour = rate.perSecond * agents * 3600;
      const args = call.args.filter((a) => !['stdout', 'stderr', 'stdin'].includes(a.name ?? '')).map((a) => (a.name ? `${a.name}=${a.expr.text}` : a.expr.text)).join(', ');
      const variable = use.variable && !use.variable.startsWith('self.') ? use.variable : 'proc';
      const messages: Record<Problem, { es: string; en: string }> = {
        'discarded-pipes': {
          es: `Popen(\`${label}\`) ${place.es} se descarta con ${pipes.join('/')}=PIPE: nadie lee la salida ni espera al hijo`,
          en: `Popen(\`${label}\`) ${place.en} is thrown away with ${pipes.join('/')}=PIPE: nobody reads its output or waits for it`,
        },
        'undrained-pipes': {
          es: `Popen(\`${label}\`) ${place.es} abre ${pipes.join('/')}=PIPE pero ${use.variable} nunca se lee ni se espera`,
          en: `Popen(\`${label}\`) ${place.en} opens ${pipes.join('/')}=PIPE but ${use.variable} is never read or waited`,
        },
        'waited-undrained': {
          es: `Popen(\`${label}\`) ${place.es} usa ${pipes.join('/')}=PIPE y ${use.variable}.wait() sin leerla: si el hijo escribe más de 64 KB, ambos se bloquean`,
          en: `Popen(\`${label}\`) ${place.en} uses ${pipes.join('/')}=PIPE and ${use.variable}.wait() without reading it: past 64 KB of output, both block forever`,
        },
        'never-waited': {
          es: `Popen(\`${label}\`) ${place.es} nunca se espera (wait/poll/communicate): el hijo queda zombi hasta que otro Popen lo recoja`,
          en: `Popen(\`${label}\`) ${place.en} is never waited (wait/poll/communicate): the child stays a zombie until another Popen reaps it`,
        },
      };
      const needsOutput = problem === 'waited-undrained' || problem === 'undrained-pipes';
      const example = needsOutput
        ? `${variable} = ${call.calleeText}(${args}, ${pipes.map((p) => `${p}=subprocess.PIPE`).join(', ')})\ntry:\n    out, err = ${variable}.communicate(timeout=60)  # reads the pipes while waiting: no 64 KB deadlock\nexcept subprocess.TimeoutExpired:\n    ${variable}.kill()\n    out, err = ${variable}.communicate()`
        : `_children = []  # module level\n\n${variable} = ${call.calleeText}(${args},\n${' '.repeat(variable.length + call.calleeText.length + 4)}stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n_children.append(${variable})\n# once per cycle (or in a finally): reap finished children\n_children[:] = [p for p in _children if p.poll() is None]`;
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: messages[problem],
        whyAtScale: {
          es: rate.perSecond > 0
            ? `con ${agents} agentes son ~${num(perHour)} hijos/hora (${rate.basis.es}); cada uno sin recoger retiene ${pipes.length ? `${pipes.length} descriptor(es) y ` : ''}una entrada en la tabla de procesos${pipes.length ? ', y se congela al llenar los 64 KB de la tubería' : ''}`
            : `una vez por arranque en cada uno de los ${agents} agentes: el hijo ${pipes.length ? 'se congela al llenar los 64 KB de la tubería y ' : ''}queda sin recoger`,
          en: rate.perSecond > 0
            ? `at ${agents} agents that is ~${num(perHour)} children/hour (${rate.basis.en}); each one left unreaped holds ${pipes.length ? `${pipes.length} descriptor(s) and ` : ''}a process-table entry${pipes.length ? ', and freezes once the 64 KB pipe buffer fills' : ''}`
            : `once per start in each of the ${agents} agents: the child ${pipes.length ? 'freezes once the 64 KB pipe fills and ' : ''}is never reaped`,
        },
        proposal: {
          change: needsOutput
            ? { es: `Leer la salida mientras se espera: ${variable}.communicate(timeout=…) (o un hilo lector), nunca wait() con PIPE sin leer.`, en: `Read the output while waiting: ${variable}.communicate(timeout=…) (or a reader thread), never wait() on an unread PIPE.` }
            : { es: 'Si la salida no hace falta, stdout/stderr a DEVNULL (o a un fichero de log); guardar el Popen y recogerlo con poll() en cada ciclo.', en: 'If the output is not needed, send stdout/stderr to DEVNULL (or a log file); keep the Popen and reap it with poll() every cycle.' },
          justification: {
            es: 'communicate() drena las tuberías y espera al hijo; DEVNULL elimina la tubería; poll() recoge al hijo sin bloquear. Todo stdlib.',
            en: 'communicate() drains the pipes and waits for the child; DEVNULL removes the pipe; poll() reaps the child without blocking. All stdlib.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: {
          current: [{ unit: 'subprocess', count: 1 }],
          expected: [{ unit: 'subprocess', count: 1 }],
          rate,
          currentResources: { fds: pipes.length, blockedSeconds: pipes.length ? Infinity : undefined },
          expectedResources: { fds: 0 },
          assumptions: [{ es: 'el búfer de una tubería en Linux es de 64 KB', en: 'a Linux pipe buffer holds 64 KB' }],
        },
        facts: { command: label, problem },
      }));
    }
    return findings;
  },
};
