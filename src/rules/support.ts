// Small shared vocabulary for rules: what a call is (subprocess, file op, HTTP), its arguments,
// and how to turn a match into a RuleFinding with the severity policy of its rule.
import type { Argument, CallSite, Context, FileModel, LoopInfo, ProjectModel, Span } from '../model/types.js';
import { pollLoopKey } from '../model/link.js';
import type { CostSpec } from '../impact/types.js';
import type { L10n, Proposal, RuleFinding, RuleMeta, Severity } from './types.js';
import { lookupTable } from '../util/lookup.js';

// ---------- findings

export interface FindingParts {
  message: L10n;
  whyAtScale: L10n;
  proposal: Proposal;
  cost: CostSpec;
  /** Overrides the rule's severity policy (e.g. PO301 by interval). */
  severity?: Severity;
  phase?: RuleFinding['phase'];
  facts?: RuleFinding['facts'];
}

/** The finding for `span` in `context`, or nothing when the rule is quiet in that context. */
export function report(meta: RuleMeta, span: Span, context: Context, parts: FindingParts): RuleFinding[] {
  const severity = parts.severity ?? meta.severity[context];
  if (!severity) return [];
  return [{ span, context, severity, ...parts }];
}

export const SEVERITY_ORDER: Record<Severity, number> = { critical: 3, important: 2, minor: 1 };

/** Lower a severity one step (for cases the rule is less sure about). */
export function milder(severity: Severity): Severity {
  return severity === 'critical' ? 'important' : 'minor';
}

/** Hot contexts repeat: a cost there is paid per request, per poll or per item. */
export function isRepeated(context: Context): boolean {
  return context !== 'startup';
}

// ---------- arguments

export function positional(call: CallSite, index: number): Argument | undefined {
  return call.args.filter((a) => !a.name)[index];
}

export function keyword(call: CallSite, name: string): Argument | undefined {
  return call.args.find((a) => a.name === name);
}

/** The argument at `index` or passed as `name=`. */
export function argument(call: CallSite, index: number, name: string): Argument | undefined {
  return keyword(call, name) ?? positional(call, index);
}

export function hasKwargsSplat(call: CallSite): boolean {
  return call.args.some((a) => a.expr.type === 'dictionary_splat' || a.expr.text.startsWith('**'));
}

export function stringValue(arg: Argument | undefined): string | undefined {
  return arg?.expr.value.kind === 'string' ? arg.expr.value.value : undefined;
}

export function numberValue(arg: Argument | undefined): number | undefined {
  return arg?.expr.value.kind === 'number' ? arg.expr.value.value : undefined;
}

// ---------- what a call does

export const SUBPROCESS_CALLS = new Set([
  'subprocess.run', 'subprocess.call', 'subprocess.check_call', 'subprocess.check_output', 'subprocess.Popen',
  'subprocess.getoutput', 'subprocess.getstatusoutput', 'os.system', 'os.popen',
  'os.spawnl', 'os.spawnlp', 'os.spawnv', 'os.spawnvp', 'os.execv', 'os.execvp', 'os.execl', 'os.execlp',
  'os.posix_spawn', 'os.posix_spawnp', 'commands.getoutput', 'asyncio.create_subprocess_exec',
]);

export function isSubprocess(call: CallSite): boolean {
  return SUBPROCESS_CALLS.has(call.callee);
}

export interface Argv {
  /** How the command was given. */
  form: 'list' | 'string' | 'unknown';
  /** The program name (basename), when known: `systemctl`, `cat`. */
  program?: string;
  /** Known words of the command line, in order (unknown parts left out). */
  words: string[];
  /** Goes through /bin/sh: shell=True, os.system, os.popen, getoutput. */
  shell: boolean;
  text: string;
}

const SHELL_CALLS = new Set(['os.system', 'os.popen', 'subprocess.getoutput', 'subprocess.getstatusoutput', 'commands.getoutput']);

/** The command line of a subprocess call: `["systemctl", "--user", "is-active", unit]` or `"cat " + path`. */
export function argvOf(call: CallSite): Argv {
  const first = positional(call, 0) ?? keyword(call, 'args');
  const shellKw = keyword(call, 'shell');
  const shell = SHELL_CALLS.has(call.callee) || (shellKw?.expr.value.kind === 'bool' && shellKw.expr.value.value) || shellKw?.expr.text === 'True';
  if (!first) return { form: 'unknown', words: [], shell, text: '' };
  const value = first.expr.value;
  if (value.kind === 'list') {
    const words = value.items.flatMap((item) => (item.value.kind === 'string' ? [item.value.value] : []));
    const head = value.items[0];
    const program = head?.value.kind === 'string' ? basename(head.value.value) : undefined;
    return { form: 'list', program, words, shell, text: first.expr.text };
  }
  const commandText = value.kind === 'string' ? value.value : first.expr.literalPrefix;
  if (commandText !== undefined) {
    const words = commandText.trim().split(/\s+/).filter(Boolean);
    return { form: 'string', program: words[0] ? basename(words[0]) : undefined, words, shell, text: first.expr.text };
  }
  return { form: 'unknown', words: [], shell, text: first.expr.text };
}

function basename(path: string): string {
  return path.split('/').pop() ?? path;
}

export type FileOp = 'read' | 'write' | 'append' | 'listdir' | 'walk' | 'stat' | 'fsync' | 'flush' | 'remove' | 'rename' | 'mkstemp';

