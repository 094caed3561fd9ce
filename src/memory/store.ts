// Where the memory lives and how it is written safely by many processes at once:
// an exclusive lock file (O_EXCL create, retry with back-off, stale-lock detection by pid and age),
// and every file written to a temp file, fsynced, then renamed over the old one.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryError, errno, ioError } from './errors.js';

export const DEFAULT_MEMORY_DIR = '.claude/agent-memory/performance-engineer';
export const LOCK_FILE = '.lock';
const BREAK_SUFFIX = '.break';
const TEMP_PATTERN = /\.tmp-\d+-[0-9a-f]+$/;

/** The memory folder: `dir` (absolute, or relative to the root) or the seed's default under the root. */
export function memoryDir(root: string, dir?: string): string {
  return resolve(root, dir && dir.trim() !== '' ? dir : DEFAULT_MEMORY_DIR);
}

export interface LockOptions {
  /** Give up (MemoryError LOCKED) after this long. */
  timeoutMs?: number;
  /** A lock older than this is stale whoever holds it (the holder hung or its pid was reused). */
  staleMs?: number;
}

const DEFAULTS = { timeoutMs: 60_000, staleMs: 60_000 };

/** Reads a text file; `undefined` when it does not exist. Other read errors are returned, not thrown. */
export function readText(path: string): { text?: string; error?: string } {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (error) {
    if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return {};
    return { error: `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, 'create', dir);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errno(error) === 'EPERM';
  }
}

interface LockInfo {
  content: string;
  pid?: number;
  host?: string;
  ageMs: number;
}

function readLock(lock: string): LockInfo | undefined {
  try {
    const content = readFileSync(lock, 'utf8');
    const ageMs = Date.now() - statSync(lock).mtimeMs;
    const [pid, host] = content.split(' ');
    const n = Number(pid);
    return { content, pid: Number.isInteger(n) && n > 0 ? n : undefined, host, ageMs };
  } catch {
    return undefined; // released meanwhile
  }
}

function isStale(info: LockInfo, staleMs: number): boolean {
  // No pid yet: the holder is between creating the file and writing its token (a busy machine can pause
  // it there for seconds), or it died in that instant. Only age tells them apart.
  if (info.pid === undefined) return info.ageMs > staleMs;
  if (info.host === hostname() && !pidAlive(info.pid)) return true;
  return info.ageMs > staleMs;
}

/**
 * Removes a stale lock without racing another breaker: only the holder of `<lock>.break` may remove it,
 * and only if the lock still has the content that was judged stale (a fresh lock is never removed).
 */
function breakStale(lock: string, observed: string): void {
  const breaker = lock + BREAK_SUFFIX;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx');
  } catch (error) {
    if (errno(error) !== 'EEXIST') throw ioError(error, 'lock', lock);
    try {
      if (Date.now() - statSync(breaker).mtimeMs > 10_000) unlinkSync(breaker); // a breaker died mid-break
    } catch {
      /* gone already */
    }
    return;
  }
  try {
    closeSync(fd);
    const now = readLock(lock);
    if (now && now.content === observed) unlinkSync(lock);
  } catch {
    /* someone else released it */
  } finally {
    try {
      unlinkSync(breaker);
    } catch {
      /* already removed */
    }
  }
}

async function acquire(lock: string, options: Required<LockOptions>): Promise<() => void> {
  const token = `${process.pid} ${hostname()} ${Date.now()} ${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + options.timeoutMs;
  let delay = 2;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx', 0o644);
    } catch (error) {
      if (errno(error) !== 'EEXIST') throw ioError(error, 'lock', lock);
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, token);
        closeSync(fd);
      } catch (error) {
        try {
          closeSync(fd);
        } catch {
          /* already closed */
        }
        try {
          unlinkSync(lock);
        } catch {
          /* nothing to undo */
        }
        throw ioError(error, 'lock', lock);
      }
      return () => {
        // Remove the lock only if it is still ours (it is, unless we were judged stale and broken).
        try {
          if (readFileSync(lock, 'utf8') === token) unlinkSync(lock);
        } catch {
          /* already gone */
        }
      };
    }
    const info = readLock(lock);
    if (info && isStale(info, options.staleMs)) {
      breakStale(lock, info.content);
      continue;
    }
    if (Date.now() >= deadline) {
      const holder = info?.pid ? `process ${info.pid}${info.host && info.host !== hostname() ? ` on ${info.host}` : ''}` : 'another process';
      throw new MemoryError(
        `project memory is locked by ${holder} (${lock}); try again, or delete the lock file if no clawperf is running`,
        'LOCKED',
        lock,
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}

/** Runs `fn` while holding the folder's exclusive lock (the folder is created if missing). */
export async function withLock<T>(dir: string, fn: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  ensureDir(dir);
  const release = await acquire(join(dir, LOCK_FILE), { ...DEFAULTS, ...options });
  try {
    return await fn();
  } finally {
    release();
  }
}

/** Removes temp files left by a process that died mid-write (call under the lock). */
export function cleanupTemps(dir: string, olderThanMs = 60_000): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!TEMP_PATTERN.test(name)) continue;
    const path = join(dir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > olderThanMs) unlinkSync(path);
    } catch {
      /* raced with its owner */
    }
  }
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/**
 * Writes several files so that each one is either entirely old or entirely new:
 * every temp file is written and fsynced first (a full disk fails here and changes nothing),
 * then they are renamed into place in order, then the folder is fsynced.
 */
export function writeFilesAtomic(dir: string, files: Array<{ name: string; content: string }>): void {
  const temps: Array<{ temp: string; final: string }> = [];
  const cleanup = () => {
    for (const { temp } of temps) {
      try {
        unlinkSync(temp);
      } catch {
        /* renamed or never created */
      }
    }
  };
  for (const { name, content } of files) {
    const final = join(dir, name);
    const temp = join(dir, `.${name.replace(/^\./, '')}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    let fd: number | undefined;
    try {
      fd = openSync(temp, 'wx', 0o644);
      temps.push({ temp, final });
      writeAll(fd, Buffer.from(content, 'utf8'));
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
    } catch (error) {
      if (fd !== undefined) {
        try {
          closeSync(fd);
        } catch {
          /* ignore */
        }
      }
      cleanup();
      throw ioError(error, 'write', final);
    }
  }
  for (let i = 0; i < temps.length; i++) {
    const { temp, final } = temps[i]!;
    try {
      renameSync(temp, final);
    } catch (error) {
      for (const rest of temps.slice(i)) {
        try {
          unlinkSync(rest.temp);
        } catch {
          /* ignore */
        }
      }
      throw ioError(error, 'write', final);
    }
  }
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* some file systems refuse fsync on a directory; the renames are done */
  }
}

/** Keeps a copy of a corrupt file for inspection (best effort, under the lock). */
export function preserveCorrupt(dir: string, name: string, copyName: string): void {
  try {
    renameSync(join(dir, name), join(dir, copyName));
  } catch {
    /* nothing to keep */
  }
}
