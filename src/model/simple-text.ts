// Most call sites and assignments hold only names and literals: `open(path, "w")`, `time.sleep(POLL)`,
// `requests.get(url, timeout=5)`, `self.count = 0`. Those are read off the source text here, because asking
// tree-sitter for a node's children or facts costs a crossing into WASM each (and a new Node per child).
// Everything here assumes a tree without errors: then such text parses one way only.

/** A name or literal typed as tree-sitter types its node. */
export interface SimpleExpression {
  text: string;
  type: 'identifier' | 'attribute' | 'integer' | 'string' | 'true' | 'false' | 'none';
}

/** A call the query found, as a whole argument (`open(os.path.join(d, f))`): its node is at hand. */
export interface CallArgument {
  type: 'call';
  start: number;
}

/** One argument of a simple argument list, and its keyword for `name=value`. */
export type SimpleArgument = (SimpleExpression | CallArgument) & { name?: string };

const SPACES = new Set([' ', '\t', '\n', '\r']);
const STRING_PREFIXES = new Set(['', 'r', 'u', 'b', 'f', 'rb', 'br', 'fr', 'rf']);
/** Python's keywords but the literal names: `x = yield` is a yield expression, not a name. */
const KEYWORDS = new Set([
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for',
  'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
const LITERAL_NAMES = new Map<string, SimpleExpression['type']>([['True', 'true'], ['False', 'false'], ['None', 'none']]);

/** `True`, `False` or `None`: written like a name, but a literal. */
export function isLiteralName(text: string): boolean {
  return LITERAL_NAMES.has(text);
}

function isNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Reads names and literals from `text`, one at `pos` at a time. */
class Scanner {
  constructor(readonly text: string, public pos: number) {}

  get char(): string | undefined {
    return this.text[this.pos];
  }

  skipSpaces(): void {
    while (SPACES.has(this.text[this.pos]!)) this.pos++;
  }

  /** An ASCII name (the first character already checked), or undefined for a keyword or a non-ASCII name. */
  name(): string | undefined {
    const from = this.pos;
    let code = this.text.charCodeAt(this.pos);
    while (isNameStart(code) || isDigit(code)) code = this.text.charCodeAt(++this.pos);
    if (code >= 128) return undefined;
    const name = this.text.slice(from, this.pos);
    return KEYWORDS.has(name) ? undefined : name;
  }

  /** Steps over `word` and the spaces after it, if `word` is there as a whole word. */
  word(word: string): boolean {
    if (!this.text.startsWith(word, this.pos) || !SPACES.has(this.text[this.pos + word.length]!)) return false;
    this.pos += word.length;
    this.skipSpaces();
    return true;
  }

  /**
   * A name, a plain dotted name, a decimal integer, a one-line string without escapes, braces or triple
   * quotes, or `True`/`False`/`None`; undefined for anything else (`1.5`, `0x1f`, `None.x`, `naïve`, `yield`…).
   */
  expression(): SimpleExpression | undefined {
    const { text } = this;
    const from = this.pos;
    const code = text.charCodeAt(from);
    if (isDigit(code)) {
      while (isDigit(text.charCodeAt(this.pos))) this.pos++;
      const next = text.charCodeAt(this.pos);
      if (isNameStart(next) || next === 46 || next >= 128) return undefined; // 1.5, 1j, 0x1f, 1_000
      return { text: text.slice(from, this.pos), type: 'integer' };
    }
    if (!isNameStart(code)) return this.char === '"' || this.char === "'" ? this.string(from, '') : undefined;
    const head = this.name();
    if (head === undefined) return undefined;
    if (this.char === '"' || this.char === "'") return this.string(from, head);
    let type: SimpleExpression['type'] = 'identifier';
    while (this.char === '.' && isNameStart(text.charCodeAt(this.pos + 1))) {
      this.pos++;
      if (this.name() === undefined) return undefined;
      type = 'attribute';
    }
    if (this.char === '.') return undefined;
    const literal = LITERAL_NAMES.get(head);
    if (literal) return type === 'identifier' ? { text: head, type: literal } : undefined; // `None.x`: not a name
    return { text: text.slice(from, this.pos), type };
  }

  /** A string from `from`, its prefix (`b`, `rb`…) already read. */
  private string(from: number, prefix: string): SimpleExpression | undefined {
    if (!STRING_PREFIXES.has(prefix.toLowerCase())) return undefined;
    const { text } = this;
    const quote = text[this.pos]!;
    if (text[this.pos + 1] === quote && text[this.pos + 2] === quote) return undefined;
    for (this.pos++; text[this.pos] !== quote; this.pos++) {
      const c = text[this.pos];
      if (c === undefined || c === '\\' || c === '{' || c === '}' || c === '\n' || c === '\r') return undefined;
    }
    this.pos++;
    return { text: text.slice(from, this.pos), type: 'string' };
  }
}

/** The expression `text[start, end)` when it is one `Scanner.expression` (a node that ends at `end`). */
export function simpleExpression(text: string, start: number, end: number): SimpleExpression | undefined {
  const scanner = new Scanner(text, start);
  const expression = scanner.expression();
  return scanner.pos === end ? expression : undefined;
}

/**
 * The arguments of the argument list `text[start, end)` (from `(` to `)`) when each is a
 * `Scanner.expression`, a whole call (`callEndAt(start)`: where the outermost call starting there ends),
 * or `keyword=` one of those: these are the argument list's named children. Undefined for anything else
 * (comments, splats, operators, subscripts, generator arguments…).
 */
export function simpleArguments(text: string, start: number, end: number, callEndAt: (start: number) => number | undefined): SimpleArgument[] | undefined {
  if (text[start] !== '(') return undefined;
  const scanner = new Scanner(text, start + 1);
  // A call starting here is the whole argument when a comma or the closing parenthesis follows it.
  const value = (): SimpleExpression | CallArgument | undefined => {
    const from = scanner.pos;
    const callEnd = callEndAt(from);
    if (callEnd === undefined) return scanner.expression();
    scanner.pos = callEnd;
    return { type: 'call', start: from };
  };
  const args: SimpleArgument[] = [];
  for (;;) {
    scanner.skipSpaces();
    if (scanner.char === ')') return scanner.pos + 1 === end ? args : undefined;
    const first = value();
    if (!first) return undefined;
    scanner.skipSpaces();
    if (scanner.char === '=' && text[scanner.pos + 1] !== '=' && first.type === 'identifier') {
      scanner.pos++;
      scanner.skipSpaces();
      const keywordValue = value();
      if (!keywordValue) return undefined;
      args.push({ name: first.text, ...keywordValue });
      scanner.skipSpaces();
    } else {
      args.push(first);
    }
    if (scanner.char === ',') scanner.pos++;
    else if (scanner.char !== ')') return undefined;
  }
}

/**
 * The target of an assignment starting at `start` when it is a name or plain dotted name followed by `=`,
 * `:` (an annotation) or an augmented operator (`+=`, `//=`…): the node is exactly that text.
 */
export function simpleTarget(text: string, start: number): SimpleExpression | undefined {
  const scanner = new Scanner(text, start);
  const target = scanner.expression();
  if (target?.type !== 'identifier' && target?.type !== 'attribute') return undefined;
  scanner.skipSpaces();
  return AFTER_TARGET.test(text.slice(scanner.pos, scanner.pos + 4)) ? target : undefined;
}

/** What may follow an assignment's target: `=` (not `==`), `:`, or an augmented operator. */
const AFTER_TARGET = /^(=(?!=)|:(?!=)|(\+|-|\*\*?|\/\/?|%|@|&|\||\^|<<|>>)=)/;

/** A definition's header read off the text: `def name(…` (or `async def`), `class name…`. */
export interface SimpleHeader {
  name: string;
  /** A def's parameter list, when it follows the name (not after type parameters `def f[T](…)`). */
  parametersStart?: number;
}

export function simpleHeader(text: string, start: number, kind: 'def' | 'class'): SimpleHeader | undefined {
  const scanner = new Scanner(text, start);
  if (kind === 'def') scanner.word('async');
  if (!scanner.word(kind) || !isNameStart(text.charCodeAt(scanner.pos))) return undefined;
  const name = scanner.name();
  if (name === undefined || kind === 'class') return name === undefined ? undefined : { name };
  scanner.skipSpaces();
  return { name, parametersStart: scanner.char === '(' ? scanner.pos : undefined };
}

/**
 * The parameter names of the parameter list at `start` when every parameter is a name, `name=` a
 * `Scanner.expression`, `*name`, `**name`, `*` or `/`. Undefined for anything else (annotations, other
 * defaults, comments…).
 */
export function simpleParameters(text: string, start: number): string[] | undefined {
  if (text[start] !== '(') return undefined;
  const scanner = new Scanner(text, start + 1);
  const names: string[] = [];
  for (;;) {
    scanner.skipSpaces();
    if (scanner.char === ')') return names;
    if (scanner.char === '/') {
      scanner.pos++;
    } else if (scanner.char === '*') {
      const splat = text.startsWith('**', scanner.pos) ? '**' : '*';
      scanner.pos += splat.length;
      scanner.skipSpaces();
      if (isNameStart(text.charCodeAt(scanner.pos))) {
        const name = scanner.name();
        if (name === undefined) return undefined;
        names.push(name);
      } else if (splat === '**') {
        return undefined;
      }
    } else if (isNameStart(text.charCodeAt(scanner.pos))) {
      const name = scanner.name();
      if (name === undefined) return undefined;
      names.push(name);
      scanner.skipSpaces();
      if (scanner.char === '=') {
        scanner.pos++;
        scanner.skipSpaces();
        if (!scanner.expression()) return undefined;
      }
    } else {
      return undefined;
    }
    scanner.skipSpaces();
    if (scanner.char === ',') scanner.pos++;
    else if (scanner.char !== ')') return undefined;
  }
}
