#!/usr/bin/env node
// clawperf's command line: one file per command under ./commands, registered here.
// Only the command being run is loaded (the editor hook must answer in well under a second);
// help and unknown commands load them all.
import { Command } from 'commander';
import { VERSION } from '../paths.js';
import { lookupTable } from '../util/lookup.js';

type Register = (program: Command) => void;

const COMMANDS: Record<string, () => Promise<Register>> = {
  analyze: async () => (await import('./commands/analyze.js')).registerAnalyze,
  calibrate: async () => (await import('./commands/calibrate.js')).registerCalibrate,
  trace: async () => (await import('./commands/trace.js')).registerTrace,
  stress: async () => (await import('./commands/stress.js')).registerStress,
  rule: async () => (await import('./commands/rule.js')).registerRule,
  memory: async () => (await import('./commands/memory.js')).registerMemory,
  mcp: async () => (await import('./commands/mcp.js')).registerMcp,
  init: async () => (await import('./commands/init.js')).registerInit,
  hook: async () => (await import('./commands/hook.js')).registerHook,
};
/** Commands registered by a module under another name (`rules` lives beside `rule`). */
const ALIASES: Record<string, string> = { rules: 'rule' };

const program = new Command('clawperf')
  .description('A performance engineer for Python services: finds bottlenecks, prices them at N agents, writes the report.')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  // Set before the commands are added so they inherit it: commander already printed the message,
  // and usage errors exit 2 (DESIGN.md exit codes); --help and --version exit 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

const requested = process.argv[2] ?? '';
const only = lookupTable(COMMANDS)(lookupTable(ALIASES)(requested) ?? requested);
for (const load of only ? [only] : Object.values(COMMANDS)) (await load())(program);

await program.parseAsync(process.argv);
