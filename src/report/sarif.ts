// SARIF 2.1.0, as GitHub code scanning reads it: every rule with its help (from the rule's meta), every
// finding as a result with a relative location and a fingerprint that survives line shifts.
import { createHash } from 'node:crypto';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Fingerprinted } from '../ci/fingerprint.js';
import { VERSION } from '../paths.js';
import { RULES } from '../rules/index.js';
import type { Severity } from '../rules/types.js';
import type { PricedFinding, ReportData } from './data.js';
import { helpUri, INFORMATION_URI, ruleDocMarkdown, ruleDocText, worstSeverity } from './rule-docs.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The key of our fingerprint in `partialFingerprints` (versioned: a new scheme gets a new key). */
export const FINGERPRINT_KEY = 'clawperfFingerprint/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', important: 'warning', minor: 'note' };

/** `examples/my app/x.py` → `examples/my%20app/x.py`: a relative URI reference with forward slashes. */
export function fileUri(path: string): string {
  return path.split(/[\\/]/).map((segment) => (segment === '..' || segment === '.' ? segment : encodeURIComponent(segment))).join('/');
}

function ruleDescriptor(lang: ReportData['lang']) {
  return RULES.map(({ meta }): ReportingDescriptor => ({
    id: meta.id,
    name: meta.name,
    shortDescription: { text: meta.title[lang] },
    fullDescription: { text: meta.docs.what[lang] },
    help: { text: ruleDocText(meta, lang), markdown: ruleDocMarkdown(meta, lang) },
    helpUri: helpUri(meta),
    defaultConfiguration: { level: LEVEL[worstSeverity(meta)] },
    properties: { dimension: meta.dimension, phase: meta.phase, tags: ['performance', meta.dimension] },
  }));
}

function fingerprint(f: Fingerprinted<PricedFinding>): string {
  // Without source text (a caller that skipped the CI hook) the identity falls back to the location.
  return f.fingerprint ?? createHash('sha256').update(`${f.rule}\0${f.file}\0${f.line}`).digest('hex').slice(0, 32);
}

function result(f: Fingerprinted<PricedFinding>, ruleIndex: number, lang: ReportData['lang']): Result {
  const improvement = lang === 'es' ? 'Mejora esperada' : 'Expected improvement';
  return {
    ruleId: f.rule,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: `${f.message[lang]} — ${f.whyAtScale[lang]}. ${improvement}: ${f.impact.improvement}.` },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: fileUri(f.file) },
        region: { startLine: f.line, startColumn: Math.max(1, f.column), endLine: Math.max(f.line, f.endLine) },
      },
    }],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f) },
    properties: {
      severity: f.severity, dimension: f.dimension, context: f.context, phase: f.phase,
      impact: { current: f.impact.current, expected: f.impact.expected, improvement: f.impact.improvement, assumptions: f.impact.assumptions },
      proposal: f.proposal.change[lang], tradeoff: f.proposal.tradeoff[lang],
    },
  };
}

export function renderSarif(data: ReportData): string {
  const index = new Map(RULES.map((rule, i) => [rule.meta.id, i]));
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'clawperf', version: VERSION, semanticVersion: VERSION, informationUri: INFORMATION_URI,
          rules: ruleDescriptor(data.lang),
        },
      },
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: data.warnings.map((warning) => ({ level: 'warning' as const, message: { text: warning } })),
      }],
      language: data.lang === 'es' ? 'es-ES' : 'en-US',
      results: data.findings.map((f) => result(f, index.get(f.rule) ?? -1, data.lang)),
      properties: { agents: data.agents, summary: data.summary },
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
