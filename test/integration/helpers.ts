// Shared by the integration tests: run the built CLI, make throwaway projects and git repositories.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/integration/helpers.js → the repository root. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
export const DEMO = join(REPO_ROOT, 'examples', 'openclaw-demo');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string = REPO_ROOT, env: NodeJS.ProcessEnv = {}): CliRun {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, LANG: 'C', LC_ALL: '', CLAWPERF_DEBUG: '', ...env }, maxBuffer: 64 * 1024 * 1024,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A temporary folder holding `files` (path → text); removed by the returned cleanup. */
export function tempProject(files: Record<string, string>, prefix = 'clawperf-it-'): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  writeFiles(dir, files);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Git with a fixed identity and no user or system config, so tests behave the same on every machine. */
export function git(dir: string, ...args: string[]): string {
  const run = spawnSync('git', ['-c', 'user.name=clawperf-test', '-c', 'user.email=test@clawperf.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CEILING_DIRECTORIES: dirname(dir) },
  });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** A Python function that sleep-polls a folder 10 times a second: PO301 flags its `while` line, critical by its price (0.5–1 core at 100 agents). */
export function pollLoop(name: string, folder = 'INBOX'): string {
  return [
    `def ${name}():`,
    '    while True:',
    `        for entry in os.listdir(${folder}):`,
    '            print(entry)',
    '        time.sleep(0.01)',
    '',
  ].join('\n');
}

export const PY_HEADER = 'import os\nimport time\n\nINBOX = "/tmp/inbox"\n\n';

export interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  severity: string;
}

export function findingsOf(run: CliRun): JsonFinding[] {
  try {
    return (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
  } catch {
    throw new Error(`expected JSON on stdout (exit ${run.status}); stderr:\n${run.stderr}\nstdout:\n${run.stdout.slice(0, 2000)}`);
  }
}
