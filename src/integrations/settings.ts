// Merging clawperf's entries into a project's JSON settings (.mcp.json, .claude/settings.json) without
// overwriting what the user has: unrelated keys stay as they are, our entry is added once, a file that is
// not valid JSON is reported and left untouched.
import { readFileSync } from 'node:fs';

export class SettingsError extends Error {}

export type JsonObject = Record<string, unknown>;

export const HOOK_MATCHER = 'Write|Edit|MultiEdit';
/** Seconds Claude Code waits for the hook (it normally answers in well under one). */
export const HOOK_TIMEOUT = 30;

/** What happened to one entry. */
export type Change = 'added' | 'unchanged' | 'kept' | 'replaced';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON.parse error in one line ("Unexpected token '}' … at line 3, column 7" when Node gives a position). */
function where(text: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  const match = /position (\d+)/.exec(message);
  if (!match) return message.length > 160 ? `${message.slice(0, 157)}…` : message;
  const before = text.slice(0, Number(match[1])).split('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** The JSON object in `path`; `undefined` when the file does not exist. Throws SettingsError otherwise. */
export function readJsonObject(path: string, shown = path): JsonObject | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SettingsError(`cannot read ${shown}: ${(error as Error).message}`);
  }
  if (text.trim() === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`${shown} is not valid JSON (${where(text, error)}); fix it and run again — the file was left untouched`);
  }
  if (!isObject(data)) throw new SettingsError(`${shown} must hold a JSON object, not ${Array.isArray(data) ? 'an array' : typeof data}; the file was left untouched`);
  return data;
}

export function stringify(data: JsonObject): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Adds `mcpServers.<name>`; an existing different entry is the user's and is kept unless `force`. */
export function mergeMcpServer(data: JsonObject, name: string, entry: JsonObject, force: boolean, shown = '.mcp.json'): { data: JsonObject; change: Change } {
  const servers = data.mcpServers ?? {};
  if (!isObject(servers)) throw new SettingsError(`${shown}: "mcpServers" is not an object; the file was left untouched`);
  const existing = servers[name];
  if (existing !== undefined && sameJson(existing, entry)) return { data, change: 'unchanged' };
  if (existing !== undefined && !force) return { data, change: 'kept' };
  return { data: { ...data, mcpServers: { ...servers, [name]: entry } }, change: existing === undefined ? 'added' : 'replaced' };
}

/** True when a hook entry already runs `clawperf hook` (however the user spelled the rest). */
function runsClawperfHook(group: unknown): boolean {
  if (!isObject(group) || !Array.isArray(group.hooks)) return false;
  return group.hooks.some((h) => isObject(h) && typeof h.command === 'string' && /(?:\bclawperf|[/\\]cli[/\\]main)(?:\.js)?["']?\s+hook\b/.test(h.command));
}

/** Adds the PostToolUse hook once: an entry that already runs `clawperf hook` counts, whatever its matcher. */
export function mergePostToolUseHook(data: JsonObject, command: string, shown = '.claude/settings.json'): { data: JsonObject; change: Change } {
  const hooks = data.hooks ?? {};
  if (!isObject(hooks)) throw new SettingsError(`${shown}: "hooks" is not an object; the file was left untouched`);
  const post = hooks.PostToolUse ?? [];
  if (!Array.isArray(post)) throw new SettingsError(`${shown}: "hooks.PostToolUse" is not an array; the file was left untouched`);
  if (post.some(runsClawperfHook)) return { data, change: 'unchanged' };
  const entry = { matcher: HOOK_MATCHER, hooks: [{ type: 'command', command, timeout: HOOK_TIMEOUT }] };
  return { data: { ...data, hooks: { ...hooks, PostToolUse: [...post, entry] } }, change: 'added' };
}
