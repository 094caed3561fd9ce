// The one error the memory module throws: a clear, one-line message the caller prints as is.

export type MemoryErrorCode =
  | 'READ_ONLY' // the folder (or a parent) cannot be written
  | 'OUTSIDE' // the default folder resolves outside the project root (a symlinked .claude)
  | 'DISK_FULL' // ENOSPC / EDQUOT while writing
  | 'LOCKED' // another process held the lock for longer than the timeout
  | 'INVALID' // bad arguments (missing root, empty text…)
  | 'IO'; // anything else the file system refused

export class MemoryError extends Error {
  readonly code: MemoryErrorCode;
  readonly path?: string;

  constructor(message: string, code: MemoryErrorCode, path?: string, cause?: unknown) {
    // One line, always: the CLI prints `clawperf: <message>` and exits 2.
    super(message.replace(/\s*\n\s*/g, ' ').trim(), cause === undefined ? undefined : { cause });
    this.name = 'MemoryError';
    this.code = code;
    this.path = path;
  }
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** Turns a Node fs error into a MemoryError that says what failed, where, and why. */
export function ioError(error: unknown, action: string, path: string): MemoryError {
  if (error instanceof MemoryError) return error;
  const errno = errnoOf(error);
  const where = `cannot ${action} project memory at ${path}`;
  switch (errno) {
    case 'EACCES':
    case 'EPERM':
      return new MemoryError(`${where}: permission denied, the folder is read-only for this user (${errno})`, 'READ_ONLY', path, error);
    case 'EROFS':
      return new MemoryError(`${where}: read-only file system (EROFS)`, 'READ_ONLY', path, error);
    case 'ENOSPC':
      return new MemoryError(`${where}: no space left on the device (ENOSPC); nothing was changed`, 'DISK_FULL', path, error);
    case 'EDQUOT':
      return new MemoryError(`${where}: disk quota exceeded (EDQUOT); nothing was changed`, 'DISK_FULL', path, error);
    case 'EFBIG':
      return new MemoryError(`${where}: file too large for the file system or the process's file-size limit (EFBIG); nothing was changed`, 'DISK_FULL', path, error);
    case 'ENOTDIR':
      return new MemoryError(`${where}: a parent of the folder is not a directory (ENOTDIR)`, 'IO', path, error);
    default: {
      const detail = error instanceof Error ? error.message : String(error);
      return new MemoryError(`${where}: ${detail}`, 'IO', path, error);
    }
  }
}

export function errno(error: unknown): string | undefined {
  return errnoOf(error);
}
