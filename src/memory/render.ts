// Renders MEMORY.md (the index, never more than 200 lines) and the topic files from the state.
// Deterministic: the same state gives the same bytes (no clock, no run ids), so unchanged files are not rewritten.
// Every generated bullet carries its key in an HTML comment; a bullet without one was written by hand.
import type { Severity } from '../rules/types.js';
import {
  INDEX_FILE,
  STATE_FILE,
  SEVERITY_ICON,
  SEVERITY_RANK,
  TOPICS,
  dimensionTopic,
  isNamedAnchor,
  normalizeText,
  topic,
  type BottleneckEntry,
  type MeasurementEntry,
  type MemoryState,
  type NoteEntry,
  type OptimizationEntry,
  type TopicId,
} from './model.js';
import { isPreference, parsePreferences } from './preferences.js';
import type { Context } from '../model/types.js';

export const MAX_INDEX_LINES = 200;

export interface RenderOptions {
  /** The project's CLAUDE.md: entries it already states are left out of the Markdown (kept in the state). */
  claudeMd?: string;
}

// ---------------------------------------------------------------- small helpers

export function oneLine(text: string, max = 0): string {
  let t = text.replace(/\s+/g, ' ').trim().replace(/<!--/g, '<!- -').replace(/-->/g, '- ->');
  if (max > 0 && t.length > max) t = t.slice(0, max - 1).trimEnd() + '…';
  return t;
}

export function keyComment(key: string): string {
  return `<!-- key: ${key} -->`;
}

function link(id: TopicId): string {
  const t = topic(id);
  return `[${t.file}](${t.file})`;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

const NOTE_TOPICS: Array<[TopicId, RegExp]> = [
  ['caching', /\bcach|lru_cache|memoi[sz]|\bsession\b|keep-?alive/i],
  ['subprocesses', /subprocess|popen|shell=|os\.system|systemctl|\bspawn|\bfork\b/i],
  ['memory-patterns', /\bmemory\b|\bram\b|\bleak|\brss\b|\bheap\b|memoria/i],
  ['scalability', /scal|\bthreads?\b|concurren|\blocks?\b|backlog|\bagents\b|escal/i],
  ['hot-paths', /hot ?path|\bhandler|do_get|do_post|\bloop\b|bucle/i],
  ['io-hotspots', /\bi\/o\b|\bdisk\b|fsync|listdir|inotify|\bpoll|\bfiles?\b|disco/i],
  ['optimizations', /optimi[sz]|speed-?up|faster|latency|throughput|p9\d/i],
  ['bottlenecks', /bottleneck|\bslow|cuello de botella|lento/i],
];

/** The topic file a remembered text goes to: preferences first, then by its words, else preferences.md. */
export function noteTopic(text: string): TopicId {
  if (isPreference(text)) return 'preferences';
  for (const [id, pattern] of NOTE_TOPICS) if (pattern.test(text)) return id;
  return 'preferences';
}

export function noteLine(note: NoteEntry, max = 0): string {
  return `- ${oneLine(note.text, max)} ${keyComment(note.key)}`;
}

export function bottleneckLine(e: BottleneckEntry, detail: boolean): string {
  const where = `\`${e.file}:${e.line}\`` + (isNamedAnchor(e.anchor) ? ` in \`${e.anchor}\`` : '');
  const parts = [`${SEVERITY_ICON[e.severity]} ${e.rule} ${where} (${e.context}) — ${oneLine(e.title, 120).replace(/ · /g, ', ')}`];
  if (e.status !== 'resolved' && e.regression) parts.push(`⚠️ regressed${e.regressedOn ? ` ${e.regressedOn}` : ''}`);
  if (detail) parts.push(`seen ${e.count}×`);
  parts.push(`known since ${e.firstSeen}`);
  if (detail && e.status !== 'resolved') parts.push(`last seen ${e.lastSeen}`);
  if (e.runtime) parts.push(`runtime-confirmed (${oneLine(e.runtime.kind, 40)})`);
  if (e.status === 'resolved' && e.resolvedOn) parts.push(`resolved ${e.resolvedOn}`);
  if (detail && e.fix) parts.push(`fix: ${oneLine(e.fix, 240)}`);
  return `- ${parts.join(' · ')} ${keyComment(e.key)}`;
}

export function optimizationLine(o: OptimizationEntry): string {
  const kind = o.measured ? 'measured' : 'estimated';
  return (
    `- **${oneLine(o.title, 120).replace(/\*\*/g, '')}** — change: ${oneLine(o.change, 240)} · ` +
    `before: ${oneLine(o.before, 80)} → after: ${oneLine(o.after, 80)} · ${kind} · ${o.date} ${keyComment(o.key)}`
  );
}

export function compareBottlenecks(a: BottleneckEntry, b: BottleneckEntry): number {
  return (
    Number(!!b.regression) - Number(!!a.regression) ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    CONTEXT_WEIGHT[b.context] - CONTEXT_WEIGHT[a.context] ||
    b.count - a.count ||
    a.firstSeen.localeCompare(b.firstSeen) ||
    a.key.localeCompare(b.key)
  );
}

function byLocation(a: BottleneckEntry, b: BottleneckEntry): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.key.localeCompare(b.key);
}

