// The rules' output for a whole project, cached next to the models: when no file, no path, no rule and no
// setting changed since a run, that run's findings are reused. Any change (one file edited) misses and the
// rules run again on the freshly linked project, so cross-module facts are always current. The entry also
// holds what reports and memory read off the linked model (the digest), so a warm run needs no model at all.
//
// Key: every file's path and model key (content + module), the selection (select/ignore, which files each
// per-file ignore matches, agents), and a fingerprint of all of clawperf's compiled code (any rule edit).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleSelection, UnusedNoqa } from '../rules/engine.js';
import type { Finding } from '../rules/types.js';
import { decode, encode, UnsupportedValueError } from './codec.js';
import { CODEC_VERSION, readEntry, writeEntry } from './store.js';

/** Findings entries kept (the most recent runs' projects). */
const KEEP_ENTRIES = 8;

let fingerprint: string | undefined;

/** sha256 of every compiled file of clawperf (dist/src/**.js): a new build means new rules. */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const hash = createHash('sha256').update(`codec ${CODEC_VERSION}\0`);
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (name.endsWith('.js')) {
        hash.update(`${path.slice(root.length)}\0`);
        hash.update(readFileSync(path));
      } else if (!name.includes('.')) {
        walk(path);
      }
    }
  };
  walk(root);
  fingerprint = hash.digest('hex');
  return fingerprint;
}

/** The key of a run's findings: `paths` (as reported) and `modelKeys` are the run's files, in order. */
export function findingsKey(paths: string[], modelKeys: (string | undefined)[], selection: RuleSelection): string | undefined {
  if (modelKeys.length !== paths.length || modelKeys.some((key) => key === undefined)) return undefined;
  const hash = createHash('sha256').update(codeFingerprint());
  hash.update(JSON.stringify({ agents: selection.agents, select: selection.select ?? null, ignore: selection.ignore ?? null, testPaths: selection.testPaths ?? null, includeTests: selection.includeTests ?? false }));
  for (const ignore of selection.perFileIgnores ?? []) {
    hash.update(`\0ignore ${JSON.stringify(ignore.rules)}:`);
    paths.forEach((path, index) => {
      if (ignore.matches(path)) hash.update(`${index},`);
    });
  }
  paths.forEach((path, index) => hash.update(`\0${path}\0${modelKeys[index]}`));
  return hash.digest('hex');
}

export interface RulesOutput {
  findings: Finding[];
  errors: string[];
  unusedNoqa: UnusedNoqa[];
  /** Findings a `# noqa` hides: not reported, still priced by the capacity model. */
  suppressed?: Finding[];
}

/** A cached run: the rules' output and the digest of the linked project it came from. */
export interface CachedRun<Digest> extends RulesOutput {
  digest: Digest;
}

function findingsDir(cacheDir: string): string {
  return join(cacheDir, 'findings');
}

export function readFindings<Digest>(cacheDir: string, key: string): CachedRun<Digest> | undefined {
  const outcome = readEntry(findingsDir(cacheDir), key);
  if (outcome.kind !== 'hit') return undefined;
  try {
    const value = decode(outcome.encoded) as CachedRun<Digest>;
    if (!value || !Array.isArray(value.findings) || !Array.isArray(value.errors) || !Array.isArray(value.unusedNoqa) || !value.digest) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

export function writeFindings<Digest>(cacheDir: string, key: string, output: CachedRun<Digest>): void {
  const dir = findingsDir(cacheDir);
  let encoded;
  try {
    encoded = encode(output);
  } catch (error) {
    if (error instanceof UnsupportedValueError) return;
    throw error;
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    return;
  }
  if (!writeEntry(dir, key, encoded)) return;
  // Keep only the latest few projects' findings.
  try {
    const entries: { path: string; mtime: number }[] = [];
    for (const sub of readdirSync(dir)) {
      for (const name of readdirSync(join(dir, sub))) {
        const path = join(dir, sub, name);
        entries.push({ path, mtime: statSync(path).mtimeMs });
      }
    }
    entries.sort((a, b) => b.mtime - a.mtime);
    for (const entry of entries.slice(KEEP_ENTRIES)) unlinkSync(entry.path);
  } catch {
    // another run pruned concurrently: fine
  }
}
