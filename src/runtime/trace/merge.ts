// Merging the per-process count files the sitecustomize writes into one TraceResult.
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { TraceLine, TraceProcess, TraceResult } from './types.js';

/** One file written by python/trace/sitecustomize.py (one process, one flush). */
export interface ProcessCounts {
  version: 1;
  pid: number;
  ppid: number;
  argv: string[];
  /** [absolute file, line, kind, events] */
  counts: [string, number, string, number][];
}

export function readCountFiles(dir: string): ProcessCounts[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: ProcessCounts[] = [];
  // Names are `<pid>-<time_ns>-<seq>.json`: sorting by time keeps a process's first argv first.
  const sorted = names
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .sort((a, b) => {
      const ta = a.split('-')[1] ?? '';
      const tb = b.split('-')[1] ?? '';
      return ta.length - tb.length || (ta < tb ? -1 : ta > tb ? 1 : 0);
    });
  for (const name of sorted) {
    try {
      const data = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ProcessCounts;
      if (data && Array.isArray(data.counts)) out.push(data);
    } catch {
      // A half-written file (process killed mid-flush): the atomic rename makes this rare; skip it.
    }
  }
  return out;
}

/** `file` relative to the project root with forward slashes (absolute if outside it). */
export function projectRelative(projectRoot: string, file: string): string {
  const rel = relative(projectRoot, file);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return file.split(sep).join('/');
  return rel.split(sep).join('/');
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function mergeCounts(
  files: ProcessCounts[],
  base: Omit<TraceResult, 'processes' | 'lines' | 'totals'>,
): TraceResult {
  const lines = new Map<string, TraceLine>();
  const processes = new Map<number, TraceProcess>();
  const totals: Record<string, number> = {};
  const seconds = base.durationSeconds > 0 ? base.durationSeconds : 1e-3;
  for (const file of files) {
    let proc = processes.get(file.pid);
    if (!proc) {
      proc = { pid: file.pid, ppid: file.ppid, argv: file.argv ?? [], events: 0 };
      processes.set(file.pid, proc);
    }
    for (const row of file.counts) {
      const [path, line, kind, events] = row;
      if (typeof path !== 'string' || typeof kind !== 'string' || !(events > 0)) continue;
      const rel = projectRelative(base.projectRoot, path);
      const key = `${rel}\0${line}\0${kind}`;
      const entry = lines.get(key);
      if (entry) entry.events += events;
      else lines.set(key, { file: rel, line: Number(line) || 0, kind, events, eventsPerSecond: 0 });
      totals[kind] = (totals[kind] ?? 0) + events;
      proc.events += events;
    }
  }
  const sorted = [...lines.values()]
    .map((l) => ({ ...l, eventsPerSecond: round2(l.events / seconds) }))
    .sort((a, b) => b.events - a.events || a.file.localeCompare(b.file) || a.line - b.line || a.kind.localeCompare(b.kind));
  const orderedTotals: Record<string, number> = {};
  for (const kind of Object.keys(totals).sort((a, b) => (totals[b] ?? 0) - (totals[a] ?? 0))) orderedTotals[kind] = totals[kind] ?? 0;
  return {
    ...base,
    processes: [...processes.values()].sort((a, b) => a.pid - b.pid),
    lines: sorted,
    totals: orderedTotals,
  };
}
