// What each MCP tool does, independent of the protocol: the server (./server.ts) validates the arguments
// and wraps these results. Every path goes through ProjectRoot.confine first.
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { discover } from '../discover/discover.js';
import { readCalibration } from '../impact/calibration.js';
import { forgetNote, inspectMemory, rememberNote } from '../memory/index.js';
import { resolveLang } from '../report/lang.js';
import { reportSession, type SessionOptions } from '../report/session.js';
import { findRule, ruleDoc } from '../cli/commands/rule.js';
import { formatTraceTable, joinTrace, readTrace, runTrace, type TraceResult } from '../runtime/trace/index.js';
import { formatStressTable, runStress, stressPaths } from '../runtime/stress/index.js';
import type { Lang } from '../rules/types.js';
import { estimate, estimateText, type EstimateInput } from './estimate.js';
import { memorySession } from '../memory/analysis.js';
import { escapesRoot } from '../util/confine.js';
import { PathRefused, ProjectRoot } from './paths.js';

/** What a tool hands back: text blocks, and whether it is an error the client should see as one. */
export interface ToolOutput {
  text: string[];
  isError?: boolean;
}

export interface ToolsOptions {
  root: string;
  allowRun: boolean;
  /** Where warnings go (stderr in the server: stdout belongs to the protocol). */
  warn?: (message: string) => void;
}

export const TRACE_FILE = join('.clawperf', 'trace.json');
const MAX_RUN_SECONDS = 600;

export const RUN_REFUSED =
  'refused: this clawperf MCP server was started without --allow-run, so it does not run commands. ' +
  'Ask the user to start it as `clawperf mcp --allow-run` (in .mcp.json: "args": ["clawperf", "mcp", "--allow-run"]) to use trace and stress.';

