// `[tool.clawperf]` in pyproject.toml (or a clawperf.toml): found from the analysed path upward, like ruff,
// validated strictly so a typo is an error that names the key instead of a setting silently ignored.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { z } from 'zod';
import { UsageError } from '../cli/errors.js';
import { closest } from '../util/suggest.js';

const positiveInt = z.number().int().min(1).max(1_000_000);
const ruleList = z.array(z.string().min(1));

export const SettingsSchema = z.strictObject({
  agents: z.union([positiveInt, z.array(positiveInt).min(1)]),
  select: ruleList,
  ignore: ruleList,
  'per-file-ignores': z.record(z.string(), ruleList),
  exclude: z.array(z.string().min(1)),
  'test-paths': z.array(z.string().min(1)),
  'include-tests': z.boolean(),
  lang: z.enum(['es', 'en', 'auto']),
  'fail-on': z.enum(['critical', 'important', 'minor', 'none']),
  'memory-dir': z.string().min(1),
  format: z.string().min(1),
  'message-rate': z.number().positive().max(1_000_000),
  topology: z.strictObject({ 'per-agent': ruleList, singleton: ruleList, 'on-demand': ruleList }).partial(),
}).partial();

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;

/** What each key takes, for error messages. */
const EXPECTED: Record<SettingKey, string> = {
  agents: 'a positive integer or a list of them, e.g. 100 or [1, 10, 100]',
  select: 'a list of rule codes, prefixes or dimensions, e.g. ["PO", "SP501", "disk"]',
  ignore: 'a list of rule codes, prefixes or dimensions, e.g. ["ME605"]',
  'per-file-ignores': 'a table of glob = list of rule codes, e.g. "tests/*" = ["SP501"]',
  exclude: 'a list of gitignore-style patterns, e.g. ["legacy/", "*_pb2.py"]',
  'test-paths': 'a list of gitignore-style patterns of test code, e.g. ["tests/", "qa/*_check.py"]',
  'include-tests': 'true or false',
  lang: 'one of "es", "en", "auto"',
  'fail-on': 'one of "critical", "important", "minor", "none"',
  'memory-dir': 'a folder path (relative to this file)',
  format: 'an output format name, e.g. "md"',
  'message-rate': 'messages (or requests) per second per agent in the steady budget, e.g. 0.2',
  topology: 'a table of role = list of programs, e.g. per-agent = ["agent.py"], singleton = ["dispatcher.py"], on-demand = ["cli.py"]',
};

/** File names searched in each folder, in order of precedence (a dedicated file wins over pyproject.toml). */
const CONFIG_FILES = ['.clawperf.toml', 'clawperf.toml', 'pyproject.toml'] as const;

export interface LoadedConfig {
  /** Absolute path of the file the settings came from. */
  file: string;
  /** Its folder: relative paths in the settings are relative to it. */
  dir: string;
  settings: Settings;
}

function display(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), data);
}

/** Validates a `[tool.clawperf]` table; the first problem becomes one line that names the key. */
export function validateSettings(data: unknown, where: string): Settings {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`${where} must be a table of settings`);
  const parsed = SettingsSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const hint = closest(key, Object.keys(EXPECTED));
    throw new UsageError(`${where}: unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; known keys: ${Object.keys(EXPECTED).join(', ')}`);
  }
  const key = String(issue.path[0]) as SettingKey;
  const nested = issue.path.slice(1).map((p) => (typeof p === 'number' ? `[${p}]` : `."${String(p)}"`)).join('');
  const expected = nested && key === 'per-file-ignores' ? 'a list of rule codes, e.g. ["SP501", "PO"]' : EXPECTED[key] ?? issue.message;
  throw new UsageError(`${where}: ${key}${nested} must be ${expected} (got ${show(valueAt(data, issue.path))})`);
}

function readToml(file: string, cwd: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${display(file, cwd)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const detail = error instanceof TomlError ? `line ${error.line}, column ${error.column}: ${error.message.split('\n')[0]}` : (error as Error).message;
    throw new UsageError(`${display(file, cwd)}: invalid TOML at ${detail}`);
  }
}

function clawperfTable(doc: Record<string, unknown>): unknown {
  const tool = doc.tool;
  return tool && typeof tool === 'object' ? (tool as Record<string, unknown>).clawperf : undefined;
}

/** Reads one config file: `[tool.clawperf]` of a pyproject.toml, or the top level of a clawperf.toml. */
export function loadConfigFile(file: string, cwd = process.cwd()): LoadedConfig {
  const abs = resolve(cwd, file);
  if (!existsSync(abs)) throw new UsageError(`config file not found: ${file}`);
  const doc = readToml(abs, cwd);
  const shown = display(abs, cwd);
  const table = clawperfTable(doc);
  let settings: Settings;
  if (table !== undefined) settings = validateSettings(table, `${shown} [tool.clawperf]`);
  else if (abs.endsWith('pyproject.toml')) throw new UsageError(`${shown} has no [tool.clawperf] table`);
  else settings = validateSettings(doc, shown);
  return { file: abs, dir: dirname(abs), settings };
}

/** The folder to start searching from for an analysed path (a file's folder; a glob's fixed prefix). */
function startFolder(path: string, cwd: string): string {
  let abs = resolve(cwd, path.replace(/[*?[{].*$/, '') || '.');
  while (!existsSync(abs) && dirname(abs) !== abs) abs = dirname(abs);
  try {
    return statSync(abs).isDirectory() ? abs : dirname(abs);
  } catch {
    return cwd;
  }
}

/**
 * The nearest config above the first analysed path: a `.clawperf.toml`/`clawperf.toml`, or a pyproject.toml
 * that has a `[tool.clawperf]` table (a pyproject.toml without one is passed over, as ruff does).
 */
export function findConfig(paths: string[], cwd = process.cwd()): LoadedConfig | undefined {
  let dir = startFolder(paths[0] ?? '.', cwd);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const file = join(dir, name);
      if (!existsSync(file)) continue;
      if (name === 'pyproject.toml') {
        let text = '';
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          continue;
        }
        // Parse only the pyproject files that mention us: a broken unrelated one must not stop the run.
        if (!/tool\.clawperf|\[tool\]/.test(text)) continue;
        if (clawperfTable(readToml(file, cwd)) === undefined) continue;
      }
      return loadConfigFile(file, cwd);
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
