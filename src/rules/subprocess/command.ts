// What a subprocess call runs, as the subprocess rules need it: the program, the literal words, the
// parts that vary (`unit`, `path`), and whether a shell is in between. Recognises argv lists, strings
// (`"cat " + path`, f-strings, `"rm %s" % p`, `.format`), `shlex.split(...)`, `sys.executable`, and a
// command held in a local variable assigned just before the call.
import { scanOutsideStrings, splitTopLevel } from '../../util/split.js';
import type { CallSite, Expr, FileModel } from '../../model/types.js';
import { lookupTable } from '../../util/lookup.js';
import { argvOf, keyword, positional, SUBPROCESS_CALLS } from '../support.js';

export interface Command {
  form: 'list' | 'string' | 'unknown';
  /** Normalised program name: `systemctl`, `cat`, `python` (for python3.11 and sys.executable). */
  program?: string;
  /** Literal words in order (the program first). */
  words: string[];
  /** Text of the parts that are not literal (`unit`, `*units`, `{path}`). */
  dynamic: string[];
  /** For argv lists: every item in order, literal or not. */
  parts?: ListItem[];
  shell: boolean;
  /** The command expression as written at the call (`["systemctl", "--user", "is-active", unit]`). */
  text: string;
  /** The full literal command line when it is completely known (for pipelines and exact proposals). */
  literal?: string;
}

const SHELL_CALLS = new Set(['os.system', 'os.popen', 'subprocess.getoutput', 'subprocess.getstatusoutput', 'commands.getoutput']);
/** Calls that start a process and (except Popen) wait for it. `os.exec*` replaces the process: not a spawn. */
export const SPAWN_CALLS = new Set([...SUBPROCESS_CALLS].filter((name) => !/^os\.exec/.test(name)));
/** The subprocess calls that wait for the child and accept `timeout=`. */
export const WAITING_RUNS = new Set(['subprocess.run', 'subprocess.call', 'subprocess.check_call', 'subprocess.check_output']);

export function isSpawn(call: CallSite): boolean {
  return SPAWN_CALLS.has(call.callee);
}

export function normaliseProgram(word: string | undefined): string | undefined {
  if (!word) return undefined;
  let base = word.split('/').pop() ?? word;
  base = base.replace(/\.exe$/i, '');
  if (/^python[\d.]*$/.test(base) || base === 'sys.executable' || base === 'pypy3' || base === 'pypy') return 'python';
  return base;
}

export interface ListItem {
  literal?: string;
  text: string;
  /** A name whose value is known (`INBOX`): literal for matching, but the name is what examples reuse. */
  named?: boolean;
}

