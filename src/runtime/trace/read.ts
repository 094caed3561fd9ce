// Loading `.clawperf/trace.json` (for `analyze --trace FILE`), with a readable error when it is not one.
import { readFileSync } from 'node:fs';
import type { TraceResult } from './types.js';

export function readTrace(path: string): TraceResult {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read trace file ${path}: ${(error as Error).message}`);
  }
  const t = data as Partial<TraceResult> | null;
  if (!t || t.version !== 1 || !Array.isArray(t.lines) || typeof t.durationSeconds !== 'number') {
    throw new Error(`${path} is not a clawperf trace (version 1) file`);
  }
  return t as TraceResult;
}
