// Writing files so that a reader never sees half of one: write a temp file beside it, fsync, rename.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** Creates missing parent folders one by one (Node's recursive mkdir spins forever under /proc). */
function ensureFolder(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensureFolder(parent);
  mkdirSync(dir);
}

export function writeFileAtomic(path: string, content: string): void {
  ensureFolder(dirname(path));
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'w');
    writeSync(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
}

/** A one-line description of a filesystem error (`EACCES: permission denied`, `ENOSPC: no space left on device`). */
export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied', EPERM: 'operation not permitted', ENOSPC: 'no space left on device', EROFS: 'read-only file system',
    ENOENT: 'no such file or folder', EISDIR: 'is a folder', ENOTDIR: 'not a folder', EDQUOT: 'disk quota exceeded',
  };
  return e?.code ? `${reasons[e.code] ?? e.message} (${e.code})` : String((e as Error)?.message ?? error);
}
