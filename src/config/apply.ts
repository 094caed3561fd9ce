// Applies `[tool.clawperf]` to `analyze`: find (or take `--config`) the file, turn it into option values,
// and keep every flag the user typed.
import type { Command } from 'commander';
import { relative } from 'node:path';
import { findConfig, loadConfigFile, type LoadedConfig } from './config.js';
import { mergeOptions, resolveConfig, type ConfigOptions, type PerFileIgnore } from './settings.js';

export interface ConfigurableOptions extends ConfigOptions {
  /** `--config FILE`, or false for `--no-config`. */
  config?: string | false;
  /** Option names typed on the command line; the others may come from the config. */
  explicit?: ReadonlySet<string>;
}

export interface AppliedConfig<T> {
  options: T;
  perFileIgnores: PerFileIgnore[];
  /** The file the settings came from, relative to the current folder (undefined: none). */
  configFile?: string;
  /** Option names whose value came from the config file (the user typed no flag for them). */
  fromConfig: string[];
  warnings: string[];
}

/** The options the user typed on this command line (commander knows where each value came from). */
export function explicitOptions(command: Command): Set<string> {
  return new Set(command.options.map((o) => o.attributeName()).filter((key) => command.getOptionValueSource(key) === 'cli'));
}

export function applyProjectConfig<T extends ConfigurableOptions>(paths: string[], options: T, cwd = process.cwd()): AppliedConfig<T> {
  if (options.config === false) return { options, perFileIgnores: [], fromConfig: [], warnings: [] };
  const config: LoadedConfig | undefined = options.config ? loadConfigFile(options.config, cwd) : findConfig(paths, cwd);
  if (!config) return { options, perFileIgnores: [], fromConfig: [], warnings: [] };
  const resolved = resolveConfig(config, cwd);
  return {
    options: mergeOptions(options, resolved.options as Partial<T>, options.explicit),
    perFileIgnores: resolved.perFileIgnores,
    configFile: relative(cwd, config.file) || config.file,
    fromConfig: Object.keys(resolved.options).filter((key) => !options.explicit?.has(key)),
    warnings: resolved.warnings,
  };
}
