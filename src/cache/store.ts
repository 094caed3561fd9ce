// The content cache: `.clawperf/cache/` under the project root holds the pre-link model of every file
// analysed, named by sha256(salt, module name, file content). An unchanged file is never parsed again; the
// linker still runs on all models each time, so cross-module facts follow any file that changed.
//
// - salt: clawperf VERSION, the codec version, and a fingerprint of the model builder's own code (build,
//   expr, parser query, codec): a new clawperf, or any edit to how models are built, starts a fresh key space.
//   Models do not depend on the rules (rules read the linked model each run), so rule edits keep the cache.
// - the module name is in the key because a model's ids embed it (`pkg.mod:func`, resolved relative imports);
//   the path is not: it is set from the current run, so a file seen under another path reports the new one.
// - entries are written to a temp file and renamed (atomic); a corrupt or truncated entry fails its checksum
//   and is parsed again and rewritten; a cache folder that cannot be written just turns caching off.
// - size is bounded: entries unused for 30 days go, and past 200 MB the least recently used go first.
import { createHash } from 'node:crypto';
import {
  closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync, writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../paths.js';
import type { Encoded } from './codec.js';

export const CODEC_VERSION = 2;
const MAGIC = 0x314d5043; // "CPM1" little-endian
const HEADER_BYTES = 72;
export const CACHE_MAX_BYTES = 200 * 1024 * 1024;
export const CACHE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** A hit refreshes an entry's mtime (its "last used") at most this often. */
const TOUCH_AFTER_MS = 24 * 3600 * 1000;
/** Every this many runs, or when the folder may have outgrown the bound, old entries are pruned. */
const PRUNE_EVERY_RUNS = 20;

let saltCache: string | undefined;

/** clawperf's version plus a fingerprint of the code that builds models: the key space of the cache. */
export function cacheSalt(): string {
  if (saltCache) return saltCache;
  const hash = createHash('sha256').update(`clawperf ${VERSION}\0codec ${CODEC_VERSION}\0`);
  const here = dirname(fileURLToPath(import.meta.url));
  for (const file of ['../model/build.js', '../model/expr.js', '../model/types.js', '../parse/parser.js', '../parse/model-file.js', './codec.js']) {
    try {
      hash.update(readFileSync(join(here, file)));
    } catch {
      hash.update(`missing ${file}`);
    }
  }
  try {
    hash.update(readFileSync(createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm')));
  } catch {
    hash.update('grammar not found');
  }
  saltCache = hash.digest('hex').slice(0, 32);
  return saltCache;
}

export function entryKey(salt: string, module: string, isPackage: boolean, text: string): string {
  return createHash('sha256').update(`${salt}\0${module}\0${isPackage ? 1 : 0}\0`).update(text).digest('hex');
}

export function entryPath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.cpm`);
}

function checksum(bytes: Uint8Array): Buffer {
  return createHash('sha1').update(bytes).digest();
}

/** The bytes of one entry: header, floats (8-aligned), tokens (4-aligned), then the JSON string table. */
export function serializeEntry(key: string, encoded: Encoded): Buffer {
  const header = Buffer.from(encoded.header, 'utf8');
  const floatBytes = encoded.floats.length * 8;
  const tokenBytes = encoded.tokens.length * 4;
  const out = Buffer.allocUnsafeSlow(HEADER_BYTES + floatBytes + tokenBytes + header.length);
  out.fill(0, 0, HEADER_BYTES);
  const words = new Uint32Array(out.buffer, out.byteOffset, 4);
  words[0] = MAGIC;
  words[1] = header.length;
  words[2] = encoded.tokens.length;
  words[3] = encoded.floats.length;
  out.write(key, 16, 32, 'hex');
  new Float64Array(out.buffer, out.byteOffset + HEADER_BYTES, encoded.floats.length).set(encoded.floats);
  new Int32Array(out.buffer, out.byteOffset + HEADER_BYTES + floatBytes, encoded.tokens.length).set(encoded.tokens);
  header.copy(out, HEADER_BYTES + floatBytes + tokenBytes);
  checksum(out.subarray(HEADER_BYTES)).copy(out, 48);
  return out;
}

/** Parses entry bytes (from a non-pooled buffer, offset 0); undefined when anything does not add up. */
export function parseEntry(key: string, bytes: Buffer): Encoded | undefined {
  if (bytes.length < HEADER_BYTES || bytes.byteOffset !== 0) return undefined;
  const words = new Uint32Array(bytes.buffer, 0, 4);
  if (words[0] !== MAGIC) return undefined;
  const headerLength = words[1]!;
  const tokenCount = words[2]!;
  const floatCount = words[3]!;
  const floatBytes = floatCount * 8;
  const tokenBytes = tokenCount * 4;
  if (HEADER_BYTES + floatBytes + tokenBytes + headerLength !== bytes.length) return undefined;
  if (bytes.toString('hex', 16, 48) !== key) return undefined;
  if (!checksum(bytes.subarray(HEADER_BYTES)).equals(bytes.subarray(48, 68))) return undefined;
  return {
    floats: new Float64Array(bytes.buffer, HEADER_BYTES, floatCount),
    tokens: new Int32Array(bytes.buffer, HEADER_BYTES + floatBytes, tokenCount),
    header: bytes.toString('utf8', HEADER_BYTES + floatBytes + tokenBytes),
  };
}

function readWhole(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.allocUnsafeSlow(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === size ? buffer : buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

export type ReadOutcome = { kind: 'hit'; encoded: Encoded } | { kind: 'miss' } | { kind: 'corrupt' };

export function readEntry(dir: string, key: string): ReadOutcome {
  const path = entryPath(dir, key);
  let bytes: Buffer;
  try {
    bytes = readWhole(path);
  } catch {
    return { kind: 'miss' };
  }
  const encoded = bytes.byteOffset === 0 ? parseEntry(key, bytes) : undefined;
  if (!encoded) return { kind: 'corrupt' };
  return { kind: 'hit', encoded };
}

/** Marks an entry as used (its mtime), at most once a day: the size bound evicts the least recently used. */
export function touchEntry(dir: string, key: string): void {
  const path = entryPath(dir, key);
  try {
    const now = Date.now();
    if (now - statSync(path).mtimeMs > TOUCH_AFTER_MS) utimesSync(path, now / 1000, now / 1000);
  } catch {
    // read-only or gone: nothing to refresh
  }
}

let tempCounter = 0;

/** Renames the new entry into place; a folder standing at the entry's path (the cache is ours) is removed first. */
function renameOver(temp: string, path: string): void {
  try {
    renameSync(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    rmSync(path, { recursive: true, force: true });
    renameSync(temp, path);
  }
}

/** Writes an entry atomically (temp file + rename). False when the folder cannot be written. */
export function writeEntry(dir: string, key: string, encoded: Encoded, madeDirs?: Set<string>): boolean {
  const path = entryPath(dir, key);
  const folder = dirname(path);
  const temp = `${path}.${process.pid}.${tempCounter++}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    if (!madeDirs?.has(folder)) {
      mkdirSync(folder, { recursive: true });
      madeDirs?.add(folder);
    }
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, serializeEntry(key, encoded));
    } finally {
      closeSync(fd);
    }
    renameOver(temp, path);
    return true;
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    return false;
  }
}

