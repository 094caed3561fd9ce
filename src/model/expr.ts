// Turning expression nodes into `Expr`: text, resolved names, and the value when it is knowable
// (literals, module constants, `float(os.environ.get("X", "0.5"))`, simple arithmetic).
//
// Every Node getter (`type`, `endIndex`, `text`, a child lookup) crosses from JavaScript into WASM and most
// allocate a Node, so the code here reads each fact of a node once and slices text from the source string.
import type { Language, Node } from 'web-tree-sitter';
import { isLiteralName, type SimpleExpression } from './simple-text.js';
import type { Expr, Value } from './types.js';

export interface Scope {
  /** Resolve a dotted name through imports and local definitions (`sp.run` → `subprocess.run`). */
  qualify(dotted: string): string;
  /** A constant visible here: a module constant, a class attribute (`self.X`), or a local one. */
  lookup(name: string): Expr | undefined;
  /** The name holds an object built by a call (`fleet = load_fleet()`), not the callable itself. */
  isInstance?(dotted: string): boolean;
  /** A call's callee facts when already read (each call's are read once per file). */
  calleeFacts?(call: Node): CalleeFacts | undefined;
}

/** What a call's function expression names: its dotted text, and for `obj.method(…)` the receiver and method. */
export interface CalleeFacts {
  type: string;
  /** `a.b.c` when the callee is a plain dotted name, else undefined. */
  dotted: string | undefined;
  receiver: string | undefined;
  method: string | undefined;
  /** The receiver as a dotted name (`self.session`), when it is one. */
  receiverDotted: string | undefined;
  /** The receiver's node (`"cat {}"` in `"cat {}".format(p)`). */
  object: Node | null;
}

const UNKNOWN: Value = { kind: 'unknown' };
const ENV_GETTERS = new Set(['os.environ.get', 'os.getenv']);

const FIELD_NAMES = [
  'alias', 'argument', 'arguments', 'attribute', 'body', 'condition', 'function', 'left', 'module_name', 'name',
  'object', 'operator', 'parameters', 'right', 'superclasses', 'type', 'value',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];
let fieldIds: { language: Language; ids: Record<FieldName, number> } | undefined;

/** `node.childForFieldName(name)` with the field's id looked up once per grammar, not searched for on every call. */
export function fieldChild(node: Node, name: FieldName): Node | null {
  const language = node.tree.language;
  if (fieldIds?.language !== language) {
    const ids = {} as Record<FieldName, number>;
    for (const field of FIELD_NAMES) ids[field] = language.fields.indexOf(field);
    fieldIds = { language, ids };
  }
  const id = fieldIds.ids[name];
  return id === -1 ? null : node.childForFieldId(id);
}

/** The file's text, and whether its tree has no errors: then some tokens can be read off the text. */
export interface Source {
  text: string;
  wellFormed: boolean;
}

/** `node.text` without web-tree-sitter's detour through the parse callback: one crossing (`endIndex`). */
export function textOf(source: Source, node: Node): string {
  return source.text.slice(node.startIndex, node.endIndex);
}

/**
 * The text of an `identifier` node. An identifier is one token, so in a tree without errors it ends where
 * identifier characters stop: an ASCII scan of the text finds the end without crossing into WASM.
 * (A non-ASCII character, possibly part of the name, falls back to asking the node.)
 */
export function identifierText(source: Source, node: Node): string {
  const start = node.startIndex;
  if (!source.wellFormed) return textOf(source, node);
  const text = source.text;
  let end = start;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) continue;
    if (c >= 128) return textOf(source, node);
    break;
  }
  return end > start ? text.slice(start, end) : textOf(source, node);
}

/** One ASCII name. */
const PLAIN_NAME = /^[A-Za-z_]\w*$/;
/** `a.b.c` written plainly: ASCII names joined by dots, no spaces, comments or brackets. */
const PLAIN_DOTTED = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;

/**
 * The dotted text of an `attribute` node written plainly, from its text: in a tree without errors such
 * text parses only as names joined by dots. (`None.x`, `True.y`: literals, not names.) Undefined when
 * the text is not plain or the tree has errors: then the children are walked.
 */
function plainDotted(source: Source, text: string): string | undefined {
  if (!source.wellFormed || !PLAIN_DOTTED.test(text)) return undefined;
  const head = text.slice(0, text.indexOf('.'));
  return isLiteralName(head) ? undefined : text;
}

