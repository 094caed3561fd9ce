// `clawperf init [--root DIR] [--hooks] [--force]`: the agent file, the MCP entry and (with --hooks) the
// PostToolUse hook, merged into what the project already has (see src/integrations/init.ts).
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInit } from '../../integrations/init.js';
import { guarded, UsageError } from '../errors.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('set up a project for Claude Code: .claude/agents/performance-engineer.md, the clawperf MCP server in .mcp.json, and (--hooks) a PostToolUse hook')
    .option('--root <dir>', 'the project root (default: the current folder)', '.')
    .option('--hooks', 'also add the PostToolUse hook (Write|Edit|MultiEdit → clawperf hook) to .claude/settings.json')
    .option('--force', 'replace an agent file or a "clawperf" MCP entry that differs from clawperf’s (other settings are never touched)')
    .action(async (options: { root: string; hooks?: boolean; force?: boolean }) => guarded(async () => {
      const root = resolve(options.root);
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--root ${options.root} is not a folder`);
      const actions = runInit({ root, hooks: options.hooks === true, force: options.force === true });
      for (const action of actions) process.stdout.write(`${action.file}: ${action.note}\n`);
      if (actions.some((a) => a.change === 'kept')) process.stderr.write('clawperf: some files differ from what clawperf writes and were kept; run with --force to replace them\n');
      return 0;
    }));
}