interface CacheState {
  runs: number;
  /** Bytes in the folder at the last prune, plus what was written since. */
  bytes: number;
  lastPrune: number;
}

function readState(dir: string): CacheState {
  try {
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Partial<CacheState>;
    return { runs: Number(state.runs) || 0, bytes: Number(state.bytes) || 0, lastPrune: Number(state.lastPrune) || 0 };
  } catch {
    return { runs: 0, bytes: 0, lastPrune: 0 };
  }
}

function writeState(dir: string, state: CacheState): void {
  const temp = join(dir, `state.json.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    writeFileSync(temp, JSON.stringify(state));
    renameSync(temp, join(dir, 'state.json'));
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
  }
}

/** Deletes entries unused for `maxAgeMs`, then the least recently used until the folder is under `maxBytes`. */
export function pruneCache(dir: string, maxBytes = CACHE_MAX_BYTES, maxAgeMs = CACHE_MAX_AGE_MS, now = Date.now()): { kept: number; removed: number; bytes: number } {
  const entries: { path: string; size: number; mtime: number }[] = [];
  let removed = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return { kept: 0, removed: 0, bytes: 0 };
  }
  for (const sub of names) {
    if (!/^[0-9a-f]{2}$/.test(sub)) continue;
    let files: string[];
    try {
      files = readdirSync(join(dir, sub));
    } catch {
      continue;
    }
    for (const name of files) {
      const path = join(dir, sub, name);
      try {
        const stat = statSync(path);
        // Leftover temp files of a crashed run: gone after an hour.
        if (name.endsWith('.tmp') ? now - stat.mtimeMs > 3600_000 : now - stat.mtimeMs > maxAgeMs) {
          unlinkSync(path);
          removed++;
        } else if (name.endsWith('.cpm')) {
          entries.push({ path, size: stat.size, mtime: stat.mtimeMs });
        }
      } catch {
        // raced with another run: fine
      }
    }
  }
  let bytes = entries.reduce((sum, e) => sum + e.size, 0);
  if (bytes > maxBytes) {
    entries.sort((a, b) => a.mtime - b.mtime);
    const target = maxBytes * 0.8;
    for (const entry of entries) {
      if (bytes <= target) break;
      try {
        unlinkSync(entry.path);
        bytes -= entry.size;
        removed++;
        entry.size = -1;
      } catch {
        // raced with another run
      }
    }
  }
  return { kept: entries.filter((e) => e.size >= 0).length, removed, bytes };
}

/** Per run: counts a run, adds what was written, and prunes when due. Never throws. */
export function finishRun(dir: string, writtenBytes: number, options: { maxBytes?: number; maxAgeMs?: number } = {}): void {
  try {
    const state = readState(dir);
    state.runs++;
    state.bytes += writtenBytes;
    const maxBytes = options.maxBytes ?? CACHE_MAX_BYTES;
    if (state.bytes > maxBytes || state.runs - state.lastPrune >= PRUNE_EVERY_RUNS) {
      state.bytes = pruneCache(dir, maxBytes, options.maxAgeMs).bytes;
      state.lastPrune = state.runs;
    }
    writeState(dir, state);
  } catch {
    // the cache is an optimisation: it never fails a run
  }
}
