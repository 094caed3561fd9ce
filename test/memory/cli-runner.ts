// Runs `clawperf memory …` with only the memory command registered (used by cli.test.ts).
import { Command } from 'commander';
import { registerMemory } from '../../src/cli/commands/memory.js';

const program = new Command('clawperf');
registerMemory(program);
program.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
await program.parseAsync(process.argv);
