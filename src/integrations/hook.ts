// `clawperf hook`: the proactive trigger. Given a Claude Code PostToolUse event (JSON on stdin) or a list of
// changed files, it pre-checks each written .py file for the seed's triggers, analyses just that file, and
// summarises the critical and important findings that are new since the previous run on the same file
// (kept in .clawperf/hook-cache/), so repeated edits do not nag about the same finding.
//
// Output convention (Claude Code hooks reference, PostToolUse): plain stdout of a hook that exits 0 is not
// shown to Claude. To feed the summary back, the hook prints `{"decision": "block", "reason": "<summary>"}`
// on stdout and exits 0 — for PostToolUse, "block" cannot undo the write (the tool already ran); it prompts
// Claude with the reason. `--feedback exit2` uses the other documented channel instead: the summary on stderr
// and exit code 2 ("shows stderr to Claude (tool already ran)"). A list of files (arguments or stdin lines)
// gets the plain summary on stdout. Nothing is printed when there is nothing new. Errors: one line on stderr,
// exit 1 (a non-blocking error in Claude Code).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fingerprintFindings } from '../ci/fingerprint.js';
import { readCalibration } from '../impact/calibration.js';
import { priceFindings } from '../impact/index.js';
import { analyzeSources } from '../pipeline.js';
import type { Finding, Lang, Severity } from '../rules/types.js';
import { writeFileAtomic } from '../util/fs.js';
import { triggersIn, type TriggerId } from './triggers.js';

export const HOOK_CACHE_DIR = join('.clawperf', 'hook-cache');
/** Files larger than this are left to `clawperf analyze` (the hook must stay fast). */
export const MAX_HOOK_BYTES = 1_000_000;
const MAX_LINES_PER_FILE = 8;
const REPORTED: readonly Severity[] = ['critical', 'important'];

export interface HookEvent {
  tool_name?: string;
  tool_input?: { file_path?: string; notebook_path?: string };
  tool_response?: { filePath?: string };
  cwd?: string;
  hook_event_name?: string;
}

export interface HookInput {
  mode: 'event' | 'list';
  files: string[];
  /** Folder relative file names are resolved against. */
  cwd: string;
}

export class HookInputError extends Error {}

/** Parses what arrived: a Claude Code event (JSON object) or file names, one per line. */
export function parseHookInput(args: string[], stdin: string, cwd: string): HookInput {
  if (args.length) return { mode: 'list', files: args, cwd };
  const text = stdin.trim();
  if (text.startsWith('{')) {
    let event: HookEvent;
    try {
      event = JSON.parse(text) as HookEvent;
    } catch (error) {
      throw new HookInputError(`the event on stdin is not valid JSON (${(error as Error).message})`);
    }
    const file = event.tool_input?.file_path ?? event.tool_response?.filePath;
    return { mode: 'event', files: typeof file === 'string' && file ? [file] : [], cwd: typeof event.cwd === 'string' && event.cwd ? event.cwd : cwd };
  }
  return { mode: 'list', files: text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean), cwd };
}

export interface HookOptions {
  /** Project root: the cache lives under it and paths are shown relative to it. */
  root: string;
  lang: Lang;
  agents: number;
  /** Report every critical/important finding, not only the new ones (the cache is still updated). */
  all?: boolean;
}

export interface FileReport {
  file: string;
  triggers: TriggerId[];
  /** Critical and important findings new since the last run on this file, priced. */
  fresh: { finding: Finding; impact: string }[];
  /** How many critical/important findings the file has in total. */
  total: number;
}

interface CacheEntry {
  version: 1;
  file: string;
  fingerprints: string[];
}

function cachePath(root: string, file: string): string {
  return join(root, HOOK_CACHE_DIR, `${createHash('sha256').update(file).digest('hex').slice(0, 24)}.json`);
}

function readCache(path: string, file: string): Set<string> | undefined {
  try {
    const entry = JSON.parse(readFileSync(path, 'utf8')) as Partial<CacheEntry>;
    if (entry.version === 1 && entry.file === file && Array.isArray(entry.fingerprints)) return new Set(entry.fingerprints.filter((f) => typeof f === 'string'));
  } catch {
    // none yet, or unreadable: everything counts as new
  }
  return undefined;
}