/** The content of a plain (non-f) string literal's text, or undefined. */
export function plainString(text: string): string | undefined {
  const match = /^([rRbBuU]{0,2})(['"])((?:\\.|(?!\2).)*)\2$/s.exec(text.trim());
  if (!match || /f/i.test(match[1]!)) return undefined;
  return match[3];
}

/** The literal start of a string-building expression's text: `f"rm {p}"` → `rm `, `"cat " + path` → `cat `. */
export function textPrefix(text: string): string | undefined {
  const t = text.trim();
  const plain = plainString(t);
  if (plain !== undefined) return plain;
  const fstring = /^[rR]?[fF][rR]?(['"])((?:\\.|(?!\1).)*?)(\{|\1)/s.exec(t);
  if (fstring) return fstring[2];
  const head = /^([rRbBuU]{0,2})(['"])((?:\\.|(?!\2).)*)\2\s*(\+|%|\.format\()/s.exec(t);
  if (head) return head[4] === '%' ? head[3]!.split('%')[0] : head[3];
  return undefined;
}

function listItemsFromText(text: string): ListItem[] | undefined {
  const t = text.trim();
  const open = t[0];
  if (open !== '[' && open !== '(') return undefined;
  // Only the leading literal: `["systemctl", "--user", "show"] + units`.
  let end = -1;
  scanOutsideStrings(t, (ch, i, depth) => {
    if (!')]}'.includes(ch) || depth !== 0) return false;
    end = i;
    return true;
  });
  if (end < 0) return undefined;
  const items = splitTopLevel(t.slice(1, end)).map((item) => ({ literal: plainString(item), text: item }));
  const rest = t.slice(end + 1).trim();
  if (rest.startsWith("+")) items.push({ literal: undefined, text: `*${rest.slice(1).trim()}` });
  return items;
}

/** The nearest earlier assignment of `name` in the same function (`cmd = [...]` then `run(cmd)`). */
export function localValue(file: FileModel, call: CallSite, name: string): Expr | undefined {
  let best: Expr | undefined;
  let bestStart = -1;
  for (const a of file.assignments) {
    if (a.target !== name || a.functionId !== call.functionId || a.augmented) continue;
    if (a.span.start < call.span.start && a.span.start > bestStart) {
      best = a.value;
      bestStart = a.span.start;
    }
  }
  return best;
}

function unwrapShlex(text: string): string {
  const match = /^shlex\.split\(\s*([\s\S]*?)\s*\)$/.exec(text.trim());
  return match ? match[1]! : text;
}

/** The command of a subprocess call (see the file comment). */
export function commandOf(file: FileModel, call: CallSite): Command {
  const base = argvOf(call);
  const first = positional(call, 0) ?? keyword(call, 'args') ?? keyword(call, 'cmd');
  const shell = base.shell || SHELL_CALLS.has(call.callee);
  if (!first) return { form: 'unknown', words: [], dynamic: [], shell, text: '' };
  let expr: Expr = first.expr;
  if (expr.type === 'identifier' && expr.value.kind === 'unknown') {
    const local = localValue(file, call, expr.text);
    if (local) expr = local;
  }
  const text = unwrapShlex(expr.text);
  // A list: literal items are words, the rest is what varies.
  let items: ListItem[] | undefined;
  if (expr.value.kind === 'list') {
    items = expr.value.items.map((item) => ({
      literal: item.value.kind === 'string' ? item.value.value : undefined, text: item.text,
      named: item.type === 'identifier' || item.type === 'attribute',
    }));
  } else {
    items = listItemsFromText(text);
  }
  if (items) {
    const words = items.flatMap((i) => (i.literal !== undefined ? [i.literal] : []));
    const dynamic = items.filter((i) => i.literal === undefined).map((i) => i.text);
    const head = items[0];
    const program = head ? normaliseProgram(head.literal ?? (head.text === 'sys.executable' ? 'python' : undefined)) : undefined;
    const literal = dynamic.length === 0 ? words.join(' ') : undefined;
    return { form: 'list', program, words, dynamic, parts: items, shell, text: first.expr.text, literal };
  }
  // A string: the literal prefix gives the program and leading words.
  const full = expr.value.kind === 'string' ? expr.value.value : undefined;
  const prefix = full ?? expr.literalPrefix ?? textPrefix(text);
  if (prefix !== undefined) {
    const words = prefix.trim().split(/\s+/).map((w) => w.replace(/^['"]+|['"]+$/g, '')).filter(Boolean);
    const dynamic = full !== undefined ? [] : [text];
    return { form: 'string', program: normaliseProgram(words[0]), words, dynamic, shell, text: first.expr.text, literal: full };
  }
  return { form: 'unknown', words: [], dynamic: [text], shell, text: first.expr.text };
}

/** Marks a value that is only known at run time inside a shell line (a stage led by it has no known program). */
const DYNAMIC = '\u0000';

/**
 * The shell line of a string command, with the run-time values as placeholders: the literal line, or
 * the pieces of a template (`"echo %s | sudo tee %s" % (v, path)` → `echo ␀ | sudo tee ␀`).
 */
function shellLine(command: Command): string | undefined {
  if (command.form !== 'string') return undefined;
  if (command.literal !== undefined) return command.literal;
  const template = command.dynamic[0] ? templateOf(unwrapShlex(command.dynamic[0])) : undefined;
  if (!template) return undefined;
  return template.map((part) => ('literal' in part ? part.literal : DYNAMIC)).join('');
}

/**
 * Programs of every stage of a shell command line (`cat f | grep x` → cat, grep), when it has more than
 * one stage (`|`, `||`, `&&`, `;`); a stage whose program is only known at run time is `?`.
 * Undefined for a single command or when the line is unknown.
 */
export function pipelinePrograms(command: Command): string[] | undefined {
  const line = shellLine(command);
  if (line === undefined) return undefined;
  const stages = line.split(/\|\|?|&&|;/).map((stage) => stage.trim()).filter(Boolean);
  if (stages.length < 2) return command.literal !== undefined ? stages.map((s) => normaliseProgram(s.split(/\s+/)[0])).filter((p): p is string => !!p) : undefined;
  return stages.map((stage) => {
    const first = stage.split(/\s+/)[0]!;
    return first.includes(DYNAMIC) ? '?' : normaliseProgram(first.replace(/^['"]+|['"]+$/g, '')) ?? '?';
  });
}

/** Does the command line contain shell syntax (pipes, redirections, globs, variables)? */
export function hasShellSyntax(command: Command): boolean {
  const known = command.literal ?? command.words.join(' ');
  return /[|&;<>*?$`]|\$\(/.test(known);
}

/** A short rendering of the command for messages: `systemctl --user is-active {unit}`. */
export function commandLabel(command: Command): string {
  if (command.literal !== undefined) return command.literal.length > 70 ? `${command.literal.slice(0, 67)}…` : command.literal;
  if (command.form === 'list' && command.parts) {
    const label = command.parts.map((p) => (p.literal !== undefined ? p.literal : `{${p.text}}`)).join(' ');
    return label.length > 70 ? `${label.slice(0, 67)}…` : label;
  }
  const label = command.words.length ? `${command.words.join(' ')} …` : command.text;
  return label.length > 70 ? `${label.slice(0, 67)}…` : label;
}

/** The callee as the user wrote it (`sp.run`, `run`, `os.system`). */
export function calleeLabel(call: CallSite): string {
  return call.calleeText;
}

/** A string-building expression as literal pieces and Python expressions, in order. */
export type TemplatePart = { literal: string } | { expr: string };

function fstringParts(body: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if ((ch === '{' || ch === '}') && body[i + 1] === ch) {
      literal += ch;
      i++;
    } else if (ch === '{') {
      const close = body.indexOf('}', i);
      if (close < 0) return [...parts, { literal: literal + body.slice(i) }];
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ expr: body.slice(i + 1, close).split(/[!:](?![=])/)[0]!.trim() });
      i = close;
    } else literal += ch;
  }
  if (literal) parts.push({ literal });
  return parts;
}


/** `"cat " + path`, `f"rm {p}"`, `"rm %s" % p`, `"cp {} {}".format(a, b)` → pieces; undefined when not a template. */
export function templateOf(text: string): TemplatePart[] | undefined {
  const t = text.trim();
  const fs = /^[rR]?[fF][rR]?(['"])((?:\\.|(?!\1).)*)\1$/s.exec(t);
  if (fs) return fstringParts(fs[2]!);
  const plain = plainString(t);
  if (plain !== undefined) return [{ literal: plain }];
  const format = /^([rRbBuU]{0,2}(['"])(?:\\.|(?!\2).)*\2)\s*\.format\(([\s\S]*)\)$/.exec(t);
  if (format) {
    const template = plainString(format[1]!) ?? '';
    const args = splitTopLevel(format[3]!);
    const positional = args.filter((a) => !/^\w+\s*=/.test(a));
    const named = new Map(args.filter((a) => /^\w+\s*=/.test(a)).map((a) => [a.split('=')[0]!.trim(), a.slice(a.indexOf('=') + 1).trim()]));
    let next = 0;
    return fstringParts(template).map((part) => {
      if (!('expr' in part)) return part;
      const key = part.expr;
      if (key === '') return { expr: positional[next++] ?? 'value' };
      if (/^\d+$/.test(key)) return { expr: positional[Number(key)] ?? 'value' };
      return { expr: named.get(key) ?? key };
    });
  }
  const percent = /^([rRbBuU]{0,2}(['"])(?:\\.|(?!\2).)*\2)\s*%\s*([\s\S]+)$/.exec(t);
  if (percent) {
    const template = plainString(percent[1]!) ?? '';
    const rest = percent[3]!.trim();
    const values = rest.startsWith('(') && rest.endsWith(')') ? splitTopLevel(rest.slice(1, -1)) : [rest];
    const parts: TemplatePart[] = [];
    let next = 0;
    const re = /%(\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrifxXeEgGc%]/g;
    let last = 0;
    for (let m = re.exec(template); m; m = re.exec(template)) {
      if (m.index > last) parts.push({ literal: template.slice(last, m.index) });
      if (m[0] === '%%') parts.push({ literal: '%' });
      else parts.push({ expr: m[1] ? `${rest}[${JSON.stringify(m[1].slice(1, -1))}]` : values[next++] ?? 'value' });
      last = m.index + m[0].length;
    }
    if (last < template.length) parts.push({ literal: template.slice(last) });
    return parts;
  }
  const terms = splitTopLevel(t, '+');
  if (terms.length > 1) {
    const parts: TemplatePart[] = [];
    for (const term of terms) {
      const inner = templateOf(term);
      if (inner && (plainString(term) !== undefined || /^[rR]?[fF]/.test(term))) parts.push(...inner);
      else parts.push({ expr: term });
    }
    return parts;
  }
  return undefined;
}

/** A template as an argv list of Python expressions: `"tar czf %s.tgz %s" % (d, d)` → `"tar"`, `"czf"`, `f"{d}.tgz"`, `d`. */
export function templateArgv(parts: TemplatePart[]): string[] | undefined {
  const marker = (i: number) => `\u0000${i}\u0000`;
  const exprs: string[] = [];
  let line = '';
  for (const part of parts) {
    if ('literal' in part) line += part.literal;
    else {
      line += marker(exprs.length);
      exprs.push(part.expr);
    }
  }
  if (/[|&;<>`$]/.test(line)) return undefined;
  return line.trim().split(/\s+/).filter(Boolean).map((word) => {
    const clean = word.replace(/^['"]|['"]$/g, '');
    const only = /^\u0000(\d+)\u0000$/.exec(clean);
    if (only) return exprs[Number(only[1])]!;
    if (!clean.includes('\u0000')) return JSON.stringify(clean);
    return `f${JSON.stringify(clean.replace(/\u0000(\d+)\u0000/g, (_, i: string) => `{${exprs[Number(i)]}}`))}`;
  });
}

/**
 * The spawn *is* the job: a command line that comes entirely from data (`job["cmd"]`, a crontab line)
 * run by a per-job thread or a job runner. Its cost and its shell are the job's own, not overhead.
 */
export function isTheJob(command: Command, startedPerJob: boolean): boolean {
  if (command.program || command.words.length > 0) return false;
  const text = command.text;
  if (!/^[\w.[\]"'()]+$/.test(text.replace(/\s+/g, ''))) return false;
  return startedPerJob || /\b(job|task|entry|spec|cron|crontab|cmdline|command_line)\b|\[\s*["'](cmd|command|argv|args)["']\s*\]|\.(cmd|command|argv)\b/.test(text);
}

/**
 * Programs whose own run time (seconds to hours of transcoding, compressing, copying, building) dwarfs
 * the 5–50 ms of fork+exec: spawning one per item is the work itself, not overhead worth a finding.
 * Kept small on purpose; quick probes of the same tools (`ffprobe`, `git status`, `docker ps`) stay out.
 */
const HEAVY_PROGRAMS = new Set([
  'ffmpeg', 'avconv', 'handbrakecli', 'x264', 'x265', // media transcoding
  'tar', 'rsync', 'gzip', 'xz', 'zstd', 'bzip2', 'pigz', '7z', '7za', // archiving, compressing, copying trees
  'convert', 'magick', 'pandoc', 'libreoffice', 'soffice', // document / image conversion
  'make', 'cmake', 'ninja', // builds
  'pg_dump', 'pg_dumpall', 'pg_restore', 'mysqldump', // database dumps
]);
/** Tools that are heavy only for some subcommands: `git clone`, `docker build`. */
const heavySubcommands = lookupTable<Set<string>>({
  git: new Set(['clone', 'fetch', 'pull', 'push', 'gc', 'repack']),
  docker: new Set(['build', 'pull', 'push', 'run', 'compose']),
  podman: new Set(['build', 'pull', 'push', 'run']),
});

/**
 * The command runs a heavy worker (see HEAVY_PROGRAMS), directly or behind `sudo`/`nice`/`ionice`.
 * Only SP501 (fork cost) uses it: a heavy tool still needs a timeout (SP504), it can hang like any other.
 */
export function isHeavyWork(command: Command): boolean {
  // Skip wrappers and their options: `sudo -n`, `nice -n 10`, `timeout 600`.
  const words = [...command.words];
  while (words.length > 1 && /^(sudo|nice|ionice|nohup|timeout|time|-\S*|\d+[smh]?)$/.test(normaliseProgram(words[0]) ?? '')) words.shift();
  const program = words.length === command.words.length ? command.program : normaliseProgram(words[0]);
  if (!program) return false;
  const name = program.toLowerCase();
  if (HEAVY_PROGRAMS.has(name)) return true;
  const sub = heavySubcommands(name);
  // The first word after the program that is not an option: `git -C repo fetch` has `repo` first, so look at all.
  return !!sub && words.slice(1).some((w) => sub.has(w));
}
