// Shared wording and numbers for the subprocess rules: what a spawn costs at N agents, and the
// place/rate sentence every message carries.
import { REFERENCE_COSTS } from '../../impact/units.js';
import type { CycleRate } from '../../impact/types.js';
import type { CallSite, FileModel } from '../../model/types.js';
import { num } from '../support.js';
import type { L10n } from '../types.js';
import { templateArgv, templateOf, type Command } from './command.js';
import { operands } from './stdlib.js';

/** Processes per second at `agents` and the cores they burn (5–50 ms of fork+exec+wait each). */
export function spawnLoad(rate: CycleRate, agents: number, perCycle = 1): { perSecond: number; cores: L10n } {
  const perSecond = rate.perSecond * agents * perCycle;
  const low = (perSecond * REFERENCE_COSTS.subprocess.lowMs) / 1000;
  const high = (perSecond * REFERENCE_COSTS.subprocess.highMs) / 1000;
  const range = `${num(low)}–${num(high)}`;
  return {
    perSecond,
    cores: { es: `${range} núcleos de CPU solo en crear procesos`, en: `${range} CPU cores spent just creating processes` },
  };
}

/** The name of the enclosing function, or a fallback. */
export function enclosingName(file: FileModel, call: CallSite, fallback = 'refresh'): string {
  const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
  return fn?.name ?? fallback;
}

/** Indents a block of Python by `n` spaces. */
export function indent(code: string, n = 4): string {
  const pad = ' '.repeat(n);
  return code.split('\n').map((line) => (line ? pad + line : line)).join('\n');
}

/** A literal Python list of the command's words plus a splat of the items (`["systemctl", "--user", "is-active", *units]`). */
export function pyList(words: string[], splat?: string): string {
  const items = words.map((w) => JSON.stringify(w));
  if (splat) items.push(`*${splat}`);
  return `[${items.join(', ')}]`;
}

/** The command as an argv list expression: `["cat", path]`, reusing the user's operands; no shell. */
export function argvExpr(command: Command): string {
  if (command.form === 'list') return command.text;
  const words = command.words.map((w) => w.replace(/^['"]+|['"]+$/g, '')).filter(Boolean);
  if (command.literal !== undefined && !/[|&;<>*?$`]/.test(command.literal)) return pyList(words);
  if (command.literal !== undefined) return `["sh", "-c", ${JSON.stringify(command.literal)}]`;
  const template = command.dynamic[0] ? templateOf(command.dynamic[0]) : undefined;
  const argv = template ? templateArgv(template) : undefined;
  if (argv) return `[${argv.join(', ')}]`;
  return `[${[...words.map((w) => JSON.stringify(w)), ...operands(command)].join(', ')}]`;
}

/** A waiting run of the command with output captured and a timeout, in the user's spelling when it already is one. */
export function runExpr(call: CallSite, command: Command, extra = 'capture_output=True, text=True, timeout=10'): string {
  const waiting = /^subprocess\.(run|check_output|call|check_call)$/.test(call.callee);
  const fn = waiting && call.callee === 'subprocess.run' ? call.calleeText : 'subprocess.run';
  if (command.shell && command.literal !== undefined && /[|&;<>*?$`]/.test(command.literal)) return `${fn}(${command.text}, shell=True, ${extra})`;
  return `${fn}(${argvExpr(command)}, ${extra})`;
}

/** A fully known shell line (`ps aux | grep agent > out.txt`) rewritten as chained Popen with no shell. */
export function pythonPipeline(literal: string, extra = 'timeout=10'): string | undefined {
  if (/[`$;&]|\$\(|<|\*|\?/.test(literal.replace(/2>&1/g, ''))) return undefined;
  let line = literal.trim();
  let redirect: { path: string; mode: string } | undefined;
  const out = /\s(>>?)\s*(\S+)\s*$/.exec(line);
  if (out) {
    redirect = { path: out[2]!, mode: out[1] === '>>' ? 'a' : 'w' };
    line = line.slice(0, out.index).trim();
  }
  const stderr = /\s2>&1/.test(line);
  line = line.replace(/\s2>&1/g, '');
  const stages = line.split('|').map((stage) => stage.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/^['"]|['"]$/g, '')));
  if (stages.some((s) => s.length === 0)) return undefined;
  const lines: string[] = [];
  const err = stderr ? ', stderr=subprocess.STDOUT' : '';
  stages.slice(0, -1).forEach((stage, i) => {
    lines.push(`p${i + 1} = subprocess.Popen(${pyList(stage)}, stdout=subprocess.PIPE${err}${i > 0 ? `, stdin=p${i}.stdout` : ''})`);
  });
  const last = stages[stages.length - 1]!;
  const stdin = stages.length > 1 ? `, stdin=p${stages.length - 1}.stdout` : '';
  if (redirect) {
    lines.push(`with open(${JSON.stringify(redirect.path)}, "${redirect.mode}") as fh:`);
    lines.push(`    subprocess.run(${pyList(last)}, stdout=fh${err}${stdin}, ${extra})`);
  } else {
    lines.push(`out = subprocess.run(${pyList(last)}, capture_output=True, text=True${stdin}, ${extra})`);
  }
  stages.slice(0, -1).forEach((_, i) => lines.push(`p${i + 1}.stdout.close()\np${i + 1}.wait(timeout=10)`));
  return lines.join('\n');
}
