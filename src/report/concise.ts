// `--format concise`, like Ruff's: one line per point, `path:line:col: ID message (cost at N)`, ranked by
// price, for editors and quick runs. The other rules of the point follow the message in brackets.
import { formatNumber } from '../impact/price.js';
import type { Point } from '../impact/rank.js';
import type { ReportData } from './data.js';

/** Where the same change applies, one site of each rule first (the rules of a point each have their own recurrences). */
function sameChangeSites(point: Point): string[] {
  const same = point.elsewhere.filter((e) => e.sameFix);
  const firsts = [...new Set(same.map((e) => e.rule))].map((rule) => same.find((e) => e.rule === rule)!.id);
  return [...new Set([...firsts, ...same.map((e) => e.id)])];
}

export function renderConcise(data: ReportData): string {
  const { lang, agents } = data;
  const at = lang === 'es' ? `con ${formatNumber(agents, lang)} agentes` : `at ${formatNumber(agents, lang)} agents`;
  const lines = data.points.map((point) => {
    const f = point.lead;
    const others = [...new Set(point.findings.map((x) => x.rule))].filter((rule) => rule !== f.rule);
    const tags = others.length ? ` [+${others.join(' ')}]` : '';
    const same = sameChangeSites(point);
    const also = same.length ? ` [${lang === 'es' ? 'el mismo cambio en' : 'same change at'} ${same.slice(0, 3).join(', ')}${same.length > 3 ? ', …' : ''}]` : '';
    return `${f.file}:${f.line}:${f.column}: ${f.rule} ${f.message[lang].replace(/\s+/g, ' ')}${tags}${also} (${at}: ${f.impact.current})`;
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}