function byResolved(a: BottleneckEntry, b: BottleneckEntry): number {
  return (b.resolvedOn ?? '').localeCompare(a.resolvedOn ?? '') || a.key.localeCompare(b.key);
}

function severityCounts(entries: BottleneckEntry[]): string {
  const count = (s: Severity) => entries.filter((e) => e.severity === s).length;
  return `🔴 ${count('critical')} · 🟡 ${count('important')} · 🟢 ${count('minor')}`;
}

function ruleCounts(entries: BottleneckEntry[], top = 5): string {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.rule, (counts.get(e.rule) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([rule, n]) => `${rule} ×${n}`)
    .join(' · ');
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** `### file — n` blocks, busiest files first, entries by line. */
function byFileBlocks(entries: BottleneckEntry[]): string[] {
  const lines: string[] = [];
  const groups = [...groupBy(entries, (e) => e.file)].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  for (const [file, list] of groups) {
    lines.push(`### \`${file}\` — ${list.length}`, '');
    for (const e of list.sort(byLocation)) lines.push(bottleneckLine(e, true));
    lines.push('');
  }
  return lines;
}

// ---------------------------------------------------------------- what is visible

interface View {
  verified: BottleneckEntry[]; // includes regressions
  resolved: BottleneckEntry[];
  notes: NoteEntry[];
  optimizations: OptimizationEntry[];
  notesByTopic: Map<TopicId, NoteEntry[]>;
  /** Current values first (topology, unit costs), then dated results newest first. */
  measurements: MeasurementEntry[];
}

/** Whether the project's CLAUDE.md already states this text (case- and whitespace-insensitive). */
export function inClaudeMd(text: string, claudeMd: string): boolean {
  const needle = normalizeText(text);
  return needle.length >= 4 && normalizeText(claudeMd).includes(needle);
}

function view(state: MemoryState, options: RenderOptions): View {
  const doc = options.claudeMd ? normalizeText(options.claudeMd) : '';
  const docLines = options.claudeMd ? options.claudeMd.toLowerCase().split('\n') : [];
  const inClaude = (text: string) => {
    const needle = normalizeText(text);
    return doc !== '' && needle.length >= 4 && doc.includes(needle);
  };
  const bottleneckInClaude = (e: BottleneckEntry) =>
    doc !== '' &&
    (doc.includes(e.key.toLowerCase()) ||
      docLines.some((l) => l.includes(e.rule.toLowerCase()) && l.includes(e.file.toLowerCase())));
  const shown = state.bottlenecks.filter((e) => e.status !== 'pending' && !bottleneckInClaude(e));
  const notes = state.notes.filter((n) => !inClaude(n.text));
  const notesByTopic = new Map<TopicId, NoteEntry[]>();
  for (const n of notes) {
    const id = noteTopic(n.text);
    notesByTopic.set(id, [...(notesByTopic.get(id) ?? []), n]);
  }
  return {
    verified: shown.filter((e) => e.status === 'verified').sort(compareBottlenecks),
    resolved: shown.filter((e) => e.status === 'resolved').sort(byResolved),
    notes,
    optimizations: state.optimizations
      .filter((o) => !inClaude(o.title))
      .sort((a, b) => b.date.localeCompare(a.date) || a.key.localeCompare(b.key)),
    notesByTopic,
    measurements: [...state.measurements].sort(byMeasurement),
  };
}

const MEASUREMENT_ORDER: Record<MeasurementEntry['kind'], number> = { topology: 0, 'unit-costs': 1, capacity: 2, stress: 3, trace: 4 };
const MEASUREMENT_LABEL: Record<MeasurementEntry['kind'], string> = { topology: 'Topology', 'unit-costs': 'Unit costs', capacity: 'Capacity', stress: 'Stress', trace: 'Trace' };

function byMeasurement(a: MeasurementEntry, b: MeasurementEntry): number {
  return MEASUREMENT_ORDER[a.kind] - MEASUREMENT_ORDER[b.kind] || b.date.localeCompare(a.date) || a.key.localeCompare(b.key);
}

/** `- Capacity 2026-12-08: at 100 agents …` (current values say since when). */
export function measurementLine(m: MeasurementEntry): string {
  const when = m.kind === 'topology' || m.kind === 'unit-costs' ? ` (since ${m.date})` : ` ${m.date}`;
  return `- ${MEASUREMENT_LABEL[m.kind]}${when}: ${oneLine(m.text, 400)} ${keyComment(m.key)}`;
}

// ---------------------------------------------------------------- hot paths

const HOT_CONTEXTS: Array<[Context, string]> = [
  ['handler', 'Request handlers'],
  ['poll_loop', 'Poll loops'],
  ['loop', 'Loops'],
  ['per_task', 'Per-task code'],
];
const CONTEXT_WEIGHT: Record<Context, number> = { handler: 4, poll_loop: 4, loop: 3, per_task: 2, startup: 0 };

interface HotPath {
  key: string;
  file: string;
  anchor: string;
  context: Context;
  entries: BottleneckEntry[];
  heat: number;
}

function hotPaths(verified: BottleneckEntry[]): HotPath[] {
  const hot = verified.filter((e) => e.context !== 'startup');
  return [...groupBy(hot, (e) => `${e.file}:${e.anchor}`)]
    .map(([where, entries]) => {
      const first = [...entries].sort(byLocation)[0]!;
      const context = entries.reduce<Context>((best, e) => (CONTEXT_WEIGHT[e.context] > CONTEXT_WEIGHT[best] ? e.context : best), first.context);
      const heat = entries.reduce((sum, e) => sum + SEVERITY_RANK[e.severity] * CONTEXT_WEIGHT[e.context], 0);
      return { key: `hot:${where}`, file: first.file, anchor: first.anchor, context, entries: entries.sort(byLocation), heat };
    })
    .sort((a, b) => b.heat - a.heat || a.key.localeCompare(b.key));
}

function hotLabel(h: HotPath): string {
  return isNamedAnchor(h.anchor) ? `\`${h.file}\` in \`${h.anchor}\`` : `\`${h.file}\` near line ${h.entries[0]!.line}`;
}

function hotLine(h: HotPath, detail: boolean): string {
  const what = detail
    ? h.entries.map((e) => `${SEVERITY_ICON[e.severity]} ${e.rule} line ${e.line}`).join(', ')
    : [...new Set(h.entries.map((e) => e.rule))].join(', ');
  return `- ${hotLabel(h)} (${h.context}) — ${plural(h.entries.length, 'bottleneck')}: ${what} ${keyComment(h.key)}`;
}

// ---------------------------------------------------------------- MEMORY.md

interface Section {
  heading: string;
  summary: string[];
  items: string[];
  cap: number;
  more: (hidden: number) => string;
}

function preferenceSummary(notes: NoteEntry[]): string | undefined {
  const p = parsePreferences(notes.map((n) => n.text));
  const parts: string[] = [];
  if (p.ignorePaths.length) parts.push(`ignore paths ${p.ignorePaths.map((g) => `\`${oneLine(g, 60)}\``).join(', ')}`);
  if (p.ignoreRules.length) parts.push(`ignore rules ${p.ignoreRules.join(', ')}`);
  if (p.preferSystemdPathUnits) parts.push('prefer systemd path units');
  if (p.lang) parts.push(`report language ${p.lang}`);
  return parts.length ? oneLine(`In effect: ${parts.join(' · ')}.`, 400) : undefined;
}

function dimensionSummary(id: TopicId, v: View): string {
  const verified = v.verified.filter((e) => dimensionTopic(e.dimension) === id);
  const resolved = v.resolved.filter((e) => dimensionTopic(e.dimension) === id);
  const notes = v.notesByTopic.get(id)?.length ?? 0;
  if (verified.length + resolved.length + notes === 0) return `_Nothing recorded yet — ${link(id)}_`;
  const files = [...groupBy(verified, (e) => e.file)].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  const parts = [`${verified.length} verified`];
  if (verified.length) parts[0] += ` in ${plural(files.length, 'file')} (${ruleCounts(verified, 4)})`;
  if (files.length) parts.push(`most in \`${files[0]![0]}\` (${files[0]![1].length})`);
  if (resolved.length) parts.push(`${resolved.length} resolved`);
  if (notes) parts.push(plural(notes, 'note'));
  return `_${parts.join(' · ')} — ${link(id)}_`;
}

