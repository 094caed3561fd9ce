// What a path expression names: its definition through module constants (across imports), whether it
// is the same path every time (constant), and whether it looks like configuration/static data or like
// a file other processes keep changing (state, queue, log: re-reading those is the IPC, not waste).
import type { CallSite, Expr, FileModel, ProjectModel } from '../../model/types.js';
import { assignmentsTo } from '../../model/file-index.js';

/** Names of configuration and static files. */
const CONFIG_WORDS = /(^|[^a-z])(conf|config|configs|configuration|settings?|cfg|routes?|routing|rules|policy|policies|manifest|schema|static|templates?|prompts?|defaults|preferences|prefs|options|profiles?|mapping|catalog|version)([^a-z]|$)|\.(ya?ml|toml|ini|cfg|conf|env|properties)\b/i;
/** Words naming files that change while the program runs: re-reading them is how the IPC works. */
const DYNAMIC_WORDS = new Set([
  'state', 'status', 'history', 'queue', 'inbox', 'outbox', 'log', 'logs', 'result', 'results', 'task', 'tasks', 'lock', 'pid',
  'heartbeat', 'progress', 'event', 'events', 'metric', 'metrics', 'pending', 'job', 'jobs', 'message', 'messages', 'msg', 'counter',
  'session', 'token', 'tokens', 'cache', 'tmp', 'temp', 'data', 'output', 'out', 'input', 'upload', 'request', 'response', 'payload',
  'stats', 'health', 'alive', 'ready', 'done', 'current', 'latest', 'last', 'seen', 'offset', 'cursor', 'checkpoint', 'transcript',
  'journal', 'audit', 'incident', 'incidents', 'spool', 'mail', 'mailbox', 'chat', 'conversation', 'record', 'records', 'registry',
  'snapshot', 'report', 'reply', 'replies', 'backlog', 'db', 'store', 'index', 'proc', 'stat', 'meminfo', 'cmdline', 'manifest_tmp',
]);

