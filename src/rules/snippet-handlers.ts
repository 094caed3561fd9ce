// A proposal that rewrites an HTTP handler keeps what its clients read. A snippet that re-states a `do_GET`/`do_POST`
// (its own `def do_POST(self):` with the new lines, or its own response after dropping a call) becomes the user's
// handler as written, with only the finding's lines changed: the status, the headers (`Content-Length`) and
// the response fields the clients read stay the user's own.
import type { FileModel, FunctionInfo } from '../model/types.js';

const HANDLER = /^do_[A-Z]+$/;
/** A line of the snippet that answers the request itself. */
const RESPONSE = /^\s*self\.(send_response|send_header|end_headers|wfile\.write|_send|send_error)\(/;
/** The handler function longer than this is shown around the changed lines only. */
const MAX_LINES = 24;

interface Rewrite {
  before: string[];
  /** What replaces the finding's lines, unindented. */
  replacement: string[];
  after: string[];
  /** Comment lines right above the finding's lines explain what is dropped: they go with it. */
  dropComments: boolean;
}

const indentOf = (line: string) => /^\s*/.exec(line)![0].length;

/** The snippet's own `def do_X(self…):` — its body replaces the finding's lines. */
function fromOwnDef(lines: string[], fn: FunctionInfo): Rewrite | undefined {
  const at = lines.findIndex((l) => l.startsWith(`def ${fn.name}(`));
  if (at === -1) return undefined;
  let end = at + 1;
  while (end < lines.length && (lines[end]!.trim() === '' || indentOf(lines[end]!) > 0)) end++;
  const body = lines.slice(at + 1, end);
  const cut = Math.min(...body.filter((l) => l.trim()).map(indentOf));
  return { before: lines.slice(0, at), replacement: body.filter((l) => l.trim()).map((l) => l.slice(cut)), after: lines.slice(end), dropComments: false };
}

/** The snippet's own response after dropping the finding's call (`# in X.do_POST: no time.sleep(…)`). */
function fromOwnResponse(lines: string[]): Rewrite | undefined {
  const first = lines.findIndex((l) => RESPONSE.test(l));
  if (first === -1) return undefined;
  let last = first;
  while (last + 1 < lines.length && RESPONSE.test(lines[last + 1]!)) last++;
  const dropped = lines.slice(0, first).map((l) => /^# in \S+: (no .+)$/.exec(l)?.[1]).find(Boolean);
  if (!dropped) return undefined;
  return { before: [], replacement: [`# ${dropped}: answer at once, with the same response`], after: lines.slice(last + 1), dropComments: true };
}

/** The user's function with lines `from..to` replaced; later statements on the replaced line's variable go too. */
function rewritten(file: FileModel, fn: FunctionInfo, from: number, to: number, rewrite: Rewrite): string[] {
  const source = file.source.slice(fn.span.line - 1, fn.span.endLine);
  const base = indentOf(source[0]!);
  const target = from - fn.span.line;
  let start = target;
  while (rewrite.dropComments && start > 1 && /^\s*#/.test(source[start - 1]!)) start--;
  const pad = ' '.repeat(indentOf(source[target]!));
  const assigned = /^\s*(\w+)\s*=[^=]/.exec(source[target]!)?.[1];
  const orphan = assigned && !rewrite.replacement.some((l) => new RegExp(`^${assigned}\\s*=`).test(l)) ? new RegExp(`^\\s*${assigned}\\.\\w+\\(.*\\)\\s*$`) : undefined;
  const rest = source.slice(to - fn.span.line + 1).filter((l) => !orphan?.test(l));
  const out = [...source.slice(0, start), ...rewrite.replacement.map((l) => pad + l), ...rest].map((l) => l.slice(Math.min(base, indentOf(l))));
  while (out.length && !out[out.length - 1]!.trim()) out.pop();
  if (out.length <= MAX_LINES) return out;
  const keepFrom = Math.max(1, start - 3);
  return [out[0]!, `${' '.repeat(indentOf(out[keepFrom]!))}...`, ...out.slice(keepFrom)];
}

/** The snippet for a finding at `line`..`endLine` of `file`, keeping the enclosing HTTP handler's contract. */
export function withHandlerContract(example: string, file: FileModel, line: number, endLine: number): string {
  const fn = [...file.functions.values()].find((f) => f.className && HANDLER.test(f.name) && f.span.line < line && line <= f.span.endLine);
  if (!fn || file.source.length < fn.span.endLine) return example;
  const lines = example.split('\n');
  const rewrite = fromOwnDef(lines, fn) ?? fromOwnResponse(lines);
  if (!rewrite) return example;
  const body = rewritten(file, fn, line, endLine, rewrite);
  return [...rewrite.before, ...body, ...rewrite.after].join('\n');
}
