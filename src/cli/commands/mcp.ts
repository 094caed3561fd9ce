// `clawperf mcp [--root DIR] [--allow-run]`: the MCP server over stdio (see src/mcp/server.ts).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { guarded } from '../errors.js';

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('serve clawperf to an LLM agent over the Model Context Protocol (stdio): analyze, explain_rule, estimate, trace, stress, memory_*')
    .option('--root <dir>', 'project root: every path a client names must stay under it (default: the current folder)', '.')
    .option('--allow-run', 'enable the trace and stress tools, which run commands the client gives')
    .action(async (options: { root: string; allowRun?: boolean }) => guarded(async () => {
      const { runMcpServer } = await import('../../mcp/server.js');
      await runMcpServer({ root: resolve(options.root), allowRun: options.allowRun === true });
    }));
}
