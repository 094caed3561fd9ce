// `--format concise`, like Ruff's: one line per point, `path:line:col: ID message (cost at N)`, ranked by
// price, for editors and quick runs. The other rules of the point follow the message in brackets.
import { formatNumber } from '../impact/price.js';
import type { ReportData } from './data.js';

export function renderConcise(data: ReportData): string {
  const { lang, agents } = data;
  const at = lang === 'es' ? `con ${formatNumber(agents, lang)} agentes` : `at ${formatNumber(agents, lang)} agents`;
  const lines = data.points.map((point) => {
    const f = point.lead;
    const others = [...new Set(point.findings.map((x) => x.rule))].filter((rule) => rule !== f.rule);
    const tags = others.length ? ` [+${others.join(' ')}]` : '';
    return `${f.file}:${f.line}:${f.column}: ${f.rule} ${f.message[lang].replace(/\s+/g, ' ')}${tags} (${at}: ${f.impact.current})`;
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}
