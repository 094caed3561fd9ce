// `clawperf stress --agents 1,10,100 --duration 10 [--shared DIR] [--run-dir DIR] [--progress-regex RE]
// [--count-files DIR] [--feed CMD] -- CMD ARGS...`: run N copies at once and measure how cost grows;
// `clawperf stress --compare before.json after.json`: the measured effect of an optimisation.
import { rememberRuntime, stressLine } from '../../memory/runtime.js';
import { relative } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  compareStress,
  formatComparison,
  formatStressTable,
  loadStressResult,
  runStress,
  StressInputError,
  everyAgentExitedEarly,
  stressPaths,
  type StressProgress,
} from '../../runtime/stress/index.js';

export interface StressCliOptions {
  agents: string;
  duration: string;
  warmup?: string;
  shared?: string;
  runDir?: string;
  progressRegex?: string;
  countFiles?: string;
  feed?: string;
  sampleMs?: string;
  compare?: string[];
  json?: boolean;
  progress?: boolean;
}

export interface StressIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const show = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};

function parseCounts(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!parts.length) throw new StressInputError('--agents needs a list like 1,10,100');
  return parts.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || !Number.isInteger(n) || n < 1) throw new StressInputError(`--agents: "${p}" is not a whole number of agents (1 or more)`);
    return n;
  });
}

function parseSeconds(name: string, text: string, allowZero = false): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new StressInputError(`--${name} must be a number of seconds${allowZero ? '' : ' above 0'}, got "${text}"`);
  return v;
}

