// Confinement of clawperf's own writes: the memory folder, the cache, calibration, trace and stress results
// are written under the project root, and a symlinked `.claude` or `.clawperf` must not carry them elsewhere.
// Every writer asks `escapesRoot` about its folder before the first write (MCP's read confinement uses the
// same two path functions: mcp/paths.ts).
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** True when `path` is `root` or under it (both absolute; no symlink is resolved). */
export function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the missing rest. */
export function realOrNearest(path: string): string {
  let current = path;
  const rest: string[] = [];
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    rest.unshift(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
    current = parent;
  }
  let real: string;
  try {
    real = realpathSync(current);
  } catch {
    real = current;
  }
  return rest.length ? resolve(real, ...rest) : real;
}

/** A write refused because its folder resolves outside the project root; the message is one line. */
export class OutsideRoot extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutsideRoot';
  }
}

/**
 * Why writing `what` at `path` would leave the project `root` (a symlink on the way resolves elsewhere), as
 * one line; undefined when its real path stays under the root's.
 */
export function escapesRoot(root: string, path: string, what: string): string | undefined {
  const real = realOrNearest(resolve(path));
  if (inside(realOrNearest(resolve(root)), real)) return undefined;
  return `${what} ${relative(root, resolve(path)) || '.'} resolves to ${real}, outside the project root ${resolve(root)} (a symlink): not written`;
}

/** Throws OutsideRoot when `escapesRoot` says the write would leave the root. */
export function refuseOutside(root: string, path: string, what: string): void {
  const reason = escapesRoot(root, path, what);
  if (reason) throw new OutsideRoot(reason);
}
