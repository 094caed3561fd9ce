// Where a project's state lives (the content cache in .clawperf/, the project memory), like Ruff's cache:
// at the project root, found upward from the analysed paths, never beside an analysed sub-folder or file.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What marks a folder as a project root, nearest first. */
export const ROOT_MARKERS = ['pyproject.toml', '.git', '.clawperf'] as const;

/** The nearest folder at or above `start` holding a root marker; `start` itself when none does. */
export function projectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (ROOT_MARKERS.some((marker) => existsSync(join(dir, marker)))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/**
 * `<root>/.clawperf/`, created if needed with a `.gitignore` of `*`: what lives there (hook-cache,
 * calibration.json, the content cache, trace and stress results) belongs to this machine, not to the repository.
 */
export function stateFolder(root: string): string {
  const folder = join(root, '.clawperf');
  mkdirSync(folder, { recursive: true });
  const gitignore = join(folder, '.gitignore');
  if (!existsSync(gitignore)) writeFileSync(gitignore, '*\n');
  return folder;
}
