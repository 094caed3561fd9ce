// Finds the Python files to analyse: explicit files, folders walked with .gitignore honoured, and globs.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, sep, dirname } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { globSync, isDynamicPattern } from 'tinyglobby';

export const DEFAULT_EXCLUDES = [
  '.git', '.hg', '.svn', '.venv', 'venv', '.env', 'env', '.tox', '.nox', 'node_modules', '__pycache__', 'build', 'dist',
  '.mypy_cache', '.pytest_cache', '.ruff_cache', '.clawperf', 'site-packages', '.eggs', '*.egg-info',
];

export interface Discovery {
  /** Absolute paths of the files to analyse, sorted, without duplicates. */
  files: string[];
  /** One line each: a path that does not exist, a folder that could not be read, a symlink loop. */
  warnings: string[];
  /** Explicit paths that do not exist (a usage error: exit 2). */
  missing: string[];
}

export interface DiscoverOptions {
  exclude?: string[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  cwd?: string;
  /**
   * Files and folders for which this returns false are left out, whatever the patterns, and such a folder is
   * not walked (the MCP server's root confinement: a symlink to `/` must not make it list the whole disk).
   */
  accept?: (absolutePath: string) => boolean;
}

/** .gitignore rules from the folder and its parents up to the repository root. */
function gitignoreFor(dir: string, cache: Map<string, { ig: Ignore; base: string }[]>): { ig: Ignore; base: string }[] {
  const cached = cache.get(dir);
  if (cached) return cached;
  const parent = dirname(dir);
  const inherited = parent !== dir && !existsSync(join(dir, '.git')) ? gitignoreFor(parent, cache) : [];
  const own: { ig: Ignore; base: string }[] = [];
  try {
    const text = readFileSync(join(dir, '.gitignore'), 'utf8');
    own.push({ ig: ignore().add(text), base: dir });
  } catch {
    // no .gitignore here
  }
  const result = [...inherited, ...own];
  cache.set(dir, result);
  return result;
}

function ignoredByGit(path: string, isDir: boolean, rules: { ig: Ignore; base: string }[]): boolean {
  return rules.some(({ ig, base }) => {
    const rel = relative(base, path).split(sep).join('/');
    return rel !== '' && !rel.startsWith('..') && ig.ignores(isDir ? `${rel}/` : rel);
  });
}

export function discover(paths: string[], options: DiscoverOptions = {}): Discovery {
  const cwd = options.cwd ?? process.cwd();
  const excludes = ignore().add([...DEFAULT_EXCLUDES, ...(options.exclude ?? [])]);
  const useGitignore = options.gitignore ?? true;
  const gitCache = new Map<string, { ig: Ignore; base: string }[]>();
  const files = new Set<string>();
  const warnings: string[] = [];
  const missing: string[] = [];
  const visited = new Set<string>();
  const add = (path: string) => {
    if (!options.accept || options.accept(path)) files.add(path);
  };

  const excluded = (path: string, isDir: boolean) => {
    const rel = relative(cwd, path).split(sep).join('/');
    const name = path.split(sep).pop() ?? '';
    return excludes.ignores(isDir ? `${name}/` : name) || (rel && !rel.startsWith('..') && excludes.ignores(isDir ? `${rel}/` : rel));
  };

  // A rule set that ignores an explicitly named folder itself (a Python installed under pyenv's ignored
  // `/versions`) would hide everything in it. What the user names is analysed, as ruff and ripgrep do: inside
  // that folder the set's patterns are matched from the folder down (`*.gen.py` still applies), not from above.
  let rebased = new Map<{ ig: Ignore; base: string }, { ig: Ignore; base: string }>();
  const walk = (dir: string) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (error) {
      warnings.push(`${relative(cwd, dir) || '.'}: cannot resolve folder (${(error as NodeJS.ErrnoException).code ?? 'error'}), skipped`);
      return;
    }
    if (visited.has(real)) {
      warnings.push(`${relative(cwd, dir)}: symlink loop or repeated folder, skipped`);
      return;
    }
    visited.add(real);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      warnings.push(`${relative(cwd, dir) || '.'}: cannot read folder (${(error as NodeJS.ErrnoException).code ?? 'error'}), skipped`);
      return;
    }
    const gitRules = useGitignore ? gitignoreFor(dir, gitCache).map((rule) => rebased.get(rule) ?? rule) : [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(path);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch (error) {
          const loop = (error as NodeJS.ErrnoException).code === 'ELOOP';
          warnings.push(`${relative(cwd, path)}: ${loop ? 'symlink loop' : 'broken symlink'}, skipped`);
          continue;
        }
      }
      if (excluded(path, isDir) || (useGitignore && ignoredByGit(path, isDir, gitRules))) continue;
      if (isDir) {
        if (!options.accept || options.accept(path)) walk(path);
      } else if (isFile && entry.name.endsWith('.py')) add(path);
    }
  };

  for (const raw of paths) {
    if (isDynamicPattern(raw)) {
      // Confined (accept given): symlinked folders are not followed, or `**` would walk wherever they point.
      const matched = globSync(raw, { cwd, absolute: true, onlyFiles: true, followSymbolicLinks: !options.accept, ignore: DEFAULT_EXCLUDES.map((e) => `**/${e}/**`) });
      if (matched.length === 0) warnings.push(`${raw}: no file matches this pattern`);
      for (const path of matched) if (path.endsWith('.py')) add(resolve(path));
      continue;
    }
    const path = resolve(cwd, raw);
    let stat;
    try {
      stat = lstatSync(path);
      if (stat.isSymbolicLink()) stat = statSync(path);
    } catch {
      missing.push(raw);
      continue;
    }
    if (stat.isDirectory()) {
      const hiding = useGitignore ? gitignoreFor(dirname(path), gitCache).filter((rule) => ignoredByGit(path, true, [rule])) : [];
      rebased = new Map(hiding.map((rule) => [rule, { ig: rule.ig, base: path }]));
      walk(path);
    } else add(path); // an explicit file is analysed whatever its name
  }
  return { files: [...files].sort(), warnings, missing };
}

/** The named paths (not glob patterns) that do not exist: checked before anything is written. */
export function missingPaths(paths: string[], cwd = process.cwd()): string[] {
  return paths.filter((raw) => {
    if (isDynamicPattern(raw)) return false;
    try {
      lstatSync(resolve(cwd, raw));
      return false;
    } catch {
      return true;
    }
  });
}
