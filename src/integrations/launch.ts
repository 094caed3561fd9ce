// How the commands `clawperf init` writes into a project (the MCP entry, the hook) start clawperf again.
// `npx clawperf` works only where the project itself resolves the package (clawperf is not in the npm
// registry, so elsewhere npx answers E404): there it is used; otherwise node and this install's absolute path.
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

export interface Launcher {
  command: string;
  args: string[];
}

/** True when `root` resolves `clawperf` to this very installation (a project dependency). */
function projectResolvesThisPackage(root: string): boolean {
  try {
    const found = createRequire(join(root, 'package.json')).resolve('clawperf/package.json');
    return realpathSync(join(found, '..')) === realpathSync(packageRoot);
  } catch {
    return false;
  }
}

export function launcher(root: string): Launcher {
  if (projectResolvesThisPackage(root)) return { command: 'npx', args: ['clawperf'] };
  return { command: process.execPath, args: [realpathSync(join(packageRoot, 'dist', 'src', 'cli', 'main.js'))] };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The launcher and `args` as one POSIX shell command line (hooks are run by a shell). */
export function shellCommand(launch: Launcher, ...args: string[]): string {
  return [launch.command, ...launch.args, ...args].map(shellQuote).join(' ');
}
