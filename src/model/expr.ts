// Turning expression nodes into `Expr`: text, resolved names, and the value when it is knowable
// (literals, module constants, `float(os.environ.get("X", "0.5"))`, simple arithmetic).
import type { Node } from 'web-tree-sitter';
import type { Expr, Value } from './types.js';

export interface Scope {
  /** Resolve a dotted name through imports and local definitions (`sp.run` → `subprocess.run`). */
  qualify(dotted: string): string;
  /** A constant visible here: a module constant, a class attribute (`self.X`), or a local one. */
  lookup(name: string): Expr | undefined;
  /** The name holds an object built by a call (`fleet = load_fleet()`), not the callable itself. */
  isInstance?(dotted: string): boolean;
}

const UNKNOWN: Value = { kind: 'unknown' };
const ENV_GETTERS = new Set(['os.environ.get', 'os.getenv']);

export function stringContent(node: Node): string | undefined {
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map((child) => (child ? stringContent(child) : undefined));
    return parts.every((part) => part !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  let content = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'interpolation') return undefined;
    if (child.type === 'string_content' || child.type === 'escape_sequence') content += child.text;
  }
  return content;
}

/** The literal text before the first interpolation/variable: `"cat " + path` → `cat `, `f"rm {p}"` → `rm `. */
function literalPrefix(node: Node, depth = 0): string | undefined {
  if (depth > 64) return undefined; // `"a" + b + c + …` thousands long: not a command prefix, and the stack is finite
  if (node.type === 'string') {
    let prefix = '';
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'interpolation') return prefix;
      if (child.type === 'string_content' || child.type === 'escape_sequence') prefix += child.text;
    }
    return prefix;
  }
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '+') {
    const left = node.childForFieldName('left');
    return left ? literalPrefix(left, depth + 1) : undefined;
  }
  if (node.type === 'call') {
    // "cat {}".format(path) and "cat %s" % path
    const fn = node.childForFieldName('function');
    const object = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    if (object && fn?.childForFieldName('attribute')?.text === 'format') return literalPrefix(object, depth + 1);
  }
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '%') {
    const left = node.childForFieldName('left');
    return left ? literalPrefix(left, depth + 1)?.split('%')[0] : undefined;
  }
  return undefined;
}

export function dottedText(node: Node): string | undefined {
  // Iterative: `a.b.b.b…` tens of thousands long must not exhaust the stack.
  const names: string[] = [];
  let current: Node | null = node;
  while (current?.type === 'attribute') {
    const attribute = current.childForFieldName('attribute');
    if (!attribute) return undefined;
    names.push(attribute.text);
    current = current.childForFieldName('object');
  }
  if (current?.type !== 'identifier') return undefined;
  names.push(current.text);
  return names.reverse().join('.');
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

export function evaluate(node: Node, scope: Scope, depth = 0): Expr {
  const expr: Expr = { text: node.text, type: node.type, value: UNKNOWN };
  if (depth > 8) return expr;
  switch (node.type) {
    case 'integer':
    case 'float': {
      const parsed = Number(node.text.replace(/_/g, ''));
      if (!Number.isNaN(parsed)) expr.value = { kind: 'number', value: parsed };
      break;
    }
    case 'string':
    case 'concatenated_string': {
      const content = stringContent(node);
      if (content !== undefined) expr.value = { kind: 'string', value: content };
      else expr.literalPrefix = literalPrefix(node);
      break;
    }
    case 'true':
    case 'false':
      expr.value = { kind: 'bool', value: node.type === 'true' };
      break;
    case 'none':
      expr.value = { kind: 'none' };
      break;
    case 'list':
    case 'tuple':
      expr.value = { kind: 'list', items: node.namedChildren.flatMap((child) => (child ? [evaluate(child, scope, depth + 1)] : [])) };
      break;
    case 'parenthesized_expression': {
      const inner = node.namedChildren[0];
      if (inner) return { ...evaluate(inner, scope, depth + 1), text: node.text };
      break;
    }
    case 'unary_operator': {
      const operand = node.childForFieldName('argument');
      const value = operand ? numberValue(evaluate(operand, scope, depth + 1).value) : undefined;
      if (value !== undefined && node.text.trim().startsWith('-')) expr.value = { kind: 'number', value: -value };
      break;
    }
    case 'binary_operator': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text ?? '';
      if (!left || !right) break;
      const leftExpr = evaluate(left, scope, depth + 1);
      const a = numberValue(leftExpr.value);
      const b = numberValue(evaluate(right, scope, depth + 1).value);
      const result = a !== undefined && b !== undefined ? arithmetic(op, a, b) : undefined;
      if (result !== undefined) expr.value = { kind: 'number', value: result, source: sourceOf(leftExpr) };
      expr.literalPrefix = literalPrefix(node);
      break;
    }
    case 'identifier':
    case 'attribute': {
      const dotted = dottedText(node);
      if (!dotted) break;
      expr.qualifiedName = scope.qualify(dotted);
      if (scope.isInstance?.(dotted)) expr.instance = true;
      const constant = scope.lookup(dotted);
      if (constant) {
        expr.value = { ...constant.value, source: constant.value.kind === 'number' || constant.value.kind === 'string' ? constant.value.source ?? 'constant' : undefined } as Value;
        expr.literalPrefix = constant.literalPrefix;
      }
      break;
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const dotted = fn ? dottedText(fn) : undefined;
      if (dotted) expr.qualifiedName = scope.qualify(dotted);
      const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null);
      const positional = args.filter((a) => a.type !== 'keyword_argument');
      const name = expr.qualifiedName;
      if ((name === 'float' || name === 'int') && positional[0]) {
        const inner = evaluate(positional[0], scope, depth + 1);
        let value = numberValue(inner.value);
        let source = sourceOf(inner);
        // `int(cfg.get("ttl", 300))`: a configured number, 300 by default.
        const innerFn = positional[0].type === 'call' ? positional[0].childForFieldName('function') : null;
        const innerArgs = (positional[0].childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null && a.type !== 'keyword_argument');
        if (value === undefined && innerFn?.type === 'attribute' && innerFn.childForFieldName('attribute')?.text === 'get' && innerArgs.length === 2) {
          value = numberValue(evaluate(innerArgs[1]!, scope, depth + 1).value);
          source = 'environment';
        }
        if (value !== undefined) expr.value = { kind: 'number', value: name === 'int' ? Math.trunc(value) : value, source };
      } else if (name && ENV_GETTERS.has(name) && positional[1]) {
        const fallback = evaluate(positional[1], scope, depth + 1);
        if (fallback.value.kind === 'string' || fallback.value.kind === 'number') {
          expr.value = { ...fallback.value, source: 'environment' } as Value;
        }
      } else {
        expr.literalPrefix = literalPrefix(node);
      }
      break;
    }
    default:
      break;
  }
  return expr;
}

function sourceOf(expr: Expr): string | undefined {
  const value = expr.value;
  return value.kind === 'number' || value.kind === 'string' ? value.source : undefined;
}
