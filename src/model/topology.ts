// The process topology: which programs run, and how many copies of each at N agents. Every entry point
// (`if __name__ == "__main__"`, console scripts, `ExecStart=` of unit files, thread targets) runs once per
// agent, once (a dispatcher, a gateway, a status API) or on demand (a CLI a person runs). The structural
// part (entry points, what each reaches, when each line runs) is read off the linked model and cached in
// the digest; the roles are decided at pricing time, from unit files, names and `[tool.clawperf] topology`.
import { basename } from 'node:path';
import { lastSegment } from '../util/dotted.js';
import { functionAt, siteLoad, type SiteLoad } from './site-load.js';
import type { FileModel, ProjectModel } from './types.js';

export const ROLES = ['per-agent', 'singleton', 'on-demand'] as const;
export type Role = (typeof ROLES)[number];

/** An entry point found in the code. */
export interface EntryCandidate {
  /** The file with the `__main__` block, or the thread target `file:function`. */
  id: string;
  file: string;
  line: number;
  kind: 'main' | 'thread';
  /** Runs for the life of the process (an endless or poll loop, or a server). */
  longRunning: boolean;
  server: boolean;
  /** Thread targets: the entry that starts them (their role is its role). */
  parent?: string;
}

/** Where a finding's line runs: which entry points reach it, and when it runs. */
export interface SiteTopology extends SiteLoad {
  entries: string[];
}

export interface TopologyDigest {
  entries: EntryCandidate[];
  /** `file:line` of every finding → the entry points that reach it and its load. */
  sites: Record<string, SiteTopology>;
}

/** A classified entry point (the JSON's `capacity.topology`). */
export interface EntryPoint {
  id: string;
  file: string;
  line: number;
  kind: EntryCandidate['kind'];
  role: Role;
  /** Why this role: the unit file, the name, the config, or what was assumed. */
  reason: { es: string; en: string };
  /** True when nothing in the code or the settings says it (a default or a name). */
  assumed: boolean;
  /** Runs for the life of the process (a loop or a server): counted in the idle budget's processes. */
  longRunning: boolean;
}

/** What the code alone cannot say: unit files, console scripts and the user's override. */
export interface TopologyHints {
  /** `*.service` files of the tree: path and text. */
  unitFiles: { path: string; text: string }[];
  /** `[tool.clawperf] topology`: file names, paths or script names per role. */
  override?: Partial<Record<Role, string[]>>;
}

// ---------- structure (from the model, cached in the digest)

/** Project functions by bare name, and class methods by class name (built once per project). */
const nameIndexes = new WeakMap<ProjectModel, { functions: Map<string, { id: string; file: FileModel }[]>; methods: Map<string, string[]> }>();
function namesOf(project: ProjectModel) {
  let index = nameIndexes.get(project);
  if (!index) {
    index = { functions: new Map(), methods: new Map() };
    for (const [id, entry] of project.functionsById) {
      const list = index.functions.get(entry.fn.name) ?? [];
      list.push({ id, file: entry.file });
      index.functions.set(entry.fn.name, list);
    }
    for (const file of project.files) for (const cls of file.classes.values()) index.methods.set(cls.name, [...(index.methods.get(cls.name) ?? []), ...cls.methods]);
    nameIndexes.set(project, index);
  }
  return index;
}

function functionsCalledAtModuleLevel(project: ProjectModel, file: FileModel): string[] {
  const { functions } = namesOf(project);
  const roots: string[] = [];
  for (const call of file.calls) {
    if (call.functionId !== undefined) continue;
    for (const { id, file: home } of functions.get(lastSegment(call.callee)) ?? []) {
      if (home === file || call.callee.startsWith(`${home.module}.`)) roots.push(id);
    }
  }
  return roots;
}

/** Function ids reachable from `roots` through the call graph (thread targets included). */
function reach(project: ProjectModel, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of project.functionsById.get(id)?.fn.callees ?? []) stack.push(next);
  }
  return seen;
}

