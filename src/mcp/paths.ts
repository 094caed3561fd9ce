// Confinement of every path a client of the MCP server names: the project root given at start, and nothing
// outside it — not through `..`, not as an absolute path elsewhere, not through a symlink that resolves out.
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { inside, realOrNearest } from '../util/confine.js';

/** A path the server refuses; tools turn it into a result with `isError: true`. */
export class PathRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathRefused';
  }
}

export interface Confined {
  /** Absolute path under the root (as named, symlinks not resolved). */
  absolute: string;
  /** Relative to the root, forward slashes; `.` for the root itself. */
  relative: string;
}

export class ProjectRoot {
  /** The root as given (absolute). */
  readonly path: string;
  /** The root with symlinks resolved. */
  readonly real: string;

  constructor(root: string) {
    this.path = resolve(root);
    if (!existsSync(this.path)) throw new PathRefused(`project root ${this.path} does not exist`);
    this.real = realpathSync(this.path);
  }

  /** Resolves `path` (relative to the root, or absolute) and refuses anything that leaves the root. */
  confine(path: string, what = 'path'): Confined {
    if (typeof path !== 'string' || path.trim() === '') throw new PathRefused(`refused: empty ${what}`);
    if (path.includes('\0')) throw new PathRefused(`refused: ${what} contains a NUL byte`);
    const absolute = isAbsolute(path) ? resolve(path) : resolve(this.path, path);
    // An absolute path may name the root through its real path (e.g. /private/tmp vs /tmp).
    const lexicallyInside = inside(this.path, absolute) || inside(this.real, absolute);
    if (!lexicallyInside) {
      throw new PathRefused(`refused: ${what} "${path}" is outside the project root ${this.path} (the server only reads files under it)`);
    }
    const real = realOrNearest(absolute);
    if (!inside(this.real, real)) {
      throw new PathRefused(`refused: ${what} "${path}" resolves through a symlink to ${real}, outside the project root ${this.path}`);
    }
    const base = inside(this.path, absolute) ? this.path : this.real;
    const rel = relative(base, absolute).split(sep).join('/');
    return { absolute: resolve(this.path, rel), relative: rel === '' ? '.' : rel };
  }

  /** True when the file's real path stays under the root (for files found by walking a folder). */
  contains(absolute: string): boolean {
    return inside(this.real, realOrNearest(absolute));
  }
}
