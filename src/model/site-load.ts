// How often a line runs, read off the linked model: on every pass of a poll loop, on the arrival of a
// message (or request), only while a condition holds (an incident: a lock held, a command hanging), or once
// at start-up. Data in (the project, a file and a line), data out (a SiteLoad): the impact stage prices it.
import { lastSegment } from '../util/dotted.js';
import type { FileModel, LoopInfo, ProjectModel } from './types.js';

/** When a line runs: the budget it is priced in. */
export type Load = 'pass' | 'message' | 'incident' | 'startup';

/** What a loop between the pacing loop and the line walks over. */
export type LoopKind = 'messages' | 'agents' | 'items';

export interface SiteLoad {
  load: Load;
  /** Seconds slept per pass of the pacing poll loop, when there is one and it could be evaluated. */
  intervalSeconds?: number;
  /** The pacing poll loop (`file:line`), so passes of one loop can share their time. */
  pollLoop?: string;
  /** Loops between the pacing loop (or the function's entry) and the line, outermost first. */
  loops: LoopKind[];
  /** Why, in a few words (the loop or condition that decided it). */
  reason: string;
}

/** Loops whose items are messages that arrived (an inbox listing, a queue, a retry list). */
const MESSAGE_LOOP = /listdir|scandir|iterdir|glob|inbox|queue|pending|retry|tasks?\b|messages?|entries|jobs?\b|requests?\b|events?\b/i;
/** Loops whose length is the number of agents (or of their units, peers, folders). */
const AGENT_LOOP = /agent|unit|peer|worker|service|node|member|live|fleet|instances?\b/i;

export function loopKind(loop: LoopInfo): LoopKind {
  const text = `${loop.iterableText ?? ''} ${loop.conditionText ?? ''} ${loop.targetText ?? ''}`;
  if (MESSAGE_LOOP.test(text)) return 'messages';
  if (AGENT_LOOP.test(text)) return 'agents';
  return 'items';
}

/** A `while` loop that waits on a condition and does nothing else (`while os.path.exists(lock): pass`): it spins while the condition holds. */
function busyWaitAt(file: FileModel, line: number): LoopInfo | undefined {
  return file.loops.find((loop) => loop.kind === 'while' && !loop.unbounded && !loop.poll && loop.span.line <= line && line <= loop.span.endLine
    && /\(/.test(loop.conditionText ?? '') && file.calls.every((c) => c.span.line === loop.span.line || c.span.line < loop.span.line || c.span.line > loop.span.endLine));
}

function loopsOf(file: FileModel, ids: number[], stopAt?: number): LoopInfo[] {
  const loops: LoopInfo[] = [];
  for (const id of ids) {
    if (id === stopAt) break;
    const loop = file.loops.find((l) => l.id === id);
    if (loop) loops.push(loop);
  }
  return loops.reverse();
}

/** A function reached from a poll loop's body: which loop paces it and what the first call walks over. */
interface PollReach { pollLoop: string; intervalSeconds?: number; loops: LoopKind[] }

function fnName(id: string): string {
  return lastSegment(id.slice(id.indexOf(':') + 1));
}

/** Every function reached from inside a poll loop (first found wins; a chain with no message loop first). */
const pollReaches = new WeakMap<ProjectModel, Map<string, PollReach>>();
function pollReach(project: ProjectModel): Map<string, PollReach> {
  const cached = pollReaches.get(project);
  if (cached) return cached;
  const found = new Map<string, PollReach>();
  const hops: { fnId: string; reach: PollReach }[] = [];
  for (const file of project.files) {
    for (const loop of file.loops) {
      if (!loop.poll) continue;
      const callees = loop.functionId ? project.functionsById.get(loop.functionId)?.fn.callees : undefined;
      for (const call of file.calls) {
        if (!call.loopIds.includes(loop.id)) continue;
        const names = new Set([lastSegment(call.callee), ...call.args.map((a) => lastSegment(a.expr.text))]);
        const reach = { pollLoop: `${file.path}:${loop.span.line}`, intervalSeconds: loop.poll.intervalSeconds, loops: loopsOf(file, call.loopIds, loop.id).map(loopKind) };
        for (const id of callees ?? []) if (names.has(fnName(id))) hops.push({ fnId: id, reach });
      }
    }
  }
  hops.sort((a, b) => Number(a.reach.loops.includes('messages')) - Number(b.reach.loops.includes('messages')));
  for (const hop of hops) {
    const stack = [hop.fnId];
    while (stack.length) {
      const id = stack.pop()!;
      if (found.has(id)) continue;
      found.set(id, hop.reach);
      for (const next of project.functionsById.get(id)?.fn.callees ?? []) stack.push(next);
    }
  }
  pollReaches.set(project, found);
  return found;
}

/** The innermost function holding `line` of `file` (undefined at module level). */
export function functionAt(file: FileModel, line: number): string | undefined {
  let best: { id: string; size: number } | undefined;
  for (const fn of file.functions.values()) {
    if (fn.span.line <= line && line <= fn.span.endLine && (!best || fn.span.endLine - fn.span.line < best.size)) best = { id: fn.id, size: fn.span.endLine - fn.span.line };
  }
  return best?.id;
}

function paced(reach: PollReach, loops: LoopKind[], how: string): SiteLoad {
  const base = { intervalSeconds: reach.intervalSeconds, pollLoop: reach.pollLoop };
  const messageAt = loops.indexOf('messages');
  if (messageAt >= 0) return { ...base, load: 'message', loops: loops.slice(messageAt + 1), reason: 'inside a loop over arrived messages' };
  return { ...base, load: 'pass', loops, reason: `every pass of the poll loop${how}` };
}

/** When the line `line` of `file` runs. */
export function siteLoad(project: ProjectModel, file: FileModel, line: number): SiteLoad {
  const spin = busyWaitAt(file, line);
  if (spin) return { load: 'incident', loops: [], reason: `while ${spin.conditionText ?? '…'}` };
  const call = file.calls.find((c) => c.span.line === line) ?? file.calls.find((c) => c.span.line <= line && line <= c.span.endLine);
  const loopIds = call?.loopIds ?? file.loops.filter((l) => l.span.line <= line && line <= l.span.endLine).sort((a, b) => b.span.line - a.span.line).map((l) => l.id);
  const own = loopIds.map((id) => file.loops.find((l) => l.id === id)).find((l) => l?.poll);
  if (own?.poll) return paced({ pollLoop: `${file.path}:${own.span.line}`, intervalSeconds: own.poll.intervalSeconds, loops: [] }, loopsOf(file, loopIds, own.id).map(loopKind), '');
  const fnId = functionAt(file, line);
  const reach = fnId ? pollReach(project).get(fnId) : undefined;
  if (reach) return paced(reach, [...reach.loops, ...loopsOf(file, loopIds).map(loopKind)], ` ${reach.pollLoop}`);
  const context = call?.context ?? 'startup';
  if (context === 'startup') return { load: 'startup', loops: [], reason: 'start-up' };
  return { load: 'message', loops: loopsOf(file, loopIds).map(loopKind), reason: context === 'handler' ? 'per request' : 'per item of work' };
}