/** A string literal's opening: prefix letters, then one or three quotes. */
const STRING_OPENING = /^[A-Za-z]*('''|"""|'|")/;

/**
 * The body of a string without backslashes or braces, from its text: the scanner then emits the whole body
 * as string content (no escape, no interpolation), which is what reading the children would give.
 * Undefined when the string may hold more (escapes, interpolations) or the tree has errors.
 */
function plainStringBody(source: Source, text: string): string | undefined {
  if (!source.wellFormed) return undefined;
  const quote = STRING_OPENING.exec(text)?.[1];
  if (!quote) return undefined;
  const bodyStart = text.indexOf(quote);
  const bodyEnd = text.length - quote.length;
  if (bodyEnd < bodyStart + quote.length || !text.endsWith(quote)) return undefined;
  const body = text.slice(bodyStart + quote.length, bodyEnd);
  return /[\\{}]/.test(body) ? undefined : body;
}

/** The pieces of a plain string's value; undefined at the first interpolation. */
function stringPieces(node: Node, source: Source, stopAtInterpolation: 'undefined' | 'prefix'): string | undefined {
  let content = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    const type = child.type;
    if (type === 'interpolation') return stopAtInterpolation === 'prefix' ? content : undefined;
    if (type === 'string_content' || type === 'escape_sequence') content += textOf(source, child);
  }
  return content;
}

/** `text` may be passed when the caller has sliced it already. */
export function stringContent(node: Node, source: Source, type = node.type, text?: string): string | undefined {
  if (type === 'concatenated_string') {
    let content = '';
    for (const child of node.namedChildren) {
      const part = child ? stringContent(child, source) : undefined;
      if (part === undefined) return undefined;
      content += part;
    }
    return content;
  }
  if (type !== 'string') return undefined;
  return plainStringBody(source, text ?? textOf(source, node)) ?? stringPieces(node, source, 'undefined');
}

/** The literal text before the first interpolation/variable: `"cat " + path` → `cat `, `f"rm {p}"` → `rm `. */
function literalPrefix(node: Node, source: Source, depth: number, type = node.type): string | undefined {
  if (depth > 64) return undefined; // `"a" + b + c + …` thousands long: not a command prefix, and the stack is finite
  if (type === 'string') return plainStringBody(source, textOf(source, node)) ?? stringPieces(node, source, 'prefix');
  if (type === 'binary_operator') return binaryLiteralPrefix(node, source, depth, operatorOf(node, source));
  if (type === 'call') {
    const callee = calleeOfCall(node, source);
    return callee ? callLiteralPrefix(callee, source, depth) : undefined;
  }
  return undefined;
}

function operatorOf(node: Node, source: Source): string | undefined {
  const operator = fieldChild(node, 'operator');
  return operator ? textOf(source, operator) : undefined;
}

/** "cat " + path → `cat `; "cat %s" % path → `cat `. */
function binaryLiteralPrefix(node: Node, source: Source, depth: number, op: string | undefined): string | undefined {
  if (op !== '+' && op !== '%') return undefined;
  const left = fieldChild(node, 'left');
  if (!left) return undefined;
  const prefix = literalPrefix(left, source, depth + 1);
  return op === '%' ? prefix?.split('%')[0] : prefix;
}

/** "cat {}".format(path) → `cat `. */
function callLiteralPrefix(callee: CalleeFacts, source: Source, depth: number): string | undefined {
  return callee.object && callee.method === 'format' ? literalPrefix(callee.object, source, depth + 1) : undefined;
}

/**
 * A call's function when written as a plain name or dotted name, read off the text before the argument
 * list: the function ends there, but for spaces (a comment or line continuation in between: undefined).
 * `True(…)` and the like call a literal, not a name: undefined too.
 */
export function plainCalleeText(source: Source, start: number, argumentsStart: number): string | undefined {
  if (!source.wellFormed) return undefined;
  const text = source.text.slice(start, argumentsStart).trimEnd();
  if (PLAIN_NAME.test(text)) return isLiteralName(text) ? undefined : text;
  return plainDotted(source, text);
}

/** `written`: the function's text when `plainCalleeText` found it (then the node is not asked). */
export function calleeOf(fn: Node, source: Source, written?: string): CalleeFacts {
  const type = written === undefined ? fn.type : written.includes('.') ? 'attribute' : 'identifier';
  const facts: CalleeFacts = { type, dotted: undefined, receiver: undefined, method: undefined, receiverDotted: undefined, object: null };
  if (type === 'identifier') facts.dotted = written ?? identifierText(source, fn);
  if (type !== 'attribute') return facts;
  const plain = written ?? plainDotted(source, textOf(source, fn));
  if (plain !== undefined) {
    // `a.b.method`: all facts are in the text. `object` stays null: a name has no literal prefix.
    const dot = plain.lastIndexOf('.');
    facts.dotted = plain;
    facts.receiver = facts.receiverDotted = plain.slice(0, dot);
    facts.method = plain.slice(dot + 1);
    return facts;
  }
  // `dottedText(fn)` is the receiver's dotted text plus `.method`: walk the receiver once for both.
  const object = fieldChild(fn, 'object');
  const attribute = fieldChild(fn, 'attribute');
  facts.object = object;
  facts.method = attribute ? identifierText(source, attribute) : undefined;
  if (object) {
    const objectType = object.type;
    facts.receiver = objectType === 'identifier' ? identifierText(source, object) : textOf(source, object);
    facts.receiverDotted = objectType === 'identifier' ? facts.receiver : dottedText(object, source, objectType, facts.receiver);
  }
  if (attribute && facts.receiverDotted !== undefined) facts.dotted = `${facts.receiverDotted}.${facts.method}`;
  return facts;
}

function calleeOfCall(call: Node, source: Source): CalleeFacts | undefined {
  const fn = fieldChild(call, 'function');
  return fn ? calleeOf(fn, source) : undefined;
}

/** `text` may be passed when the caller has sliced it already. */
export function dottedText(node: Node, source: Source, type = node.type, text?: string): string | undefined {
  if (type === 'attribute' && source.wellFormed) {
    const plain = plainDotted(source, text ?? textOf(source, node));
    if (plain !== undefined) return plain;
  }
  // Iterative: `a.b.b.b…` tens of thousands long must not exhaust the stack.
  let suffix = '';
  let current: Node | null = node;
  let currentType = type;
  while (currentType === 'attribute') {
    const attribute = fieldChild(current, 'attribute');
    if (!attribute) return undefined;
    suffix = `.${identifierText(source, attribute)}${suffix}`;
    current = fieldChild(current, 'object');
    if (!current) return undefined;
    currentType = current.type;
  }
  if (currentType !== 'identifier') return undefined;
  return identifierText(source, current) + suffix;
}

function numberValue(value: Value): number | undefined {
  if (value.kind === 'number') return value.value;
  if (value.kind === 'string' && value.value.trim() !== '' && !Number.isNaN(Number(value.value))) return Number(value.value);
  return undefined;
}

function arithmetic(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? undefined : a / b;
    case '//': return b === 0 ? undefined : Math.floor(a / b);
    default: return undefined;
  }
}

/** Named children, without the holes web-tree-sitter's array type allows. */
function namedChildrenOf(node: Node | null): Node[] {
  return node ? node.namedChildren.filter((child): child is Node => child !== null) : [];
}

/** `type` may be passed when the caller has read it already. */
export function evaluate(node: Node, scope: Scope, source: Source, depth = 0, type = node.type): Expr {
  const text = type === 'identifier' ? identifierText(source, node) : textOf(source, node);
  const expr: Expr = { text, type, value: UNKNOWN };
  if (depth > 8) return expr;
  switch (type) {
    case 'integer':
    case 'float':
      readNumber(expr);
      break;
    case 'string':
    case 'concatenated_string': {
      const content = stringContent(node, source, type, text);
      if (content !== undefined) expr.value = { kind: 'string', value: content };
      else expr.literalPrefix = literalPrefix(node, source, 0, type);
      break;
    }
    case 'true':
    case 'false':
    case 'none':
      readLiteralName(expr);
      break;
    case 'list':
    case 'tuple': {
      const items: Expr[] = [];
      for (const child of node.namedChildren) if (child) items.push(evaluate(child, scope, source, depth + 1));
      expr.value = { kind: 'list', items };
      break;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChild(0);
      if (inner) return { ...evaluate(inner, scope, source, depth + 1), text };
      break;
    }
    case 'unary_operator': {
      const operand = fieldChild(node, 'argument');
      const value = operand ? numberValue(evaluate(operand, scope, source, depth + 1).value) : undefined;
      if (value !== undefined && text.trim().startsWith('-')) expr.value = { kind: 'number', value: -value };
      break;
    }
    case 'binary_operator': {
      const left = fieldChild(node, 'left');
      const right = fieldChild(node, 'right');
      const op = operatorOf(node, source);
      if (!left || !right) break;
      const leftExpr = evaluate(left, scope, source, depth + 1);
      const a = numberValue(leftExpr.value);
      const b = numberValue(evaluate(right, scope, source, depth + 1).value);
      const result = a !== undefined && b !== undefined ? arithmetic(op ?? '', a, b) : undefined;
      if (result !== undefined) expr.value = { kind: 'number', value: result, source: sourceOf(leftExpr) };
      expr.literalPrefix = binaryLiteralPrefix(node, source, 0, op);
      break;
    }
    case 'identifier':
    case 'attribute': {
      const dotted = type === 'identifier' ? text : dottedText(node, source, type, text);
      if (dotted) resolveName(expr, dotted, scope);
      break;
    }
    case 'call':
      evaluateCall(node, expr, scope, source, depth);
      break;
    default:
      break;
  }
  return expr;
}

/** An integer or float literal's value (`1_000` → 1000). */
function readNumber(expr: Expr): void {
  const parsed = Number(expr.text.replace(/_/g, ''));
  if (!Number.isNaN(parsed)) expr.value = { kind: 'number', value: parsed };
}

/** `True`, `False`, `None` (node types `true`, `false`, `none`). */
function readLiteralName(expr: Expr): void {
  expr.value = expr.type === 'none' ? { kind: 'none' } : { kind: 'bool', value: expr.type === 'true' };
}

/** A name's resolved dotted name, whether it holds an instance, and the value of the constant it names. */
function resolveName(expr: Expr, dotted: string, scope: Scope): void {
  expr.qualifiedName = scope.qualify(dotted);
  if (scope.isInstance?.(dotted)) expr.instance = true;
  const constant = scope.lookup(dotted);
  if (constant) {
    expr.value = { ...constant.value, source: constant.value.kind === 'number' || constant.value.kind === 'string' ? constant.value.source ?? 'constant' : undefined } as Value;
    expr.literalPrefix = constant.literalPrefix;
  }
}

/**
 * What `evaluate` gives for an expression typed off the text (simple-text.ts): a name, a plain dotted
 * name, a decimal integer, a string without escapes or braces, or a literal name (no node needed).
 */
export function evaluateSimple(simple: SimpleExpression, scope: Scope, source: Source): Expr {
  const { text, type } = simple;
  const expr: Expr = { text, type, value: UNKNOWN };
  if (type === 'integer') readNumber(expr);
  else if (type === 'string') expr.value = { kind: 'string', value: plainStringBody(source, text)! };
  else if (type === 'identifier' || type === 'attribute') resolveName(expr, text, scope);
  else readLiteralName(expr);
  return expr;
}

/** `float(x)`, `int(cfg.get("ttl", 300))`, `os.environ.get("X", "0.5")`; otherwise the literal prefix of `"…".format()`. */
function evaluateCall(node: Node, expr: Expr, scope: Scope, source: Source, depth: number): void {
  const callee = scope.calleeFacts?.(node) ?? calleeOfCall(node, source);
  const dotted = callee?.dotted;
  if (dotted) expr.qualifiedName = scope.qualify(dotted);
  const name = expr.qualifiedName;
  const isNumberCast = name === 'float' || name === 'int';
  const isEnvGetter = name !== undefined && ENV_GETTERS.has(name);
  // Only these two shapes look at the arguments: other calls skip reading them.
  const positional = isNumberCast || isEnvGetter
    ? namedChildrenOf(fieldChild(node, 'arguments')).filter((a) => a.type !== 'keyword_argument')
    : [];
  if (isNumberCast && positional[0]) {
    const first = positional[0];
    const inner = evaluate(first, scope, source, depth + 1);
    let value = numberValue(inner.value);
    let valueSource = sourceOf(inner);
    // `int(cfg.get("ttl", 300))`: a configured number, 300 by default. (`inner.type` is the node's type,
    // or a parenthesized call's, which has no `function` field: `configuredDefault` then finds nothing.)
    if (value === undefined && inner.type === 'call') {
      const fallback = configuredDefault(first, source);
      if (fallback) {
        value = numberValue(evaluate(fallback, scope, source, depth + 1).value);
        valueSource = 'environment';
      }
    }
    if (value !== undefined) expr.value = { kind: 'number', value: name === 'int' ? Math.trunc(value) : value, source: valueSource };
  } else if (isEnvGetter && positional[1]) {
    const fallback = evaluate(positional[1], scope, source, depth + 1);
    if (fallback.value.kind === 'string' || fallback.value.kind === 'number') {
      expr.value = { ...fallback.value, source: 'environment' } as Value;
    }
  } else {
    expr.literalPrefix = callee ? callLiteralPrefix(callee, source, 0) : undefined;
  }
}

/** The default of `x.get(key, default)`: the second of exactly two positional arguments. */
function configuredDefault(call: Node, source: Source): Node | undefined {
  const fn = fieldChild(call, 'function');
  if (fn?.type !== 'attribute') return undefined;
  const attribute = fieldChild(fn, 'attribute');
  if (!attribute || identifierText(source, attribute) !== 'get') return undefined;
  const args = namedChildrenOf(fieldChild(call, 'arguments')).filter((a) => a.type !== 'keyword_argument');
  return args.length === 2 ? args[1] : undefined;
}

function sourceOf(expr: Expr): string | undefined {
  const value = expr.value;
  return value.kind === 'number' || value.kind === 'string' ? value.source : undefined;
}
