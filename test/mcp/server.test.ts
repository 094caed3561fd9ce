// The MCP server end to end, through the SDK's own client over stdio, on a temporary copy of the demo.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const CLI = resolve('dist/src/cli/main.js');
const DEMO = resolve('examples/openclaw-demo');

type ToolResult = { content: { type: string; text?: string }[]; isError?: boolean };

let work: string;
let root: string;
let client: Client;

async function connect(args: string[]): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], stderr: 'pipe', cwd: work });
  const c = new Client({ name: 'clawperf-test', version: '1.0.0' });
  await c.connect(transport);
  return c;
}

async function call(c: Client, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return (await c.callTool({ name, arguments: args })) as ToolResult;
}

function text(result: ToolResult, index = 0): string {
  return result.content[index]?.text ?? '';
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'clawperf-mcp-'));
  root = join(work, 'project');
  cpSync(DEMO, root, { recursive: true });
  // Outside the root: a folder and a file a symlink inside the root points to.
  const outside = join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.py'), 'import subprocess\nwhile True:\n    subprocess.run("ls", shell=True)\n');
  symlinkSync(outside, join(root, 'escape'));
  symlinkSync(join(outside, 'secret.py'), join(root, 'link.py'));
  client = await connect(['--root', root]);
});

after(async () => {
  await client?.close();
  rmSync(work, { recursive: true, force: true });
});

test('lists every tool', async () => {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  assert.deepEqual(names, ['analyze', 'estimate', 'explain_rule', 'memory_forget', 'memory_remember', 'memory_show', 'stress', 'trace'].sort());
  const analyze = tools.find((t) => t.name === 'analyze')!;
  assert.ok(analyze.inputSchema.properties && 'paths' in analyze.inputSchema.properties);
});

