// Builds the FileModel of one Python file from its tree-sitter tree, in two passes over one query's matches:
// first the names (imports, definitions, constants, object types), then the call sites, loops and withs.
//
// Every Node getter and child lookup crosses from JavaScript into WASM (and most allocate a Node), which is
// most of the cost of a build: each fact of a node is read once, text is sliced from the source string,
// end positions come from a table of line starts, and names and literals are read off the text when the
// tree has no errors (simple-text.ts).
import type { Node, QueryCapture, QueryMatch, Tree } from 'web-tree-sitter';
import { MAX_QUERY_DEPTH } from '../parse/limits.js';
import type { PythonParser } from '../parse/parser.js';
import {
  calleeOf, dottedText, evaluate, evaluateSimple, fieldChild, identifierText, plainCalleeText, textOf, type CalleeFacts, type FieldName, type Scope, type Source,
} from './expr.js';
import { simpleArguments, simpleExpression, simpleHeader, simpleParameters, simpleTarget, type SimpleArgument } from './simple-text.js';
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
  /** Loops: which kind (the capture name says it, no need to ask the node). */
  loopKind?: LoopInfo['kind'];
  /** Defs and classes: the name as written, and the dotted qualified name. */
  name?: string;
  qualname?: string;
  /** Defs: where the parameter list starts, when the header could be read off the text. */
  parametersStart?: number;
}

/** One query match: the node a pattern is about, and the children captured with it (`call.function`, …). */
interface Found {
  name: string;
  node: Node;
  captures: QueryCapture[];
}

/** The child a pattern captured under `name`, if the node has one. */
function part(found: Found, name: string): Node | undefined {
  for (const capture of found.captures) if (capture.name === name) return capture.node;
  return undefined;
}

/** The matches of one file, grouped by the pass that reads them, each group in document order. */
type MatchGroups = Record<'containers' | 'imports' | 'assignments' | 'withs' | 'callsAndExits' | 'compares' | 'discarded', Found[]>;

const GROUP_OF_CAPTURE: Record<string, keyof MatchGroups> = {
  def: 'containers', class: 'containers', for: 'containers', while: 'containers', comprehension: 'containers',
  import: 'imports', import_from: 'imports',
  assign: 'assignments', augassign: 'assignments',
  with: 'withs',
  call: 'callsAndExits', exit: 'callsAndExits',
  compare: 'compares',
  discarded: 'discarded',
};

/**
 * Matches come in the order they complete: a pattern with children completes at its last child, so an
 * outer call (`a.b(c).d(e)`) can come after the call inside it. Sorting by start (stable) restores
 * document order, outer before inner, except among calls that start together: those are ordered by
 * their ends (outermost first) where the model reads them.
 */
function groupMatches(matches: QueryMatch[]): MatchGroups {
  const groups: MatchGroups = { containers: [], imports: [], assignments: [], withs: [], callsAndExits: [], compares: [], discarded: [] };
  for (const { captures } of matches) {
    for (const { name, node } of captures) {
      const group = GROUP_OF_CAPTURE[name];
      if (!group) continue;
      groups[group].push({ name, node, captures });
      break;
    }
  }
  for (const found of Object.values(groups)) found.sort((a, b) => a.node.startIndex - b.node.startIndex);
  return groups;
}

/** Where each line starts: a node's end position follows from its end index (reading `endPosition` crosses into WASM). */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The span of a node whose end index is known. Tree-sitter counts rows at `\n` and columns in UTF-16 code
 * units for JavaScript strings, so the end row is the last line starting at or before the end index.
 */
function spanAt(node: Node, end: number, lineStarts: number[]): Span {
  const { row, column } = node.startPosition;
  let lo = row;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (lineStarts[mid]! <= end) lo = mid;
    else hi = mid - 1;
  }
  return { line: row + 1, column: column + 1, endLine: lo + 1, endColumn: end - lineStarts[lo]! + 1, start: node.startIndex, end };
}

/** The text of a child captured with a match, or undefined when it has none. */
function partText(found: Found, name: string, source: Source): string | undefined {
  const child = part(found, name);
  return child ? textOf(source, child) : undefined;
}

