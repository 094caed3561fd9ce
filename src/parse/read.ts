// Reads a Python source file the way Python would: UTF-8 by default, a PEP 263 coding line otherwise;
// binary, oversized or unreadable files are refused with a one-line reason instead of an exception.
import { readFileSync, statSync } from 'node:fs';
import { lookupTable } from '../util/lookup.js';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const aliasOf = lookupTable<string>({ latin_1: 'latin1', 'iso_8859_1': 'latin1', 'iso-8859-15': 'iso-8859-15', cp1252: 'windows-1252', utf8: 'utf-8' });

function declaredEncoding(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 400).toString('latin1').split(/\r?\n/).slice(0, 2);
  for (const line of head) {
    const match = CODING.exec(line);
    if (match) return match[1]!.toLowerCase().replace(/^utf[-_]?8.*$/, 'utf-8');
  }
  return undefined;
}

export function decodeSource(bytes: Buffer): ReadResult {
  if (bytes.includes(0)) return { ok: false, reason: 'binary file (contains NUL bytes), skipped' };
  const encoding = declaredEncoding(bytes) ?? 'utf-8';
  const label = aliasOf(encoding.replace(/-/g, '_')) ?? encoding;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    return { ok: false, reason: `unknown source encoding "${encoding}", skipped` };
  }
  try {
    return { ok: true, text: decoder.decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return { ok: false, reason: `not valid ${encoding === 'utf-8' ? 'UTF-8' : encoding} (and no PEP 263 coding line), skipped` };
  }
}

export function readSource(path: string): ReadResult {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { ok: false, reason: 'cannot read (is a folder), skipped' };
    // A device (`/dev/zero`) never ends and a FIFO with no writer blocks forever: only regular files are read.
    if (!stat.isFile()) return { ok: false, reason: 'not a regular file, skipped' };
    const size = stat.size;
    if (size > MAX_FILE_BYTES) return { ok: false, reason: `file too large (${(size / 1048576).toFixed(1)} MB > ${MAX_FILE_BYTES / 1048576} MB), skipped` };
    return decodeSource(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'file disappeared during the run' : code === 'EISDIR' ? 'is a folder' : code ?? 'read error';
    return { ok: false, reason: `cannot read (${why}), skipped` };
  }
}
