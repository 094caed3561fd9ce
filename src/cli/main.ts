#!/usr/bin/env node
// clawperf's command line: one file per command under ./commands, registered here.
import { Command } from 'commander';
import { registerAnalyze } from './commands/analyze.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerStress } from './commands/stress.js';
import { registerRule } from './commands/rule.js';

const program = new Command('clawperf')
  .description('A performance engineer for Python services: finds bottlenecks, prices them at N agents, writes the report.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

registerAnalyze(program);
registerCalibrate(program);
registerStress(program);
registerRule(program);

program.exitOverride((error) => {
  // commander already printed the message; usage errors exit 2 (DESIGN.md exit codes).
  process.exit(error.exitCode === 0 ? 0 : 2);
});
await program.parseAsync(process.argv);
