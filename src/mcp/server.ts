// `clawperf mcp`: the Model Context Protocol server over stdio. Stdout carries protocol messages only:
// everything else (warnings, stray console output of any module) goes to stderr.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { UNIT_IDS } from '../impact/types.js';
import { ClawperfTools, type ToolOutput } from './tools.js';

export const TOOL_NAMES = ['analyze', 'explain_rule', 'estimate', 'trace', 'stress', 'memory_show', 'memory_remember', 'memory_forget'] as const;

const VERSION = '0.1.0';

function result(output: ToolOutput): CallToolResult {
  return { content: output.text.map((text) => ({ type: 'text' as const, text })), ...(output.isError ? { isError: true } : {}) };
}

const lang = z.enum(['es', 'en', 'auto']).optional().describe('report language (default auto: from `ask`, else the locale)');
const operation = z.enum(UNIT_IDS);
const ops = z.array(z.object({ operation, countPerCycle: z.number().min(0) })).optional();
const resources = z.object({
  memoryMB: z.number().min(0).optional(),
  fds: z.number().min(0).optional(),
  threads: z.number().min(0).optional(),
  tcpConnections: z.number().min(0).optional().describe('new TCP connections per cycle'),
  processes: z.number().min(0).optional().describe('processes spawned per cycle'),
  blockedSeconds: z.number().min(0).optional(),
}).optional().describe('non-time resources held per agent (memory MB, descriptors, threads) or used per cycle (connections, processes)');

