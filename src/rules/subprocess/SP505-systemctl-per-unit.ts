import { isTestFile, itemsPerLoop, loopTargets, rateOf, severityAt } from '../disk/hot-path.js';
import { where } from '../../model/frequency.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { pyList, spawnLoad } from './advice.js';
import type { CallSite, FileModel } from '../../model/types.js';
import { commandLabel, commandOf, isSpawn, localValue, templateArgv, templateOf, type Command } from './command.js';
import { systemctlPerUnit, type PerUnit } from './systemctl.js';

export const meta: RuleMeta = {
  id: 'SP505',
  name: 'systemctl-per-unit',
  dimension: 'subprocess',
  title: { es: 'systemctl lanzado una vez por unidad', en: 'systemctl spawned once per unit' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: '`systemctl --user <verbo> <unidad>` dentro de un bucle sobre unidades: un proceso systemctl (y una ida y vuelta por D-Bus) por unidad.',
      en: '`systemctl --user <verb> <unit>` inside a loop over units: one systemctl process (and one D-Bus round trip) per unit.',
    },
    why: {
      es: 'systemctl acepta muchas unidades en una llamada (`is-active a b c`, `show -p ActiveState a b c`). Con 100 agentes y 10 unidades consultadas cada segundo son 1.000 procesos/s en lugar de 100.',
      en: 'systemctl takes many units in one call (`is-active a b c`, `show -p ActiveState a b c`). With 100 agents checking 10 units every second that is 1,000 processes/s instead of 100.',
    },
    example: 'for unit in units:\n    out = subprocess.run(["systemctl", "--user", "is-active", unit], capture_output=True, text=True)\n    states[unit] = out.stdout.strip()',
    useInstead: 'out = subprocess.run(["systemctl", "--user", "is-active", *units], capture_output=True, text=True, timeout=10)\nstates = dict(zip(units, out.stdout.split()))',
    tradeoff: {
      es: 'La salida conjunta hay que repartirla por unidad (is-active imprime una línea por unidad en orden; show separa bloques con líneas en blanco); el código de salida deja de ser por unidad.',
      en: 'The combined output has to be split per unit (is-active prints one line per unit in order; show separates blocks with blank lines); the exit code is no longer per unit.',
    },
  },
};

/** The units as one list (`units`, or `[f"openclaw-agent@{agent}.service" for agent in agents]`) and the literal words before them. */
function unitList(file: FileModel, call: CallSite, command: Command, perUnit: PerUnit, target: string): { list: string; build?: string; words: string[] } {
  let unitExpr: string | undefined;
  let words = command.words;
  if (command.form === 'list') unitExpr = command.dynamic[0];
  else if (command.dynamic[0]) {
    const argv = templateOf(command.dynamic[0]);
    const items = argv ? templateArgv(argv) : undefined;
    if (items) {
      unitExpr = items[items.length - 1];
      words = items.slice(0, -1).flatMap((item) => (item.startsWith('"') ? [JSON.parse(item) as string] : []));
    }
  }
  if (unitExpr && /^\w+$/.test(unitExpr) && unitExpr !== target) unitExpr = localValue(file, call, unitExpr)?.text ?? unitExpr;
  if (perUnit.helper || !unitExpr || unitExpr === target) return { list: perUnit.iterable, words };
  return { list: 'unit_names', build: `unit_names = [${unitExpr} for ${target} in ${perUnit.iterable}]`, words };
}

