// Writing files so that a reader never sees half of one: write a temp file beside it, fsync, rename.
import { closeSync, existsSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Creates missing parent folders one by one (Node's recursive mkdir spins forever under /proc). */
function ensureFolder(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensureFolder(parent);
  mkdirSync(dir);
}

function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
}

export function writeFileAtomic(path: string, content: string): void {
  let stat: Stats | undefined;
  try {
    stat = statSync(path);
  } catch {
    // a new file (or a dangling link): written beside itself below
  }
  if (stat && !stat.isFile() && !stat.isDirectory()) {
    // A device, pipe or socket (`-o /dev/stdout`, `/dev/full`, `>(cmd)`): written in place. Renaming a temp
    // file over it would replace the device node itself (as root, even /dev/full).
    const fd = openSync(path, 'w');
    try {
      writeAll(fd, Buffer.from(content, 'utf8'));
    } finally {
      closeSync(fd);
    }
    return;
  }
  // Through a symlink, the file it points to is replaced; the link stays a link.
  let target = path;
  try {
    target = stat ? realpathSync(path) : lstatSync(path).isSymbolicLink() ? resolve(dirname(path), readlinkSync(path)) : path;
  } catch {
    // keep the path as given
  }
  ensureFolder(dirname(target));
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'w');
    writeAll(fd, Buffer.from(content, 'utf8'));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Writes to standard output. When it is a regular file (`clawperf analyze > report.md`), Node's stream
 * drops what a short write leaves (a full disk, a file-size limit) and exits 0 with half a report: there,
 * the bytes are written in a loop and a failure throws. Pipes and terminals keep Node's stream.
 */
export function writeStdout(text: string): void {
  let isFile = false;
  try {
    isFile = fstatSync(1).isFile();
  } catch {
    // no stdout to look at: let the stream report it
  }
  if (!isFile) {
    // A reader that went away (`clawperf analyze | head`) is not a crash: the run finishes (memory included)
    // without the rest of the report. Any other stream error is one line and exit 2.
    if (process.stdout.listenerCount('error') === 0) {
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') return;
        process.stderr.write(`clawperf: cannot write the report to standard output: ${describeFsError(error)}\n`);
        process.exitCode = 2;
      });
    }
    process.stdout.write(text);
    return;
  }
  writeAll(1, Buffer.from(text, 'utf8'));
}

/** A one-line description of a filesystem error (`EACCES: permission denied`, `ENOSPC: no space left on device`). */
export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied', EPERM: 'operation not permitted', ENOSPC: 'no space left on device', EROFS: 'read-only file system',
    ENOENT: 'no such file or folder', EISDIR: 'is a folder', ENOTDIR: 'not a folder', EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large (file-size limit reached)',
  };
  return e?.code ? `${reasons[e.code] ?? e.message} (${e.code})` : String((e as Error)?.message ?? error);
}
