import type { Operation } from '../../impact/types.js';
import { cadence, isTestFile, placeText, rateOf, severityAt } from '../disk/hot-path.js';
import { where } from '../../model/frequency.js';
import { lookupTable } from '../../util/lookup.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { argvExpr, pythonPipeline } from './advice.js';
import { commandLabel, commandOf, hasShellSyntax, isSpawn, isTheJob } from './command.js';

export const meta: RuleMeta = {
  id: 'SP502',
  name: 'shell-spawn',
  dimension: 'subprocess',
  title: { es: 'Shell intermedio (shell=True, os.system, os.popen)', en: 'Intermediate shell (shell=True, os.system, os.popen)' },
  phase: 1,
  severity: { handler: 'important', poll_loop: 'important', loop: 'minor', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Un comando lanzado a través de /bin/sh: shell=True, os.system(), os.popen() o subprocess.getoutput().',
      en: 'A command started through /bin/sh: shell=True, os.system(), os.popen() or subprocess.getoutput().',
    },
    why: {
      es: 'Cada llamada crea dos procesos (el shell y el comando): 1–5 ms más por llamada, el doble de PIDs, y el texto del comando se interpreta (comillas, espacios, inyección). os.system no admite timeout ni captura la salida.',
      en: 'Every call creates two processes (the shell and the command): 1–5 ms more per call, twice the PIDs, and the command text gets interpreted (quoting, spaces, injection). os.system takes no timeout and captures nothing.',
    },
    example: 'os.system("notify-send \'%s\' \'%s\'" % (title, message))',
    useInstead: 'subprocess.run(["notify-send", title, message], timeout=5, check=False)',
    tradeoff: {
      es: 'Tuberías, redirecciones y comodines hay que expresarlos en Python (Popen encadenados, open(), glob); a cambio desaparecen el proceso extra y los problemas de comillas.',
      en: 'Pipes, redirections and globs must be written in Python (chained Popen, open(), glob); in exchange the extra process and the quoting problems go away.',
    },
  },
};

/** The shell-only APIs, as the finding names them. */
const shellApi = lookupTable<string>({
  'os.system': 'os.system()', 'os.popen': 'os.popen()', 'subprocess.getoutput': 'subprocess.getoutput()',
  'subprocess.getstatusoutput': 'subprocess.getstatusoutput()', 'commands.getoutput': 'commands.getoutput()',
});

export const SP502: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      if (!isSpawn(call)) continue;
      const command = commandOf(file, call);
      if (!command.shell) continue;
      const at = where(project, file, call);
      if (isTheJob(command, !!at.site?.passed && at.ownLoops.length === 0)) continue;
      // os.system/os.popen cannot time out and hide the exit status: worth a note even once at start-up.
      const noTimeoutApi = shellApi(call.callee) !== undefined;
      const severity = at.context === 'startup' ? (noTimeoutApi ? 'minor' : null) : severityAt(meta.severity, at);
      if (!severity) continue;
      const how = shellApi(call.callee) ?? `${call.calleeText}(…, shell=True)`;
      const label = commandLabel(command);
      const rate = rateOf(call, file, at);
      const shellsPerSecond = rate.perSecond * agents;
      const syntax = hasShellSyntax(command);
      const captures = call.callee === 'os.popen' || /getoutput|getstatusoutput/.test(call.callee);
      const argv = argvExpr(command);
      const extra = captures ? 'capture_output=True, text=True, timeout=10' : 'timeout=10, check=False';
      const pipeline = syntax && command.literal !== undefined ? pythonPipeline(command.literal) : undefined;
      const replacement = pipeline
        ? `# ${label}\n# the same pipeline without /bin/sh\n${pipeline}`
        : syntax
        ? `# pipes, globs or redirections of \`${label}\` done in Python (glob.glob, open(), chained Popen)\nout = subprocess.run(${argv.startsWith('["sh"') ? '[...]' : argv}, ${extra})`
        : `${captures ? 'out = ' : ''}subprocess.run(${argv}, ${extra})${captures ? '\ntext = out.stdout' : ''}`;
      const current: Operation[] = [{ unit: 'shell', count: 1 }];
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${how} pasa \`${label}\` por /bin/sh ${placeText(file, at).es}: dos procesos y 1–5 ms extra ${cadence(at).es}`,
          en: `${how} runs \`${label}\` through /bin/sh ${placeText(file, at).en}: two processes and 1–5 ms extra ${cadence(at).en}`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(shellsPerSecond)} shells/s de más (${rate.basis.es}), cada uno sin timeout posible${call.callee === 'os.system' ? ' (os.system)' : ''} y con el comando interpretado por el shell`,
          en: `at ${agents} agents that is ${num(shellsPerSecond)} extra shells/s (${rate.basis.en}), each interpreting the command text${call.callee === 'os.system' ? ', and os.system cannot time out' : ''}`,
        },
        proposal: {
          change: {
            es: `Lanzar el programa directamente con una lista argv (${argv.length > 60 ? 'sin shell' : argv}), con timeout${captures ? ' y capture_output' : ''}; ${syntax ? 'las tuberías o redirecciones se hacen en Python.' : 'sin comillas que escapar.'}`,
            en: `Start the program directly with an argv list (${argv.length > 60 ? 'no shell' : argv}), with a timeout${captures ? ' and capture_output' : ''}; ${syntax ? 'do pipes or redirections in Python.' : 'no quoting to get right.'}`,
          },
          justification: {
            es: 'subprocess.run con lista evita el proceso /bin/sh intermedio, admite timeout y devuelve el código de salida y la salida capturada; es stdlib.',
            en: 'subprocess.run with a list skips the intermediate /bin/sh process, accepts a timeout, and returns the exit code and captured output; it is stdlib.',
          },
          tradeoff: meta.docs.tradeoff,
          example: replacement,
        },
        cost: { current, expected: [], rate, currentResources: { processes: 1 } },
        facts: { command: label, callee: call.calleeText },
      }));
    }
    return findings;
  },
};
