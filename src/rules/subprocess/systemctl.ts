// `systemctl [--user] <verb> <unit>` once per unit (SP505): one systemctl call takes many units.
import type { CallSite, FileModel, LoopInfo, ProjectModel } from '../../model/types.js';
import { callerSites } from '../../model/frequency.js';
import { loopVariables, mentions } from '../disk/hot-path.js';
import type { Command } from './command.js';
import { loopById } from '../../model/file-index.js';

/** Verbs that accept several units in one call. */
const MULTI_UNIT_VERBS = new Set([
  'is-active', 'is-enabled', 'is-failed', 'status', 'show', 'start', 'stop', 'restart', 'reload', 'try-restart',
  'reload-or-restart', 'try-reload-or-restart', 'enable', 'disable', 'reenable', 'kill', 'reset-failed', 'mask', 'unmask', 'cat', 'freeze', 'thaw',
]);

export interface PerUnit {
  verb: string;
  user: boolean;
  /** The expression(s) that name the unit (`unit`, `f"openclaw-agent@{a}.service"`). */
  unitText: string;
  /** The loop that walks the units, and where it is. */
  loop: LoopInfo;
  loopFile: FileModel;
  /** Loop variable and iterable, for the proposal (`unit`, `units`). */
  iterable: string;
  /** Reached through a helper: the helper's name. */
  helper?: string;
}

function verbOf(command: Command): string | undefined {
  return command.words.slice(1).find((w) => MULTI_UNIT_VERBS.has(w));
}

/** The systemctl call repeats once per unit: its unit part changes with a loop (its own or a caller's). */
export function systemctlPerUnit(project: ProjectModel, file: FileModel, call: CallSite, command: Command): PerUnit | undefined {
  if (command.program !== 'systemctl') return undefined;
  const verb = verbOf(command);
  if (!verb) return undefined;
  const user = command.words.includes('--user');
  const unitText = command.dynamic.join(', ');
  if (!unitText || command.dynamic.some((d) => d.startsWith('*'))) return undefined; // `*units`: already batched
  const loops = call.loopIds.map((id) => loopById(file, id)!).filter(Boolean);
  for (const loop of loops) {
    if (/^range\(/.test(loop.iterableText ?? '')) continue; // retrying one unit, not walking units
    if (mentions(unitText, loopVariables(file, loop))) {
      return { verb, user, unitText, loop, loopFile: file, iterable: loop.iterableText ?? 'units' };
    }
  }
  // A helper `def unit_state(unit): run(["systemctl", …, unit])` called inside a caller's loop.
  const fn = call.functionId ? file.functions.get(call.functionId) : undefined;
  if (!fn || loops.length > 0 || !mentions(unitText, new Set(fn.params.filter((p) => p !== 'self')))) return undefined;
  for (const site of callerSites(project, fn.id)) {
    if (site.passed) continue;
    const callerLoops = site.call.loopIds.map((id) => loopById(site.file, id)!).filter(Boolean);
    for (const loop of callerLoops) {
      if (/^range\(/.test(loop.iterableText ?? '')) continue;
      const argsText = site.call.args.map((a) => a.expr.text).join(', ');
      if (mentions(argsText, loopVariables(site.file, loop))) {
        return { verb, user, unitText, loop, loopFile: site.file, iterable: loop.iterableText ?? 'units', helper: fn.name };
      }
    }
  }
  return undefined;
}