function renderIndex(v: View): string {
  const header = [
    '# Performance memory',
    '',
    'Verified knowledge about this project at scale, kept by clawperf: a bottleneck enters after two analyses (or runtime evidence), is updated when seen again, and is marked resolved when the code no longer has it. Detail lives in the topic files; edit with `clawperf memory remember "…"` / `forget "…"`.',
    '',
  ];
  const sections: Section[] = [];

  const prefs = preferenceSummary(v.notes);
  sections.push({
    heading: '## Preferences and notes',
    summary: [
      v.notes.length
        ? `_${plural(v.notes.length, 'note')}, verbatim — ${link('preferences')} and the topic files_`
        : `_Nothing remembered yet — ${link('preferences')}_`,
      ...(prefs ? [prefs] : []),
    ],
    items: v.notes.map((n) => noteLine(n, 200)),
    cap: 40,
    more: (hidden) => `_… ${hidden} more in ${link('preferences')} and the topic files_`,
  });

  const regressions = v.verified.filter((e) => e.regression).length;
  sections.push({
    heading: '## Bottlenecks',
    summary: [
      v.verified.length + v.resolved.length
        ? `_${v.verified.length} verified (${severityCounts(v.verified)}) · ${plural(regressions, 'regression')} · ${v.resolved.length} resolved — locations in ${link('bottlenecks')}_`
        : `_None verified yet — ${link('bottlenecks')}_`,
    ],
    items: v.verified.map((e) => bottleneckLine(e, false)),
    cap: 60,
    more: (hidden) => `_… ${hidden} more in ${link('bottlenecks')}_`,
  });

  sections.push({
    heading: '## Numbers',
    summary: [
      v.measurements.length
        ? '_What the analyses priced and the runs measured: topology, unit costs, the capacity verdict and its limiting resource over time, stress and trace results_'
        : '_Nothing measured yet: `clawperf analyze` records the unit costs and the capacity verdict, `clawperf stress` and `trace` their results_',
    ],
    items: v.measurements.map(measurementLine),
    cap: 24,
    more: (hidden) => `_… ${hidden} older results in ${STATE_FILE}_`,
  });

  const hot = hotPaths(v.verified);
  sections.push({
    heading: '## Hot paths',
    summary: [hot.length ? `_${plural(hot.length, 'hot location')} with verified bottlenecks — ${link('hot-paths')}_` : `_Nothing recorded yet — ${link('hot-paths')}_`],
    items: hot.map((h) => hotLine(h, false)),
    cap: 10,
    more: (hidden) => `_… ${hidden} more in ${link('hot-paths')}_`,
  });

  const measured = v.optimizations.filter((o) => o.measured).length;
  const fixed = v.resolved.filter((e) => e.fix).length;
  sections.push({
    heading: '## Optimizations applied',
    summary: [
      v.optimizations.length + fixed
        ? `_${v.optimizations.length} recorded (${measured} measured) · ${plural(fixed, 'bottleneck')} fixed — ${link('optimizations')}_`
        : `_Nothing recorded yet — ${link('optimizations')}_`,
    ],
    items: v.optimizations.map(optimizationLine),
    cap: 8,
    more: (hidden) => `_… ${hidden} more in ${link('optimizations')}_`,
  });

  const missing = v.verified.filter((e) => e.dimension === 'caching');
  const inPlace = v.resolved.filter((e) => e.dimension === 'caching').length;
  const cachingNotes = v.notesByTopic.get('caching')?.length ?? 0;
  sections.push({
    heading: '## Caching',
    summary: [
      missing.length + inPlace + cachingNotes
        ? `_Missing: ${missing.length}${missing.length ? ` (${ruleCounts(missing, 4)})` : ''} · in place: ${inPlace}${cachingNotes ? ` · ${plural(cachingNotes, 'note')}` : ''} — ${link('caching')}_`
        : `_Nothing recorded yet — ${link('caching')}_`,
    ],
    items: [],
    cap: 0,
    more: () => '',
  });

  for (const id of ['subprocesses', 'memory-patterns', 'io-hotspots', 'scalability'] as const) {
    sections.push({ heading: `## ${topic(id).title}`, summary: [dimensionSummary(id, v)], items: [], cap: 0, more: () => '' });
  }

  // Fit in 200 lines: start from each section's cap, then take one line at a time from the longest list.
  const shown = sections.map((s) => Math.min(s.items.length, s.cap));
  const size = () =>
    header.length +
    sections.reduce((sum, s, i) => sum + 1 + s.summary.length + shown[i]! + (shown[i]! < s.items.length ? 1 : 0) + 1, 0);
  while (size() > MAX_INDEX_LINES) {
    let longest = -1;
    for (let i = 0; i < shown.length; i++) if (shown[i]! > 0 && (longest < 0 || shown[i]! > shown[longest]!)) longest = i;
    if (longest < 0) break;
    shown[longest]!--;
  }
  const lines = [...header];
  sections.forEach((s, i) => {
    lines.push(s.heading, ...s.summary, ...s.items.slice(0, shown[i]));
    if (shown[i]! < s.items.length) lines.push(s.more(s.items.length - shown[i]!));
    lines.push('');
  });
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length > MAX_INDEX_LINES) lines.length = MAX_INDEX_LINES; // cannot happen with the fixed header; a last guard
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- topic files

