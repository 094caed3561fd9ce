// Proposals reuse what the project already has: a snippet that writes a new atomic-write helper (or an inline
// temp file + os.replace) calls the project's own writer instead, and one that creates a requests.Session
// uses the project's session, with the module prefix or import line it needs.
import type { FileModel, ProjectModel } from '../model/types.js';
import { importable, projectHelpers, type AtomicWriter, type SharedSession } from './project-helpers.js';

interface Reach {
  expr: string;
  importLine?: string;
}

/** How code in `file` names `name` defined at the top of `owner`: bare, through an existing import, or a new sibling import. */
function reach(file: FileModel, owner: FileModel, name: string): Reach | undefined {
  if (owner === file) return { expr: name };
  for (const binding of file.imports.values()) {
    if (binding.target === `${owner.module}.${name}`) return { expr: binding.local };
    if (binding.target === owner.module) return { expr: `${binding.local}.${name}` };
  }
  // A new import only for a sibling module (`import ipc` beside it, as scripts import each other) that starts no work.
  const module = owner.module.split('.').pop()!;
  const sibling = dirOf(owner.path) === dirOf(file.path) && /^[A-Za-z_]\w*$/.test(module);
  return sibling && importable(owner) ? { expr: `${module}.${name}`, importLine: `import ${module}` } : undefined;
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** A new helper the rules write: `def write_atomic(path, data):` with a JSON body, up to its blank line. */
const NEW_WRITER = /^def write_atomic\(path, data\):\n(?:[ \t]+.*\n)*?[ \t]+json\.dump\(data, fh\)\n(?:[ \t]+.*\n)*\n/m;
/** An inline JSON publish: temp path, json.dump into it, os.replace over the target. */
const INLINE_WRITE = /^([ \t]*)tmp = (?:(.+) \+ "\.tmp"|"%s\.%d\.tmp" % \((.+), os\.getpid\(\)\))\n\1with open\(tmp, "w", encoding="utf-8"\) as (\w+):\n\1[ \t]+json\.dump\((.+), \4\)\n\1os\.replace\(tmp, (.+?)\)(  #.*)?$/m;
/** A new session the rules create at the top of a snippet. */
const NEW_SESSION = /^(\w+) = requests\.Session\(\).*\n\n?/m;

function useWriter(example: string, writer: AtomicWriter, via: Reach): string | undefined {
  const defined = NEW_WRITER.test(example);
  const calls = defined ? example.replace(NEW_WRITER, '').replace(/(?<![\w.])write_atomic\(/g, `${via.expr}(`) : example;
  const out = calls.replace(INLINE_WRITE, (whole, indent: string, plus: string | undefined, pid: string | undefined, _fh, data: string, target: string, comment = '') =>
    ((plus ?? pid) === target ? `${indent}${via.expr}(${target}, ${data})${comment}` : whole));
  if (out === example) return undefined;
  return `# reuses the project's own ${via.expr} (${base(writer.file.path)}:${writer.line})\n${out}`;
}

function useSession(example: string, session: SharedSession, via: Reach): string | undefined {
  const made = NEW_SESSION.exec(example);
  if (!made) return undefined;
  const body = example.replace(NEW_SESSION, `# reuses the project's own ${via.expr} (${base(session.file.path)}:${session.line})\n`);
  return body.replace(new RegExp(`(?<![\\w.])${made[1]}\\.`, 'g'), `${via.expr}.`);
}

/** The session code at `line` of `file` can use: its own module's, its class's (`self.…`), or another module's. */
function sessionFor(file: FileModel, line: number, sessions: SharedSession[]): { session: SharedSession; via: Reach } | undefined {
  const method = [...file.functions.values()].find((fn) => fn.className && fn.span.line <= line && line <= fn.span.endLine);
  const own = sessions.find((s) => s.file === file && !s.className)
    ?? sessions.find((s) => s.file === file && s.className && s.className === method?.className);
  if (own) return { session: own, via: { expr: own.name } };
  // Another module's public session, through an import the file already has: a client module does not start
  // importing a sibling just for its session (a `_private` one stays its module's own).
  for (const session of sessions.filter((s) => !s.className && s.file !== file && !s.name.startsWith('_'))) {
    const via = reach(file, session.file, session.name);
    if (via && !via.importLine) return { session, via };
  }
  return undefined;
}

/** The snippet for the finding at `line` of `file`, calling the project's own atomic writer and session where it has them. */
export function withProjectHelpers(example: string, file: FileModel, project: ProjectModel, line: number): string {
  const helpers = projectHelpers(project);
  const writer = helpers.atomicWriters.find((w) => w.json && w.file === file) ?? helpers.atomicWriters.find((w) => w.json && reach(file, w.file, w.name));
  const writerVia = writer && reach(file, writer.file, writer.name);
  const written = (writer && writerVia && useWriter(example, writer, writerVia)) || example;
  const shared = sessionFor(file, line, helpers.sessions);
  const out = (shared && useSession(written, shared.session, shared.via)) || written;
  return written !== example && writerVia?.importLine ? `${writerVia.importLine}\n\n${out}` : out;
}
