// GitHub Actions workflow commands: one `::error file=…,line=…::message` line per finding, which the runner
// turns into annotations on the pull request's diff.
import type { Severity } from '../rules/types.js';
import type { PricedFinding, ReportData } from './data.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { critical: 'error', important: 'warning', minor: 'notice' };

/** Escaping of the message part, as @actions/core does it. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a property value (`file=`, `title=`): also `:` and `,`, which separate properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotation(f: PricedFinding, lang: ReportData['lang']): string {
  const properties = [
    `file=${escapeProperty(f.file)}`,
    `line=${f.line}`,
    ...(f.endLine > f.line ? [`endLine=${f.endLine}`] : []),
    `col=${Math.max(1, f.column)}`,
    `title=${escapeProperty(f.rule)}`,
  ].join(',');
  const improvement = lang === 'es' ? 'mejora esperada' : 'expected improvement';
  return `::${COMMAND[f.severity]} ${properties}::${escapeData(`${f.message[lang]} — ${f.whyAtScale[lang]} (${improvement}: ${f.impact.improvement})`)}`;
}

export function renderGithub(data: ReportData): string {
  return data.findings.map((f) => annotation(f, data.lang)).join('\n') + (data.findings.length ? '\n' : '');
}