const DIRECT_FILE_OPS = lookupTable<FileOp>({
  'os.listdir': 'listdir', 'os.scandir': 'listdir', 'glob.glob': 'listdir', 'glob.iglob': 'listdir', 'pathlib.Path.iterdir': 'listdir',
  'os.walk': 'walk', 'pathlib.Path.rglob': 'walk', 'pathlib.Path.glob': 'listdir',
  'os.stat': 'stat', 'os.path.exists': 'stat', 'os.path.isfile': 'stat', 'os.path.isdir': 'stat', 'os.path.getmtime': 'stat',
  'os.path.getsize': 'stat', 'os.lstat': 'stat', 'pathlib.Path.exists': 'stat', 'pathlib.Path.stat': 'stat', 'pathlib.Path.is_file': 'stat',
  'os.fsync': 'fsync', 'os.fdatasync': 'fsync',
  'os.remove': 'remove', 'os.unlink': 'remove', 'pathlib.Path.unlink': 'remove', 'shutil.rmtree': 'remove',
  'os.rename': 'rename', 'os.replace': 'rename', 'shutil.move': 'rename', 'pathlib.Path.rename': 'rename', 'pathlib.Path.replace': 'rename',
  'pathlib.Path.read_text': 'read', 'pathlib.Path.read_bytes': 'read',
  'pathlib.Path.write_text': 'write', 'pathlib.Path.write_bytes': 'write',
  'shutil.copy': 'write', 'shutil.copyfile': 'write', 'shutil.copy2': 'write',
  'tempfile.mkstemp': 'mkstemp', 'tempfile.NamedTemporaryFile': 'mkstemp', 'tempfile.mkdtemp': 'mkstemp', 'tempfile.TemporaryFile': 'mkstemp',
});

/** Method names on a `pathlib.Path` we cannot type-track (`Path(x) / "a"`). */
const PATH_METHODS = lookupTable<FileOp>({
  read_text: 'read', read_bytes: 'read', write_text: 'write', write_bytes: 'write', iterdir: 'listdir', glob: 'listdir', rglob: 'walk',
});

export function openMode(call: CallSite): string {
  return stringValue(argument(call, 1, 'mode')) ?? (argument(call, 1, 'mode') ? '?' : 'r');
}

export function isOpen(call: CallSite): boolean {
  return call.callee === 'open' || call.callee === 'io.open' || call.callee === 'codecs.open' || call.callee === 'pathlib.Path.open' ||
    (call.method === 'open' && /path|Path/.test(call.receiver ?? ''));
}

/** What a call does to the filesystem, if anything. */
export function fileOp(call: CallSite): FileOp | undefined {
  if (isOpen(call)) {
    const mode = openMode(call);
    if (mode.includes('a')) return 'append';
    return /[wx+]/.test(mode) ? 'write' : 'read';
  }
  const direct = DIRECT_FILE_OPS(call.callee);
  if (direct) return direct;
  const pathMethod = call.method ? PATH_METHODS(call.method) : undefined;
  if (call.method && call.callee.startsWith('pathlib.Path') && pathMethod) return pathMethod;
  if (call.method && pathMethod && /path|dir|file|folder|inbox|outbox|root/i.test(call.receiver ?? '') && call.method !== 'glob') return pathMethod;
  if (call.method === 'flush' && call.receiverType === 'file') return 'flush';
  if (call.method === 'flush' && /^(f|fh|fp|out|log|logfile|handle|stream|sys\.stdout|sys\.stderr)$/.test(call.receiver ?? '')) return 'flush';
  return undefined;
}

export const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options', 'request'];

/** `requests.get(...)`, `requests.post(...)`, `urllib.request.urlopen(...)`, `http.client` requests. */
export function isHttpCall(call: CallSite): 'requests' | 'session' | 'urllib' | undefined {
  if (call.callee.startsWith('requests.') && HTTP_METHODS.includes(call.callee.slice('requests.'.length))) return 'requests';
  if (call.callee.startsWith('requests.Session.') || call.callee.startsWith('requests.sessions.Session.')) {
    return HTTP_METHODS.includes(call.method ?? '') ? 'session' : undefined;
  }
  if (call.callee === 'urllib.request.urlopen' || call.callee === 'urllib2.urlopen') return 'urllib';
  return undefined;
}

// ---------- loops and places

export { loopById } from '../model/file-index.js';

/** Every call in the project that runs once per poll of `loop` (in its own body or in callees). */
export function callsPerPoll(project: ProjectModel, file: FileModel, loop: LoopInfo): { file: FileModel; call: CallSite }[] {
  if (project.callsByPollLoop) return [...(project.callsByPollLoop.get(pollLoopKey(file.path, loop.span.line)) ?? [])];
  const result: { file: FileModel; call: CallSite }[] = [];
  for (const other of project.files) {
    for (const call of other.calls) {
      if (call.poll && call.poll.loopFile === file.path && call.poll.loopLine === loop.span.line) result.push({ file: other, call });
    }
  }
  return result;
}

/** The innermost function name of a call, for examples that reuse the user's names. */
export function functionName(file: FileModel, call: CallSite): string | undefined {
  return call.functionId ? file.functions.get(call.functionId)?.name : undefined;
}

/** A short, readable identifier from an expression (`os.path.join(INBOX, name)` → `INBOX`). */
export function nameHint(text: string | undefined, fallback: string): string {
  if (!text) return fallback;
  const identifiers = text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  const meaningful = identifiers.filter((id) => !['os', 'path', 'join', 'self', 'str', 'f', 'open', 'Path'].includes(id));
  return meaningful[0] ?? fallback;
}

/** Formats a number for a sentence: 2, 0.5, 1,240. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(0);
  return String(Number(value.toPrecision(2)));
}
