// Directory listings and walks, as DK403 and DK408 see them.
import type { CallSite } from '../../model/types.js';
import { argument, keyword } from '../support.js';

export interface Listing {
  kind: 'listdir' | 'walk';
  /** The folder (or pattern) expression. */
  pathText: string;
  api: string;
  /** The call as written for messages: `os.listdir(INBOX)`, `queue.iterdir()`. */
  display: string;
}

const LISTDIR = new Set(['os.listdir', 'os.scandir', 'glob.glob', 'glob.iglob']);
const WALK = new Set(['os.walk', 'os.fwalk']);

function isRecursivePattern(text: string | undefined): boolean {
  return !!text && /\*\*/.test(text);
}

/** What a call lists, if it is a listing: `os.listdir(INBOX)`, `glob.glob(p, recursive=True)`, `Path(x).rglob("*")`. */
export function listingOf(call: CallSite): Listing | undefined {
  if (LISTDIR.has(call.callee)) {
    const arg = argument(call, 0, call.callee.startsWith('glob') ? 'pathname' : 'path');
    const pathText = arg?.expr.text ?? '"."';
    // `**` only recurses with recursive=True; without it, it is a plain `*`.
    const recursive = call.callee.startsWith('glob') && keyword(call, 'recursive')?.expr.text === 'True';
    return { kind: recursive ? 'walk' : 'listdir', pathText, api: call.calleeText, display: `${call.calleeText}(${call.args.map((a) => (a.name ? `${a.name}=${a.expr.text}` : a.expr.text)).join(', ')})` };
  }
  if (WALK.has(call.callee)) {
    const pathText = argument(call, 0, 'top')?.expr.text ?? '"."';
    return { kind: 'walk', pathText, api: call.calleeText, display: `${call.calleeText}(${pathText})` };
  }
  if (!call.method || !call.receiver) return undefined;
  const pathLike = call.callee.startsWith('pathlib.') || /path|dir|folder|root|inbox|outbox|queue|spool|base|home|Path\(/i.test(call.receiver);
  if (!pathLike) return undefined;
  const display = `${call.receiver}.${call.method}(${call.args.map((a) => (a.name ? `${a.name}=${a.expr.text}` : a.expr.text)).join(', ')})`;
  if (call.method === 'iterdir') return { kind: 'listdir', pathText: call.receiver, api: 'Path.iterdir', display };
  if (call.method === 'rglob') return { kind: 'walk', pathText: call.receiver, api: 'Path.rglob', display };
  if (call.method === 'glob') {
    const pattern = call.args[0]?.expr.text;
    return { kind: isRecursivePattern(pattern) ? 'walk' : 'listdir', pathText: call.receiver, api: 'Path.glob', display };
  }
  return undefined;
}
