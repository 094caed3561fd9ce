// Memory around one analysis: consulted before the report (known bottlenecks, regressions, preferences)
// and updated after it (unless --no-memory). Paths in memory are relative to the project root.
import { randomUUID } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { AnalysedFile, AnalysisResult } from '../pipeline.js';
import type { Finding, Lang } from '../rules/types.js';
import { consultMemory, findingIgnored, updateMemory, type MemoryFinding, type Preferences, type RunNumbers } from './index.js';

export interface MemorySession {
  /** Applies preferences and marks what memory already knew; pass as the report's transform. */
  transform(findings: Finding[], result: AnalysisResult): Finding[];
  preferences(): Preferences | undefined;
  /** Sentences for section 1 of the report. */
  notes(lang: Lang): string[];
  warnings(): string[];
  /** Records this run (after the report is written), with the numbers it priced. */
  record(result: AnalysisResult, findings: Finding[], rules?: string[], numbers?: RunNumbers): Promise<string[]>;
}

/** A stable place for a finding inside its file: the enclosing function, or the line's text. */
/** A finding's place that survives edits: its innermost function, else its line's text. */
function anchorOf(result: AnalysisResult, file: AnalysedFile | undefined, line: number): string | undefined {
  if (!file) return undefined;
  return result.digest.anchors[`${file.path}:${line}`] ?? file.source[line - 1]?.trim();
}

function toRootRelative(root: string, path: string): string {
  const abs = isAbsolute(path) ? path : resolve(path);
  return relative(root, abs).split(sep).join('/');
}

const SYSTEMD_PATH_UNIT = `# ~/.config/systemd/user/openclaw-inbox.path
[Path]
DirectoryNotEmpty=%h/openclaw/inbox
Unit=openclaw-dispatch.service

[Install]
WantedBy=default.target

# openclaw-dispatch.service runs one pass over the inbox and exits:
#   [Service]
#   Type=oneshot
#   ExecStart=/usr/bin/python3 %h/openclaw/dispatcher.py --once`;

/** The user prefers systemd .path units: polling proposals lead with one. */
function preferPathUnits(finding: Finding): Finding {
  if (finding.dimension !== 'polling') return finding;
  return {
    ...finding,
    proposal: {
      ...finding.proposal,
      change: {
        es: `Sustituir el sondeo por una unidad systemd --user .path que arranque el trabajo cuando llegan ficheros (preferencia del proyecto). ${finding.proposal.change.es}`,
        en: `Replace the polling with a systemd --user .path unit that starts the work when files arrive (project preference). ${finding.proposal.change.en}`,
      },
      example: `${SYSTEMD_PATH_UNIT}\n\n${finding.proposal.example}`,
    },
  };
}

export function memorySession(root: string, options: { dir?: string; enabled: boolean }): MemorySession {
  let preferences: Preferences | undefined;
  const warnings: string[] = [];
  let known = 0;
  let regressions = 0;
  let since: string | undefined;
  return {
    transform(findings, result) {
      if (!options.enabled) return findings;
      const byPath = new Map(result.files.map((f) => [f.path, f]));
      const located = findings.map((f) => ({ ...f, file: toRootRelative(root, f.file), anchor: anchorOf(result, byPath.get(f.file), f.line) }));
      const consulted = consultMemory<MemoryFinding>({ root, dir: options.dir, findings: located });
      preferences = consulted.preferences;
      warnings.push(...consulted.warnings);
      const kept: Finding[] = [];
      findings.forEach((finding, index) => {
        const memory = consulted.findings[index]?.memory;
        if (findingIgnored(located[index]!, consulted.preferences)) return;
        const withMemory = memory ? { ...finding, memory } : finding;
        if (memory) {
          known++;
          if (memory.regression) regressions++;
          if (!since || memory.knownSince < since) since = memory.knownSince;
        }
        kept.push(consulted.preferences.preferSystemdPathUnits ? preferPathUnits(withMemory) : withMemory);
      });
      return kept;
    },
    preferences: () => preferences,
    notes(lang) {
      if (!options.enabled || known === 0) return [];
      return [lang === 'es'
        ? `Memoria del proyecto: ${known} de estos cuellos de botella ya eran conocidos (el más antiguo desde ${since})${regressions ? `; ${regressions} son regresiones de algo ya resuelto` : ''}.`
        : `Project memory: ${known} of these bottlenecks were already known (the oldest since ${since})${regressions ? `; ${regressions} are regressions of something once resolved` : ''}.`];
    },
    warnings: () => warnings,
    async record(result, findings, rules, numbers) {
      if (!options.enabled) return [];
      const byPath = new Map(result.files.map((f) => [f.path, f]));
      const outcome = await updateMemory({
        root, dir: options.dir, runId: randomUUID(), rules, ...(numbers ? { numbers } : {}),
        findings: findings.map((f) => ({ ...f, file: toRootRelative(root, f.file), anchor: anchorOf(result, byPath.get(f.file), f.line) })),
        // Files with syntax errors are left out: their entries must not be marked resolved.
        analysedFiles: result.files.filter((f) => !f.parseError).map((f) => toRootRelative(root, f.path)),
      });
      return outcome.warnings.filter((w) => !warnings.includes(w));
    },
  };
}
