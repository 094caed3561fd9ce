// Reading source text outside string literals: splitting at a separator outside brackets, finding where
// a bracket closes.

/**
 * Visits each character of `text` outside string literals, with the bracket depth once the character is
 * counted (an opening bracket raises it, a closing one lowers it). `visit` returns true to stop.
 */
export function scanOutsideStrings(text: string, visit: (ch: string, index: number, depth: number) => boolean | void): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    if (visit(ch, i, depth)) return;
  }
}

/**
 * Splits text at a separator outside brackets and string literals: `["a", x, f"{y}"]`'s inner text at
 * commas, `"cat " + path` at `+`. Empty parts (a trailing comma) are dropped.
 */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let start = 0;
  scanOutsideStrings(text, (ch, i, depth) => {
    if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  });
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
}
