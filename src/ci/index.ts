// What CI and pre-commit need on top of an analysis: fingerprints, a baseline of accepted findings and
// `--changed-since REV`. One filter for the pipeline's `keepFindings` hook, so the counts and the exit code follow it.
import { commonRoot, type AnalysedFile } from '../pipeline.js';
import type { Finding } from '../rules/types.js';
import { baselineEntries, baselinePath, readBaseline, writeBaseline, type BaselineEntry } from './baseline.js';
import { changedLinesSince, touchesChange, type ChangedLines } from './diff.js';
import { fingerprintFindings, withFingerprints } from './fingerprint.js';

export interface CiOptions {
  /** Report only findings not recorded in this baseline file. */
  baseline?: string;
  /** Record every current finding in this file (and report none of them). */
  writeBaseline?: string;
  /** Report only findings on lines changed since this git revision (`--changed-since`). */
  changedSince?: string;
  cwd?: string;
  /** The analysed paths: `--changed-since` asks the git repository that holds them (not necessarily the current one). */
  paths?: string[];
}

export interface CiFilter {
  /**
   * True when findings are hidden by a baseline or `--changed-since`: the run sees part of the project's problems,
   * so it must not conclude that the hidden ones were fixed (project memory).
   */
  readonly partial: boolean;
  keepFindings(findings: Finding[], analysed: { files: AnalysedFile[] }): Finding[];
  /** Writes the baseline (with --write-baseline) once the analysis is done. */
  finish(): void;
  /** One line each, for stderr: what the filters hid. */
  notes(): string[];
}

/** Git and baseline problems surface here, before the analysis runs (a usage error, exit 2). */
export function ciFilter(options: CiOptions): CiFilter {
  const cwd = options.cwd ?? process.cwd();
  const changed: ChangedLines | undefined = options.changedSince ? changedLinesSince(options.changedSince, commonRoot(options.paths?.length ? options.paths : ['.'], cwd)) : undefined;
  const accepted = options.baseline && !options.writeBaseline ? readBaseline(options.baseline, cwd) : undefined;
  let recorded: BaselineEntry[] | undefined;
  const notes: string[] = [];

  return {
    partial: Boolean(options.changedSince || options.baseline || options.writeBaseline),
    keepFindings(findings, analysed) {
      let kept: Finding[] = withFingerprints(findings, analysed);
      if (options.writeBaseline) {
        recorded = baselineEntries(findings, analysed, options.writeBaseline, cwd);
        notes.push(`baseline: recorded ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${options.writeBaseline}; later runs with --baseline ${options.writeBaseline} report only new ones`);
        kept = [];
      } else if (accepted && options.baseline) {
        const prints = fingerprintFindings(kept, analysed, baselinePath(options.baseline, cwd));
        const before = kept.length;
        kept = prints.filter((p) => !accepted.has(p.fingerprint)).map((p) => p.finding);
        if (before > kept.length) notes.push(`baseline: ${before - kept.length} known finding${before - kept.length === 1 ? '' : 's'} hidden (${options.baseline})`);
      }
      if (changed && options.changedSince) {
        const before = kept.length;
        kept = kept.filter((f) => touchesChange(f, changed, cwd));
        if (before > kept.length) notes.push(`changed-since: ${before - kept.length} finding${before - kept.length === 1 ? '' : 's'} on lines not changed since ${options.changedSince} hidden`);
      }
      return kept;
    },
    finish() {
      if (options.writeBaseline && recorded) writeBaseline(options.writeBaseline, recorded, cwd);
    },
    notes: () => notes,
  };
}
