// A compact, fast encoding of plain data (the per-file models): used to send models from the parse
// workers to the main thread and to store them in the content cache.
//
// Why not structured clone / `v8.serialize`: they write every property name of every object and every
// string in full, and they rebuild objects property by property. Models are millions of small objects of a
// few shapes (spans, call sites, expressions) whose strings repeat (function ids, callee names), so here
//  - every distinct string is written once, in a string table (decoded strings are shared, which also
//    saves memory on the main thread);
//  - every object shape (its key list) is written once, and objects of a shape are rebuilt by a generated
//    factory (`(r) => ({ line: r(), column: r(), … })`), i.e. an object literal V8 creates at full speed;
//  - the structure is an Int32Array of tokens (one per string, object or small integer) (and a Float64Array for non-integer numbers), transferable
//    between threads without a copy.
// Maps, Sets, arrays, plain objects, strings, numbers, booleans, null and undefined are supported; an
// object referenced twice (a constant's value shared with its assignment) is decoded as one object.
// Anything else (functions, class instances, cycles) throws: the caller falls back to structured clone.

const UNDEFINED = -1;
const NULL = -2;
const TRUE = -3;
const FALSE = -4;
const FLOAT = -5;
const ARRAY = -7;
const MAP = -8;
const SET = -9;
const REF = -11;
const HOLE = -12;
/**
 * Strings and objects, the commonest values, take one token each: a token `t <= BASE` stands for the
 * string `k / 2` when `k = BASE - t` is even, and for an object of shape `(k - 1) / 2` when it is odd.
 */
const BASE = -16;

/** Deeper than this is a cycle, or data no model has (the stack would not survive decoding it either). */
const MAX_DEPTH = 1000;

export interface Encoded {
  /** The string table, then the object shapes (each a key list), as one JSON text. */
  header: string;
  tokens: Int32Array;
  floats: Float64Array;
}

export class UnsupportedValueError extends Error {}

class Encoder {
  strings: string[] = [];
  stringIds = new Map<string, number>();
  shapes: string[][] = [];
  /**
   * Shape ids by their first key. An object's key list is compared with each candidate's key by key: property
   * names are interned strings, so each comparison is a pointer check (cheaper than a map lookup per key).
   */
  shapesByFirstKey = new Map<string, number[]>();
  tokens = new Int32Array(1 << 16);
  length = 0;
  floats: number[] = [];
  /** Objects already written, by the id they get when their encoding ends (decoder order). */
  done = new Map<object, number>();
  count = 0;
  /**
   * Objects being written, nested. Models are trees with a few shared leaves, so a cycle is told by depth
   * alone: one map write per object instead of two (the encoder's hottest cost).
   */
  depth = 0;

  push(token: number): void {
    if (this.length === this.tokens.length) {
      const grown = new Int32Array(this.tokens.length * 2);
      grown.set(this.tokens);
      this.tokens = grown;
    }
    this.tokens[this.length++] = token;
  }

  push2(tag: number, payload: number): void {
    if (this.length + 2 > this.tokens.length) {
      const grown = new Int32Array(this.tokens.length * 2);
      grown.set(this.tokens);
      this.tokens = grown;
    }
    this.tokens[this.length++] = tag;
    this.tokens[this.length++] = payload;
  }

