// What one file may cost. tree-sitter's tree and the model grow with a file's lines, and its query engine
// with the square of an expression's depth: past the line limit a file is analysed up to the last whole
// top-level statement before it (what is sound), and the run says so in one warning line; matches are not
// started deeper than the depth limit. (Bytes are capped when the file is read: read.ts, 10 MB.)

/** Lines of one file that are analysed (the largest real modules have ~15 k; a generated 10 MB table ~110 k). */
export const MAX_ANALYSED_LINES = 250_000;

/**
 * Deepest node the model's query starts a match at. CPython refuses far shallower code ("maximum recursion
 * depth exceeded during compilation"); below it the query's cost per node stays constant.
 */
export const MAX_QUERY_DEPTH = 1000;

/** Where the analysed part of a file ends: `text.length` when the whole file is within the limits. */
export function analysedLength(text: string): number {
  if (!hasMoreLines(text, MAX_ANALYSED_LINES)) return text.length;
  return lastStatementEnd(text);
}

/** The one-line warning for a file cut at `analysedLength` (given its lines), or undefined when it was analysed whole. */
export function limitWarning(path: string, source: string[]): string | undefined {
  if (source.length <= MAX_ANALYSED_LINES) return undefined;
  const text = source.join('\n');
  const end = analysedLength(text);
  if (end === text.length || end === 0) return undefined; // whole, or not analysed at all (its own warning)
  const analysed = countNewlines(text, 0, end).toLocaleString('es-ES');
  return `${path}: only its first ${analysed} of ${source.length.toLocaleString('es-ES')} lines analysed (limit: ${MAX_ANALYSED_LINES.toLocaleString('es-ES')} lines per file)`;
}

function hasMoreLines(text: string, limit: number): boolean {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) if (++lines > limit) return true;
  return false;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** A line that continues the statement before it even at column 0. */
const CONTINUATION = /^(?:else|elif|except|finally)\b/;

/**
 * The end (after its newline) of the last top-level statement that ends within the line limit, read the way
 * Python's tokenizer would: strings (triple-quoted too), comments, brackets and backslash continuations.
 * 0 when not even the first statement fits.
 */
function lastStatementEnd(text: string): number {
  const limit = text.length;
  let best = 0;
  let depth = 0;
  let line = 1;
  let at = 0;
  let continued = false;
  let decorated = false; // the last statement start was a decorator: its definition comes with it
  while (at < limit) {
    const ch = text[at]!;
    if (ch === '\n') {
      line++;
      if (line > MAX_ANALYSED_LINES) break;
      at++;
      if (depth === 0 && !continued && isStatementStart(text, at)) {
        if (!decorated) best = at;
        decorated = text[at] === '@';
      }
      continued = false;
      continue;
    }
    continued = false;
    if (ch === '#') {
      const next = text.indexOf('\n', at);
      at = next === -1 ? text.length : next;
    } else if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), at);
      const close = stringEnd(text, at + (triple ? 3 : 1), triple ? ch.repeat(3) : ch);
      line += countNewlines(text, at, close);
      at = close;
      if (line > MAX_ANALYSED_LINES) break;
    } else {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
      else if (ch === '\\' && text[at + 1] === '\n') continued = true, at++, line++;
      at++;
    }
  }
  return best;
}

function isStatementStart(text: string, at: number): boolean {
  const ch = text[at];
  if (ch === undefined || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '#') return false;
  return !CONTINUATION.test(text.slice(at, at + 8));
}

/** Index just past the string's closing quote (or the text's end); a one-line string also ends at its line's end. */
function stringEnd(text: string, from: number, quote: string): number {
  for (let at = from; at < text.length; at++) {
    const ch = text[at];
    if (ch === '\\') at++;
    else if (ch === '\n' && quote.length === 1) return at;
    else if (text.startsWith(quote, at)) return at + quote.length;
  }
  return text.length;
}
