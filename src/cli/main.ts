#!/usr/bin/env node
// clawperf's command line: one file per command under ./commands, registered here.
import { Command } from 'commander';
import { registerAnalyze } from './commands/analyze.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerStress } from './commands/stress.js';
import { registerMemory } from './commands/memory.js';
import { registerRule } from './commands/rule.js';

const program = new Command('clawperf')
  .description('A performance engineer for Python services: finds bottlenecks, prices them at N agents, writes the report.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  // Set before the commands are added so they inherit it: commander already printed the message,
  // and usage errors exit 2 (DESIGN.md exit codes); --help and --version exit 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

registerAnalyze(program);
registerCalibrate(program);
registerStress(program);
registerRule(program);
registerMemory(program);

await program.parseAsync(process.argv);
