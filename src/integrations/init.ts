// `clawperf init`: makes a project ready for the performance-engineer agent — the agent file, the MCP
// server entry and (optionally) the PostToolUse hook. Everything is read and checked before anything is
// written, so an invalid settings file stops the command with every file untouched.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, describeFsError } from '../util/fs.js';
import { AGENT_FILE, AGENT_TEMPLATE } from './agent-template.js';
import { launcher, shellCommand } from './launch.js';
import { mergeMcpServer, mergePostToolUseHook, readJsonObject, SettingsError, stringify, type Change } from './settings.js';

export const MCP_FILE = '.mcp.json';
export const SETTINGS_FILE = '.claude/settings.json';

export interface InitOptions {
  root: string;
  hooks: boolean;
  force: boolean;
}

export interface InitAction {
  file: string;
  change: Change;
  /** One line for the user. */
  note: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const NOTES: Record<Change, string> = {
  added: 'written',
  replaced: 'replaced (--force)',
  unchanged: 'already up to date',
  kept: 'kept as it is (it differs from clawperf’s; --force replaces it)',
};

export function runInit(options: InitOptions): InitAction[] {
  const writes: { path: string; content: string }[] = [];
  const actions: InitAction[] = [];

  // 1. The agent definition.
  const agentPath = join(options.root, AGENT_FILE);
  const current = readText(agentPath);
  const agentChange: Change = current === undefined ? 'added' : current === AGENT_TEMPLATE ? 'unchanged' : options.force ? 'replaced' : 'kept';
  if (agentChange === 'added' || agentChange === 'replaced') writes.push({ path: agentPath, content: AGENT_TEMPLATE });
  actions.push({ file: AGENT_FILE, change: agentChange, note: `agent performance-engineer: ${NOTES[agentChange]}` });

  // 2. The MCP server entry, started the way this clawperf was installed.
  const launch = launcher(options.root);
  const mcpPath = join(options.root, MCP_FILE);
  const mcp = readJsonObject(mcpPath, MCP_FILE);
  const merged = mergeMcpServer(mcp ?? {}, 'clawperf', { command: launch.command, args: [...launch.args, 'mcp'] }, options.force, MCP_FILE);
  if (merged.change === 'added' || merged.change === 'replaced') writes.push({ path: mcpPath, content: stringify(merged.data) });
  actions.push({ file: MCP_FILE, change: merged.change, note: `MCP server "clawperf": ${NOTES[merged.change]}` });

  // 3. The hook.
  if (options.hooks) {
    const settingsPath = join(options.root, SETTINGS_FILE);
    const settings = readJsonObject(settingsPath, SETTINGS_FILE);
    const hooked = mergePostToolUseHook(settings ?? {}, shellCommand(launch, 'hook'), SETTINGS_FILE);
    if (hooked.change === 'added') writes.push({ path: settingsPath, content: stringify(hooked.data) });
    actions.push({ file: SETTINGS_FILE, change: hooked.change, note: `PostToolUse hook "clawperf hook": ${NOTES[hooked.change]}` });
  }

  for (const { path, content } of writes) {
    try {
      writeFileAtomic(path, content);
    } catch (error) {
      throw new SettingsError(`cannot write ${path}: ${describeFsError(error)}`);
    }
  }
  return actions;
}