function topicHeader(id: TopicId, blurb: string): string[] {
  return [`# ${topic(id).title}`, '', `_${blurb} Index: [MEMORY.md](${INDEX_FILE})._`, ''];
}

function section(title: string, body: string[], empty = '_Nothing recorded yet._'): string[] {
  const content = body.length ? body : [empty, ''];
  const out = [`## ${title}`, '', ...content];
  if (out[out.length - 1] !== '') out.push('');
  return out;
}

function notesSection(v: View, id: TopicId): string[] {
  const notes = v.notesByTopic.get(id) ?? [];
  return notes.length ? section('Notes', notes.map((n) => noteLine(n))) : [];
}

function ruleTable(entries: BottleneckEntry[]): string[] {
  if (!entries.length) return [];
  const rows = [...groupBy(entries, (e) => e.rule)]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([rule, list]) => `| ${rule} | ${list.length} | ${new Set(list.map((e) => e.file)).size} | ${oneLine(list[0]!.title, 100).replace(/\|/g, '\\|')} |`);
  return ['| Rule | Places | Files | What |', '|---|---|---|---|', ...rows, ''];
}

function renderBottlenecks(v: View): string {
  const regressions = v.verified.filter((e) => e.regression);
  const current = v.verified.filter((e) => !e.regression);
  return [
    ...topicHeader(
      'bottlenecks',
      `Verified: ${v.verified.length} (${severityCounts(v.verified)}) · regressions: ${regressions.length} · resolved: ${v.resolved.length}.`,
    ),
    ...section('Regressions (resolved once, back again)', regressions.map((e) => bottleneckLine(e, true)).concat(regressions.length ? [''] : []), '_None._'),
    ...section('Verified, by file', byFileBlocks(current)),
    ...section('Resolved', v.resolved.map((e) => bottleneckLine(e, true)).concat(v.resolved.length ? [''] : []), '_None yet._'),
    ...notesSection(v, 'bottlenecks'),
  ]
    .join('\n')
    .trimEnd() + '\n';
}

