// `clawperf init`: the agent file, the MCP entry and the hook, merged with the user's settings, idempotent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { AGENT_TEMPLATE } from '../../src/integrations/agent-template.js';

const CLI = resolve('dist/src/cli/main.js');
/** What init writes when the project does not resolve the package itself: this node and this install. */
const LAUNCH = { command: process.execPath, args: [realpathSync(CLI)] };

function clawperf(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function project(): string {
  return mkdtempSync(join(tmpdir(), 'clawperf-init-'));
}

test('init twice leaves one MCP entry and one hook, and keeps unrelated user settings', () => {
  const root = project();
  try {
    mkdirSync(join(root, '.claude'));
    writeFileSync(join(root, '.mcp.json'), JSON.stringify({ mcpServers: { other: { command: 'other-server', args: ['--x'] } }, note: 'mine' }, null, 4));
    writeFileSync(join(root, '.claude', 'settings.json'), JSON.stringify({
      permissions: { allow: ['Bash(npm test)'] },
      hooks: {
        PostToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: 'prettier --write' }] }],
        PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'guard.sh' }] }],
      },
    }));
    for (let i = 0; i < 2; i++) {
      const r = clawperf(['init', '--root', root, '--hooks'], root);
      assert.equal(r.code, 0, r.stderr);
    }
    const mcp = json(join(root, '.mcp.json'));
    assert.deepEqual(mcp.mcpServers.clawperf, { command: LAUNCH.command, args: [...LAUNCH.args, 'mcp'] });
    assert.deepEqual(mcp.mcpServers.other, { command: 'other-server', args: ['--x'] });
    assert.equal(mcp.note, 'mine');
    const settings = json(join(root, '.claude', 'settings.json'));
    assert.deepEqual(settings.permissions, { allow: ['Bash(npm test)'] });
    assert.deepEqual(settings.hooks.PreToolUse, [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'guard.sh' }] }]);
    const post = settings.hooks.PostToolUse as { matcher: string; hooks: { command: string }[] }[];
    assert.equal(post.length, 2);
    assert.equal(post[0]!.hooks[0]!.command, 'prettier --write');
    assert.equal(post.filter((e) => e.hooks.some((h) => / hook$/.test(h.command) && h.command.includes(LAUNCH.args[0]!))).length, 1);
    assert.equal(post[1]!.matcher, 'Write|Edit|MultiEdit');
    const second = clawperf(['init', '--root', root, '--hooks'], root);
    assert.match(second.stdout, /already up to date/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the agent file follows the seed: frontmatter, nine dimensions, the five sections verbatim, the tools', () => {
  const root = project();
  try {
    const r = clawperf(['init'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(join(root, '.claude', 'settings.json')), 'no hook without --hooks');
    const agent = readFileSync(join(root, '.claude', 'agents', 'performance-engineer.md'), 'utf8');
    assert.equal(agent, AGENT_TEMPLATE);
    assert.match(agent, /^---\nname: performance-engineer\ndescription: ".+"\nmodel: sonnet\nmemory: project\n---\n/s);
    for (const heading of ['## 1. Diagnóstico Actual', '## 2. Puntos Críticos Detectados', '## 3. Propuesta Técnica Concreta', '## 4. Impacto Estimado', '## 5. Roadmap de Optimización',
      '| Optimización | Métrica Actual (est.) | Métrica Esperada | Mejora |', '### Fase 1 — Quick Wins (1-2 días)', '### Fase 2 — Mejoras Estructurales (3-5 días)', '### Fase 3 — Optimización Avanzada (1-2 semanas)',
      '- 🔴 CRÍTICO: [Issue] — [Why it\'s critical at 100 concurrent tasks]', '- **Situación actual**: [What the code does now]']) assert.ok(agent.includes(heading), heading);
    for (let d = 1; d <= 9; d++) assert.match(agent, new RegExp(`^### ${d}\\. `, 'm'));
    for (const tool of ['mcp__clawperf__analyze', 'mcp__clawperf__estimate', 'memory_remember', 'mcp__clawperf__trace', 'mcp__clawperf__stress']) assert.ok(agent.includes(tool), tool);
    assert.ok(agent.includes('.claude/agent-memory/performance-engineer/'));
    assert.ok(agent.includes('**No heavy frameworks without real need**'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('invalid JSON is a clear error and no file is touched', () => {
  const root = project();
  try {
    mkdirSync(join(root, '.claude'));
    const broken = '{ "hooks": { "PostToolUse": [ }\n';
    writeFileSync(join(root, '.claude', 'settings.json'), broken);
    const r = clawperf(['init', '--hooks'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.claude\/settings\.json is not valid JSON.*left untouched/);
    assert.equal(readFileSync(join(root, '.claude', 'settings.json'), 'utf8'), broken);
    assert.ok(!existsSync(join(root, '.mcp.json')), 'nothing written when one file is invalid');
    assert.ok(!existsSync(join(root, '.claude', 'agents')), 'nothing written when one file is invalid');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a user-edited agent file or clawperf entry is kept unless --force', () => {
  const root = project();
  try {
    mkdirSync(join(root, '.claude', 'agents'), { recursive: true });
    writeFileSync(join(root, '.claude', 'agents', 'performance-engineer.md'), 'my own agent\n');
    writeFileSync(join(root, '.mcp.json'), JSON.stringify({ mcpServers: { clawperf: { command: 'npx', args: ['clawperf', 'mcp', '--allow-run'] } } }));
    const r = clawperf(['init'], root);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /--force/);
    assert.equal(readFileSync(join(root, '.claude', 'agents', 'performance-engineer.md'), 'utf8'), 'my own agent\n');
    assert.deepEqual(json(join(root, '.mcp.json')).mcpServers.clawperf.args, ['clawperf', 'mcp', '--allow-run']);
    assert.equal(clawperf(['init', '--force'], root).code, 0);
    assert.equal(readFileSync(join(root, '.claude', 'agents', 'performance-engineer.md'), 'utf8'), AGENT_TEMPLATE);
    assert.deepEqual(json(join(root, '.mcp.json')).mcpServers.clawperf.args, [...LAUNCH.args, 'mcp']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** Runs the MCP entry init wrote with `--version` in place of `mcp`: proof that the command starts clawperf. */
function runMcpEntry(entry: { command: string; args: string[] }, cwd: string) {
  return spawnSync(entry.command, [...entry.args.slice(0, -1), '--version'], { cwd, encoding: 'utf8', timeout: 30_000 });
}

test('the commands init writes run from the project: node + this install, or npx where the project has clawperf', () => {
  const root = project();
  try {
    writeFileSync(join(root, 'agent.py'), 'import os\n');
    assert.equal(clawperf(['init', '--hooks'], root).code, 0);
    const entry = json(join(root, '.mcp.json')).mcpServers.clawperf as { command: string; args: string[] };
    assert.notEqual(entry.command, 'npx', 'clawperf is not in the registry: a bare npx clawperf would answer E404');
    const version = runMcpEntry(entry, root);
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    // The hook command, through a shell as Claude Code runs it, answers an event for an unrelated file.
    const hook = json(join(root, '.claude', 'settings.json')).hooks.PostToolUse[0].hooks[0].command as string;
    const event = JSON.stringify({ hook_event_name: 'PostToolUse', tool_name: 'Write', cwd: root, tool_input: { file_path: join(root, 'README.md') } });
    const ran = spawnSync('sh', ['-c', hook], { cwd: root, input: event, encoding: 'utf8', timeout: 30_000 });
    assert.equal(ran.status, 0, ran.stderr);

    // A project that has clawperf as a dependency gets `npx clawperf`, which resolves there.
    const local = project();
    try {
      mkdirSync(join(local, 'node_modules'));
      symlinkSync(resolve('.'), join(local, 'node_modules', 'clawperf'));
      assert.equal(clawperf(['init'], local).code, 0);
      const npx = json(join(local, '.mcp.json')).mcpServers.clawperf as { command: string; args: string[] };
      assert.deepEqual(npx, { command: 'npx', args: ['clawperf', 'mcp'] });
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