/** A server built in the program serves its handler class: the class's methods run in that program too. */
function withServedClasses(project: ProjectModel, file: FileModel, reached: Set<string>): Set<string> {
  const { methods } = namesOf(project);
  const roots: string[] = [];
  for (const f of project.files) {
    for (const call of f.calls) {
      if (!(call.functionId === undefined ? f === file : reached.has(call.functionId))) continue;
      for (const arg of call.args) roots.push(...(methods.get(lastSegment(arg.expr.text)) ?? []));
    }
  }
  return roots.length ? new Set([...reached, ...reach(project, roots)]) : reached;
}

function runsForever(project: ProjectModel, file: FileModel, reached: Set<string>): { longRunning: boolean; server: boolean } {
  let longRunning = false;
  let server = false;
  const scan = (f: FileModel, inScope: (fnId: string | undefined) => boolean) => {
    for (const loop of f.loops) if ((loop.poll || loop.unbounded) && inScope(loop.functionId)) longRunning = true;
    for (const call of f.calls) if (/serve_forever|handle_request$/.test(call.callee) && inScope(call.functionId)) server = true;
  };
  scan(file, (id) => id === undefined);
  for (const f of project.files) scan(f, (id) => id !== undefined && reached.has(id));
  return { longRunning: longRunning || server, server };
}

/** Entry points and, for each given `file:line`, who reaches it and when it runs. */
export function topologyDigest(project: ProjectModel, lines: { file: string; line: number }[]): TopologyDigest {
  const entries: EntryCandidate[] = [];
  const reached = new Map<string, Set<string>>();
  for (const file of project.files) {
    if (!file.mainGuard) continue;
    const set = withServedClasses(project, file, reach(project, functionsCalledAtModuleLevel(project, file)));
    reached.set(file.path, set);
    entries.push({ id: file.path, file: file.path, line: file.mainGuard.line, kind: 'main', ...runsForever(project, file, set) });
  }
  for (const file of project.files) {
    for (const call of file.calls) {
      if (!/^threading\.(Thread|Timer)$/.test(call.callee)) continue;
      const target = call.args.find((a) => a.name === 'target')?.expr.text;
      const parent = entries.find((e) => e.kind === 'main' && (e.file === file.path || (call.functionId !== undefined && reached.get(e.file)?.has(call.functionId))));
      if (!target || !parent) continue;
      entries.push({ id: `${file.path}:${target}`, file: file.path, line: call.span.line, kind: 'thread', longRunning: false, server: false, parent: parent.id });
    }
  }
  const byPath = new Map(project.files.map((f) => [f.path, f]));
  const sites: Record<string, SiteTopology> = {};
  for (const { file: path, line } of lines) {
    const key = `${path}:${line}`;
    const file = byPath.get(path);
    if (sites[key] || !file) continue;
    const load = siteLoad(project, file, line);
    // A line paced by a poll loop runs per pass only in the programs that run that loop.
    const [loopPath, loopLine] = load.load === 'pass' && load.pollLoop ? [load.pollLoop.slice(0, load.pollLoop.lastIndexOf(':')), Number(load.pollLoop.slice(load.pollLoop.lastIndexOf(':') + 1))] : [path, line];
    const at = byPath.get(loopPath) ?? file;
    const fnId = functionAt(at, loopLine);
    const from = entries.filter((e) => e.kind === 'main' && (fnId === undefined ? e.file === at.path : reached.get(e.file)?.has(fnId))).map((e) => e.id);
    sites[key] = { entries: from, ...load };
  }
  return { entries, sites };
}

// ---------- roles (at pricing time)

const CONFIGURED = { es: '[tool.clawperf] topology', en: '[tool.clawperf] topology' };

const NAME_HINTS: { role: Role; pattern: RegExp; what: { es: string; en: string } }[] = [
  { role: 'on-demand', pattern: /(^|[_-])(cli|ctl|admin|tool|manage|console|cmd)([_.-]|$)/i, what: { es: 'una herramienta de línea de órdenes que lanza una persona', en: 'a command-line tool a person runs' } },
  { role: 'singleton', pattern: /dispatch|gateway|supervisor|router|scheduler|status|api|monitor|daemon|hub|broker|coordinator|manager|server/i, what: { es: 'un proceso que sirve a todos los agentes', en: 'one process serving every agent' } },
  { role: 'per-agent', pattern: /agent|worker|runner|bot/i, what: { es: 'un proceso por agente', en: 'one process per agent' } },
];

