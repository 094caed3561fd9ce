// A finding's identity that survives unrelated edits: rule + file + the flagged line's text (whitespace
// normalised) + which occurrence of that text it is. Adding lines above a finding does not change it;
// editing the flagged line does, which is what a baseline wants ("this exact code was accepted").
import { createHash } from 'node:crypto';
import type { AnalysedFile } from '../pipeline.js';
import type { Finding } from '../rules/types.js';

/** A finding carrying its fingerprint (attached by `withFingerprints`; reporters read it when present). */
export type Fingerprinted<T extends Finding = Finding> = T & { fingerprint?: string };

export function normaliseLine(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

export function fingerprintOf(rule: string, file: string, lineText: string, occurrence: number): string {
  return createHash('sha256').update(`${rule}\0${file}\0${normaliseLine(lineText)}\0${occurrence}`).digest('hex').slice(0, 32);
}

export interface FingerprintedFinding {
  finding: Finding;
  fingerprint: string;
  /** The normalised source line (kept in baselines so a person can read them). */
  code: string;
}

/**
 * Fingerprints every finding. `pathFor` maps the reported path to the one stored in the fingerprint (a
 * baseline keeps paths relative to its own folder so it works from any current directory).
 */
export function fingerprintFindings(findings: Finding[], analysed: { files: AnalysedFile[] }, pathFor: (file: string) => string = (f) => f): FingerprintedFinding[] {
  const sources = new Map(analysed.files.map((file) => [file.path, file.source]));
  const seen = new Map<string, number>();
  // Occurrences are counted in line order so they do not depend on the order rules ran in.
  const ordered = [...findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  const byFinding = new Map<Finding, FingerprintedFinding>();
  for (const finding of ordered) {
    const code = normaliseLine(sources.get(finding.file)?.[finding.line - 1] ?? '');
    const path = pathFor(finding.file);
    const key = `${finding.rule}\0${path}\0${code}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    byFinding.set(finding, { finding, code, fingerprint: fingerprintOf(finding.rule, path, code, occurrence) });
  }
  return findings.map((f) => byFinding.get(f)!);
}

/** The same findings, each with its `fingerprint` (paths as reported), for SARIF's partialFingerprints. */
export function withFingerprints(findings: Finding[], analysed: { files: AnalysedFile[] }): Fingerprinted[] {
  return fingerprintFindings(findings, analysed).map(({ finding, fingerprint }) => ({ ...finding, fingerprint }));
}
