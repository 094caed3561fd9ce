// `clawperf hook [FILE...]`: the Claude Code PostToolUse hook (`clawperf init --hooks` installs it), or a
// quick check of changed files (arguments, or one path per stdin line). Output convention: see
// src/integrations/hook.ts. The heavy modules load only when the command runs, to keep the hook fast.
import type { Command } from 'commander';
import { Option } from 'commander';
import { resolveLang } from '../../report/lang.js';

interface HookCliOptions {
  root?: string;
  lang: string;
  agents: string;
  all?: boolean;
  feedback: 'json' | 'exit2';
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function hookCommand(files: string[], options: HookCliOptions): Promise<number> {
  const { HookInputError, hookRoot, parseHookInput, runHook } = await import('../../integrations/hook.js');
  try {
    const agents = Number(options.agents);
    if (!Number.isInteger(agents) || agents < 1) throw new HookInputError(`--agents must be a whole number, 1 or more (got "${options.agents}")`);
    const stdin = files.length ? '' : await readStdin();
    if (!files.length && !stdin.trim()) {
      if (process.stdin.isTTY) throw new HookInputError('no input: give files, pipe one path per line, or pipe a Claude Code PostToolUse event (JSON)');
      return 0;
    }
    const input = parseHookInput(files, stdin, process.cwd());
    const run = await runHook(input, { root: hookRoot(options.root, input), lang: resolveLang(options.lang), agents, all: options.all === true });
    if (!run.summary) return 0;
    if (run.mode === 'list') {
      process.stdout.write(run.summary);
      return 0;
    }
    if (options.feedback === 'exit2') {
      process.stderr.write(run.summary);
      return 2;
    }
    process.stdout.write(`${JSON.stringify({ decision: 'block', reason: run.summary.trimEnd() })}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`clawperf hook: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`);
    return 1;
  }
}

export function registerHook(program: Command): void {
  program
    .command('hook')
    .description('Claude Code PostToolUse hook: summarise new critical/important findings in a written .py file (event JSON on stdin), or check the files given')
    .argument('[files...]', 'changed files (default: read a PostToolUse event, or one path per line, from stdin)')
    .option('--root <dir>', 'project root for the cache and the paths shown (default: $CLAUDE_PROJECT_DIR, else the event cwd, else the current folder)')
    .addOption(new Option('-l, --lang <lang>', 'summary language').choices(['es', 'en', 'auto']).default('auto'))
    .option('-n, --agents <n>', 'concurrent agents to price for', '100')
    .option('--all', 'report every critical/important finding, not only those new since the last run on the file')
    .addOption(new Option('--feedback <how>', 'how a PostToolUse event gets its answer: json (stdout {"decision":"block","reason"}, exit 0) or exit2 (stderr, exit 2)').choices(['json', 'exit2']).default('json'))
    .action(async (files: string[], options: HookCliOptions) => {
      process.exitCode = await hookCommand(files, options);
    });
}
