// Shared fixtures for the memory tests.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dimension, Severity } from '../../src/rules/types.js';
import type { Context } from '../../src/model/types.js';
import type { MemoryFinding } from '../../src/memory/index.js';

export const MEMORY = '.claude/agent-memory/performance-engineer';

export function tempRoot(prefix = 'clawperf-memory-'): { root: string; dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { root, dir: join(root, MEMORY), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function read(root: string, name: string): string {
  return readFileSync(join(root, MEMORY, name), 'utf8');
}

export function finding(
  rule: string,
  file: string,
  line: number,
  extra: { anchor?: string; severity?: Severity; dimension?: Dimension; context?: Context; runtime?: MemoryFinding['runtime'] } = {},
): MemoryFinding {
  const f: MemoryFinding = {
    rule,
    dimension: extra.dimension ?? 'polling',
    severity: extra.severity ?? 'critical',
    file,
    line,
    column: 1,
    endLine: line,
    context: extra.context ?? 'poll_loop',
    title: { en: `${rule} title`, es: `${rule} título` },
    message: { en: 'message', es: 'mensaje' },
    whyAtScale: { en: 'why', es: 'por qué' },
    proposal: {
      change: { en: `fix ${rule}`, es: `arreglar ${rule}` },
      justification: { en: '', es: '' },
      tradeoff: { en: '', es: '' },
      example: '',
    },
    phase: 1,
    cost: { current: [], expected: [], rate: { perSecond: 1, basis: { en: '1/s', es: '1/s' } } },
  };
  if (extra.anchor !== undefined) f.anchor = extra.anchor;
  if (extra.runtime !== undefined) f.runtime = extra.runtime;
  return f;
}

/** Keys of the entries shown in a Markdown text. */
export function keys(markdown: string): string[] {
  return [...markdown.matchAll(/<!-- key: (.*?) -->/g)].map((m) => m[1]!);
}
