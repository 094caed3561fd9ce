// Reads the Markdown back: rebuilds entries when the JSON state is missing or corrupt, and finds
// lines written by hand (bullets without a key), which become notes. Never throws.
import type { Severity } from '../rules/types.js';
import type { Context } from '../model/types.js';
import {
  CONTEXTS,
  INDEX_FILE,
  TOPICS,
  bottleneckKey,
  dimensionOfRule,
  emptyState,
  normalizeText,
  noteKey,
  parseBottleneckKey,
  type BottleneckEntry,
  type MemoryState,
  type NoteEntry,
  type OptimizationEntry,
} from './model.js';

const KEY = /<!--\s*key:\s*(.*?)\s*-->/;
const BULLET = /^\s*[-*+]\s+(.*\S)\s*$/;
const DATE = '(\\d{4}-\\d{2}-\\d{2})';
const ICONS: Record<string, Severity> = { '🔴': 'critical', '🟡': 'important', '🟢': 'minor' };

function match(text: string, pattern: string): string | undefined {
  return new RegExp(pattern).exec(text)?.[1];
}

function parseBottleneck(key: string, content: string, heading: string, today: string): BottleneckEntry | undefined {
  const parts = parseBottleneckKey(key);
  if (!parts) return undefined;
  const icon = Object.keys(ICONS).find((i) => content.includes(i));
  const contextWord = /\((handler|poll_loop|loop|per_task|startup)\)/.exec(content)?.[1];
  const line = Number(/`[^`]*:(\d+)`/.exec(content)?.[1] ?? /^L(\d+)$/.exec(parts.anchor)?.[1] ?? 0);
  const title = / — (.*?)(?: · |$)/.exec(content)?.[1]?.trim();
  const firstSeen = match(content, `known since ${DATE}`) ?? match(content, `since ${DATE}`);
  const lastSeen = match(content, `last seen ${DATE}`);
  const resolvedOn = match(content, `resolved ${DATE}`);
  const regressedOn = match(content, `regressed ${DATE}`);
  const count = Number(match(content, 'seen (\\d+)×') ?? 2);
  const fix = /· fix: (.*)$/.exec(content)?.[1]?.trim();
  const runtime = /runtime-confirmed \(([^)]*)\)/.exec(content)?.[1];
  const resolved = resolvedOn !== undefined || /\b(resolved|in place|fixed)\b/i.test(heading);
  const entry: BottleneckEntry = {
    key: bottleneckKey(parts.rule, parts.file, parts.anchor),
    rule: parts.rule,
    dimension: dimensionOfRule(parts.rule),
    severity: icon ? ICONS[icon]! : 'important',
    file: parts.file,
    anchor: parts.anchor,
    line: Number.isFinite(line) ? line : 0,
    context: (CONTEXTS as readonly string[]).includes(contextWord ?? '') ? (contextWord as Context) : 'loop',
    title: title && title !== '' ? title : parts.rule,
    status: resolved ? 'resolved' : 'verified',
    firstSeen: firstSeen ?? lastSeen ?? resolvedOn ?? today,
    lastSeen: lastSeen ?? resolvedOn ?? firstSeen ?? today,
    count: Number.isFinite(count) && count >= 1 ? count : 2,
  };
  if (fix) entry.fix = fix;
  if (runtime) entry.runtime = { kind: runtime };
  if (resolved) entry.resolvedOn = resolvedOn ?? today;
  if (!resolved && regressedOn) {
    entry.regression = true;
    entry.regressedOn = regressedOn;
  } else if (!resolved && /regress/i.test(content)) entry.regression = true;
  return entry;
}

function parseOptimization(key: string, content: string, today: string): OptimizationEntry | undefined {
  const title = /\*\*(.+?)\*\*/.exec(content)?.[1];
  if (!title) return undefined;
  return {
    key,
    title,
    change: /change: (.*?)(?: · before:|$)/.exec(content)?.[1]?.trim() ?? '',
    before: /before: (.*?)(?: → after:|$)/.exec(content)?.[1]?.trim() ?? '',
    after: /→ after: (.*?)(?: · (?:measured|estimated)|$)/.exec(content)?.[1]?.trim() ?? '',
    measured: /· measured\b/.test(content),
    date: match(content, DATE) ?? today,
  };
}

function stripKey(content: string): string {
  return content.replace(KEY, '').trim();
}

export interface Recovered {
  state: MemoryState;
  /** How many entries were read back. */
  entries: number;
}

/**
 * Entries found in the Markdown files (topic files first: they carry full detail; the index fills gaps).
 * `files` maps file names to their text.
 */
export function recoverFromMarkdown(files: Map<string, string>, today: string): Recovered {
  const state = emptyState();
  const seen = new Set<string>();
  const order = [...TOPICS.map((t) => t.file), INDEX_FILE];
  for (const name of order) {
    const text = files.get(name);
    if (text === undefined) continue;
    let heading = '';
    let fenced = false;
    for (const raw of text.split(/\r?\n/)) {
      if (/^\s*(```|~~~)/.test(raw)) fenced = !fenced;
      if (fenced) continue;
      const h = /^#{2,3}\s+(.*)$/.exec(raw);
      if (h) {
        if (raw.startsWith('## ')) heading = h[1]!;
        continue;
      }
      const bullet = BULLET.exec(raw);
      if (!bullet) continue;
      const content = bullet[1]!;
      const key = KEY.exec(content)?.[1];
      try {
        if (key === undefined) {
          const note = stripKey(content);
          const k = noteKey(note);
          if (note !== '' && !seen.has(k)) {
            seen.add(k);
            state.notes.push({ key: k, text: note, added: today });
          }
          continue;
        }
        if (seen.has(key) || key.startsWith('hot:')) continue;
        if (key.startsWith('note:')) {
          const text = stripKey(content);
          if (text === '') continue;
          seen.add(key);
          state.notes.push({ key, text, added: today });
        } else if (key.startsWith('opt:')) {
          const o = parseOptimization(key, stripKey(content), today);
          if (o) {
            seen.add(key);
            state.optimizations.push(o);
          }
        } else {
          const e = parseBottleneck(key, stripKey(content), heading, today);
          if (e && !seen.has(e.key)) {
            seen.add(e.key);
            state.bottlenecks.push(e);
          }
        }
      } catch {
        /* a line we cannot read is skipped */
      }
    }
  }
  return { state, entries: state.notes.length + state.optimizations.length + state.bottlenecks.length };
}

/**
 * Bullets without a key in MEMORY.md and the topic files: lines a person (or an agent with an editor)
 * added by hand. They are kept as notes, verbatim, so a hand edit is never lost.
 */
export function handWrittenNotes(files: Map<string, string>, known: readonly NoteEntry[], today: string): NoteEntry[] {
  const have = new Set(known.map((n) => normalizeText(n.text)));
  const found: NoteEntry[] = [];
  for (const name of [INDEX_FILE, ...TOPICS.map((t) => t.file)]) {
    const text = files.get(name);
    if (text === undefined) continue;
    let fenced = false;
    for (const raw of text.split(/\r?\n/)) {
      if (/^\s*(```|~~~)/.test(raw)) fenced = !fenced;
      if (fenced) continue;
      const bullet = BULLET.exec(raw);
      if (!bullet || KEY.test(bullet[1]!)) continue;
      const note = bullet[1]!.trim();
      const norm = normalizeText(note);
      if (norm === '' || have.has(norm)) continue;
      have.add(norm);
      found.push({ key: noteKey(note), text: note, added: today });
    }
  }
  return found;
}
