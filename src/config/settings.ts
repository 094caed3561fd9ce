// Turns a loaded config into what `analyze` takes, and lets the flags the user typed win over it.
import { relative, resolve, sep } from 'node:path';
import ignore from 'ignore';
import { FORMATS, formatNamed } from '../report/formats.js';
import { RULES } from '../rules/index.js';
import { DIMENSIONS } from '../rules/types.js';
import type { RuleSelection } from '../rules/engine.js';
import { UsageError } from '../cli/errors.js';
import { closest } from '../util/suggest.js';
import type { LoadedConfig } from './config.js';

export type PerFileIgnore = NonNullable<RuleSelection['perFileIgnores']>[number];

/** Config values in the shape of `analyze`'s CLI options (comma-separated lists, resolved paths). */
export interface ConfigOptions {
  format?: string;
  lang?: string;
  agents?: string;
  failOn?: string;
  select?: string;
  ignore?: string;
  exclude?: string;
  /** Test code patterns (relative to the config's folder) and whether rules look at test code at all. */
  testPaths?: string[];
  includeTests?: boolean;
  memoryDir?: string;
  /** Messages per second per agent in the steady budget (`--message-rate`). */
  messageRate?: string;
  /** `[tool.clawperf] topology`: programs per role (no flag). */
  topology?: Partial<Record<'per-agent' | 'singleton' | 'on-demand', string[]>>;
}

export interface ResolvedConfig {
  options: ConfigOptions;
  perFileIgnores: PerFileIgnore[];
  /** Settings that look wrong but do no harm (a code that matches no rule), one line each. */
  warnings: string[];
}

function posix(path: string): string {
  return path.split(sep).join('/');
}

/** Exclude patterns are relative to the config's folder; discovery matches them relative to the current one. */
export function rebaseExclude(pattern: string, configDir: string, cwd: string): string {
  const negated = pattern.startsWith('!');
  const body = negated ? pattern.slice(1) : pattern;
  const prefix = posix(relative(cwd, configDir));
  // A pattern without an inner slash matches a name at any depth: it needs no rebasing.
  if (!body.replace(/\/+$/, '').includes('/') || !prefix || prefix.startsWith('..')) return pattern;
  return `${negated ? '!' : ''}${prefix}/${body.replace(/^\/+/, '')}`;
}

export function perFileIgnore(glob: string, rules: string[], configDir: string, cwd: string): PerFileIgnore {
  const matcher = ignore().add(glob);
  return {
    rules,
    matches(path: string) {
      const rel = posix(relative(configDir, resolve(cwd, path)));
      return rel !== '' && !rel.startsWith('..') && matcher.ignores(rel);
    },
  };
}

function matchesSomeRule(pattern: string): boolean {
  const upper = pattern.toUpperCase();
  return upper === 'ALL' || (DIMENSIONS as readonly string[]).includes(pattern) || RULES.some((rule) => rule.meta.id.startsWith(upper));
}

/**
 * Rule ids, prefixes or dimensions that select nothing are a usage error, as in Ruff: `--select ZZ999` must not
 * pass as an all-clear. `where` names the flag or config key in the one-line message.
 */
export function checkRulePatterns(where: string, patterns: readonly string[] | undefined): void {
  for (const pattern of patterns ?? []) {
    if (matchesSomeRule(pattern)) continue;
    const hint = closest(pattern, [...RULES.map((rule) => rule.meta.id), ...DIMENSIONS]);
    throw new UsageError(`${where}: unknown rule "${pattern}"${hint ? ` (did you mean ${hint}?)` : ''}; \`clawperf rules\` lists them all`);
  }
}

export function resolveConfig(config: LoadedConfig, cwd = process.cwd()): ResolvedConfig {
  const s = config.settings;
  const where = posix(relative(cwd, config.file)) || config.file;
  const warnings: string[] = [];
  checkRulePatterns(`${where} select`, s.select);
  checkRulePatterns(`${where} ignore`, s.ignore);
  for (const [glob, rules] of Object.entries(s['per-file-ignores'] ?? {})) checkRulePatterns(`${where} per-file-ignores."${glob}"`, rules);
  if (s.format !== undefined && !formatNamed(s.format)) {
    throw new UsageError(`${where} [tool.clawperf]: format must be one of ${Object.keys(FORMATS).join(', ')} (got "${s.format}")`);
  }
  const options: ConfigOptions = {
    ...(s.format !== undefined ? { format: s.format } : {}),
    ...(s.lang !== undefined ? { lang: s.lang } : {}),
    ...(s.agents !== undefined ? { agents: [s.agents].flat().join(',') } : {}),
    ...(s['fail-on'] !== undefined ? { failOn: s['fail-on'] } : {}),
    ...(s.select !== undefined ? { select: s.select.join(',') } : {}),
    ...(s.ignore !== undefined ? { ignore: s.ignore.join(',') } : {}),
    ...(s.exclude !== undefined ? { exclude: s.exclude.map((p) => rebaseExclude(p, config.dir, cwd)).join(',') } : {}),
    ...(s['memory-dir'] !== undefined ? { memoryDir: resolve(config.dir, s['memory-dir']) } : {}),
    ...(s['test-paths'] !== undefined ? { testPaths: s['test-paths'] } : {}),
    ...(s['include-tests'] !== undefined ? { includeTests: s['include-tests'] } : {}),
    ...(s['message-rate'] !== undefined ? { messageRate: String(s['message-rate']) } : {}),
    ...(s.topology !== undefined ? { topology: s.topology } : {}),
  };
  const perFileIgnores = Object.entries(s['per-file-ignores'] ?? {}).map(([glob, rules]) => perFileIgnore(glob, rules, config.dir, cwd));
  return { options, perFileIgnores, warnings };
}

/**
 * CLI flags override the config: a config value applies only where the user typed no flag. `explicit` names
 * the options given on the command line; without it every option that has a value counts as typed.
 */
export function mergeOptions<T extends object>(cli: T, fromConfig: Partial<T>, explicit?: ReadonlySet<string>): T {
  const merged = { ...cli } as Record<string, unknown>;
  for (const [key, value] of Object.entries(fromConfig)) {
    if (value === undefined) continue;
    const typed = explicit ? explicit.has(key) : merged[key] !== undefined;
    if (!typed) merged[key] = value;
  }
  return merged as unknown as T;
}
