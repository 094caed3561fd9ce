// Baselines, for adopting clawperf on legacy code: record today's findings once, then report only new ones.
// Paths are stored relative to the baseline file's folder, so the same file works from any directory.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { UsageError } from '../cli/errors.js';
import type { AnalysedFile } from '../pipeline.js';
import type { Finding } from '../rules/types.js';
import { describeFsError, writeFileAtomic } from '../util/fs.js';
import { fingerprintFindings } from './fingerprint.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  file: string;
  /** Where it was when recorded (informative: matching uses the fingerprint). */
  line: number;
  code: string;
}

export interface BaselineFile {
  version: number;
  tool: 'clawperf';
  findings: BaselineEntry[];
}

/** Maps a reported path (relative to `cwd`) to the path stored in a baseline at `baselinePath`. */
export function baselinePath(baselineFile: string, cwd: string): (file: string) => string {
  const dir = dirname(resolve(cwd, baselineFile));
  return (file) => relative(dir, resolve(cwd, file)).split(sep).join('/');
}

export function baselineEntries(findings: Finding[], analysed: { files: AnalysedFile[] }, file: string, cwd: string): BaselineEntry[] {
  return fingerprintFindings(findings, analysed, baselinePath(file, cwd))
    .map(({ finding, fingerprint, code }) => ({ fingerprint, rule: finding.rule, file: baselinePath(file, cwd)(finding.file), line: finding.line, code }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)));
}

export function writeBaseline(file: string, entries: BaselineEntry[], cwd: string): void {
  const content: BaselineFile = { version: BASELINE_VERSION, tool: 'clawperf', findings: entries };
  try {
    writeFileAtomic(resolve(cwd, file), JSON.stringify(content, null, 2) + '\n');
  } catch (error) {
    throw new UsageError(`cannot write baseline ${file}: ${describeFsError(error)}`);
  }
}

/** The fingerprints a baseline accepts; a missing or malformed file is a usage error (exit 2). */
export function readBaseline(file: string, cwd: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read baseline ${file}: ${describeFsError(error)} (create one with --write-baseline ${file})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`baseline ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const doc = data as Partial<BaselineFile>;
  if (!doc || typeof doc !== 'object' || doc.tool !== 'clawperf' || !Array.isArray(doc.findings)) {
    throw new UsageError(`${file} is not a clawperf baseline (expected {"tool": "clawperf", "findings": [...]}; write one with --write-baseline)`);
  }
  if (doc.version !== BASELINE_VERSION) throw new UsageError(`baseline ${file} has version ${String(doc.version)}; this clawperf reads version ${BASELINE_VERSION}`);
  return new Set(doc.findings.map((entry) => (entry as BaselineEntry).fingerprint).filter((f): f is string => typeof f === 'string'));
}