function error(message: string): ToolOutput {
  return { text: [message], isError: true };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ClawperfTools {
  readonly root: ProjectRoot;
  readonly allowRun: boolean;
  private readonly warn: (message: string) => void;

  constructor(options: ToolsOptions) {
    this.root = new ProjectRoot(options.root);
    this.allowRun = options.allowRun;
    this.warn = options.warn ?? ((m) => process.stderr.write(`clawperf mcp: warning: ${m}\n`));
  }

  /** Runs a tool body: refusals and errors become one-line error results, never a crash of the server. */
  async run(body: () => Promise<ToolOutput> | ToolOutput): Promise<ToolOutput> {
    try {
      return await body();
    } catch (e) {
      if (e instanceof PathRefused) return error(e.message);
      return error(`error: ${message(e).split('\n')[0]}`);
    }
  }

  lang(lang: string | undefined, ask?: string): Lang {
    return resolveLang(lang ?? 'auto', ask);
  }

  async analyze(input: { paths?: string[]; lang?: string; ask?: string; agents?: number; format?: 'md' | 'json'; select?: string[]; ignore?: string[]; trace?: boolean; memory?: boolean }): Promise<ToolOutput> {
    const lang = this.lang(input.lang, input.ask);
    const named = input.paths?.length ? input.paths : ['.'];
    const paths = named.map((p) => this.root.confine(p).relative);
    for (const p of paths) {
      if (!/[*?[{]/.test(p) && !existsSync(join(this.root.path, p))) throw new PathRefused(`path not found: ${p} (paths are relative to the project root ${this.root.path})`);
    }
    // Files (and folders) reached through a symlink that leaves the root are left out, as explicit paths
    // would be refused; such a folder is not even walked (a link to `/` would list the whole disk).
    const escaping: string[] = [];
    const accept = (file: string): boolean => this.root.contains(file);
    discover(paths, {
      cwd: this.root.path,
      accept: (file) => accept(file) || (escaping.push(relative(this.root.path, file).split(sep).join('/')), false),
    });
    if (escaping.length) this.warn(`left out (symlinks resolving outside the project root): ${escaping.join(', ')}`);
    let trace: TraceResult | undefined;
    let note: string | undefined;
    if (input.trace) {
      const traceFile = join(this.root.path, TRACE_FILE);
      if (existsSync(traceFile)) trace = readTrace(traceFile);
      else note = `no ${TRACE_FILE} yet: run the trace tool first; analysed without runtime evidence`;
    }
    const options: SessionOptions = {
      agentCounts: [input.agents ?? 100], lang, cwd: this.root.path, ask: input.ask,
      // Not as exclude patterns: a name like `#x.py`, `!x.py` or `a[1].py` is not a literal gitignore pattern.
      accept,
      ...(input.select?.length ? { select: input.select } : {}),
      ...(input.ignore?.length ? { ignore: input.ignore } : {}),
    };
    const memory = input.memory === false ? undefined : memorySession(this.root.path, { enabled: true });
    const evidence = trace;
    if (memory || evidence) {
      // reportSession calls transform before it builds the report data, which reads `unflagged`:
      // the runtime hotspots no rule flagged go into section 1 with the confirmed findings.
      options.transform = (findings, result) => {
        let out = memory ? memory.transform(findings, result) : findings;
        if (evidence) {
          const joined = joinTrace(out, evidence, { cwd: this.root.path });
          options.unflagged = joined.unflagged;
          out = joined.findings;
        }
        return out;
      };
    }
    if (memory) options.memoryNotes = () => memory.notes(lang);
    const session = await reportSession({ paths }, options);
    const memoryWarnings = memory ? [...memory.warnings()] : [];
    if (memory) {
      try {
        memoryWarnings.push(...await memory.record(session.result, session.findings, session.ruleIds, session.numbers));
      } catch (error) {
        memoryWarnings.push(`memory not updated: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const w of [...session.result.warnings, ...session.warnings, ...memoryWarnings]) this.warn(w);
    const json = session.render('json');
    const text = input.format === 'json' ? [json] : [session.render('md'), json];
    // Notes go last so content[0] is always the report.
    const notes = [
      ...(note ? [note] : []),
      ...(session.result.summary.files === 0 ? ['no Python files found under the given paths'] : []),
      ...(escaping.length ? [`left out, symlinks resolving outside the project root: ${escaping.join(', ')}`] : []),
    ];
    if (notes.length) text.push(notes.map((n) => `note: ${n}`).join('\n'));
    return { text };
  }

  explainRule(input: { id: string; lang?: string; format?: 'md' | 'json' }): ToolOutput {
    const rule = findRule(input.id);
    return { text: [ruleDoc(rule, this.lang(input.lang), input.format ?? 'md')] };
  }

  estimate(input: Omit<EstimateInput, 'lang'> & { lang?: string }): ToolOutput {
    const lang = this.lang(input.lang);
    const calibration = readCalibration(this.root.path);
    if (calibration.warning) this.warn(calibration.warning);
    const result = estimate({ ...input, lang }, calibration.costs, calibration.measuredAt);
    return { text: [estimateText(result, lang), JSON.stringify(result, null, 2)] };
  }

  async trace(input: { command: string[]; cwd?: string; durationSeconds?: number }): Promise<ToolOutput> {
    if (!this.allowRun) return error(RUN_REFUSED);
    if (!input.command.length) return error('no command to trace, e.g. ["python3", "agent.py"]');
    const cwd = this.root.confine(input.cwd ?? '.', 'cwd').absolute;
    const durationSeconds = Math.min(input.durationSeconds ?? 10, MAX_RUN_SECONDS);
    const output = join(this.root.path, TRACE_FILE);
    const outside = escapesRoot(this.root.path, output, 'the trace file');
    if (outside) return error(outside);
    const result = await runTrace({
      command: input.command, cwd, projectRoot: this.root.path, durationSeconds, output,
      stdio: 'ignore', handleSignals: false,
    });
    const top = result.lines.slice(0, 30);
    return {
      text: [
        `${formatTraceTable(result)}\nresult: ${TRACE_FILE} (call analyze with trace: true to join it to the findings)\n`,
        JSON.stringify({ command: result.command, durationSeconds: result.durationSeconds, exitCode: result.exitCode, signal: result.signal, totals: result.totals, lines: top }, null, 2),
      ],
    };
  }

  async stress(input: { command: string[]; agents?: number[]; durationSeconds?: number; warmupSeconds?: number; shared?: string; countFiles?: string; progressRegex?: string }): Promise<ToolOutput> {
    if (!this.allowRun) return error(RUN_REFUSED);
    if (!input.command.length) return error('no command to run, e.g. ["python3", "agent.py", "{agent}"]');
    const agents = input.agents?.length ? input.agents : [1, 10];
    const durationSeconds = input.durationSeconds ?? 5;
    const warmupSeconds = input.warmupSeconds ?? 0;
    if (agents.length * (durationSeconds + warmupSeconds) > MAX_RUN_SECONDS) return error(`refused: ${agents.length} agent counts × ${durationSeconds + warmupSeconds} s is more than ${MAX_RUN_SECONDS} s`);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const runDir = join(this.root.path, '.clawperf', 'stress', `mcp-${stamp}`);
    const outside = escapesRoot(this.root.path, runDir, 'the stress folder');
    if (outside) return error(outside);
    const result = await runStress({
      command: input.command, agents, durationSeconds, warmupSeconds, runDir, handleSignals: false,
      ...(input.shared !== undefined ? { shared: this.root.confine(input.shared, 'shared').absolute } : {}),
      ...(input.countFiles !== undefined ? { countFiles: input.countFiles } : {}),
      ...(input.progressRegex !== undefined ? { progressRegex: input.progressRegex } : {}),
    });
    const paths = stressPaths(result.runDir);
    const rel = (p: string) => this.root.confine(p).relative;
    return {
      text: [
        `${formatStressTable(result)}\n\nresult: ${rel(paths.json)}\nchart: ${rel(paths.svg)}\n`,
        JSON.stringify({ command: result.command, agents: result.agents, rows: result.runs.map((r) => r.row), growth: result.growth }, null, 2),
      ],
    };
  }

  memoryShow(input: { topic?: string }): ToolOutput {
    const view = inspectMemory(this.root.path, input.topic ? { topic: input.topic } : {});
    for (const w of view.warnings) this.warn(w);
    return { text: [view.text] };
  }

  async memoryRemember(input: { text: string }): Promise<ToolOutput> {
    const result = await rememberNote(this.root.path, input.text);
    for (const w of result.warnings) this.warn(w);
    if (!result.added) return { text: [`Already remembered: ${input.text}`] };
    if (result.inClaudeMd) return { text: ['Remembered (CLAUDE.md already says it, so it stays out of MEMORY.md).'] };
    return { text: [`Remembered in ${result.file}.`] };
  }

  async memoryForget(input: { text: string }): Promise<ToolOutput> {
    const removed = await forgetNote(this.root.path, input.text);
    return { text: [removed === 0 ? `Nothing in memory matches "${input.text}".` : `Forgot ${removed} ${removed === 1 ? 'entry' : 'entries'}.`] };
  }
}
