// Builds the FileModel of one Python file from its tree-sitter tree, in two passes over one query's captures:
// first the names (imports, definitions, constants, object types), then the call sites, loops and withs.
import type { Node, Tree } from 'web-tree-sitter';
import type { PythonParser } from '../parse/parser.js';
import { dottedText, evaluate, type Scope } from './expr.js';
import type {
  Argument, AssignmentInfo, CallSite, ClassInfo, Expr, FileModel, FunctionInfo, ImportBinding, LoopInfo, MembershipInfo, Span, WithInfo,
} from './types.js';

interface Container {
  kind: 'def' | 'class' | 'loop';
  node: Node;
  /** The part of the node that runs once per iteration (loops) or the whole node. */
  regionStart: number;
  regionEnd: number;
  /** For `for` loops and comprehensions: the iterable, evaluated once, outside the loop. */
  iterable?: Node;
  id: string | number;
  /** The node's range and the iterable's, read once (each `endIndex` read crosses into WASM). */
  start: number;
  end: number;
  iterableStart: number;
  iterableEnd: number;
  /** Index (in sorted order) of the innermost container enclosing this one, or -1. */
  parent: number;
}

export function spanOf(node: Node): Span {
  return {
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
    start: node.startIndex,
    end: node.endIndex,
  };
}

/** Constructors whose result we track by variable, so `s.get(...)` knows `s` is a `requests.Session`. */
function typeOfValue(value: Node, scope: Scope): string | undefined {
  if (value.type !== 'call') return undefined;
  const fn = value.childForFieldName('function');
  const dotted = fn ? dottedText(fn) : undefined;
  if (!dotted) return undefined;
  const qualified = scope.qualify(dotted);
  if (qualified === 'open' || qualified === 'io.open' || qualified === 'codecs.open') return 'file';
  return qualified;
}

const NOQA = /#\s*noqa(?::\s*([A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?/i;

function noqaLines(source: string[]): Map<number, Set<string> | undefined> {
  const result = new Map<number, Set<string> | undefined>();
  source.forEach((text, index) => {
    if (!text.includes('#')) return;
    const match = NOQA.exec(text);
    if (!match) return;
    result.set(index + 1, match[1] ? new Set(match[1].split(',').map((code) => code.trim().toUpperCase())) : undefined);
  });
  return result;
}