/** Calls (and exits) with their ranges, in document order: calls starting together, outermost first. */
function callsInDocumentOrder(found: Found[]): { found: Found; start: number; end: number }[] {
  const ranged = found.map((f) => ({ found: f, start: f.node.startIndex, end: f.node.endIndex }));
  return ranged.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** The text of a node's field child, or undefined when it has none. */
function fieldText(node: Node, field: FieldName, source: Source): string | undefined {
  const child = fieldChild(node, field);
  return child ? textOf(source, child) : undefined;
}

/** The type tracked for a variable bound to a constructor's result (`s = requests.Session()` → `requests.Session`). */
function trackedType(constructor: string): string {
  return constructor === 'open' || constructor === 'io.open' || constructor === 'codecs.open' ? 'file' : constructor;
}

/** Constructors whose result we track by variable, so `s.get(...)` knows `s` is a `requests.Session`. */
function typeOfValue(value: Node, scope: Scope, source: Source, type = value.type): string | undefined {
  if (type !== 'call') return undefined;
  const fn = fieldChild(value, 'function');
  const dotted = fn ? dottedText(fn, source) : undefined;
  return dotted ? trackedType(scope.qualify(dotted)) : undefined;
}

const NOQA = /#\s*noqa(?::\s*([A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?/i;
/** `# clawperf: noqa` (the whole file) or `# clawperf: noqa: PO301, SP502` (those rules in the whole file), as Ruff's `# ruff: noqa`. */
const FILE_NOQA = /#\s*clawperf:\s*noqa(?::\s*([A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?/i;

const codeSet = (codes: string | undefined) => (codes ? new Set(codes.split(',').map((code) => code.trim().toUpperCase())) : undefined);

/** Line → suppressed codes (undefined: all); line 0 holds the file-level suppression. */
function noqaLines(source: string[]): Map<number, Set<string> | undefined> {
  const result = new Map<number, Set<string> | undefined>();
  source.forEach((text, index) => {
    if (!text.includes('#')) return;
    const whole = FILE_NOQA.exec(text);
    if (whole) {
      const codes = codeSet(whole[1]);
      const before = result.get(0);
      // Two file-level comments add up; a bare one covers everything.
      result.set(0, result.has(0) && before && codes ? new Set([...before, ...codes]) : result.has(0) ? undefined : codes);
      return;
    }
    const match = NOQA.exec(text);
    if (match) result.set(index + 1, codeSet(match[1]));
  });
  return result;
}

function isMainGuard(node: Node, source: Source): boolean {
  if (node.type !== 'if_statement') return false;
  const condition = fieldText(node, 'condition', source)?.replace(/\s+/g, '') ?? '';
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

/** A def, class or loop capture as a container, its ranges read once. */
function containerOf(name: string, node: Node, loopCount: number): Container | undefined {
  const start = node.startIndex;
  if (name === 'def' || name === 'class') {
    const end = node.endIndex;
    return { kind: name, node, regionStart: start, regionEnd: end, id: node.id, start, end, iterableStart: 0, iterableEnd: 0, parent: -1 };
  }
  if (name !== 'for' && name !== 'while' && name !== 'comprehension') return undefined;
  let iterable: Node | undefined;
  if (name === 'for') iterable = fieldChild(node, 'right') ?? undefined;
  if (name === 'comprehension') {
    const clause = node.namedChildren.find((child) => child?.type === 'for_in_clause');
    iterable = (clause && fieldChild(clause, 'right')) ?? undefined;
  }
  const body = name === 'for' ? fieldChild(node, 'body') : null;
  const end = node.endIndex;
  return {
    kind: 'loop', node, iterable, id: loopCount, loopKind: name,
    regionStart: body ? body.startIndex : start,
    regionEnd: end, start, end,
    iterableStart: iterable ? iterable.startIndex : 0, iterableEnd: iterable ? iterable.endIndex : 0, parent: -1,
  };
}

/**
 * Values by scope and name (scope: '' for the module, a function id, or `class:<qualname>`). Nested maps:
 * a lookup builds no `${scope}|${name}` key string, and lookups run for every name the model resolves.
 */
class ScopedNames<V> {
  private readonly scopes = new Map<string, Map<string, V>>();

  get(scope: string, name: string): V | undefined {
    return this.scopes.get(scope)?.get(name);
  }

  has(scope: string, name: string): boolean {
    return this.scopes.get(scope)?.has(name) ?? false;
  }

  set(scope: string, name: string, value: V): void {
    let names = this.scopes.get(scope);
    if (!names) this.scopes.set(scope, (names = new Map()));
    names.set(name, value);
  }
}

/** Call ids by range, for with items: the first call with each range. */
class CallsByRange {
  private readonly byStart = new Map<number, Map<number, number>>();

  addFirst(start: number, end: number, id: number): void {
    let byEnd = this.byStart.get(start);
    if (!byEnd) this.byStart.set(start, (byEnd = new Map()));
    if (!byEnd.has(end)) byEnd.set(end, id);
  }

  get(start: number, end: number): number | undefined {
    return this.byStart.get(start)?.get(end);
  }
}

/** One `with` item: read once, used when binding aliases and again when recording the with. */
interface WithItemFacts {
  text: string;
  /** The context manager expression (the `as_pattern`'s first child, or the value itself), and its type. */
  manager: Node | null | undefined;
  managerType?: string;
  isAsPattern: boolean;
  /** The `alias` field of an `as_pattern`. */
  alias?: string;
  /** The alias as the binding pass reads it: the field, else the pattern's second child. */
  boundName?: string;
}

function withItemFacts(node: Node, source: Source): WithItemFacts[] {
  const clause = node.namedChildren.find((child) => child?.type === 'with_clause');
  const facts: WithItemFacts[] = [];
  for (const item of clause?.namedChildren ?? []) {
    if (item?.type !== 'with_item') continue;
    const value = fieldChild(item, 'value');
    const text = textOf(source, item);
    const valueType = value?.type;
    if (valueType !== 'as_pattern') {
      facts.push({ text, manager: value, managerType: valueType, isAsPattern: false });
      continue;
    }
    const children = value!.namedChildren;
    const manager = children[0];
    const alias = fieldText(value!, 'alias', source);
    const second = children[1];
    facts.push({ text, manager, managerType: manager?.type, isAsPattern: true, alias, boundName: alias ?? (second ? textOf(source, second) : undefined) });
  }
  return facts;
}

export function buildFileModel(path: string, module: string, isPackage: boolean, text: string, tree: Tree, parser: PythonParser): FileModel {
  const root = tree.rootNode;
  const source = text.split(/\r?\n/);
  const lineStarts = lineStartsOf(text);
  const src: Source = { text, wellFormed: !root.hasError };
  const model: FileModel = {
    path, module, lines: source.length, parseError: !src.wellFormed,
    imports: new Map(), constants: new Map(), functions: new Map(), classes: new Map(),
    calls: [], loops: [], withs: [], assignments: [], noqa: noqaLines(source), source,
  };
  // Only a file that names `__main__` can have a main guard: the others skip reading every top-level node.
  if (text.includes('__main__')) {
    for (const child of root.namedChildren) if (child && isMainGuard(child, src)) model.mainGuard = spanAt(child, child.endIndex, lineStarts);
  }

  const matched = groupMatches(parser.query.matches(root, { maxStartDepth: MAX_QUERY_DEPTH }));

  // ---- Containment: which def / class / loops enclose each node (a sweep over containers sorted by start).
  const containers: Container[] = [];
  let loopCounter = 0;
  for (const { name, node } of matched.containers) {
    const container = containerOf(name, node, loopCounter);
    if (!container) continue;
    if (container.kind === 'loop') loopCounter++;
    containers.push(container);
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
    const header = src.wellFormed ? simpleHeader(text, c.start, c.kind) : undefined;
    c.name = header?.name ?? fieldText(c.node, 'name', src) ?? '?';
    c.parametersStart = header?.parametersStart;
    const parents = enclosing(c.start, c.end).filter((p) => p.kind !== 'loop');
    const parent = parents[parents.length - 1];
    c.qualname = parent ? `${parent.qualname}.${c.name}` : c.name;
  }
  const functionIds = new Map<Container, string>(); // one id string per def, built once
  const functionIdOf = (def: Container | undefined) => {
    if (!def) return undefined;
    let id = functionIds.get(def);
    if (id === undefined) {
      id = `${module}:${def.qualname}`;
      functionIds.set(def, id);
    }
    return id;
  };

  // ---- Pass 1: imports, definitions, constants and tracked object types.
  const localDefinitions = new Set<string>();
  for (const c of containers) {
    if (c.kind !== 'loop' && !c.qualname!.includes('.')) localDefinitions.add(c.qualname!);
  }
  const imports = model.imports;
  const objectTypes = new ScopedNames<string>(); // the type of a name bound to a constructor's result
  const classAttributes = new Map<string, Map<string, Expr>>(); // class qualname → attributes
  let currentScopeKey = '';
  let currentClass: string | undefined;
  let currentClassScope = ''; // `class:${currentClass}`, built when the class changes
  const localConstants = new ScopedNames<Expr>(); // simple locals, and `self.x` set in methods

  /** `head.rest` resolved through tracked types, imports and local definitions (string work only: it runs per name). */
  function qualify(dotted: string): string {
    const dot = dotted.indexOf('.');
    const head = dot === -1 ? dotted : dotted.slice(0, dot);
    if (!head) return dotted;
    const rest = dot === -1 ? '' : dotted.slice(dot); // with its leading dot
    if ((head === 'self' || head === 'cls') && currentClass && dot !== -1) {
      const secondDot = dotted.indexOf('.', dot + 1);
      const attribute = secondDot === -1 ? dotted.slice(dot + 1) : dotted.slice(dot + 1, secondDot);
      const typed = objectTypes.get(currentClassScope, `self.${attribute}`);
      if (typed) return secondDot === -1 ? typed : typed + dotted.slice(secondDot);
      if (secondDot === -1 && model.functions.has(`${module}:${currentClass}.${attribute}`)) return `${module}.${currentClass}.${attribute}`;
      return dotted;
    }
    const typed = objectTypes.get(currentScopeKey, head) ?? objectTypes.get('', head);
    if (typed) return typed + rest;
    const binding = imports.get(head);
    if (binding) return binding.target + rest;
    if (localDefinitions.has(head)) return `${module}.${head}${rest}`;
    return dotted;
  }
  function lookup(name: string): Expr | undefined {
    if ((name.startsWith('self.') || name.startsWith('cls.')) && currentClass) {
      const attribute = name.slice(name.indexOf('.') + 1);
      return classAttributes.get(currentClass)?.get(attribute) ?? localConstants.get(currentClassScope, `self.${attribute}`);
    }
    const dot = name.indexOf('.');
    if (dot > 0) {
      const owner = name.slice(0, dot);
      if (classAttributes.has(owner)) return classAttributes.get(owner)!.get(name.slice(dot + 1));
      return undefined;
    }
    return localConstants.get(currentScopeKey, name) ?? model.constants.get(name);
  }
  function isInstance(dotted: string): boolean {
    if ((dotted.startsWith('self.') || dotted.startsWith('cls.')) && currentClass) return /^(self|cls)\.\w+$/.test(dotted) && objectTypes.has(currentClassScope, `self.${dotted.slice(dotted.indexOf('.') + 1)}`);
    return /^\w+$/.test(dotted) && (objectTypes.has(currentScopeKey, dotted) || objectTypes.has('', dotted));
  }
  // Each call's callee, read once: the call-site pass and every evaluation of a nested call use it.
  const calleeByCall = new Map<number, CalleeFacts>();
  for (const found of matched.callsAndExits) {
    const fn = found.name === 'call' ? part(found, 'call.function') : undefined;
    if (!fn) continue;
    const argumentList = part(found, 'call.arguments');
    calleeByCall.set(found.node.id, calleeOf(fn, src, argumentList && plainCalleeText(src, fn.startIndex, argumentList.startIndex)));
  }
  const scope: Scope = { qualify, lookup, isInstance, calleeFacts: (call) => calleeByCall.get(call.id) };
  const classOfDef = new Map<Container, string | undefined>(); // a def's class (`self`'s), found once per def
  function enterScope(chain: Container[]): void {
    const def = innermostDef(chain);
    currentScopeKey = functionIdOf(def) ?? '';
    if (def) {
      if (!classOfDef.has(def)) classOfDef.set(def, innermostClass(enclosing(def.start, def.end))?.qualname);
      setCurrentClass(classOfDef.get(def));
    } else {
      setCurrentClass(innermostClass(chain)?.qualname);
    }
  }
  function setCurrentClass(qualname: string | undefined): void {
    if (qualname !== currentClass) currentClassScope = `class:${qualname}`;
    currentClass = qualname;
  }

  for (const { name, node } of matched.imports) {
    const line = node.startPosition.row + 1;
    if (name === 'import') {
      for (const child of node.namedChildren) {
        if (!child) continue;
        const type = child.type;
        if (type === 'dotted_name') {
          const head = textOf(src, child).split('.')[0]!;
          imports.set(head, { local: head, target: head, line });
        } else if (type === 'aliased_import') {
          const target = fieldText(child, 'name', src);
          const alias = fieldText(child, 'alias', src);
          if (target && alias) imports.set(alias, { local: alias, target, line });
        }
      }
      continue;
    }
    const moduleNode = fieldChild(node, 'module_name');
    if (!moduleNode) continue;
    let from = textOf(src, moduleNode);
    if (moduleNode.type === 'relative_import') {
      const dots = /^\.+/.exec(from)?.[0].length ?? 0;
      from = resolveRelative(module, isPackage, dots, from.slice(dots));
    }
    for (const child of node.childrenForFieldName('name')) {
      if (!child) continue;
      let binding: ImportBinding;
      if (child.type === 'aliased_import') {
        binding = { local: fieldText(child, 'alias', src) ?? '', target: `${from}.${fieldText(child, 'name', src)}`, line };
      } else {
        const imported = textOf(src, child);
        binding = { local: imported, target: `${from}.${imported}`, line };
      }
      if (binding.local) imports.set(binding.local, binding);
    }
  }

  for (const c of containers) {
    if (c.kind === 'loop') continue;
    const qualname = c.qualname!;
    const chain = enclosing(c.start, c.end);
    if (c.kind === 'class') {
      enterScope(chain);
      const bases: string[] = [];
      for (const base of fieldChild(c.node, 'superclasses')?.namedChildren ?? []) {
        if (!base) continue;
        const type = base.type;
        if (type !== 'keyword_argument') bases.push(qualify(dottedText(base, src, type) ?? textOf(src, base)));
      }
      const info: ClassInfo = { name: c.name!, qualname, span: spanAt(c.node, c.end, lineStarts), bases, attributes: new Map(), methods: [] };
      model.classes.set(qualname, info);
      classAttributes.set(qualname, info.attributes);
      continue;
    }
    const { params, paramAnnotations } = parametersOf(c.node, c.parametersStart, src);
    const decorated = c.node.parent;
    const decorators: string[] = [];
    if (decorated?.type === 'decorated_definition') {
      for (const d of decorated.namedChildren) if (d?.type === 'decorator') decorators.push(textOf(src, d).replace(/^@\s*/, ''));
    }
    const cls = innermostClass(chain);
    const fn: FunctionInfo = {
      id: `${module}:${qualname}`, name: c.name!, qualname,
      className: cls?.qualname, span: spanAt(c.node, c.end, lineStarts), params, decorators,
      isAsync: text.slice(c.start, c.end).startsWith('async'), callIds: [], callees: new Set(),
    };
    if (Object.keys(paramAnnotations).length > 0) fn.paramAnnotations = paramAnnotations;
    model.functions.set(fn.id, fn);
    if (fn.className) model.classes.get(fn.className)?.methods.push(fn.id);
  }

  // An assignment under an `if` (a clamp, an override) does not replace an earlier unconditional value.
  const underIf = (n: Node): boolean => {
    for (let p = n.parent; p; p = p.parent) {
      const type = p.type;
      if (type === 'function_definition' || type === 'class_definition') return false;
      if (type === 'if_statement' || type === 'elif_clause' || type === 'else_clause') return true;
    }
    return false;
  };
  // What a call's parent says about it, gathered from the passes that hold the parents (each `parent`
  // read crosses into WASM and walks down from the root). Trusted only in a tree without errors.
  const assignedCalls = new Map<number, string>(); // call node id → the target it is assigned to
  const withManagerCalls = new Set<number>(); // call node ids that are a with item's context manager
  const discardedCalls = new Set(matched.discarded.map(({ node }) => node.id));
  // Assignments: module constants, class attributes, local constants, and object types.
  for (const found of matched.assignments) {
    const { name, node } = found;
    const left = part(found, 'assign.left'); // left and right: the pattern requires both
    const right = part(found, 'assign.right');
    if (!left || !right) continue;
    const start = node.startIndex;
    const end = node.endIndex;
    const chain = enclosing(start, end);
    enterScope(chain);
    // Names and literals are read off the text (the right side ends where the assignment does).
    const simpleLeft = src.wellFormed ? simpleTarget(text, left.startIndex) : undefined;
    const simpleRight = src.wellFormed ? simpleExpression(text, right.startIndex, end) : undefined;
    const target = simpleLeft ? simpleLeft.text : textOf(src, left);
    const def = innermostDef(chain);
    const cls = innermostClass(chain);
    const rightType = simpleRight ? simpleRight.type : right.type;
    const value = simpleRight ? evaluateSimple(simpleRight, scope, src) : evaluate(right, scope, src, 0, rightType);
    const assignment: AssignmentInfo = {
      span: spanAt(node, end, lineStarts), target, value, functionId: functionIdOf(def),
      loopIds: loopsAround(chain, start, end),
      augmented: name === 'augassign' ? partText(found, 'assign.operator', src) : undefined,
    };
    const annotation = name === 'assign' ? partText(found, 'assign.type', src) : undefined;
    if (annotation) assignment.annotation = annotation;
    model.assignments.push(assignment);
    if (name === 'augassign') continue;
    if (rightType === 'call') assignedCalls.set(right.id, target);
    // A call's value was just evaluated in this same scope: its resolved name is the constructor.
    const type = rightType === 'call' && value.qualifiedName ? trackedType(value.qualifiedName) : undefined;
    const leftIsName = (simpleLeft ? simpleLeft.type : left.type) === 'identifier';
    if (!def && !cls) {
      if (leftIsName) {
        if (!model.constants.has(target) || (assignment.loopIds.length === 0 && !underIf(node))) model.constants.set(target, value);
        if (type) objectTypes.set('', target, type);
      }
    } else if (!def && cls && leftIsName) {
      classAttributes.get(cls.qualname!)?.set(target, value);
    } else if (def) {
      const fnId = functionIdOf(def)!;
      if (/^(self|cls)\.\w+$/.test(target) && currentClass) {
        const attribute = target.replace(/^cls\./, 'self.');
        if (type) objectTypes.set(currentClassScope, attribute, type);
        if (value.value.kind !== 'unknown' && !localConstants.has(currentClassScope, attribute)) localConstants.set(currentClassScope, attribute, value);
      } else if (leftIsName) {
        if (type) objectTypes.set(fnId, target, type);
        if (value.value.kind !== 'unknown' && assignment.loopIds.length === 0 && !(localConstants.has(fnId, target) && underIf(node))) localConstants.set(fnId, target, value);
      }
    }
  }
  // `with open(p) as f` / `with requests.Session() as s` bind typed names too.
  const withFacts = matched.withs.map(({ node }) => {
    const end = node.endIndex;
    const chain = enclosing(node.startIndex, end);
    const items = withItemFacts(node, src);
    enterScope(chain);
    for (const item of items) {
      if (item.manager && item.managerType === 'call') withManagerCalls.add(item.manager.id);
      if (!item.isAsPattern) continue;
      const type = item.manager ? typeOfValue(item.manager, scope, src, item.managerType) : undefined;
      if (type && item.boundName) objectTypes.set(currentScopeKey, item.boundName, type);
    }
    return { node, end, chain, items };
  });

  // ---- Pass 2: loops, calls and withs.
  const loopById = new Map<number, LoopInfo>();
  const callByRange = new CallsByRange();
  for (const c of containers) {
    if (c.kind !== 'loop') continue;
    const chain = enclosing(c.start, c.end);
    const def = innermostDef(chain);
    const kind = c.loopKind!;
    const condition = kind === 'while' ? fieldText(c.node, 'condition', src) : undefined;
    const loop: LoopInfo = {
      id: c.id as number, kind, span: spanAt(c.node, c.end, lineStarts), unbounded: condition !== undefined && isUnboundedCondition(condition),
      conditionText: condition, iterableText: c.iterable ? text.slice(c.iterableStart, c.iterableEnd) : undefined,
      targetText: kind === 'for' ? fieldText(c.node, 'left', src) : undefined,
      functionId: functionIdOf(def), parentLoopId: loopsAround(chain, c.start, c.end)[0], callIds: [], hasBreakOrReturn: false,
    };
    model.loops.push(loop);
    loopById.set(loop.id, loop);
  }
  const ordered = callsInDocumentOrder(matched.callsAndExits);
  // The outermost call starting at each position (calls starting together come outermost first).
  const outermostCallAt = new Map<number, { node: Node; end: number }>();
  for (const { found, start, end } of ordered) if (found.name === 'call' && !outermostCallAt.has(start)) outermostCallAt.set(start, { node: found.node, end });
  for (const { found, start, end } of ordered) {
    const node = found.node;
    if (found.name === 'exit') {
      const innermost = loopsAround(enclosing(start, end), start, end)[0];
      if (innermost !== undefined) loopById.get(innermost)!.hasBreakOrReturn = true;
      continue;
    }
    const callee = calleeByCall.get(node.id);
    if (!callee) continue; // no function: not a call site
    const chain = enclosing(start, end);
    enterScope(chain);
    const def = innermostDef(chain);
    const calleeText = callee.dotted ?? textOf(src, part(found, 'call.function')!);
    // Calling an instance (`s = S(); s()`) calls its class's `__call__`.
    const instanceType = callee.type === 'identifier' ? objectTypes.get(currentScopeKey, calleeText) ?? objectTypes.get('', calleeText) : undefined;
    const args = argumentsOf(part(found, 'call.arguments'), end, outermostCallAt, scope, src);
    const around = model.parseError ? surroundingsFromParent(node, src) : {
      inWithItem: withManagerCalls.has(node.id), assignedTo: assignedCalls.get(node.id), resultDiscarded: discardedCalls.has(node.id),
    };
    const loopIds = loopsAround(chain, start, end);
    const { receiver } = callee;
    const site: CallSite = {
      id: model.calls.length, span: spanAt(node, end, lineStarts),
      callee: instanceType ? `${instanceType}.__call__` : callee.dotted ? qualify(calleeText) : calleeText,
      calleeText, receiver, method: callee.method,
      // A dotted callee has a dotted receiver; otherwise the receiver itself is asked.
      receiverType: receiver && (callee.dotted !== undefined || callee.receiverDotted) ? qualify(receiver) : undefined,
      args, functionId: functionIdOf(def), loopIds,
      inWithItem: around.inWithItem, assignedTo: around.assignedTo, resultDiscarded: around.resultDiscarded,
      isLoopIterable: iterableIds.has(node.id),
      context: 'startup',
    };
    if (site.receiverType === receiver) site.receiverType = undefined;
    model.calls.push(site);
    callByRange.addFirst(start, end, site.id);
    if (site.functionId) model.functions.get(site.functionId)?.callIds.push(site.id);
    if (loopIds[0] !== undefined) loopById.get(loopIds[0])!.callIds.push(site.id);
  }
  // Membership tests (`x in y`): comparisons come with the query's matches, in document order.
  const memberships: MembershipInfo[] = [];
  for (const { node } of matched.compares) {
    const children = node.children.filter((child): child is Node => child !== null);
    let end: number | undefined;
    for (let i = 1; i + 1 < children.length; i += 2) {
      const op = children[i]!.type;
      if (op !== 'in' && op !== 'not in') continue;
      const start = node.startIndex;
      end ??= node.endIndex;
      const chain = enclosing(start, end);
      enterScope(chain);
      memberships.push({
        span: spanAt(node, end, lineStarts), needle: textOf(src, children[i - 1]!), haystack: evaluate(children[i + 1]!, scope, src), negated: op === 'not in',
        functionId: functionIdOf(innermostDef(chain)), loopIds: loopsAround(chain, start, end),
      });
    }
  }
  model.memberships = memberships;
  for (const { node, end, chain, items } of withFacts) {
    const info: WithInfo = { span: spanAt(node, end, lineStarts), items: [], functionId: functionIdOf(innermostDef(chain)) };
    for (const item of items) {
      const manager = item.manager;
      const callId = manager && item.managerType === 'call' ? callByRange.get(manager.startIndex, manager.endIndex) : undefined;
      info.items.push({ callId, alias: item.alias, text: item.text });
    }
    model.withs.push(info);
  }
  return model;
}

/** What a call's parent says about it: the context manager of a with, assigned to a name, or thrown away. */
interface CallSurroundings {
  inWithItem: boolean;
  assignedTo?: string;
  resultDiscarded: boolean;
}

/** Surroundings read from the call's parent: for trees with errors, where a parent may hold a call anywhere. */
function surroundingsFromParent(call: Node, source: Source): CallSurroundings {
  const parent = call.parent;
  const parentType = parent?.type;
  return {
    inWithItem: parentType === 'with_item' || (parentType === 'as_pattern' && parent!.parent?.type === 'with_item'),
    assignedTo: parentType === 'assignment' ? fieldText(parent!, 'left', source) : undefined,
    resultDiscarded: parentType === 'expression_statement',
  };
}

/** A call's arguments; `callEnd` is where the call, and so its argument list, ends. */
function argumentsOf(
  argumentList: Node | undefined, callEnd: number, outermostCallAt: Map<number, { node: Node; end: number }>, scope: Scope, source: Source,
): Argument[] {
  const simple = argumentList && source.wellFormed
    ? simpleArguments(source.text, argumentList.startIndex, callEnd, (start) => outermostCallAt.get(start)?.end)
    : undefined;
  if (simple) {
    const exprOf = (arg: SimpleArgument) => arg.type === 'call' ? evaluate(outermostCallAt.get(arg.start)!.node, scope, source, 0, 'call') : evaluateSimple(arg, scope, source);
    return simple.map((arg) => arg.name !== undefined ? { name: arg.name, expr: exprOf(arg) } : { expr: exprOf(arg) });
  }
  const args: Argument[] = [];
  for (const arg of argumentList?.namedChildren ?? []) {
    if (!arg) continue;
    const type = arg.type;
    if (type === 'comment') continue;
    if (type === 'keyword_argument') {
      const valueNode = fieldChild(arg, 'value');
      if (!valueNode) continue;
      const name = fieldChild(arg, 'name'); // an identifier
      args.push({ name: name ? identifierText(source, name) : undefined, expr: evaluate(valueNode, scope, source) });
    } else {
      args.push({ expr: evaluate(arg, scope, source, 0, type) });
    }
  }
  return args;
}

/** A def's parameter names, and the annotations of the typed ones. */
function parametersOf(def: Node, parametersStart: number | undefined, source: Source): { params: string[]; paramAnnotations: Record<string, string> } {
  const simple = parametersStart === undefined ? undefined : simpleParameters(source.text, parametersStart);
  if (simple) return { params: simple, paramAnnotations: {} };
  const params: string[] = [];
  const paramAnnotations: Record<string, string> = {};
  for (const p of fieldChild(def, 'parameters')?.namedChildren ?? []) {
    if (!p) continue;
    const type = p.type;
    const id = type === 'identifier' ? p : fieldChild(p, 'name') ?? p.namedChildren.find((x) => x?.type === 'identifier');
    const name = id ? textOf(source, id) : undefined;
    if (name !== undefined) params.push(name);
    if (type !== 'typed_parameter' && type !== 'typed_default_parameter') continue;
    const annotation = fieldText(p, 'type', source);
    if (name !== undefined && annotation) paramAnnotations[name] = annotation;
  }
  return { params, paramAnnotations };
}