/** `ExecStart=` lines of unit files that start `file`: a template (`name@.service`, `%i`) runs per agent. */
function unitRole(file: string, units: TopologyHints['unitFiles']): Pick<EntryPoint, 'role' | 'reason'> | undefined {
  const name = basename(file);
  const module = name.replace(/\.py$/, '');
  for (const unit of units) {
    for (const line of unit.text.split('\n')) {
      const exec = /^\s*ExecStart\s*=\s*(.*)$/.exec(line)?.[1];
      if (!exec || !(exec.split(/\s+/).some((w) => basename(w) === name) || new RegExp(`-m\\s+\\S*\\b${module}\\b`).test(exec))) continue;
      const template = /@\.service$/.test(unit.path) || /%i|%I/.test(exec);
      return template
        ? { role: 'per-agent', reason: { es: `ExecStart= de la plantilla ${basename(unit.path)} (una instancia por agente)`, en: `ExecStart= of the template ${basename(unit.path)} (one instance per agent)` } }
        : { role: 'singleton', reason: { es: `ExecStart= de ${basename(unit.path)} (una unidad)`, en: `ExecStart= of ${basename(unit.path)} (one unit)` } };
    }
  }
  return undefined;
}

function overrideRole(entry: EntryCandidate, override: TopologyHints['override']): Role | undefined {
  for (const role of ROLES) {
    if ((override?.[role] ?? []).some((name) => entry.file === name || entry.file.endsWith(`/${name}`) || basename(entry.file) === name || entry.id === name)) return role;
  }
  return undefined;
}

function mainRole(entry: EntryCandidate, hints: TopologyHints): Pick<EntryPoint, 'role' | 'reason' | 'assumed'> {
  const configured = overrideRole(entry, hints.override);
  if (configured) return { role: configured, reason: CONFIGURED, assumed: false };
  const unit = unitRole(entry.file, hints.unitFiles);
  if (unit) return { ...unit, assumed: false };
  const name = basename(entry.file).replace(/\.py$/, '');
  const hint = NAME_HINTS.find((h) => h.pattern.test(name) && (h.role === 'on-demand' || entry.longRunning));
  if (hint) return { role: hint.role, reason: { es: `por su nombre: ${hint.what.es}`, en: `from its name: ${hint.what.en}` }, assumed: true };
  if (!entry.longRunning) return { role: 'on-demand', reason: { es: 'arranca y termina (sin bucle infinito ni servidor): lo lanza una persona o un temporizador', en: 'runs and exits (no endless loop, no server): run by a person or a timer' }, assumed: true };
  return { role: 'per-agent', reason: { es: 'proceso de larga duración y nada dice que corra una sola vez', en: 'a long-running process nothing says runs once' }, assumed: true };
}

/** Every entry point with its role; thread targets take the role of the process that starts them. */
export function classifyEntries(entries: EntryCandidate[], hints: TopologyHints): EntryPoint[] {
  const mains = new Map<string, EntryPoint>();
  for (const entry of entries.filter((e) => e.kind === 'main')) mains.set(entry.id, { id: entry.id, file: entry.file, line: entry.line, kind: entry.kind, longRunning: entry.longRunning, ...mainRole(entry, hints) });
  const threads = entries.filter((e) => e.kind === 'thread').map((entry): EntryPoint => {
    const configured = overrideRole(entry, hints.override);
    const parent = mains.get(entry.parent ?? '');
    return {
      id: entry.id, file: entry.file, line: entry.line, kind: 'thread', longRunning: false,
      role: configured ?? parent?.role ?? 'per-agent',
      reason: configured ? CONFIGURED : { es: `un hilo de ${entry.parent} (mismo papel)`, en: `a thread of ${entry.parent} (same role)` },
      assumed: !configured && (parent?.assumed ?? true),
    };
  });
  return [...mains.values(), ...threads];
}