function isMainGuard(node: Node): boolean {
  if (node.type !== 'if_statement') return false;
  const condition = node.childForFieldName('condition')?.text.replace(/\s+/g, '') ?? '';
  return /^__name__==['"]__main__['"]$/.test(condition) || /^['"]__main__['"]==__name__$/.test(condition);
}

function resolveRelative(module: string, isPackage: boolean, dots: number, rest: string): string {
  const parts = module.split('.');
  const packageParts = isPackage ? parts : parts.slice(0, -1);
  const base = packageParts.slice(0, Math.max(0, packageParts.length - (dots - 1)));
  return [...base, ...(rest ? [rest] : [])].filter(Boolean).join('.');
}

/** `while True`, `while 1`, `while not self.stop.is_set()`, `while self.running`: loops meant to run until the process stops. */
function isUnboundedCondition(condition: string): boolean {
  const text = condition.replace(/\s+/g, ' ').trim();
  if (/^(True|1|\(True\))$/.test(text)) return true;
  if (/^not .*(stop|shutdown|exit|quit|done|terminate|halt|kill)\w*(\.is_set\(\))?$/i.test(text)) return true;
  return /^(self\.|cls\.)?_?(running|alive|active|keep_running|keep_going|run|is_running|should_run)$/i.test(text);
}

export function buildFileModel(path: string, module: string, isPackage: boolean, text: string, tree: Tree, parser: PythonParser): FileModel {
  const root = tree.rootNode;
  const source = text.split(/\r?\n/);
  const model: FileModel = {
    path, module, lines: source.length, parseError: root.hasError,
    imports: new Map(), constants: new Map(), functions: new Map(), classes: new Map(),
    calls: [], loops: [], withs: [], assignments: [], noqa: noqaLines(source), source,
  };
  for (const child of root.namedChildren) if (child && isMainGuard(child)) model.mainGuard = spanOf(child);

  const captures = parser.query.captures(root);

  // ---- Containment: which def / class / loops enclose each node (a sweep over captures sorted by start).
  const containers: Container[] = [];
  let loopCounter = 0;
  const qualnames = new Map<number, string>(); // def/class node id → qualname
  for (const { name, node } of captures) {
    if (name === 'def' || name === 'class') {
      const end = node.endIndex;
      containers.push({ kind: name, node, regionStart: node.startIndex, regionEnd: end, id: node.id, start: node.startIndex, end, iterableStart: 0, iterableEnd: 0, parent: -1 });
    }
    else if (name === 'for' || name === 'while' || name === 'comprehension') {
      let iterable: Node | undefined;
      if (name === 'for') iterable = node.childForFieldName('right') ?? undefined;
      if (name === 'comprehension') {
        const clause = node.namedChildren.find((child) => child?.type === 'for_in_clause');
        iterable = clause?.childForFieldName('right') ?? undefined;
      }
      const body = name === 'for' ? node.childForFieldName('body') : null;
      const end = node.endIndex;
      containers.push({
        kind: 'loop', node, iterable, id: loopCounter++,
        regionStart: body ? body.startIndex : node.startIndex,
        regionEnd: end, start: node.startIndex, end,
        iterableStart: iterable ? iterable.startIndex : 0, iterableEnd: iterable ? iterable.endIndex : 0, parent: -1,
      });
    }
  }
  containers.sort((a, b) => a.start - b.start || b.end - a.end);
  // Syntax nodes nest, so the containers form a tree: link each to its innermost encloser with one stack sweep.
  const containerStarts = containers.map((c) => c.start);
  const iterableIds = new Set<number>();
  for (let i = 0, stack: number[] = []; i < containers.length; i++) {
    const c = containers[i]!;
    while (stack.length > 0 && !(c.end <= containers[stack[stack.length - 1]!]!.end)) stack.pop();
    c.parent = stack.length > 0 ? stack[stack.length - 1]! : -1;
    stack.push(i);
    if (c.iterable) iterableIds.add(c.iterable.id);
  }

  /** Containers enclosing [start, end), outermost first: the last container starting at or before `start`, then its ancestors. */
  function enclosing(start: number, end: number): Container[] {
    let lo = 0;
    let hi = containers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (containerStarts[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    const chain: Container[] = [];
    for (let i = lo - 1; i >= 0; i = containers[i]!.parent) {
      const c = containers[i]!;
      if (c.start <= start && end <= c.end && !(c.start === start && c.end === end)) chain.push(c);
    }
    return chain.reverse();
  }
  function innermostDef(chain: Container[]): Container | undefined {
    for (let i = chain.length - 1; i >= 0; i--) if (chain[i]!.kind === 'def') return chain[i];
    return undefined;
  }
  function innermostClass(chain: Container[]): Container | undefined {
    for (let i = chain.length - 1; i >= 0; i--) {
      if (chain[i]!.kind === 'def') return undefined; // a nested function's class is not `self`'s class
      if (chain[i]!.kind === 'class') return chain[i];
    }
    return undefined;
  }
  /** Loops (innermost first) that run the range [start,end) once per iteration, inside the innermost def. */
  function loopsAround(chain: Container[], start: number, end: number): number[] {
    const loops: number[] = [];
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i]!;
      if (c.kind !== 'loop') break;
      const inIterable = c.iterable && c.iterableStart <= start && end <= c.iterableEnd;
      if (start >= c.regionStart && !inIterable) loops.push(c.id as number);
    }
    return loops;
  }

  // Qualified names of defs and classes, outermost first so parents are named before children.
  for (const c of containers) {
    if (c.kind === 'loop') continue;
    const name = c.node.childForFieldName('name')?.text ?? '?';
    const parents = enclosing(c.start, c.end).filter((p) => p.kind !== 'loop');
    const parent = parents[parents.length - 1];
    qualnames.set(c.node.id, parent ? `${qualnames.get(parent.node.id)}.${name}` : name);
  }
  const functionIds = new Map<Container, string>(); // one id string per def, built once
  const functionIdOf = (def: Container | undefined) => {
    if (!def) return undefined;
    let id = functionIds.get(def);
    if (id === undefined) {
      id = `${module}:${qualnames.get(def.node.id)}`;
      functionIds.set(def, id);
    }
    return id;
  };

  // ---- Pass 1: imports, definitions, constants and tracked object types.
  const localDefinitions = new Set<string>();
  for (const c of containers) {
    if (c.kind !== 'loop' && !qualnames.get(c.node.id)!.includes('.')) localDefinitions.add(qualnames.get(c.node.id)!);
  }
  const imports = model.imports;
  const objectTypes = new Map<string, string>(); // `${scopeKey}|${name}` → type
  const classAttributes = new Map<string, Map<string, Expr>>(); // class qualname → attributes
  let currentScopeKey = '';
  let currentClass: string | undefined;
  const localConstants = new Map<string, Expr>(); // `${functionId}|${name}` → value, for simple locals

  function qualify(dotted: string): string {
    const [head, ...rest] = dotted.split('.');
    if (!head) return dotted;
    if ((head === 'self' || head === 'cls') && currentClass && rest.length >= 1) {
      const typed = objectTypes.get(`class:${currentClass}|self.${rest[0]}`);
      if (typed) return [typed, ...rest.slice(1)].join('.');
      if (rest.length === 1 && model.functions.has(`${module}:${currentClass}.${rest[0]}`)) return `${module}.${currentClass}.${rest[0]}`;
      return dotted;
    }
    const typed = objectTypes.get(`${currentScopeKey}|${head}`) ?? objectTypes.get(`|${head}`);
    if (typed) return [typed, ...rest].join('.');
    const binding = imports.get(head);
    if (binding) return [binding.target, ...rest].join('.');
    if (localDefinitions.has(head)) return [`${module}.${head}`, ...rest].join('.');
    return dotted;
  }
  function lookup(name: string): Expr | undefined {
    if ((name.startsWith('self.') || name.startsWith('cls.')) && currentClass) {
      const attribute = name.slice(name.indexOf('.') + 1);
      return classAttributes.get(currentClass)?.get(attribute) ?? localConstants.get(`class:${currentClass}|self.${attribute}`);
    }
    const dot = name.indexOf('.');
    if (dot > 0) {
      const owner = name.slice(0, dot);
      if (classAttributes.has(owner)) return classAttributes.get(owner)!.get(name.slice(dot + 1));
      return undefined;
    }
    return localConstants.get(`${currentScopeKey}|${name}`) ?? model.constants.get(name);
  }
  function isInstance(dotted: string): boolean {
    if ((dotted.startsWith('self.') || dotted.startsWith('cls.')) && currentClass) return /^(self|cls)\.\w+$/.test(dotted) && objectTypes.has(`class:${currentClass}|self.${dotted.slice(dotted.indexOf('.') + 1)}`);
    return /^\w+$/.test(dotted) && (objectTypes.has(`${currentScopeKey}|${dotted}`) || objectTypes.has(`|${dotted}`));
  }
  const scope: Scope = { qualify, lookup, isInstance };
  const classOfDef = new Map<Container, string | undefined>(); // a def's class (`self`'s), found once per def
  function enterScope(chain: Container[]): void {
    const def = innermostDef(chain);
    currentScopeKey = functionIdOf(def) ?? '';
    if (def) {
      if (!classOfDef.has(def)) {
        const cls = innermostClass(enclosing(def.start, def.end));
        classOfDef.set(def, cls ? qualnames.get(cls.node.id) : undefined);
      }
      currentClass = classOfDef.get(def);
    } else {
      const cls = innermostClass(chain);
      currentClass = cls ? qualnames.get(cls.node.id) : undefined;
    }
  }

  for (const { name, node } of captures) {
    if (name === 'import') {
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'dotted_name') {
          const head = child.text.split('.')[0]!;
          imports.set(head, { local: head, target: head, line: node.startPosition.row + 1 });
        } else if (child.type === 'aliased_import') {
          const target = child.childForFieldName('name')?.text;
          const alias = child.childForFieldName('alias')?.text;
          if (target && alias) imports.set(alias, { local: alias, target, line: node.startPosition.row + 1 });
        }
      }
    } else if (name === 'import_from') {
      const moduleNode = node.childForFieldName('module_name');
      if (!moduleNode) continue;
      let from = moduleNode.text;
      if (moduleNode.type === 'relative_import') {
        const dots = /^\.+/.exec(from)?.[0].length ?? 0;
        from = resolveRelative(module, isPackage, dots, from.slice(dots));
      }
      for (const child of node.childrenForFieldName('name')) {
        if (!child) continue;
        const binding: ImportBinding = child.type === 'aliased_import'
          ? { local: child.childForFieldName('alias')?.text ?? '', target: `${from}.${child.childForFieldName('name')?.text}`, line: node.startPosition.row + 1 }
          : { local: child.text, target: `${from}.${child.text}`, line: node.startPosition.row + 1 };
        if (binding.local) imports.set(binding.local, binding);
      }
    }
  }

  for (const c of containers) {
    if (c.kind === 'loop') continue;
    const qualname = qualnames.get(c.node.id)!;
    const chain = enclosing(c.start, c.end);
    if (c.kind === 'class') {
      enterScope(chain);
      const bases = (c.node.childForFieldName('superclasses')?.namedChildren ?? [])
        .flatMap((base) => (base && base.type !== 'keyword_argument' ? [qualify(dottedText(base) ?? base.text)] : []));
      const info: ClassInfo = { name: c.node.childForFieldName('name')?.text ?? '?', qualname, span: spanOf(c.node), bases, attributes: new Map(), methods: [] };
      model.classes.set(qualname, info);
      classAttributes.set(qualname, info.attributes);
      continue;
    }
    const params = (c.node.childForFieldName('parameters')?.namedChildren ?? []).flatMap((p) => {
      if (!p) return [];
      const id = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChildren.find((x) => x?.type === 'identifier');
      return id ? [id.text] : [];
    });
    const paramAnnotations: Record<string, string> = {};
    for (const p of c.node.childForFieldName('parameters')?.namedChildren ?? []) {
      if (!p || (p.type !== 'typed_parameter' && p.type !== 'typed_default_parameter')) continue;
      const id = p.childForFieldName('name') ?? p.namedChildren.find((x) => x?.type === 'identifier');
      const annotation = p.childForFieldName('type')?.text;
      if (id && annotation) paramAnnotations[id.text] = annotation;
    }
    const decorated = c.node.parent?.type === 'decorated_definition' ? c.node.parent : undefined;
    const decorators = decorated ? decorated.namedChildren.filter((d) => d?.type === 'decorator').map((d) => d!.text.replace(/^@\s*/, '')) : [];
    const cls = innermostClass(chain);
    const fn: FunctionInfo = {
      id: `${module}:${qualname}`, name: c.node.childForFieldName('name')?.text ?? '?', qualname,
      className: cls ? qualnames.get(cls.node.id) : undefined, span: spanOf(c.node), params, decorators,
      isAsync: c.node.text.startsWith('async'), callIds: [], callees: new Set(),
    };
    if (Object.keys(paramAnnotations).length > 0) fn.paramAnnotations = paramAnnotations;
    model.functions.set(fn.id, fn);
    if (fn.className) model.classes.get(fn.className)?.methods.push(fn.id);
  }

  // An assignment under an `if` (a clamp, an override) does not replace an earlier unconditional value.
  const underIf = (n: typeof captures[number]['node']): boolean => {
    for (let p = n.parent; p && p.type !== 'function_definition' && p.type !== 'class_definition'; p = p.parent) {
      if (p.type === 'if_statement' || p.type === 'elif_clause' || p.type === 'else_clause') return true;
    }
    return false;
  };
  // Assignments: module constants, class attributes, local constants, and object types.
  for (const { name, node } of captures) {
    if (name !== 'assign' && name !== 'augassign') continue;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) continue;
    const chain = enclosing(node.startIndex, node.endIndex);
    enterScope(chain);
    const target = left.text;
    const def = innermostDef(chain);
    const cls = innermostClass(chain);
    const value = evaluate(right, scope);
    const assignment: AssignmentInfo = {
      span: spanOf(node), target, value, functionId: functionIdOf(def),
      loopIds: loopsAround(chain, node.startIndex, node.endIndex),
      augmented: name === 'augassign' ? node.childForFieldName('operator')?.text : undefined,
    };
    const annotation = name === 'assign' ? node.childForFieldName('type')?.text : undefined;
    if (annotation) assignment.annotation = annotation;
    model.assignments.push(assignment);
    if (name === 'augassign') continue;
    const type = typeOfValue(right, scope);
    if (!def && !cls) {
      if (left.type === 'identifier') {
        if (!model.constants.has(target) || (assignment.loopIds.length === 0 && !underIf(node))) model.constants.set(target, value);
        if (type) objectTypes.set(`|${target}`, type);
      }
    } else if (!def && cls && left.type === 'identifier') {
      classAttributes.get(qualnames.get(cls.node.id)!)?.set(target, value);
    } else if (def) {
      const fnId = functionIdOf(def)!;
      if (/^(self|cls)\.\w+$/.test(target) && currentClass) {
        const key = `class:${currentClass}|${target.replace(/^cls\./, 'self.')}`;
        if (type) objectTypes.set(key, type);
        if (value.value.kind !== 'unknown' && !localConstants.has(key)) localConstants.set(key, value);
      } else if (left.type === 'identifier') {
        if (type) objectTypes.set(`${fnId}|${target}`, type);
        if (value.value.kind !== 'unknown' && assignment.loopIds.length === 0 && !(underIf(node) && localConstants.has(`${fnId}|${target}`))) localConstants.set(`${fnId}|${target}`, value);
      }
    }
  }
  // `with open(p) as f` / `with requests.Session() as s` bind typed names too.
  for (const { name, node } of captures) {
    if (name !== 'with') continue;
    const chain = enclosing(node.startIndex, node.endIndex);
    enterScope(chain);
    for (const item of withItems(node)) {
      const value = item.childForFieldName('value');
      if (value?.type !== 'as_pattern') continue;
      const call = value.namedChildren[0];
      const alias = value.childForFieldName('alias')?.text ?? value.namedChildren[1]?.text;
      const type = call ? typeOfValue(call, scope) : undefined;
      if (type && alias) objectTypes.set(`${currentScopeKey}|${alias}`, type);
    }
  }

  // ---- Pass 2: loops, calls and withs.
  const loopById = new Map<number, LoopInfo>();
  const callByRange = new Map<string, number>(); // `start:end` → the first call with that range (with items)
  for (const c of containers) {
    if (c.kind !== 'loop') continue;
    const chain = enclosing(c.start, c.end);
    const def = innermostDef(chain);
    const kind = c.node.type === 'for_statement' ? 'for' : c.node.type === 'while_statement' ? 'while' : 'comprehension';
    const condition = kind === 'while' ? c.node.childForFieldName('condition')?.text : undefined;
    const loop: LoopInfo = {
      id: c.id as number, kind, span: spanOf(c.node), unbounded: condition !== undefined && isUnboundedCondition(condition),
      conditionText: condition, iterableText: c.iterable?.text, targetText: kind === 'for' ? c.node.childForFieldName('left')?.text : undefined,
      functionId: functionIdOf(def), parentLoopId: loopsAround(chain, c.start, c.end)[0], callIds: [], hasBreakOrReturn: false,
    };
    model.loops.push(loop);
    loopById.set(loop.id, loop);
  }
  for (const { name, node } of captures) {
    if (name === 'exit') {
      const chain = enclosing(node.startIndex, node.endIndex);
      const innermost = loopsAround(chain, node.startIndex, node.endIndex)[0];
      if (innermost !== undefined) loopById.get(innermost)!.hasBreakOrReturn = true;
      continue;
    }
    if (name !== 'call') continue;
    const fnNode = node.childForFieldName('function');
    if (!fnNode) continue;
    const nodeEnd = node.endIndex;
    const chain = enclosing(node.startIndex, nodeEnd);
    enterScope(chain);
    const def = innermostDef(chain);
    const dotted = dottedText(fnNode); // read once: each node property read crosses into WASM
    const fnType = fnNode.type;
    const calleeText = dotted ?? fnNode.text;
    // Calling an instance (`s = S(); s()`) calls its class's `__call__`.
    const instanceType = fnType === 'identifier' ? objectTypes.get(`${currentScopeKey}|${calleeText}`) ?? objectTypes.get(`|${calleeText}`) : undefined;
    const callee = instanceType ? `${instanceType}.__call__` : dotted ? qualify(calleeText) : calleeText;
    const args: Argument[] = [];
    for (const arg of node.childForFieldName('arguments')?.namedChildren ?? []) {
      if (!arg || arg.type === 'comment') continue;
      if (arg.type === 'keyword_argument') {
        const valueNode = arg.childForFieldName('value');
        if (valueNode) args.push({ name: arg.childForFieldName('name')?.text, expr: evaluate(valueNode, scope) });
      } else {
        args.push({ expr: evaluate(arg, scope) });
      }
    }
    const parent = node.parent;
    let receiver: string | undefined;
    let method: string | undefined;
    let objectNode: Node | null = null;
    if (fnType === 'attribute') {
      objectNode = fnNode.childForFieldName('object');
      receiver = objectNode?.text;
      method = fnNode.childForFieldName('attribute')?.text;
    }
    const loopIds = loopsAround(chain, node.startIndex, nodeEnd);
    const site: CallSite = {
      id: model.calls.length, span: spanOf(node), callee, calleeText, receiver, method,
      // A dotted callee has a dotted receiver; otherwise the receiver itself is asked.
      receiverType: receiver && (dotted !== undefined || dottedText(objectNode!)) ? qualify(receiver) : undefined,
      args, functionId: functionIdOf(def), loopIds,
      inWithItem: parent?.type === 'with_item' || (parent?.type === 'as_pattern' && parent.parent?.type === 'with_item'),
      assignedTo: parent?.type === 'assignment' ? parent.childForFieldName('left')?.text : undefined,
      resultDiscarded: parent?.type === 'expression_statement',
      isLoopIterable: iterableIds.has(node.id),
      context: 'startup',
    };
    if (site.receiverType === receiver) site.receiverType = undefined;
    model.calls.push(site);
    const rangeKey = `${site.span.start}:${site.span.end}`;
    if (!callByRange.has(rangeKey)) callByRange.set(rangeKey, site.id);
    if (site.functionId) model.functions.get(site.functionId)?.callIds.push(site.id);
    if (loopIds[0] !== undefined) loopById.get(loopIds[0])!.callIds.push(site.id);
  }
  // Membership tests (`x in y`): comparisons come with the query's captures, in document order.
  const memberships: MembershipInfo[] = [];
  for (const { name, node } of captures) {
    if (name !== 'compare') continue;
    const children = node.children.filter((child): child is Node => child !== null);
    for (let i = 1; i + 1 < children.length; i += 2) {
      const op = children[i]!.type;
      if (op !== 'in' && op !== 'not in') continue;
      const chain = enclosing(node.startIndex, node.endIndex);
      enterScope(chain);
      memberships.push({
        span: spanOf(node), needle: children[i - 1]!.text, haystack: evaluate(children[i + 1]!, scope), negated: op === 'not in',
        functionId: functionIdOf(innermostDef(chain)), loopIds: loopsAround(chain, node.startIndex, node.endIndex),
      });
    }
  }
  model.memberships = memberships;
  for (const { name, node } of captures) {
    if (name !== 'with') continue;
    const chain = enclosing(node.startIndex, node.endIndex);
    const info: WithInfo = { span: spanOf(node), items: [], functionId: functionIdOf(innermostDef(chain)) };
    for (const item of withItems(node)) {
      const value = item.childForFieldName('value');
      const callNode = value?.type === 'as_pattern' ? value.namedChildren[0] : value;
      const alias = value?.type === 'as_pattern' ? value.childForFieldName('alias')?.text : undefined;
      const callId = callNode?.type === 'call' ? callByRange.get(`${callNode.startIndex}:${callNode.endIndex}`) : undefined;
      info.items.push({ callId, alias, text: item.text });
    }
    model.withs.push(info);
  }
  return model;
}

function withItems(node: Node): Node[] {
  const clause = node.namedChildren.find((child) => child?.type === 'with_clause');
  return (clause?.namedChildren ?? []).filter((child): child is Node => child?.type === 'with_item');
}
