// Where clawperf's own files are, wherever it is installed (compiled code lives in dist/src/…).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`clawperf: cannot find its package root above ${start}`);
    dir = parent;
  }
  return dir;
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** Python helpers shipped with clawperf (calibration benchmarks, the trace sitecustomize). */
export const pythonDir = join(packageRoot, 'python');

export const VERSION = '0.1.0';
