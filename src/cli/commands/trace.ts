// `clawperf trace [--duration S] [--output FILE] [--project DIR] -- CMD ARGS...`: run a command with
// runtime instrumentation, then print the hottest lines of the project's code (after the program's output).
import { rememberRuntime, traceLine } from '../../memory/runtime.js';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_OUTPUT, formatTraceTable, runTrace, TraceUsageError } from '../../runtime/trace/index.js';

/** Without --project: the current folder, or the script's folder when the script lives elsewhere. */
export function defaultProjectRoot(command: string[], cwd: string): string {
  const script = command.slice(1).find((arg) => arg.endsWith('.py') && !arg.startsWith('-'));
  if (script) {
    const path = resolve(cwd, script);
    const rel = relative(cwd, path);
    if (existsSync(path) && (rel.startsWith('..') || isAbsolute(rel))) return dirname(path);
  }
  return cwd;
}

function usage(message: string): void {
  process.stderr.write(`clawperf trace: ${message}\n`);
  process.exitCode = 2;
}

export function registerTrace(program: Command): void {
  program
    .command('trace')
    .description('run a command and count, per line of your code, file opens, listings, stats, subprocesses, connects, sleeps and threads')
    .argument('[command...]', 'the command to run, after `--` (e.g. -- python3 app.py --port 8080)')
    .option('-d, --duration <seconds>', 'stop the program after this many seconds (SIGTERM, then SIGKILL)')
    .option('-o, --output <file>', `where to write the JSON result (default ${DEFAULT_OUTPUT})`)
    .option('-p, --project <dir>', "the project's root: events are attributed to files under it (default: current folder)")
    .option('--top <n>', 'lines shown in the table', '20')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      '\nExamples:\n  clawperf trace -- python3 app.py\n  clawperf trace --duration 30 -- python3 server.py --port 8080\n',
    )
    .action(async (command: string[], opts: { duration?: string; output?: string; project?: string; top: string }) => {
      const cwd = process.cwd();
      if (!command.length) return usage('no command given (usage: clawperf trace [--duration S] -- CMD ARGS...)');
      let durationSeconds: number | undefined;
      if (opts.duration !== undefined) {
        durationSeconds = Number(opts.duration);
        if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) return usage(`--duration must be a positive number of seconds, got "${opts.duration}"`);
      }
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 0) return usage(`--top must be a whole number, got "${opts.top}"`);
      const projectRoot = opts.project ? resolve(cwd, opts.project) : defaultProjectRoot(command, cwd);
      if (!existsSync(projectRoot)) return usage(`no such project folder: ${projectRoot}`);
      const output = resolve(cwd, opts.output ?? DEFAULT_OUTPUT);

      let result;
      try {
        result = await runTrace({ command, cwd, projectRoot, durationSeconds, ...(opts.output !== undefined ? { output } : {}) });
      } catch (error) {
        if (error instanceof TraceUsageError) return usage(error.message);
        process.stderr.write(`clawperf trace: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`\n${formatTraceTable(result, top)}`);
      const shown = relative(cwd, output);
      process.stdout.write(`result: ${!shown || shown.startsWith('..') || isAbsolute(shown) ? output : shown}\n`);
      for (const warning of await rememberRuntime(projectRoot, 'trace', traceLine(result))) process.stderr.write(`clawperf trace: ${warning}\n`);
      // A service stopped by --duration did what was asked; Ctrl-C exits as interrupted programs do.
      const killedByUs = result.signal === 'SIGTERM' || result.signal === 'SIGKILL';
      if (result.stoppedBy === 'duration' && killedByUs) process.exitCode = 0;
      else if (result.stoppedBy === 'interrupt' && killedByUs) process.exitCode = 130;
      else process.exitCode = result.exitCode;
    });
}
