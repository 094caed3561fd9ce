// `--changed-since REV`: the lines changed since REV (`git diff -U0 REV`, working tree included) plus untracked
// files, so pre-commit and code review see only the findings the change brought in.
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../cli/errors.js';
import type { Finding } from '../rules/types.js';

/** Changed lines per file (absolute path); `'all'` for an untracked file, which is new in every line. */
export type ChangedLines = Map<string, Set<number> | 'all'>;

/** Git reports real paths; the analysed paths may go through a symlink. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', ['-c', 'core.quotepath=off', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

function gitError(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { stderr?: string };
  return (e.stderr || e.message || String(error)).trim().split('\n')[0]!;
}

/** `"b/a\tb.py"` → `b/a	b.py`: git quotes paths with unusual characters, C style. */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parses `git diff -U0` output into added/changed line numbers (new side) per path relative to the repo. */
export function parseUnifiedDiff(text: string): Map<string, Set<number>> {
  const changed = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = unquote(line.slice(4).trimEnd());
      if (target === '/dev/null') {
        current = undefined;
        continue;
      }
      const path = target.replace(/^b\//, '');
      current = changed.get(path) ?? new Set<number>();
      changed.set(path, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    }
  }
  return changed;
}

export function changedLinesSince(rev: string, from: string): ChangedLines {
  // A missing path is reported by the analysis itself; git only needs a folder that exists.
  let cwd = from;
  while (!existsSync(cwd) && dirname(cwd) !== cwd) cwd = dirname(cwd);
  let top: string;
  try {
    top = real(git(['rev-parse', '--show-toplevel'], cwd).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError('--changed-since needs git, and git is not on PATH');
    throw new UsageError(`--changed-since needs a git repository, and ${cwd} is not inside one`);
  }
  try {
    git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], top);
  } catch {
    throw new UsageError(`--changed-since: unknown revision "${rev}" (try HEAD, HEAD~1, main or origin/main)`);
  }
  const changed: ChangedLines = new Map();
  let diff: string;
  let untracked: string;
  try {
    diff = git(['diff', '-U0', '--no-color', '--no-ext-diff', '--find-renames', rev, '--'], top);
    untracked = git(['ls-files', '--others', '--exclude-standard', '-z'], top);
  } catch (error) {
    throw new UsageError(`--changed-since: git failed: ${gitError(error)}`);
  }
  for (const [path, lines] of parseUnifiedDiff(diff)) changed.set(resolve(top, path), lines);
  for (const path of untracked.split('\0').filter(Boolean)) changed.set(resolve(top, path), 'all');
  return changed;
}

/** A finding is kept when any line of its span was changed (a loop whose body was edited counts). */
export function touchesChange(finding: Finding, changed: ChangedLines, cwd: string): boolean {
  const lines = changed.get(real(resolve(cwd, finding.file)));
  if (!lines) return false;
  if (lines === 'all') return true;
  for (let n = finding.line; n <= Math.max(finding.line, finding.endLine); n++) if (lines.has(n)) return true;
  return false;
}