function renderDimensionTopic(id: TopicId, blurb: string, v: View): string {
  const verified = v.verified.filter((e) => dimensionTopic(e.dimension) === id);
  const resolved = v.resolved.filter((e) => dimensionTopic(e.dimension) === id);
  return [
    ...topicHeader(id, `${blurb} All bottlenecks: ${link('bottlenecks')}.`),
    ...section('Patterns', ruleTable(verified)),
    ...section('Locations', byFileBlocks(verified)),
    ...notesSection(v, id),
    ...section('Resolved', resolved.map((e) => bottleneckLine(e, true)).concat(resolved.length ? [''] : []), '_None yet._'),
  ]
    .join('\n')
    .trimEnd() + '\n';
}

function renderCaching(v: View): string {
  const missing = v.verified.filter((e) => e.dimension === 'caching');
  const inPlace = v.resolved.filter((e) => e.dimension === 'caching');
  return [
    ...topicHeader('caching', `Caching that is missing (verified findings) and caching in place (fixed findings, notes). All bottlenecks: ${link('bottlenecks')}.`),
    ...section('Missing', [...ruleTable(missing), ...byFileBlocks(missing)]),
    ...section('In place', inPlace.map((e) => bottleneckLine(e, true)).concat(inPlace.length ? [''] : [])),
    ...notesSection(v, 'caching'),
  ]
    .join('\n')
    .trimEnd() + '\n';
}