/** Analyses one written file; undefined when the hook has nothing to say about it (not Python, no trigger…). */
export async function checkFile(path: string, cwd: string, options: HookOptions): Promise<FileReport | undefined> {
  const absolute = resolve(cwd, path);
  if (!absolute.endsWith('.py')) return undefined;
  let size: number;
  try {
    const stat = statSync(absolute);
    if (!stat.isFile()) return undefined;
    size = stat.size;
  } catch {
    return undefined; // deleted or moved since: nothing to say
  }
  if (size > MAX_HOOK_BYTES) return undefined;
  const text = readFileSync(absolute, 'utf8');
  const triggers = triggersIn(text);
  if (triggers.length === 0) return undefined;

  const rel = relative(options.root, absolute);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : absolute;
  const result = await analyzeSources([{ path: shown, text }], { cwd: options.root, agents: options.agents });
  const calibration = readCalibration(options.root);
  // Priced as in the report: the severity follows the price at N and the context (impact/severity.ts).
  const priced = priceFindings(result.findings, { agents: options.agents, lang: options.lang, measured: calibration.costs, ...(calibration.measuredAt ? { measuredAt: calibration.measuredAt } : {}) });
  const findings = priced.filter((f) => REPORTED.includes(f.severity));
  const fingerprints = fingerprintFindings(priced, result);
  const byFinding = new Map(fingerprints.map((f) => [f.finding, f.fingerprint]));

  const cacheFile = cachePath(options.root, shown);
  const previous = options.all ? undefined : readCache(cacheFile, shown);
  const entry: CacheEntry = { version: 1, file: shown, fingerprints: fingerprints.map((f) => f.fingerprint) };
  try {
    writeFileAtomic(cacheFile, `${JSON.stringify(entry)}\n`);
  } catch {
    // a read-only project: the hook still reports, it just cannot remember what it said
  }
  const fresh = findings.filter((f) => !previous?.has(byFinding.get(f)!));
  const order = (f: Finding) => REPORTED.indexOf(f.severity) * 1e6 + f.line;
  return {
    file: shown,
    triggers,
    total: findings.length,
    fresh: fresh.sort((a, b) => order(a) - order(b)).map((finding) => ({
      finding,
      impact: finding.impact.current,
    })),
  };
}

const ICON: Record<Severity, string> = { critical: '🔴', important: '🟡', minor: '🟢' };

/** The short summary; empty when nothing is new. */
export function formatSummary(reports: FileReport[], options: Pick<HookOptions, 'lang' | 'agents'>): string {
  const es = options.lang === 'es';
  const blocks: string[] = [];
  for (const report of reports) {
    if (report.fresh.length === 0) continue;
    const n = report.fresh.length;
    const head = es
      ? `clawperf: ${n} hallazgo${n === 1 ? '' : 's'} de rendimiento nuevo${n === 1 ? '' : 's'} en ${report.file} (a ${options.agents} agentes):`
      : `clawperf: ${n} new performance finding${n === 1 ? '' : 's'} in ${report.file} (at ${options.agents} agents):`;
    const lines = report.fresh.slice(0, MAX_LINES_PER_FILE).map(({ finding, impact }) =>
      `- ${ICON[finding.severity]} ${finding.rule} ${es ? 'línea' : 'line'} ${finding.line}: ${finding.message[options.lang]} — ${impact}`);
    if (n > MAX_LINES_PER_FILE) lines.push(es ? `- … y ${n - MAX_LINES_PER_FILE} más` : `- … and ${n - MAX_LINES_PER_FILE} more`);
    blocks.push([head, ...lines].join('\n'));
  }
  if (!blocks.length) return '';
  const files = reports.filter((r) => r.fresh.length).map((r) => r.file).join(' ');
  const tail = es
    ? `Informe completo: agente performance-engineer, o \`npx clawperf analyze ${files}\`; \`npx clawperf rule ID\` explica una regla.`
    : `Full report: the performance-engineer agent, or \`npx clawperf analyze ${files}\`; \`npx clawperf rule ID\` explains a rule.`;
  return `${blocks.join('\n\n')}\n${tail}\n`;
}

export interface HookRun {
  mode: HookInput['mode'];
  summary: string;
  reports: FileReport[];
}

export async function runHook(input: HookInput, options: HookOptions): Promise<HookRun> {
  const reports: FileReport[] = [];
  for (const file of input.files) {
    const report = await checkFile(file, input.cwd, options);
    if (report) reports.push(report);
  }
  return { mode: input.mode, summary: formatSummary(reports, options), reports };
}

/** The project root: --root, else Claude Code's CLAUDE_PROJECT_DIR, else the event's cwd, else the current folder. */
export function hookRoot(explicit: string | undefined, input: HookInput, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  const fromEnv = env.CLAUDE_PROJECT_DIR;
  if (fromEnv && existsSync(fromEnv)) return resolve(fromEnv);
  return resolve(input.cwd);
}