function batchedExample(perUnit: PerUnit, words: string[], runFn: string, units: string, unit: string, iterable: string): string {
  const head = words.slice(0, words.indexOf(perUnit.verb));
  const flags = words.slice(words.indexOf(perUnit.verb) + 1);
  if (/^is-(active|enabled|failed)$/.test(perUnit.verb)) {
    return `# one process for all of ${units}: systemctl prints one line per unit, in order\nout = ${runFn}(${pyList([...head, perUnit.verb], units)},\n${' '.repeat(runFn.length + 7)}capture_output=True, text=True, timeout=10)\nstates = dict(zip(${iterable}, out.stdout.split()))\nfor ${unit} in ${iterable}:\n    state = states.get(${unit}, "unknown")`;
  }
  if (perUnit.verb === 'show' || perUnit.verb === 'status') {
    const props = flags.filter((f) => f !== '--no-pager' && f !== '--value');
    const propArgs = props.length ? props : ['-p', 'Id', '-p', 'ActiveState', '-p', 'SubState'];
    return `# one process for all of ${units}: show prints one block per unit, separated by a blank line\nout = ${runFn}(${pyList([...head, 'show', ...(propArgs.includes('Id') ? propArgs : ['-p', 'Id', ...propArgs])], units)},\n${' '.repeat(runFn.length + 7)}capture_output=True, text=True, timeout=10)\nprops = {}\nfor block in out.stdout.strip().split("\\n\\n"):\n    fields = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)\n    props[fields.get("Id")] = fields`;
  }
  return `# one process for all of ${units}\n${runFn}(${pyList([...head, perUnit.verb, ...flags], units)}, check=True, timeout=30)`;
}

export const SP505: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      if (!isSpawn(call)) continue;
      const command = commandOf(file, call);
      const perUnit = systemctlPerUnit(project, file, call, command);
      if (!perUnit) continue;
      const at = where(project, file, call);
      // Enabling a few units once, in main(), is set-up work: quiet.
      if (at.context === 'loop' && !at.fnRepeated && at.fnContext === 'startup') continue;
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const items = itemsPerLoop(perUnit.loop, perUnit.loopFile);
      const load = spawnLoad(rate, agents);
      const unit = loopTargets(perUnit.loopFile, perUnit.loop)[0] ?? 'unit';
      const { list, build, words } = unitList(file, call, command, perUnit, unit);
      const units = perUnit.iterable;
      const label = commandLabel(command);
      const via = perUnit.helper
        ? { es: ` (vía ${perUnit.helper}(), llamada en \`for … in ${units}\` en ${perUnit.loopFile.path}:${perUnit.loop.span.line})`, en: ` (through ${perUnit.helper}(), called in \`for … in ${units}\` at ${perUnit.loopFile.path}:${perUnit.loop.span.line})` }
        : { es: ` dentro de \`for … in ${units}\` (línea ${perUnit.loop.span.line})`, en: ` inside \`for … in ${units}\` (line ${perUnit.loop.span.line})` };
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `\`${label}\` se lanza una vez por unidad${via.es}: ${items === 10 ? 'N' : items} procesos systemctl donde basta uno con todas las unidades`,
          en: `\`${label}\` is spawned once per unit${via.en}: ${items === 10 ? 'N' : items} systemctl processes where one call with every unit would do`,
        },
        whyAtScale: {
          es: `con ${agents} agentes y ${items} unidades son ${num(load.perSecond)} procesos systemctl/s (${rate.basis.es}); en lote, ${num(load.perSecond / items)}/s`,
          en: `at ${agents} agents and ${items} units that is ${num(load.perSecond)} systemctl processes/s (${rate.basis.en}); batched, ${num(load.perSecond / items)}/s`,
        },
        proposal: {
          change: {
            es: `Una sola llamada \`systemctl${perUnit.user ? ' --user' : ''} ${perUnit.verb === 'status' ? 'show -p …' : perUnit.verb}\` con todas las unidades de ${units}, y repartir la salida por unidad.`,
            en: `One \`systemctl${perUnit.user ? ' --user' : ''} ${perUnit.verb === 'status' ? 'show -p …' : perUnit.verb}\` call with every unit of ${units}, splitting the output per unit.`,
          },
          justification: {
            es: `systemctl admite varias unidades en la misma invocación: un fork+exec y una conexión D-Bus en lugar de ${items}. Es la misma herramienta, sin dependencias nuevas.`,
            en: `systemctl accepts several units in one invocation: one fork+exec and one D-Bus connection instead of ${items}. Same tool, no new dependency.`,
          },
          tradeoff: meta.docs.tradeoff,
          example: `${build ? `${build}\n` : ''}${batchedExample(perUnit, words, call.callee === 'subprocess.run' ? call.calleeText : 'subprocess.run', list, unit, units)}`,
        },
        cost: { current: [{ unit: 'subprocess', count: 1 }], expected: [{ unit: 'subprocess', count: 1 / items }], rate },
        facts: { command: label, verb: perUnit.verb, units, unitsPerCall: items },
      }));
    }
    return findings;
  },
};
