// SARIF from the demo validates against the SARIF 2.1.0 JSON schema and carries what GitHub code scanning
// uses: rules with help and helpUri, levels, relative locations, partial fingerprints.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import type { Log } from 'sarif';
import { FINGERPRINT_KEY, fileUri } from '../../src/report/sarif.js';
import { RULES } from '../../src/rules/index.js';
import { DEMO, REPO_ROOT, runCli } from './helpers.js';

const SCHEMA = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'integration', 'schema', 'sarif-schema-2.1.0.json'), 'utf8')) as object;

function validator() {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  // The formats the schema uses, checked strictly enough to catch an absolute path or a space in a URI.
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => !/[\s\\]/.test(value) && URL.canParse(value, 'file:///base/'));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  return ajv.compile(SCHEMA);
}

const run = runCli(['analyze', 'examples/openclaw-demo', '--format', 'sarif', '--lang', 'en', '--no-memory', '--no-config', '--fail-on', 'none']);
const log = JSON.parse(run.stdout) as Log;

test('the demo’s SARIF validates against the SARIF 2.1.0 schema', () => {
  assert.equal(run.status, 0, run.stderr);
  const validate = validator();
  const valid = validate(log);
  assert.ok(valid, `schema errors:\n${JSON.stringify(validate.errors?.slice(0, 10), null, 2)}`);
  assert.equal(log.version, '2.1.0');
});

test('tool.driver lists every rule with help text, Markdown help and a helpUri', () => {
  const driver = log.runs[0]!.tool.driver;
  assert.equal(driver.name, 'clawperf');
  assert.match(driver.version ?? '', /^\d+\.\d+\.\d+/);
  assert.match(driver.informationUri ?? '', /^https:\/\//);
  assert.deepEqual(driver.rules!.map((r) => r.id), RULES.map((r) => r.meta.id));
  for (const rule of driver.rules!) {
    assert.ok(rule.name && rule.shortDescription?.text && rule.fullDescription?.text, `${rule.id}: name and descriptions`);
    assert.match(rule.help?.markdown ?? '', /## Why it matters at 100 agents/, `${rule.id}: Markdown help`);
    assert.ok(rule.help?.text, `${rule.id}: text help`);
    assert.equal(rule.helpUri, `https://github.com/clawperf/clawperf/blob/main/docs/rules/${rule.id}.md`);
    assert.ok(['polling', 'disk', 'io_blocking', 'sync_ops', 'subprocess', 'memory', 'scalability', 'caching', 'parallelism'].includes(String(rule.properties?.dimension)));
  }
});

test('results: level by severity, relative forward-slash locations, fingerprints', () => {
  const results = log.runs[0]!.results!;
  assert.ok(results.length > 0, 'the demo has findings');
  const rules = log.runs[0]!.tool.driver.rules!;
  const levels = { critical: 'error', important: 'warning', minor: 'note' } as Record<string, string>;
  const fingerprints = new Set<string>();
  for (const r of results) {
    assert.equal(rules[r.ruleIndex!]!.id, r.ruleId, 'ruleIndex points at the rule');
    assert.equal(r.level, levels[String(r.properties?.severity)]);
    const location = r.locations![0]!.physicalLocation!;
    assert.match(location.artifactLocation!.uri!, /^examples\/openclaw-demo\/[\w/]+\.py$/);
    assert.ok(location.region!.startLine! >= 1 && location.region!.startColumn! >= 1 && location.region!.endLine! >= location.region!.startLine!);
    const fingerprint = r.partialFingerprints?.[FINGERPRINT_KEY];
    assert.match(fingerprint ?? '', /^[0-9a-f]{32}$/);
    fingerprints.add(fingerprint!);
    assert.ok(r.message.text && r.message.text.length > 10);
  }
  assert.equal(fingerprints.size, results.length, 'fingerprints are unique per result');
  assert.ok(DEMO.endsWith('openclaw-demo'));
});

test('file URIs are relative references with forward slashes and escaped characters', () => {
  assert.equal(fileUri('src/app/worker.py'), 'src/app/worker.py');
  assert.equal(fileUri('my app\\x#1.py'), 'my%20app/x%231.py');
  assert.equal(fileUri('../up/x.py'), '../up/x.py');
});
