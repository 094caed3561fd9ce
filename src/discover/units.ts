// systemd unit files in the analysed tree (`*.service`): their `ExecStart=` lines say which programs run
// once (a unit) and which once per agent (a template `name@.service`), for the process topology.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SKIP = /^(\.|node_modules$|__pycache__$|venv$|\.venv$|site-packages$|dist$|build$)/;
const MAX_DEPTH = 5;
const MAX_FILES = 200;

/** Unit files under `root` (a few levels deep, hidden and vendored folders skipped); unreadable ones are left out. */
export function findUnitFiles(root: string): { path: string; text: string }[] {
  const found: { path: string; text: string }[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (SKIP.test(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.service')) {
        try {
          found.push({ path: relative(root, path) || entry.name, text: readFileSync(path, 'utf8') });
        } catch {
          // An unreadable unit says nothing; the role falls back to the code's own hints.
        }
      }
    }
  };
  walk(root, 0);
  return found;
}