  string(value: string): void {
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.stringIds.set(value, id);
    }
    this.push(BASE - 2 * id);
  }

  value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return;
      case 'number':
        if (Number.isInteger(value) && value >= 0 && value <= 0x7fffffff && !Object.is(value, -0)) this.push(value);
        else {
          this.push2(FLOAT, this.floats.length);
          this.floats.push(value);
        }
        return;
      case 'boolean':
        this.push(value ? TRUE : FALSE);
        return;
      case 'undefined':
        this.push(UNDEFINED);
        return;
      case 'object':
        if (value === null) {
          this.push(NULL);
          return;
        }
        this.object(value);
        return;
      default:
        throw new UnsupportedValueError(`cannot encode a ${typeof value}`);
    }
  }

  object(value: object): void {
    const seen = this.done.get(value);
    if (seen !== undefined) {
      this.push2(REF, seen);
      return;
    }
    if (++this.depth > MAX_DEPTH) throw new UnsupportedValueError('cannot encode a cycle or nesting this deep');
    if (Array.isArray(value)) {
      this.push2(ARRAY, value.length);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === undefined && !(i in value)) this.push(HOLE);
        else this.value(item);
      }
    } else if (value instanceof Map) {
      this.push2(MAP, value.size);
      for (const [k, v] of value) {
        this.value(k);
        this.value(v);
      }
    } else if (value instanceof Set) {
      this.push2(SET, value.size);
      for (const v of value) this.value(v);
    } else {
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new UnsupportedValueError(`cannot encode a ${proto?.constructor?.name ?? 'class'} instance`);
      const keys = Object.keys(value);
      this.push(BASE - 2 * this.shapeId(keys) - 1);
      const record = value as Record<string, unknown>;
      for (const key of keys) this.value(record[key]);
    }
    this.done.set(value, this.count++);
    this.depth--;
  }

  shapeId(keys: string[]): number {
    const first = keys.length > 0 ? keys[0]! : '';
    let candidates = this.shapesByFirstKey.get(first);
    if (!candidates) this.shapesByFirstKey.set(first, (candidates = []));
    for (const id of candidates) {
      const known = this.shapes[id]!;
      if (known.length !== keys.length) continue;
      let same = true;
      for (let i = 1; i < keys.length; i++) {
        if (known[i] !== keys[i]) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
    const id = this.shapes.length;
    this.shapes.push(keys);
    candidates.push(id);
    return id;
  }
}

/** Encodes plain data; throws `UnsupportedValueError` for what it cannot represent. */
export function encode(value: unknown): Encoded {
  const encoder = new Encoder();
  encoder.value(value);
  return {
    header: JSON.stringify([encoder.strings, encoder.shapes]),
    tokens: encoder.tokens.slice(0, encoder.length),
    floats: Float64Array.from(encoder.floats),
  };
}

type Factory = (read: () => unknown) => object;
const factories = new Map<string, Factory>();

/** `(r) => ({ "line": r(), "column": r() })`: one generated literal per shape, cached for the process. */
function factoryFor(keys: string[]): Factory {
  const signature = keys.join('\u0000');
  let factory = factories.get(signature);
  if (!factory) {
    const body = keys.map((key) => `${JSON.stringify(key)}: r()`).join(', ');
    // Keys such as `__proto__` would set the prototype in a literal: build those objects by assignment.
    factory = keys.includes('__proto__')
      ? (read) => {
        const result: Record<string, unknown> = {};
        for (const key of keys) Object.defineProperty(result, key, { value: read(), enumerable: true, writable: true, configurable: true });
        return result;
      }
      : (new Function('r', `return { ${body} };`) as Factory);
    factories.set(signature, factory);
  }
  return factory;
}

export class CorruptEncodingError extends Error {}

/** Decodes what `encode` produced. Throws `CorruptEncodingError` when the data is not self-consistent. */
export function decode(encoded: Encoded): unknown {
  let table: unknown;
  try {
    table = JSON.parse(encoded.header);
  } catch {
    throw new CorruptEncodingError('bad header');
  }
  if (!Array.isArray(table) || table.length !== 2 || !Array.isArray(table[0]) || !Array.isArray(table[1])) throw new CorruptEncodingError('bad header');
  const strings = table[0] as string[];
  const shapes = (table[1] as string[][]).map((keys) => {
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) throw new CorruptEncodingError('bad shape');
    return factoryFor(keys);
  });
  const { tokens, floats } = encoded;
  const refs: object[] = [];
  let at = 0;
  const next = (): number => {
    if (at >= tokens.length) throw new CorruptEncodingError('truncated');
    return tokens[at++]!;
  };
  /** An array's length or a map's or set's size: a sound one is never more than the token count. */
  const count = (what: string): number => {
    const n = next();
    if (n < 0 || n > tokens.length) throw new CorruptEncodingError(`bad ${what}`);
    return n;
  };
  const read = (): unknown => {
    const token = next();
    if (token >= 0) return token;
    if (token <= BASE) {
      const k = BASE - token;
      if ((k & 1) === 0) {
        const s = strings[k >> 1];
        if (typeof s !== 'string') throw new CorruptEncodingError('bad string');
        return s;
      }
      const factory = shapes[k >> 1];
      if (!factory) throw new CorruptEncodingError('bad shape id');
      const object = factory(read);
      refs.push(object);
      return object;
    }
    switch (token) {
      case UNDEFINED: return undefined;
      case NULL: return null;
      case TRUE: return true;
      case FALSE: return false;
      case FLOAT: {
        const index = next();
        if (index >= floats.length || index < 0) throw new CorruptEncodingError('bad float');
        return floats[index];
      }
      case ARRAY: {
        const length = count('array');
        const array: unknown[] = [];
        for (let i = 0; i < length; i++) {
          if (tokens[at] === HOLE) {
            at++;
            array.length = i + 1;
          } else array.push(read());
        }
        refs.push(array);
        return array;
      }
      case MAP: {
        const size = count('map');
        const map = new Map();
        for (let i = 0; i < size; i++) {
          const key = read();
          map.set(key, read());
        }
        refs.push(map);
        return map;
      }
      case SET: {
        const size = count('set');
        const set = new Set();
        for (let i = 0; i < size; i++) set.add(read());
        refs.push(set);
        return set;
      }
      case REF: {
        const object = refs[next()];
        if (!object) throw new CorruptEncodingError('bad reference');
        return object;
      }
      default:
        throw new CorruptEncodingError(`bad token ${token}`);
    }
  };
  const value = read();
  if (at !== tokens.length) throw new CorruptEncodingError('trailing data');
  return value;
}
