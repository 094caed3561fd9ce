// Proposal snippets must work when pasted: a snippet that uses a standard module (or requests) the user's
// file does not import gets its `import` line, so the module gains no name it does not import or define.
import type { FileModel } from '../model/types.js';

const MODULES = new Set([
  'collections', 'concurrent', 'contextlib', 'ctypes', 'datetime', 'errno', 'fcntl', 'functools', 'glob', 'gzip', 'hashlib',
  'http', 'io', 'itertools', 'json', 'logging', 'os', 'pathlib', 'queue', 're', 'requests', 'select', 'shutil', 'signal',
  'socket', 'subprocess', 'sys', 'tarfile', 'tempfile', 'threading', 'time', 'urllib', 'zlib',
]);

/** Modules the snippet reaches as `mod.attr` that neither it nor the user's file binds. */
function missingModules(example: string, bound: Set<string>): string[] {
  const code = example.split('\n').map((line) => line.replace(/#.*$/, '')).join('\n');
  const body = code.split('\n').filter((line) => !/^\s*(import|from)\s/.test(line)).join('\n');
  const used = [...body.matchAll(/(?<![\w.])([a-z_]+)\.[A-Za-z_]/g)].map((m) => m[1]!).filter((name) => MODULES.has(name));
  const own = new Set([...code.matchAll(/^\s*(?:import\s+([\w.]+)|from\s+\S+\s+import\s+.*?\b(\w+)\s*$)/gm)].map((m) => (m[1] ?? m[2] ?? '').split('.')[0]!));
  return [...new Set(used)].filter((name) => !bound.has(name) && !own.has(name)).sort();
}

/** The snippet with the import lines it needs in this file first. */
export function withImports(example: string, file: Pick<FileModel, 'imports'>): string {
  const missing = missingModules(example, new Set(file.imports.keys()));
  if (!missing.length) return example;
  const lines = missing.map((name) => (name === 'concurrent' ? 'import concurrent.futures' : `import ${name}`));
  return `${lines.join('\n')}\n\n${example}`;
}