/** The command's whole behaviour; returns the exit code (0 ok, 1 the command crashed or left processes, 2 usage, 130 interrupted). */
export async function stressCommand(command: string[], opts: StressCliOptions, io: StressIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const usage = (message: string): number => {
    io.stderr.write(`clawperf stress: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 2;
  };
  try {
    if (opts.compare !== undefined) {
      if (opts.compare.length !== 2) return usage('--compare takes two files: --compare before.json after.json');
      if (command.length) return usage('--compare takes no command');
      const [beforePath, afterPath] = opts.compare as [string, string];
      const cmp = compareStress(loadStressResult(beforePath), loadStressResult(afterPath));
      if (cmp.agents.length === 0) return usage(`${beforePath} and ${afterPath} have no agent count in common`);
      io.stdout.write(opts.json ? `${JSON.stringify(cmp, null, 2)}\n` : `${formatComparison(cmp, beforePath, afterPath)}\n`);
      return 0;
    }
    if (!command.length) return usage('no command given (usage: clawperf stress --agents 1,10,100 --duration 10 -- CMD ARGS...)');
    const agents = parseCounts(opts.agents);
    const durationSeconds = parseSeconds('duration', opts.duration);
    const warmupSeconds = opts.warmup !== undefined ? parseSeconds('warmup', opts.warmup, true) : 0;
    const sampleMs = opts.sampleMs !== undefined ? Number(opts.sampleMs) : undefined;

    let bar: cliProgress.SingleBar | undefined;
    const wantBar = opts.progress !== false && io.stderr.isTTY === true;
    const onProgress = (p: StressProgress): void => {
      if (!wantBar) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { stream: io.stderr, format: 'stress {bar} {percentage}% | {agents} agents ({step}/{steps}) {phase} | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true, fps: 5 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(1, Math.round(p.totalSeconds * 10)), 0, { agents: p.agents, step: p.step + 1, steps: p.steps, phase: p.phase });
      }
      bar.update(Math.round(p.doneSeconds * 10), { agents: p.agents, step: p.step + 1, steps: p.steps, phase: p.phase });
    };
    let result;
    try {
      result = await runStress({
        command,
        agents,
        durationSeconds,
        warmupSeconds,
        ...(opts.shared !== undefined ? { shared: opts.shared } : {}),
        ...(opts.runDir !== undefined ? { runDir: opts.runDir } : {}),
        ...(opts.progressRegex !== undefined ? { progressRegex: opts.progressRegex } : {}),
        ...(opts.countFiles !== undefined ? { countFiles: opts.countFiles } : {}),
        ...(opts.feed !== undefined ? { feed: opts.feed } : {}),
        ...(sampleMs !== undefined ? { sampleMs } : {}),
        onProgress,
      });
    } finally {
      bar?.stop();
    }
    const paths = stressPaths(result.runDir);
    const early = everyAgentExitedEarly(result);
    if (early && !result.interrupted) {
      const why = early.error ?? (early.signal ? `signal ${early.signal}` : `exit code ${early.code}`);
      const said = early.outputTail.split('\n').filter((line) => line.trim() !== '').pop();
      io.stderr.write(`clawperf: every agent exited early, nothing was measured; agent ${early.agent}: ${why}${said ? `: ${said}` : ''} (logs: ${show(result.runDir)})\n`);
      return 1;
    }
    if (opts.json) {
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      io.stderr.write(`result: ${show(paths.json)}\nchart: ${show(paths.svg)}\n`);
    } else {
      io.stdout.write(`${formatStressTable(result)}\n\nresult: ${show(paths.json)}\nchart:  ${show(paths.svg)}\nlogs:   ${show(result.runDir)}/n<N>/agent-<i>.log\n`);
    }
    if (result.interrupted) return 130;
    for (const warning of await rememberRuntime(process.cwd(), 'stress', stressLine(result))) io.stderr.write(`clawperf stress: ${warning}\n`);
    const crashed = result.runs.some((r) => r.earlyExits.some((e) => e.code !== 0 || e.signal !== null || e.error));
    const leftover = result.runs.some((r) => r.leftover.running > 0);
    return crashed || leftover ? 1 : 0;
  } catch (error) {
    if (error instanceof StressInputError) return usage(error.message);
    throw error;
  }
}

export function registerStress(program: Command): void {
  program
    .command('stress')
    .description('run 1…N copies of a command at once and measure how CPU, memory, fds, processes and I/O syscalls grow with N')
    .argument('[command...]', 'the command, after `--`; {agent} becomes the agent index (0-based), {agents} the count, {sandbox} its folder')
    .option('-a, --agents <list>', 'agent counts to run, comma-separated', '1,10,100')
    .option('-d, --duration <seconds>', 'measured seconds per agent count (then SIGTERM, SIGKILL 2 s later)', '10')
    .option('--warmup <seconds>', 'seconds left out at the start of each count (interpreter start-up)')
    .option('--shared <dir>', 'run every agent in this folder (shared IPC) instead of a sandbox folder each')
    .option('--run-dir <dir>', 'where sandboxes, logs, stress.json and stress.svg go (default .clawperf/stress/<timestamp>)')
    .option('--progress-regex <re>', 'throughput: count stdout lines matching this regular expression')
    .option('--count-files <dir>', 'throughput: count new files in this folder (relative to each sandbox or the shared folder)')
    .option('--feed <cmd>', 'a helper started once per count and not measured, e.g. a message feeder (shell syntax; env CLAWPERF_AGENTS, CLAWPERF_SANDBOXES)')
    .option('--sample-ms <ms>', 'sampling interval in milliseconds', '200')
    .option('--compare <files...>', 'compare two results: --compare before.json after.json')
    .option('--json', 'print the JSON result (or comparison) on stdout instead of the table')
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)')
    .addHelpText(
      'after',
      [
        '',
        'Environment of each agent: CLAWPERF_AGENT (index), CLAWPERF_AGENTS, CLAWPERF_SANDBOX (its folder), CLAWPERF_RUN_DIR.',
        'Relative paths to existing files in the command are made absolute (agents run in their sandbox).',
        '',
        'Examples:',
        '  clawperf stress --agents 1,10,100 --duration 10 -- python3 agent.py {agent}',
        '  clawperf stress --agents 1,10,50 --duration 10 --count-files outbox \\',
        '      --feed "python3 examples/workers/feed.py --rate 5" -- python3 examples/workers/naive_agent.py {agent} .',
        '  clawperf stress --compare .clawperf/stress/A/stress.json .clawperf/stress/B/stress.json',
        '',
      ].join('\n'),
    )
    .exitOverride((error) => {
      // Usage errors exit 2 (DESIGN.md exit codes); help and version exit 0.
      process.exit(error.exitCode === 0 ? 0 : 2);
    })
    .action(async (command: string[], opts: StressCliOptions) => {
      process.exitCode = await stressCommand(command, opts);
    });
}