test('analyze returns the report and the findings, paths relative to the root, nothing through the symlinks', async () => {
  const result = await call(client, 'analyze', { lang: 'es', agents: 100, memory: false });
  assert.equal(result.isError, undefined, text(result));
  assert.match(text(result, 0), /## 1\. Diagnóstico Actual/);
  const json = JSON.parse(text(result, 1)) as { agents: number; findings: { rule: string; file: string; severity: string; impact: { current: string } }[] };
  assert.equal(json.agents, 100);
  assert.ok(json.findings.length > 5, 'findings expected on the demo');
  assert.ok(json.findings.some((f) => f.severity === 'critical' && f.file === 'dispatcher.py'), 'a critical finding in dispatcher.py');
  assert.ok(json.findings.every((f) => !f.file.startsWith('escape/') && f.file !== 'link.py' && !f.file.startsWith('..')), 'nothing from outside the root');
  const one = await call(client, 'analyze', { paths: ['dispatcher.py'], format: 'json', lang: 'en', memory: false });
  assert.equal(one.content.length, 1);
  const parsed = JSON.parse(text(one)) as { findings: { file: string }[] };
  assert.ok(parsed.findings.length > 0 && parsed.findings.every((f) => f.file === 'dispatcher.py'));
});

test('analyze with ask leads the report with the points the question names', async () => {
  const result = await call(client, 'analyze', { ask: 'Why does do_POST hang?', memory: false });
  const report = text(result, 0);
  assert.match(report, /^- Question: “Why does do_POST hang\?” \(names `do_post`\): explained by `status_api\.py:/m);
  const first = report.split('\n').find((l) => /^- 🔴|^- 🟡|^- 🟢/.test(l))!;
  assert.match(first, /`status_api\.py:\d+` \[/);
});

test('refuses ../, absolute paths elsewhere and symlinks that escape the root', async () => {
  for (const paths of [['../'], ['../outside/secret.py'], ['dispatcher.py', '..'], ['/etc'], ['escape'], ['escape/secret.py'], ['link.py']]) {
    const result = await call(client, 'analyze', { paths, memory: false });
    assert.equal(result.isError, true, `${paths.join(',')} should be refused`);
    assert.match(text(result), /refused: .*(outside the project root)/, text(result));
  }
});

test('trace and stress are refused without --allow-run', async () => {
  for (const name of ['trace', 'stress']) {
    const result = await call(client, name, { command: ['python3', 'agent.py'] });
    assert.equal(result.isError, true);
    assert.match(text(result), /--allow-run/);
  }
});

test('explain_rule documents a rule and suggests on a typo', async () => {
  const doc = await call(client, 'explain_rule', { id: 'po301', lang: 'en' });
  assert.equal(doc.isError, undefined);
  assert.match(text(doc), /PO301/);
  const typo = await call(client, 'explain_rule', { id: 'PO30' });
  assert.equal(typo.isError, true);
  assert.match(text(typo), /unknown rule/);
});

test('estimate prices a described poll loop with the report’s sentences', async () => {
  const result = await call(client, 'estimate', {
    description: 'dispatcher polls inbox/',
    operations: [{ operation: 'listdir', countPerCycle: 1 }, { operation: 'file_read', countPerCycle: 2 }],
    cycleSeconds: 0.5, agents: 100, lang: 'en',
    expected: { operations: [{ operation: 'listdir', countPerCycle: 1 }], perSecond: 0.1 },
  });
  assert.equal(result.isError, undefined, text(result));
  assert.match(text(result), /200 listdir\/s \+ 400 file reads\/s/);
  assert.match(text(result), /After the change: 10 listdir\/s/);
  const numbers = JSON.parse(text(result, 1)) as { budget: { current: { diskOps: number } } };
  assert.equal(numbers.budget.current.diskOps, 600);
  const bad = await call(client, 'estimate', { operation: 'listdir' });
  assert.equal(bad.isError, true);
  assert.match(text(bad), /cycleSeconds|perSecond/);
});

test('memory tools remember, show and forget', async () => {
  const remembered = await call(client, 'memory_remember', { text: 'dispatcher.py polls every 0.5 s' });
  assert.equal(remembered.isError, undefined, text(remembered));
  assert.match(text(await call(client, 'memory_show', {})), /MEMORY|dispatcher/);
  const forgot = await call(client, 'memory_forget', { text: 'polls every 0.5' });
  assert.match(text(forgot), /Forgot 1/);
});

test('stdout carries JSON-RPC messages only, even while analysing', async () => {
  const child = spawn(process.execPath, [CLI, 'mcp', '--root', root], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'analyze', arguments: { paths: ['dispatcher.py', 'escape'], memory: false } } });
  send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'analyze', arguments: { paths: ['.'], memory: false } } });
  const deadline = Date.now() + 30_000;
  while (!out.includes('"id":3') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.stdin.end();
  await new Promise((r) => child.on('close', r));
  const lines = out.split('\n').filter(Boolean);
  assert.ok(lines.length >= 3, out.slice(0, 500));
  for (const line of lines) assert.equal((JSON.parse(line) as { jsonrpc: string }).jsonrpc, '2.0');
});

test('with --allow-run, trace runs a command and analyze joins its evidence', async () => {
  writeFileSync(join(root, 'tick.py'), 'import os\nimport time\nfor _ in range(20):\n    os.listdir(".")\n    time.sleep(0.02)\n');
  const runner = await connect(['--root', root, '--allow-run']);
  try {
    const traced = await call(runner, 'trace', { command: ['python3', 'tick.py'], durationSeconds: 20 });
    assert.equal(traced.isError, undefined, text(traced));
    assert.match(text(traced), /tick\.py:4\s+listdir\s+20/);
    const joined = await call(runner, 'analyze', { paths: ['tick.py'], trace: true, memory: false, lang: 'en' });
    assert.equal(joined.isError, undefined, text(joined));
    assert.match(text(joined), /tick\.py:4/);
    const outside = await call(runner, 'trace', { command: ['python3', 'tick.py'], cwd: '../outside' });
    assert.equal(outside.isError, true);
  } finally {
    await runner.close();
  }
});