export function createServer(tools: ClawperfTools): McpServer {
  const server = new McpServer({ name: 'clawperf', version: VERSION }, {
    instructions:
      `clawperf analyses the Python services under ${tools.root.path} (stdlib + requests, http.server, systemd --user, filesystem IPC) ` +
      'and prices every bottleneck at N concurrent agents. Use analyze for findings (file:line, severity, priced impact, proposal), ' +
      'estimate for numbers about a pattern you describe, explain_rule for a rule, memory_* for the project memory, ' +
      `and trace/stress for runtime evidence (${tools.allowRun ? 'enabled' : 'disabled: the server was started without --allow-run'}). ` +
      'Paths are relative to the project root; nothing outside it is read.',
  });
  const run = async (body: () => Promise<ToolOutput> | ToolOutput) => result(await tools.run(body));

  server.registerTool('analyze', {
    title: 'Analyse Python files',
    description:
      'Static analysis of Python files or folders under the project root: the five-section performance report (Diagnóstico Actual … Roadmap) ' +
      'with every finding priced at N agents. content[0] is the report (Markdown, or JSON with format "json"); with format "md", content[1] is ' +
      'the JSON contract ({version, agents, summary, findings[]: rule, dimension, severity, file, line, message, why_at_scale, impact, proposal, phase, group}); ' +
      'a last block starting with "note:" may follow (files left out, no trace yet). Reads and updates the project memory unless memory is false.',
    inputSchema: {
      paths: z.array(z.string()).optional().describe('files, folders or globs relative to the project root (default: the whole project)'),
      lang,
      ask: z.string().optional().describe("the user's question: the findings on the paths, functions and names it mentions lead the report (also picks the language in auto mode)"),
      agents: z.number().int().min(1).max(1_000_000).optional().describe('concurrent agents to price for (default 100)'),
      format: z.enum(['md', 'json']).optional().describe('md (default) or json'),
      select: z.array(z.string()).optional().describe('only these rules, prefixes or dimensions'),
      ignore: z.array(z.string()).optional().describe('skip these rules, prefixes or dimensions'),
      trace: z.boolean().optional().describe('join the runtime evidence of the last trace run (.clawperf/trace.json) to the findings'),
      memory: z.boolean().optional().describe('read and update the project memory (default true; false leaves it untouched)'),
    },
    annotations: { readOnlyHint: false, openWorldHint: false },
  }, (args) => run(() => tools.analyze(args)));

  server.registerTool('explain_rule', {
    title: 'Explain a rule',
    description: 'Documentation of one rule (e.g. PO301 or sleep-polling-filesystem): what it finds, why it matters at 100 agents, example, stdlib fix, trade-off, severity by context.',
    inputSchema: {
      id: z.string().describe('rule id (PO301) or name'),
      lang,
      format: z.enum(['md', 'json']).optional(),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args) => run(() => tools.explainRule(args)));

  server.registerTool('estimate', {
    title: 'Price a pattern at N agents',
    description:
      'Prices a described pattern with the report’s impact model: operations per cycle × unit cost × cycles per second × N agents, ' +
      'with its assumptions (unit costs measured by `clawperf calibrate` when present, else the brief’s reference table). ' +
      'Example: a poll every 0.5 s doing 1 listdir and 2 file reads → {"operations":[{"operation":"listdir","countPerCycle":1},' +
      '{"operation":"file_read","countPerCycle":2}],"cycleSeconds":0.5,"agents":100,"expected":{"operations":[{"operation":"listdir","countPerCycle":1}],"perSecond":0.1}}. ' +
      `Operations: ${UNIT_IDS.join(', ')}.`,
    inputSchema: {
      description: z.string().optional().describe('what the pattern is (echoed back)'),
      operation: operation.optional().describe('a single operation (shorthand for operations)'),
      countPerCycle: z.number().min(0).optional().describe('how many of `operation` per cycle (default 1)'),
      operations: ops.describe('the operations one agent does per cycle'),
      cycleSeconds: z.number().positive().optional().describe('seconds between two cycles of one agent (a poll interval)'),
      perSecond: z.number().min(0).optional().describe('or: cycles per second of one agent (requests/s, tasks/s)'),
      agents: z.number().int().min(1).max(1_000_000).optional().describe('concurrent agents (default 100)'),
      resources,
      expected: z.object({
        operations: ops,
        cycleSeconds: z.number().positive().optional(),
        perSecond: z.number().min(0).optional(),
        resources,
      }).optional().describe('the same pattern after the proposed change (what is left out stays as now)'),
      growth: z.enum(['linear', 'quadratic']).optional().describe('quadratic when every agent scans every other agent’s files'),
      lang,
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args) => run(() => tools.estimate(args)));

  const runNote = tools.allowRun ? '' : ' Disabled: this server was started without --allow-run (calls are refused).';
  server.registerTool('trace', {
    title: 'Trace a run',
    description:
      'Runs a command (argv) under clawperf’s audit hook and counts, per line of the project’s code, file opens, listings, stats, subprocesses, ' +
      'connects and sleeps; writes .clawperf/trace.json (then analyze with trace: true confirms findings with measured rates).' + runNote,
    inputSchema: {
      command: z.array(z.string()).min(1).describe('argv, e.g. ["python3", "dispatcher.py"]'),
      cwd: z.string().optional().describe('working folder, relative to the project root (default the root)'),
      durationSeconds: z.number().positive().max(600).optional().describe('stop the program after this many seconds (default 10)'),
    },
    annotations: { readOnlyHint: false, openWorldHint: true },
  }, (args) => run(() => tools.trace(args)));

  server.registerTool('stress', {
    title: 'Stress 1…N agents',
    description:
      'Runs 1…N copies of a command at once ({agent} = index, {sandbox} = its folder) and measures how CPU, memory, fds, processes and I/O grow with N; ' +
      'writes stress.json and stress.svg under .clawperf/stress/.' + runNote,
    inputSchema: {
      command: z.array(z.string()).min(1).describe('argv, e.g. ["python3", "agent.py", "{agent}"]'),
      agents: z.array(z.number().int().min(1).max(1000)).optional().describe('agent counts (default [1, 10])'),
      durationSeconds: z.number().positive().max(120).optional().describe('measured seconds per count (default 5)'),
      warmupSeconds: z.number().min(0).max(60).optional(),
      shared: z.string().optional().describe('run every agent in this folder (relative to the root) instead of a sandbox each'),
      countFiles: z.string().optional().describe('throughput: count new files in this folder of each sandbox'),
      progressRegex: z.string().optional().describe('throughput: count stdout lines matching this regular expression'),
    },
    annotations: { readOnlyHint: false, openWorldHint: true },
  }, (args) => run(() => tools.stress(args)));

  server.registerTool('memory_show', {
    title: 'Show project memory',
    description: 'The project memory (.claude/agent-memory/performance-engineer/MEMORY.md), or one topic file: bottlenecks, hot-paths, optimizations, caching, subprocesses, memory-patterns, io-hotspots, scalability, preferences.',
    inputSchema: { topic: z.string().optional() },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args) => run(() => tools.memoryShow(args)));

  server.registerTool('memory_remember', {
    title: 'Remember',
    description: 'Saves a note in the project memory verbatim (e.g. "dispatcher.py polls every 0.5 s: ~200 listdir/s at 100 agents", or a preference such as "ignore tests/").',
    inputSchema: { text: z.string().min(1) },
    annotations: { readOnlyHint: false, openWorldHint: false },
  }, (args) => run(() => tools.memoryRemember(args)));

  server.registerTool('memory_forget', {
    title: 'Forget',
    description: 'Removes every memory note and entry containing the text (case-insensitive).',
    inputSchema: { text: z.string().min(1) },
    annotations: { readOnlyHint: false, openWorldHint: false, destructiveHint: true },
  }, (args) => run(() => tools.memoryForget(args)));

  return server;
}

/** Keeps stdout for the protocol: console output of any module goes to stderr. */
function guardStdout(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

export async function runMcpServer(options: { root: string; allowRun: boolean }): Promise<void> {
  guardStdout();
  const tools = new ClawperfTools({ ...options, warn: (m) => process.stderr.write(`clawperf mcp: warning: ${m}\n`) });
  // Relative paths inside the analysers (stress commands, discovery defaults) mean the project root.
  process.chdir(tools.root.path);
  const server = createServer(tools);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  process.stderr.write(`clawperf mcp: serving ${tools.root.path} over stdio${tools.allowRun ? ' (trace and stress enabled)' : ''}\n`);
  await new Promise<void>((resolveClosed) => {
    transport.onclose = () => resolveClosed();
    process.stdin.on('end', () => resolveClosed());
  });
}
