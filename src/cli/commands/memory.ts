// `clawperf memory show [topic] | remember TEXT | forget TEXT [--root DIR] [--dir DIR]`:
// explicit user requests to the project memory, saved at once. Errors: one line on stderr, exit 2.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { MemoryError, forgetNote, inspectMemory, rememberNote } from '../../memory/index.js';

interface MemoryCliOptions {
  root?: string;
  dir?: string;
}

function withLocation(command: Command): Command {
  return command
    // Usage errors exit 2 (DESIGN.md), whatever order the program sets its own exitOverride in.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .option('--root <dir>', 'root of the analysed project', '.')
    .option('--dir <dir>', 'memory folder, absolute or relative to the root (default .claude/agent-memory/performance-engineer)');
}

function fail(error: unknown): void {
  const message = error instanceof MemoryError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`clawperf: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exitCode = 2;
}

function warn(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`clawperf: warning: ${w}\n`);
}

function location(options: MemoryCliOptions): { root: string; dir?: string } {
  const root = resolve(options.root ?? '.');
  return options.dir ? { root, dir: options.dir } : { root };
}

export function registerMemory(program: Command): void {
  const memory = program
    .command('memory')
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .description('show or edit the project memory (.claude/agent-memory/performance-engineer/: MEMORY.md and topic files)');

  withLocation(memory.command('show'))
    .description('print MEMORY.md (or one topic file: bottlenecks, hot-paths, optimizations, caching, subprocesses, memory-patterns, io-hotspots, scalability, preferences)')
    .argument('[topic]', 'a topic file to print instead of the index')
    .action((topic: string | undefined, options: MemoryCliOptions) => {
      try {
        const { root, dir } = location(options);
        const view = inspectMemory(root, { ...(dir ? { dir } : {}), ...(topic ? { topic } : {}) });
        warn(view.warnings);
        process.stdout.write(view.text);
      } catch (error) {
        fail(error);
      }
    });

  withLocation(memory.command('remember'))
    .description('remember TEXT verbatim (a note or a preference such as "ignore tests/", "ignore rule SP502", "prefer systemd path units")')
    .argument('<text...>', 'what to remember')
    .action(async (words: string[], options: MemoryCliOptions) => {
      try {
        const { root, dir } = location(options);
        const result = await rememberNote(root, words.join(' '), dir ? { dir } : {});
        warn(result.warnings);
        if (!result.added) process.stdout.write(`Already remembered: ${words.join(' ')}\n`);
        else if (result.inClaudeMd) process.stdout.write(`Remembered (CLAUDE.md already says it, so it stays out of MEMORY.md).\n`);
        else process.stdout.write(`Remembered in ${result.file}.\n`);
      } catch (error) {
        fail(error);
      }
    });

  withLocation(memory.command('forget'))
    .description('forget every note and entry containing TEXT (case-insensitive)')
    .argument('<text...>', 'what to forget')
    .action(async (words: string[], options: MemoryCliOptions) => {
      try {
        const { root, dir } = location(options);
        const removed = await forgetNote(root, words.join(' '), dir ? { dir } : {});
        process.stdout.write(removed === 0 ? `Nothing in memory matches "${words.join(' ')}".\n` : `Forgot ${removed} ${removed === 1 ? 'entry' : 'entries'}.\n`);
      } catch (error) {
        fail(error);
      }
    });
}
