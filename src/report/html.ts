// One self-contained HTML page: the five-section report (the Markdown report's own words), the findings by
// dimension, and SVG charts of the impact model. Inline CSS and SVG only: the page makes no request.
import { formatNumber, type ResourceBudget } from '../impact/price.js';
import { addBudgets, emptyBudget } from '../impact/totals.js';
import { DIMENSIONS, SEVERITIES, type Lang, type Severity } from '../rules/types.js';
import type { ReportData } from './data.js';
import type { ReportExtras } from './formats.js';
import { renderMarkdown } from './markdown.js';

// ---------- Markdown (the subset the report uses) → HTML

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function inline(text: string): string {
  const codes: string[] = [];
  const withoutCode = text.replace(/`([^`]+)`/g, (_, code: string) => `\u0000${codes.push(code) - 1}\u0000`);
  return escapeHtml(withoutCode)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\u0000(\d+)\u0000/g, (_, i: string) => `<code>${escapeHtml(codes[Number(i)]!)}</code>`);
}

function tableCells(row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

export function markdownToHtml(md: string): string {
  const lines = md.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      const lang = line.slice(3).trim();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
      out.push(`<pre><code${lang ? ` class="language-${escapeHtml(lang)}"` : ''}>${escapeHtml(body.join('\n'))}</code></pre>`);
      i++;
    } else if (/^#{1,4} /.test(line)) {
      const level = line.indexOf(' ');
      out.push(`<h${level}>${inline(line.slice(level + 1))}</h${level}>`);
      i++;
    } else if (line.startsWith('|')) {
      const rows: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!);
      const [head, , ...body] = rows;
      out.push('<table>', `<thead><tr>${tableCells(head!).map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead>`, '<tbody>');
      for (const row of body) out.push(`<tr>${tableCells(row).map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`);
      out.push('</tbody>', '</table>');
    } else if (/^\s*- /.test(line)) {
      out.push(list(lines, i, (next) => (i = next)));
    } else if (line.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i]!.trim() && !/^(\s*- |#|\||```)/.test(lines[i]!); i++) para.push(lines[i]!);
      out.push(`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

/** A bullet list with nested items (two spaces per level) and `- [ ]` tasks. */
function list(lines: string[], start: number, advance: (next: number) => void): string {
  const indent = (l: string) => l.length - l.trimStart().length;
  const base = indent(lines[start]!);
  const items: string[] = [];
  let i = start;
  while (i < lines.length && /^\s*- /.test(lines[i]!) && indent(lines[i]!) >= base) {
    if (indent(lines[i]!) > base) {
      const nested = list(lines, i, (next) => (i = next));
      items[items.length - 1] = items[items.length - 1]!.replace(/<\/li>$/, `${nested}</li>`);
      continue;
    }
    const text = lines[i]!.trimStart().slice(2);
    const task = /^\[( |x)\] /.exec(text);
    items.push(task ? `<li class="task"><input type="checkbox" disabled${task[1] === 'x' ? ' checked' : ''}> ${inline(text.slice(4))}</li>` : `<li>${inline(text)}</li>`);
    i++;
  }
  advance(i);
  return `<ul>${items.join('')}</ul>`;
}

// ---------- SVG charts

const COLORS = { current: '#d9480f', expected: '#2b8a3e', critical: '#c92a2a', important: '#e67700', minor: '#2f9e44', grid: '#ced4da', text: '#212529' };
const LINE_COLORS = ['#1971c2', '#c92a2a', '#2f9e44', '#e67700', '#7048e8', '#0c8599'];

function svgText(text: string): string {
  return escapeHtml(text);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface BarRow {
  label: string;
  current: number;
  expected: number;
}

/** Pairs of horizontal bars (current vs expected) per optimisation, on one linear scale. */
export function currentVsExpectedChart(title: string, unit: string, rows: BarRow[], lang: Lang): string {
  const width = 820;
  const labelWidth = 300;
  const barArea = 390;
  const rowHeight = 38;
  const top = 46;
  const height = top + rows.length * rowHeight + 14;
  const max = Math.max(...rows.map((r) => Math.max(r.current, r.expected)), 1e-9);
  const scale = (v: number) => Math.max(v > 0 ? 1.5 : 0, (v / max) * barArea);
  const legend = lang === 'es' ? ['actual (est.)', 'esperado'] : ['current (est.)', 'expected'];
  const parts = [
    `<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${svgText(title)}">`,
    `<title>${svgText(title)}</title>`,
    `<text x="0" y="18" class="chart-title">${svgText(title)}</text>`,
    `<rect x="${labelWidth}" y="28" width="12" height="10" fill="${COLORS.current}"/><text x="${labelWidth + 18}" y="37" class="legend">${svgText(legend[0]!)}</text>`,
    `<rect x="${labelWidth + 140}" y="28" width="12" height="10" fill="${COLORS.expected}"/><text x="${labelWidth + 158}" y="37" class="legend">${svgText(legend[1]!)}</text>`,
  ];
  rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    parts.push(
      `<g><title>${svgText(`${row.label}: ${formatNumber(row.current)} → ${formatNumber(row.expected)} ${unit}`)}</title>`,
      `<text x="${labelWidth - 8}" y="${y + 20}" text-anchor="end" class="label">${svgText(truncate(row.label, 44))}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${scale(row.current).toFixed(1)}" height="13" fill="${COLORS.current}"/>`,
      `<text x="${labelWidth + scale(row.current) + 6}" y="${y + 15}" class="value">${svgText(`${formatNumber(row.current)} ${unit}`)}</text>`,
      `<rect x="${labelWidth}" y="${y + 19}" width="${scale(row.expected).toFixed(1)}" height="13" fill="${COLORS.expected}"/>`,
      `<text x="${labelWidth + scale(row.expected) + 6}" y="${y + 30}" class="value">${svgText(`${formatNumber(row.expected)} ${unit}`)}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Stacked bars of findings per dimension and severity. */
const SEVERITY_WORDS: Record<Severity, { es: string; en: string }> = {
  critical: { es: 'crítico', en: 'critical' }, important: { es: 'importante', en: 'important' }, minor: { es: 'menor', en: 'minor' },
};

export function dimensionChart(counts: Record<string, Record<Severity, number>>, title: string, lang: Lang): string {
  const width = 820;
  const labelWidth = 130;
  const barArea = 600;
  const rowHeight = 26;
  const top = 34;
  const height = top + DIMENSIONS.length * rowHeight + 10;
  const max = Math.max(1, ...DIMENSIONS.map((d) => SEVERITIES.reduce((s, sev) => s + counts[d]![sev], 0)));
  const parts = [
    `<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${svgText(title)}">`,
    `<title>${svgText(title)}</title>`,
    `<text x="0" y="18" class="chart-title">${svgText(title)}</text>`,
    ...SEVERITIES.map((severity, i) => `<rect x="${labelWidth + 300 + i * 110}" y="8" width="12" height="10" fill="${COLORS[severity]}"/><text x="${labelWidth + 318 + i * 110}" y="17" class="legend">${SEVERITY_WORDS[severity][lang]}</text>`),
  ];
  DIMENSIONS.forEach((dimension, index) => {
    const y = top + index * rowHeight;
    let x = labelWidth;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" class="label">${dimension}</text>`);
    for (const severity of SEVERITIES) {
      const n = counts[dimension]![severity];
      if (!n) continue;
      const w = (n / max) * barArea;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="16" fill="${COLORS[severity]}"><title>${dimension}: ${n} ${severity}</title></rect>`);
      x += w;
    }
    const total = SEVERITIES.reduce((s, sev) => s + counts[dimension]![sev], 0);
    parts.push(`<text x="${x + 6}" y="${y + 15}" class="value">${total}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

interface CapacityJson {
  agents: number;
  holds: boolean;
  breaking_point: number | null;
  resources: Record<string, { utilisation: number; demand: number; capacity: number | null; unit: string }>;
}

function isCapacity(value: unknown): value is CapacityJson {
  return !!value && typeof value === 'object' && typeof (value as CapacityJson).agents === 'number' && typeof (value as CapacityJson).resources === 'object';
}

/** Utilisation of each machine resource against agents (log scale when the counts span a decade or more). */
export function capacityCurveChart(points: CapacityJson[], lang: Lang): string {
  const width = 820;
  const height = 340;
  const left = 64;
  const right = 150;
  const top = 36;
  const bottom = 44;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const agents = points.map((p) => p.agents);
  const minN = Math.min(...agents);
  const maxN = Math.max(...agents);
  const logX = maxN / Math.max(minN, 1) >= 10;
  const xOf = (n: number) => left + (maxN === minN ? plotW / 2 : logX ? ((Math.log10(n) - Math.log10(minN)) / (Math.log10(maxN) - Math.log10(minN))) * plotW : ((n - minN) / (maxN - minN)) * plotW);
  const resources = Object.keys(points[0]!.resources).filter((r) => points.some((p) => (p.resources[r]?.utilisation ?? 0) > 0));
  const values = points.flatMap((p) => resources.map((r) => p.resources[r]!.utilisation));
  const maxU = Math.max(1.2, ...values);
  // One saturated resource at 100× its capacity would flatten every other line: past 5× the scale turns log.
  const logY = maxU > 5;
  const minU = logY ? Math.min(0.1, Math.max(1e-3, Math.min(...values.filter((v) => v > 0)))) : 0;
  const yOf = (u: number) => top + plotH - (logY
    ? ((Math.log10(Math.max(u, minU)) - Math.log10(minU)) / (Math.log10(maxU) - Math.log10(minU))) * plotH
    : (u / maxU) * plotH);
  const ticks = logY
    ? Array.from({ length: Math.floor(Math.log10(maxU)) - Math.ceil(Math.log10(minU)) + 1 }, (_, i) => 10 ** (Math.ceil(Math.log10(minU)) + i))
    : [0, maxU];
  const title = lang === 'es' ? 'Curva de capacidad: uso de cada recurso de la máquina según los agentes' : 'Capacity curve: use of each machine resource by number of agents';
  const parts = [
    `<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${svgText(title)}">`,
    `<title>${svgText(title)}</title>`,
    `<text x="0" y="18" class="chart-title">${svgText(title)}</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="${COLORS.grid}"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="${COLORS.grid}"/>`,
    `<line x1="${left}" y1="${yOf(1).toFixed(1)}" x2="${left + plotW}" y2="${yOf(1).toFixed(1)}" stroke="${COLORS.critical}" stroke-dasharray="6 4"/>`,
    `<text x="${left + plotW - 4}" y="${yOf(1) - 5}" text-anchor="end" class="value">100 % ${lang === 'es' ? '(saturado)' : '(saturated)'}</text>`,
    ...ticks.map((u) => `<text x="${left - 8}" y="${(yOf(u) + 4).toFixed(1)}" text-anchor="end" class="value">${formatNumber(u * 100)} %</text>`),
    `<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="label">${lang === 'es' ? 'agentes' : 'agents'}${logX ? (lang === 'es' ? ' (escala log)' : ' (log scale)') : ''}</text>`,
    ...(logY ? [`<text x="12" y="${top + plotH / 2}" transform="rotate(-90 12 ${top + plotH / 2})" text-anchor="middle" class="value">${lang === 'es' ? 'uso (escala log)' : 'use (log scale)'}</text>`] : []),
  ];
  for (const p of points) parts.push(`<text x="${xOf(p.agents).toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle" class="value">${formatNumber(p.agents)}</text>`);
  resources.forEach((resource, index) => {
    const color = LINE_COLORS[index % LINE_COLORS.length]!;
    const coords = points.map((p) => `${xOf(p.agents).toFixed(1)},${yOf(p.resources[resource]!.utilisation).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${coords.join(' ')}"/>`);
    for (const p of points) {
      const u = p.resources[resource]!;
      parts.push(`<circle cx="${xOf(p.agents).toFixed(1)}" cy="${yOf(u.utilisation).toFixed(1)}" r="3.5" fill="${color}"><title>${svgText(`${resource} @ ${p.agents}: ${formatNumber(u.demand)} / ${formatNumber(u.capacity ?? Infinity)} ${u.unit} (${formatNumber(u.utilisation * 100)} %)`)}</title></circle>`);
    }
    parts.push(`<rect x="${left + plotW + 6}" y="${top + 24 + index * 18}" width="12" height="4" fill="${color}"/><text x="${left + plotW + 24}" y="${top + 30 + index * 18}" class="legend">${svgText(resource)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** With one agent count: utilisation bars per resource at N, against the 100 % line. */
export function utilisationChart(point: CapacityJson, lang: Lang): string {
  const title = lang === 'es' ? `Uso de la máquina con ${formatNumber(point.agents)} agentes` : `Machine use at ${formatNumber(point.agents)} agents`;
  // Spawns/s have no machine limit (capacity null): a bar needs one.
  const entries = Object.entries(point.resources).filter(([, r]) => r.capacity !== null);
  const width = 820;
  const labelWidth = 130;
  const barArea = 520;
  const rowHeight = 26;
  const top = 34;
  const height = top + entries.length * rowHeight + 10;
  const maxU = Math.max(1.2, ...entries.map(([, r]) => r.utilisation));
  const x100 = labelWidth + (1 / maxU) * barArea;
  const parts = [
    `<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${svgText(title)}">`,
    `<title>${svgText(title)}</title>`,
    `<text x="0" y="18" class="chart-title">${svgText(title)}</text>`,
  ];
  entries.forEach(([resource, r], index) => {
    const y = top + index * rowHeight;
    const w = Math.max(r.utilisation > 0 ? 1.5 : 0, (r.utilisation / maxU) * barArea);
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" class="label">${svgText(resource)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="16" fill="${r.utilisation >= 1 ? COLORS.critical : COLORS.expected}"><title>${svgText(`${formatNumber(r.demand)} / ${formatNumber(r.capacity ?? Infinity)} ${r.unit}`)}</title></rect>`,
      `<text x="${labelWidth + w + 6}" y="${y + 15}" class="value">${formatNumber(r.utilisation * 100)} %</text>`,
    );
  });
  parts.push(`<line x1="${x100.toFixed(1)}" y1="${top - 4}" x2="${x100.toFixed(1)}" y2="${height - 4}" stroke="${COLORS.critical}" stroke-dasharray="6 4"/>`, '</svg>');
  return parts.join('\n');
}

// ---------- the impact model, per optimisation (one point per rule, as in sections 3–5)

interface Metric {
  key: 'cores' | 'diskOps' | 'processes' | 'tcpConnections' | 'memoryMB' | 'threads';
  title: { es: string; en: string };
  unit: string;
  value: (b: ResourceBudget) => number;
}

const METRICS: Metric[] = [
  { key: 'cores', title: { es: 'Tiempo de CPU/E-S (núcleos ocupados)', en: 'CPU/IO time (cores busy)' }, unit: 'cores', value: (b) => (b.cores.low + b.cores.high) / 2 },
  { key: 'diskOps', title: { es: 'Operaciones de disco por segundo', en: 'Disk operations per second' }, unit: 'ops/s', value: (b) => b.diskOps },
  { key: 'processes', title: { es: 'Procesos lanzados por segundo', en: 'Processes spawned per second' }, unit: 'proc/s', value: (b) => b.processes },
  { key: 'tcpConnections', title: { es: 'Conexiones TCP nuevas por segundo', en: 'New TCP connections per second' }, unit: 'conn/s', value: (b) => b.tcpConnections },
  { key: 'memoryMB', title: { es: 'Memoria retenida', en: 'Memory held' }, unit: 'MB', value: (b) => b.memoryMB },
  { key: 'threads', title: { es: 'Hilos', en: 'Threads' }, unit: 'threads', value: (b) => b.threads },
];

function impactCharts(data: ReportData): string[] {
  const byRule = new Map<string, { label: string; current: ResourceBudget; expected: ResourceBudget }>();
  for (const f of data.findings) {
    const entry = byRule.get(f.rule) ?? { label: `${f.rule} ${f.title[data.lang]}`, current: emptyBudget(), expected: emptyBudget() };
    const b = { current: f.budget, expected: f.expectedBudget };
    entry.current = addBudgets(entry.current, b.current);
    entry.expected = addBudgets(entry.expected, b.expected);
    byRule.set(f.rule, entry);
  }
  const points = [...byRule.values()];
  const charts: string[] = [];
  for (const metric of METRICS) {
    const rows = points.map((p) => ({ label: p.label, current: metric.value(p.current), expected: metric.value(p.expected) }))
      .filter((r) => r.current > 0 || r.expected > 0)
      .sort((a, b) => b.current - a.current);
    if (!rows.length) continue;
    const title = `${metric.title[data.lang]} — ${data.lang === 'es' ? `actual vs esperado con ${formatNumber(data.agents)} agentes` : `current vs expected at ${formatNumber(data.agents)} agents`}`;
    charts.push(`<figure>${currentVsExpectedChart(title, metric.unit, rows, data.lang)}</figure>`);
  }
  return charts;
}

function capacityCharts(extras: ReportExtras, lang: Lang): string[] {
  const capacity = extras.capacity;
  if (Array.isArray(capacity) && capacity.length > 1 && capacity.every(isCapacity)) return [`<figure>${capacityCurveChart(capacity, lang)}</figure>`];
  const single = Array.isArray(capacity) ? capacity[capacity.length - 1] : capacity;
  return isCapacity(single) ? [`<figure>${utilisationChart(single, lang)}</figure>`] : [];
}

// ---------- findings by dimension

function dimensionSection(data: ReportData): string {
  const { lang } = data;
  const counts = Object.fromEntries(DIMENSIONS.map((d) => [d, { critical: 0, important: 0, minor: 0 }])) as Record<string, Record<Severity, number>>;
  for (const f of data.findings) counts[f.dimension]![f.severity]++;
  const title = lang === 'es' ? 'Hallazgos por dimensión' : 'Findings by dimension';
  const head = lang === 'es' ? ['Dimensión', 'Crítico', 'Importante', 'Menor', 'Total'] : ['Dimension', 'Critical', 'Important', 'Minor', 'Total'];
  const rows = DIMENSIONS.map((d) => {
    const c = counts[d]!;
    return `<tr><td><code>${d}</code></td><td>${c.critical}</td><td>${c.important}</td><td>${c.minor}</td><td>${c.critical + c.important + c.minor}</td></tr>`;
  });
  const details = DIMENSIONS.filter((d) => data.findings.some((f) => f.dimension === d)).map((d) => {
    const items = data.findings.filter((f) => f.dimension === d).map((f) =>
      `<li class="sev-${f.severity}"><span class="badge ${f.severity}">${SEVERITY_WORDS[f.severity][lang]}</span> <code>${escapeHtml(f.file)}:${f.line}</code> <strong>${f.rule}</strong> ${escapeHtml(f.message[lang])}</li>`);
    return `<details><summary><code>${d}</code> (${items.length})</summary><ul class="findings">${items.join('')}</ul></details>`;
  });
  return [
    `<section id="dimensions"><h2>${title}</h2>`,
    `<figure>${dimensionChart(counts, title, lang)}</figure>`,
    `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`,
    ...details,
    '</section>',
  ].join('\n');
}

// ---------- the page

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212529; margin: 0; background: #f8f9fa; }
main { max-width: 960px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: #495057; }
nav { margin: 16px 0 8px; display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 14px; }
nav a { color: #1971c2; text-decoration: none; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #dee2e6; border-radius: 8px; padding: 8px 14px; min-width: 110px; }
.card b { display: block; font-size: 22px; }
.card.critical b { color: #c92a2a; } .card.important b { color: #e67700; } .card.minor b { color: #2f9e44; }
section { border-top: 1px solid #dee2e6; margin-top: 28px; padding-top: 4px; }
h2 { font-size: 21px; } h3 { font-size: 17px; margin-top: 22px; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f1f3f5; padding: 1px 4px; border-radius: 3px; }
pre { background: #f1f3f5; padding: 12px; border-radius: 6px; overflow-x: auto; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 10px 0; }
th, td { border: 1px solid #dee2e6; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; }
li.task { list-style: none; margin-left: -20px; }
figure { margin: 16px 0; overflow-x: auto; }
svg.chart { max-width: 100%; height: auto; font-family: system-ui, sans-serif; }
svg .chart-title { font-size: 14px; font-weight: 600; fill: #212529; }
svg .label { font-size: 12px; fill: #343a40; } svg .value, svg .legend { font-size: 11px; fill: #495057; }
details { margin: 6px 0; } summary { cursor: pointer; }
ul.findings { font-size: 14px; }
.badge { font-size: 11px; border-radius: 3px; padding: 0 5px; color: #fff; }
.badge.critical { background: #c92a2a; } .badge.important { background: #e67700; } .badge.minor { background: #2f9e44; }
footer { margin-top: 40px; color: #868e96; font-size: 13px; }
@media print { body { background: #fff; } main { padding: 0; } details { display: block; } }
`;

/** Splits the Markdown report at its `## ` headings: one HTML section per seed section. */
function reportSections(md: string): { id: string; html: string }[] {
  const chunks = md.split(/\n(?=## )/);
  return chunks.filter((c) => c.startsWith('## ')).map((chunk, index) => ({ id: `section-${index + 1}`, html: markdownToHtml(chunk) }));
}

export function renderHtml(data: ReportData, extras: ReportExtras = {}): string {
  const { lang } = data;
  const sections = reportSections(renderMarkdown(data));
  const headings = sections.map((s) => /<h2>(.*?)<\/h2>/.exec(s.html)?.[1] ?? s.id);
  const dimensionTitle = lang === 'es' ? 'Hallazgos por dimensión' : 'Findings by dimension';
  const charts = [...capacityCharts(extras, lang), ...impactCharts(data)];
  const chartTitle = lang === 'es' ? 'Gráficos del modelo de impacto' : 'Impact model charts';
  const noCharts = lang === 'es' ? 'Sin hallazgos: no hay impacto que dibujar.' : 'No findings: no impact to chart.';
  const summary = data.summary;
  const body = sections.map((s, index) => {
    // The charts sit right after the impact table (section 4), the dimension view after section 2.
    const extra = index === 3 ? `<h3>${chartTitle}</h3>\n${charts.join('\n') || `<p>${noCharts}</p>`}` : '';
    return `<section id="${s.id}">\n${s.html}\n${extra}</section>${index === 1 ? `\n${dimensionSection(data)}` : ''}`;
  });
  const cards = [
    [lang === 'es' ? 'ficheros' : 'files', summary.files, ''],
    [lang === 'es' ? 'líneas' : 'lines', summary.lines, ''],
    [lang === 'es' ? 'agentes' : 'agents', data.agents, ''],
    ...SEVERITIES.map((s) => [s, summary.findings[s], s] as const),
  ].map(([label, value, cls]) => `<div class="card ${cls}"><b>${formatNumber(Number(value))}</b>${escapeHtml(String(label))}</div>`);
  const title = lang === 'es' ? 'Informe de rendimiento de clawperf' : 'clawperf performance report';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(lang === 'es' ? `Estimaciones con ${formatNumber(data.agents)} agentes simultáneos` : `Estimates at ${formatNumber(data.agents)} concurrent agents`)}</p>
</header>
<div class="cards">${cards.join('')}</div>
<nav>${headings.map((h, i) => `<a href="#section-${i + 1}">${h}</a>`).join('')}<a href="#dimensions">${dimensionTitle}</a></nav>
${body.join('\n')}
<footer>clawperf · ${escapeHtml(lang === 'es' ? 'página autónoma: sin peticiones externas' : 'self-contained page: no external requests')}</footer>
</main>
</body>
</html>
`;
}
