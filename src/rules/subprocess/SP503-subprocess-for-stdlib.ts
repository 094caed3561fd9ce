import type { Operation, UnitId } from '../../impact/types.js';
import { cadence, isTestFile, placeText, rateOf, severityAt } from '../disk/hot-path.js';
import { where } from '../../model/frequency.js';
import { lookupTable } from '../../util/lookup.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { spawnLoad } from './advice.js';
import { commandLabel, commandOf, isSpawn } from './command.js';
import { stdlibReplacement } from './stdlib.js';

export const meta: RuleMeta = {
  id: 'SP503',
  name: 'subprocess-for-stdlib',
  dimension: 'subprocess',
  title: { es: 'Subproceso para algo que hace la stdlib', en: 'Subprocess for what the stdlib does' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'minor', startup: null },
  docs: {
    what: {
      es: 'Lanzar cat, ls, mkdir, rm, cp, mv, touch, date, sleep, grep, find, wc, head, tail, echo, curl, wget, test, stat o python -c para un trabajo que Python hace en el propio proceso.',
      en: 'Spawning cat, ls, mkdir, rm, cp, mv, touch, date, sleep, grep, find, wc, head, tail, echo, curl, wget, test, stat or python -c for work Python does in-process.',
    },
    why: {
      es: 'Un `cat` cuesta 5–50 ms de fork+exec; open().read() cuesta 0,1–0,5 ms. Con 100 agentes haciéndolo por petición o por sondeo, cientos de procesos por segundo que no hacen falta.',
      en: 'A `cat` costs 5–50 ms of fork+exec; open().read() costs 0.1–0.5 ms. With 100 agents doing it per request or per poll, hundreds of needless processes per second.',
    },
    example: 'def read_file(path):\n    return subprocess.run("cat " + path, shell=True, capture_output=True, text=True).stdout',
    useInstead: 'def read_file(path):\n    with open(path, encoding="utf-8") as fh:\n        return fh.read()',
    tradeoff: {
      es: 'Casi ninguno: el código Python es más corto y lanza excepciones claras (FileNotFoundError) en lugar de códigos de salida; para grep/find sobre árboles enormes la herramienta en C puede ser más rápida, pero no en ficheros pequeños.',
      en: 'Almost none: the Python code is shorter and raises clear exceptions (FileNotFoundError) instead of exit codes; grep/find over huge trees can be faster in C, but not on small files.',
    },
  },
};

const unitAfterProgram = lookupTable<UnitId>({
  cat: 'file_read', head: 'file_read', tail: 'file_read', wc: 'file_read', grep: 'file_read', uptime: 'file_read', gunzip: 'file_read',
  sha256sum: 'file_read', md5sum: 'file_read', sha1sum: 'file_read',
  ls: 'listdir', find: 'listdir',
  mkdir: 'file_write', rm: 'file_write', cp: 'file_write', mv: 'file_write', touch: 'file_write', chmod: 'file_write', chown: 'file_write', ln: 'file_write',
  tar: 'file_write', zip: 'file_write', unzip: 'file_write', gzip: 'file_write',
  stat: 'stat', test: 'stat', '[': 'stat', readlink: 'stat', realpath: 'stat', df: 'stat', which: 'stat',
});

function unitAfter(program: string, text: string): UnitId {
  if (program === 'curl' || program === 'wget') return /localhost|127\.0\.0\.1|\[::1\]/.test(text) ? 'http_local_reuse' : 'http_external';
  return unitAfterProgram(program) ?? 'python_op';
}

export const SP503: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      if (!isSpawn(call)) continue;
      const command = commandOf(file, call);
      const replacement = stdlibReplacement(command);
      if (!replacement) continue;
      const at = where(project, file, call);
      if (!at.repeated) continue; // once, the spawn costs milliseconds: not worth a finding
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const load = spawnLoad(rate, agents);
      const label = commandLabel(command);
      const current: Operation[] = [{ unit: 'subprocess', count: 1 }];
      if (command.shell) current.push({ unit: 'shell', count: 1 });
      const after = unitAfter(replacement.program, command.text);
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${call.calleeText}() lanza \`${label}\` ${placeText(file, at).es} para un trabajo que ${replacement.stdlibEs} hace dentro del proceso: 5–50 ms de fork+exec ${cadence(at).es} en vez de microsegundos`,
          en: `${call.calleeText}() spawns \`${label}\` ${placeText(file, at).en} for work ${replacement.stdlib} does in-process: 5–50 ms of fork+exec ${cadence(at).en} instead of microseconds`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(load.perSecond)} procesos/s evitables (${rate.basis.es}): ${load.cores.es}`,
          en: `at ${agents} agents that is ${num(load.perSecond)} avoidable processes/s (${rate.basis.en}): ${load.cores.en}`,
        },
        proposal: {
          change: {
            es: `Sustituir \`${replacement.program}\` por ${replacement.stdlibEs}: ${replacement.use.es}.`,
            en: `Replace \`${replacement.program}\` with ${replacement.stdlib}: ${replacement.use.en}.`,
          },
          justification: {
            es: 'Es stdlib, no crea procesos, no depende del PATH ni de las comillas del shell, y los errores llegan como excepciones de Python.',
            en: 'It is stdlib, creates no process, does not depend on PATH or shell quoting, and errors arrive as Python exceptions.',
          },
          tradeoff: meta.docs.tradeoff,
          example: replacement.example,
        },
        cost: { current, expected: [{ unit: after, count: 1 }], rate },
        facts: { command: label, program: replacement.program, stdlib: replacement.stdlib },
      }));
    }
    return findings;
  },
};