function renderHotPaths(v: View): string {
  const hot = hotPaths(v.verified);
  const lines = topicHeader('hot-paths', 'Functions on hot paths (request handlers, poll loops, loops) that hold verified bottlenecks, hottest first.');
  for (const [context, title] of HOT_CONTEXTS) {
    const list = hot.filter((h) => h.context === context);
    lines.push(...section(`${title} (${context})`, list.map((h) => hotLine(h, true)).concat(list.length ? [''] : []), '_None._'));
  }
  lines.push(...notesSection(v, 'hot-paths'));
  return lines.join('\n').trimEnd() + '\n';
}

function renderOptimizations(v: View): string {
  const measured = v.optimizations.filter((o) => o.measured);
  const estimated = v.optimizations.filter((o) => !o.measured);
  const fixed = v.resolved.filter((e) => e.fix);
  return [
    ...topicHeader('optimizations', 'Changes applied and their impact: measured with `clawperf stress --compare`, or estimated.'),
    ...section('Measured', measured.map(optimizationLine).concat(measured.length ? [''] : [])),
    ...section('Estimated', estimated.map(optimizationLine).concat(estimated.length ? [''] : [])),
    ...section('Bottlenecks fixed', fixed.map((e) => bottleneckLine(e, true)).concat(fixed.length ? [''] : [])),
    ...notesSection(v, 'optimizations'),
  ]
    .join('\n')
    .trimEnd() + '\n';
}

function renderPreferences(v: View): string {
  const p = parsePreferences(v.notes.map((n) => n.text));
  const rows: string[] = [];
  if (p.ignorePaths.length) rows.push(`| Ignore paths | ${p.ignorePaths.map((g) => `\`${oneLine(g, 80)}\``).join(', ')} |`);
  if (p.ignoreRules.length) rows.push(`| Ignore rules | ${p.ignoreRules.join(', ')} |`);
  rows.push(`| Prefer systemd path units | ${p.preferSystemdPathUnits ? 'yes' : 'no'} |`);
  if (p.lang) rows.push(`| Report language | ${p.lang} |`);
  const notes = v.notesByTopic.get('preferences') ?? [];
  return [
    ...topicHeader('preferences', 'What the user asked to remember, verbatim; notes about one topic live in that topic file.'),
    ...section('In effect', ['| Preference | Value |', '|---|---|', ...rows, '']),
    ...section('Notes', notes.map((n) => noteLine(n)).concat(notes.length ? [''] : []), '_Nothing remembered yet._'),
  ]
    .join('\n')
    .trimEnd() + '\n';
}

/** Every Markdown file of the memory folder, by file name. */
export function renderAll(state: MemoryState, options: RenderOptions = {}): Map<string, string> {
  const v = view(state, options);
  const files = new Map<string, string>();
  files.set(INDEX_FILE, renderIndex(v));
  for (const t of TOPICS) {
    switch (t.id) {
      case 'preferences':
        files.set(t.file, renderPreferences(v));
        break;
      case 'bottlenecks':
        files.set(t.file, renderBottlenecks(v));
        break;
      case 'hot-paths':
        files.set(t.file, renderHotPaths(v));
        break;
      case 'optimizations':
        files.set(t.file, renderOptimizations(v));
        break;
      case 'caching':
        files.set(t.file, renderCaching(v));
        break;
      case 'subprocesses':
        files.set(t.file, renderDimensionTopic(t.id, 'Subprocess patterns: spawns in loops, shells, missing timeouts.', v));
        break;
      case 'memory-patterns':
        files.set(t.file, renderDimensionTopic(t.id, 'Memory patterns: unbounded reads, growing containers, materialised lists.', v));
        break;
      case 'io-hotspots':
        files.set(t.file, renderDimensionTopic(t.id, 'I/O hotspots: blocking calls, polling, disk access in hot paths.', v));
        break;
      case 'scalability':
        files.set(t.file, renderDimensionTopic(t.id, 'Scalability limits: single-threaded servers, shared locks and files, O(n²), sequential work.', v));
        break;
    }
  }
  return files;
}
