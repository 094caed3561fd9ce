// stress.svg: small self-contained line charts of the totals against the agent count, each with the
// "linear" reference (the smallest count's per-agent figure × N) dashed, so super-linear growth shows
// as a curve above the dashes. No scripts, no external fonts or styles.
import { fmtBytes, fmtNumber } from './metrics.js';
import type { StressResult, StressRow } from './types.js';

interface Panel {
  title: string;
  value: (row: StressRow) => number | null;
  format: (v: number) => string;
}

const PANELS: Panel[] = [
  { title: 'CPU, % of one core (total)', value: (r) => r.cpuPercentOneCore, format: (v) => `${fmtNumber(v)}%` },
  { title: 'read + write syscalls/s (total)', value: (r) => r.readSyscallsPerSecondTotal + r.writeSyscallsPerSecondTotal, format: fmtNumber },
  { title: 'peak RSS (total)', value: (r) => r.peakRssBytesTotal, format: fmtBytes },
  { title: 'throughput/s (total)', value: (r) => r.throughputPerSecondTotal, format: fmtNumber },
];

const W = 330;
const H = 250;
const M = { left: 58, right: 14, top: 30, bottom: 40 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function panel(p: Panel, rows: StressRow[], ox: number, oy: number): string {
  const pts = rows.map((r) => ({ x: r.agents, y: p.value(r) })).filter((q): q is { x: number; y: number } => q.y !== null && Number.isFinite(q.y));
  const out: string[] = [`<g transform="translate(${ox},${oy})">`, `<text x="${W / 2}" y="16" text-anchor="middle" class="t">${esc(p.title)}</text>`];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" class="frame"/>`);
  if (pts.length === 0) {
    out.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" class="l">not measured</text></g>`);
    return out.join('');
  }
  const xs = pts.map((q) => q.x);
  const xmin = Math.min(...xs);
  const xmax = Math.max(...xs);
  const logX = xmin > 0 && xmax / xmin >= 10;
  const base = pts[0]!;
  const linear = (x: number): number => (base.y / base.x) * x;
  const ymax = niceMax(Math.max(...pts.map((q) => q.y), ...(pts.length > 1 ? [linear(xmax)] : [])));
  const sx = (x: number): number => {
    if (xmax === xmin) return M.left + pw / 2;
    const t = logX ? (Math.log10(x) - Math.log10(xmin)) / (Math.log10(xmax) - Math.log10(xmin)) : (x - xmin) / (xmax - xmin);
    return M.left + t * pw;
  };
  const sy = (y: number): number => M.top + ph - (Math.min(y, ymax) / ymax) * ph;
  // y grid and labels
  for (let i = 0; i <= 4; i += 1) {
    const v = (ymax * i) / 4;
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${y}" y2="${y}" class="grid"/>`);
    out.push(`<text x="${M.left - 5}" y="${y}" dy="3" text-anchor="end" class="l">${esc(p.format(v))}</text>`);
  }
  for (const x of [...new Set(xs)]) {
    out.push(`<text x="${sx(x).toFixed(1)}" y="${M.top + ph + 14}" text-anchor="middle" class="l">${x}</text>`);
  }
  out.push(`<text x="${M.left + pw / 2}" y="${H - 6}" text-anchor="middle" class="l">agents${logX ? ' (log scale)' : ''}</text>`);
  if (pts.length > 1) {
    // linear reference, sampled so it is straight on a log axis too
    const ref: string[] = [];
    for (let i = 0; i <= 40; i += 1) {
      const x = logX ? xmin * (xmax / xmin) ** (i / 40) : xmin + ((xmax - xmin) * i) / 40;
      ref.push(`${sx(x).toFixed(1)},${sy(linear(x)).toFixed(1)}`);
    }
    out.push(`<polyline points="${ref.join(' ')}" class="ref"/>`);
  }
  out.push(`<polyline points="${pts.map((q) => `${sx(q.x).toFixed(1)},${sy(q.y).toFixed(1)}`).join(' ')}" class="line"/>`);
  for (const q of pts) {
    out.push(`<circle cx="${sx(q.x).toFixed(1)}" cy="${sy(q.y).toFixed(1)}" r="3.5" class="dot"><title>${q.x} agents: ${esc(p.format(q.y))}</title></circle>`);
  }
  out.push('</g>');
  return out.join('');
}

export function renderSvg(result: StressResult): string {
  const rows = result.runs.map((r) => r.row).sort((a, b) => a.agents - b.agents);
  const panels = PANELS.filter((p) => p.title.startsWith('throughput') ? rows.some((r) => r.throughputPerSecondTotal !== null) : true);
  const cols = 2;
  const width = cols * W + 20;
  const height = Math.ceil(panels.length / cols) * H + 70;
  const cmd = result.command.join(' ');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    '<style>.t{font-size:13px;font-weight:bold;fill:#222}.l{font-size:10px;fill:#444}.frame{fill:#fff;stroke:#999}.grid{stroke:#e4e4e4}.line{fill:none;stroke:#c0392b;stroke-width:2}.dot{fill:#c0392b}.ref{fill:none;stroke:#2c7fb8;stroke-width:1.3;stroke-dasharray:5 4}</style>',
    `<rect width="${width}" height="${height}" fill="#fafafa"/>`,
    `<text x="10" y="20" class="t">clawperf stress: ${esc(cmd.length > 90 ? `${cmd.slice(0, 87)}…` : cmd)}</text>`,
    `<text x="10" y="36" class="l">${result.durationSeconds} s per count, ${result.machine.cores} cores · red: measured · blue dashes: linear from ${rows[0]?.agents ?? 1} agent(s) (constant per-agent cost)</text>`,
  ];
  panels.forEach((p, i) => parts.push(panel(p, rows, 10 + (i % cols) * W, 46 + Math.floor(i / cols) * H)));
  parts.push('</svg>\n');
  return parts.join('\n');
}