/** Split a name into lower-case words: `STATE_PATH` → state, path; `reportFile` → report, file; `inbox/x.json` → inbox, x, json. */
function words(text: string): string[] {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

function isDynamicName(text: string): boolean {
  return words(text).some((w) => DYNAMIC_WORDS.has(w) || (w.length > 4 && /^(state|status|history|queue|result|event|metric|message|pending|journal|snapshot|transcript)s?$/.test(w)));
}

const CONFIG_EXT = /\.(json|ya?ml|toml|ini|cfg|conf|env|properties|txt|html|j2|tmpl|tpl|md|csv)\b/i;

const PATH_HELPERS = new Set([
  'os', 'path', 'join', 'Path', 'pathlib', 'str', 'format', 'expanduser', 'expandvars', 'environ', 'get', 'getenv', 'dirname',
  'abspath', 'realpath', 'resolve', 'parent', 'home', '__file__', 'fspath', 'encoding', 'utf', 'r', 'rb', 'f',
]);

export interface PathFacts {
  /** As written at the call. */
  text: string;
  /** Followed through constants and simple locals: `os.path.join(BASE_DIR, "config.json")`. */
  definition: string;
  /** The same path on every call: literals and module constants only. */
  constant: boolean;
  /** Named like configuration or static data. */
  config: boolean;
  /** Named like state that other processes change. */
  dynamic: boolean;
  /** A readable name for examples (`CONFIG_PATH`, `config.json`). */
  name: string;
}

/** A module constant visible from `file` by name (own constants, or imported from a project module). */
export function constantDefinition(project: ProjectModel, file: FileModel, name: string): Expr | undefined {
  const own = file.constants.get(name);
  if (own) return own;
  const binding = file.imports.get(name);
  if (!binding) return undefined;
  const dot = binding.target.lastIndexOf('.');
  if (dot < 0) return undefined;
  const module = binding.target.slice(0, dot);
  const attr = binding.target.slice(dot + 1);
  return project.files.find((f) => f.module === module || f.module.endsWith(`.${module}`))?.constants.get(attr);
}

function stripStrings(text: string): string {
  return text.replace(/[rbfuRBFU]*("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')/g, ' ');
}

/** Expands identifiers of a path expression into their constant definitions, one level at a time. */
function expand(project: ProjectModel, file: FileModel, call: CallSite | undefined, text: string, depth: number): { text: string; constant: boolean } {
  if (depth > 3) return { text, constant: false };
  let constant = true;
  let expanded = text;
  const identifiers = new Set((stripStrings(text).match(/(?<![.\w])[A-Za-z_]\w*/g) ?? []).filter((id) => !PATH_HELPERS.has(id)));
  for (const id of identifiers) {
    if (id === 'self' || id === 'cls') { constant = false; continue; }
    const definition = constantDefinition(project, file, id);
    if (definition) {
      const inner = expand(project, file, undefined, definition.text, depth + 1);
      if (!inner.constant) constant = false;
      expanded = expanded.replace(new RegExp(`(?<![.\\w])${id}(?![\\w])`), inner.text);
      continue;
    }
    // A local assigned once from a constant expression: `path = os.path.join(BASE, "config.json")`.
    const local = call?.functionId ? assignmentsTo(file, id).filter((a) => a.functionId === call.functionId && !a.augmented) : [];
    if (local.length === 1 && local[0]!.loopIds.length === 0 && local[0]!.span.line < call!.span.line) {
      const inner = expand(project, file, undefined, local[0]!.value.text, depth + 1);
      if (!inner.constant) constant = false;
      expanded = expanded.replace(new RegExp(`(?<![.\\w])${id}(?![\\w])`), inner.text);
      continue;
    }
    const binding = file.imports.get(id);
    if (binding && !project.files.some((f) => binding.target.startsWith(`${f.module}.`))) continue; // an external module name
    if (/^[A-Z][A-Z0-9_]+$/.test(id)) continue; // an UPPER_CASE name is a constant by convention
    constant = false;
  }
  return { text: expanded, constant };
}

export function pathFacts(project: ProjectModel, file: FileModel, call: CallSite | undefined, expr: Expr): PathFacts {
  const { text: definition, constant } = expand(project, file, call, expr.text, 0);
  const literal = expr.value.kind === 'string' ? expr.value.value : '';
  const named = `${expr.text} ${definition} ${literal}`;
  const strings = (definition.match(/["']([^"']+)["']/g) ?? []).map((s) => s.slice(1, -1));
  const fileName = [...strings].reverse().find((s) => /\.\w+$/.test(s)) ?? literal;
  // The variable's own name says what the file is for (`TEMPLATE_FILE` = "status.html" is a template);
  // the file name decides only when the variable is neutral (`path`, `p`).
  const strip = (t: string) => t.replace(/\b(os\.path|pathlib|configparser)\b/g, '');
  const nameConfig = CONFIG_WORDS.test(strip(expr.text));
  const nameDynamic = isDynamicName(expr.text);
  const fileDynamic = isDynamicName(fileName);
  const dynamic = nameDynamic || (!nameConfig && fileDynamic);
  const config = !dynamic && (nameConfig || CONFIG_WORDS.test(strip(named)));
  return {
    text: expr.text,
    definition,
    constant: constant && (strings.length > 0 || /^[A-Z][A-Z0-9_]+$/.test(expr.text) || expr.value.kind === 'string'),
    config,
    dynamic,
    name: /^[\w.]+$/.test(expr.text) ? expr.text : fileName || expr.text,
  };
}

/** Quick, file-local test: does this path expression name configuration or static data? */
export function isConfigPath(expr: Expr): boolean {
  const literal = expr.value.kind === 'string' ? expr.value.value : '';
  const text = `${expr.text} ${literal}`;
  return CONFIG_WORDS.test(text) && !isDynamicName(text);
}

export function hasConfigExtension(text: string): boolean {
  return CONFIG_EXT.test(text);
}
