// `clawperf rule ID` / `clawperf rules`: every rule in RULES has complete documentation in both languages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findRule, ruleDoc, rulesList } from '../../src/cli/commands/rule.js';
import { RULES } from '../../src/rules/index.js';
import { runCli } from './helpers.js';

const SECTIONS = {
  en: ['## What it does', '## Why it matters at 100 agents', '## Example', '## Use instead', '## Trade-off', '## Severity by context'],
  es: ['## Qué detecta', '## Por qué importa con 100 agentes', '## Ejemplo', '## En su lugar', '## Compromiso', '## Severidad según el contexto'],
} as const;

test('rule docs print for every rule in RULES, in Spanish and English', () => {
  assert.ok(RULES.length > 0);
  for (const rule of RULES) {
    for (const lang of ['en', 'es'] as const) {
      const doc = ruleDoc(rule, lang, 'md');
      assert.ok(doc.startsWith(`# ${rule.meta.id} ${rule.meta.name}: ${rule.meta.title[lang]}`), `${rule.meta.id} ${lang}: title line`);
      for (const heading of SECTIONS[lang]) assert.ok(doc.includes(heading), `${rule.meta.id} ${lang}: "${heading}" missing`);
      assert.ok(doc.includes(rule.meta.docs.what[lang]) && doc.includes(rule.meta.docs.why[lang]) && doc.includes(rule.meta.docs.tradeoff[lang]), `${rule.meta.id} ${lang}: the meta's own words`);
      assert.ok(doc.includes(rule.meta.docs.example.trimEnd()) && doc.includes(rule.meta.docs.useInstead.trimEnd()), `${rule.meta.id}: example and fix`);
      assert.ok(/`handler`.*\|.*\n.*`poll_loop`/.test(doc), `${rule.meta.id}: severity policy per context`);
      assert.ok(doc.includes(`# noqa: ${rule.meta.id}`), `${rule.meta.id}: how to suppress it`);
    }
    const json = JSON.parse(ruleDoc(rule, 'en', 'json')) as Record<string, unknown>;
    for (const key of ['id', 'dimension', 'what', 'why', 'example', 'use_instead', 'tradeoff', 'severity', 'phase']) assert.ok(json[key] !== undefined && json[key] !== '', `${rule.meta.id}: json ${key}`);
  }
});

test('rules are found by id in any case or by name; an unknown id suggests the nearest', () => {
  const first = RULES[0]!.meta;
  assert.equal(findRule(first.id.toLowerCase()).meta.id, first.id);
  assert.equal(findRule(first.name).meta.id, first.id);
  assert.throws(() => findRule('PO31'), /unknown rule "PO31" \(did you mean PO301\?\)/);
  assert.throws(() => findRule('ZZ999'), /^Error: unknown rule "ZZ999"; `clawperf rules` lists them all$/);
});

test('the CLI prints one rule, lists them all, and fails in one line with exit 2 on an unknown id', () => {
  const one = runCli(['rule', 'PO301', '--lang', 'en']);
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /^# PO301 sleep-polling-filesystem: Sleep-polling the filesystem/);
  const list = runCli(['rules', '--lang', 'en']);
  assert.equal(list.status, 0);
  assert.equal(list.stdout, rulesList('en', 'md'));
  for (const rule of RULES) assert.ok(list.stdout.includes(`| ${rule.meta.id} ${rule.meta.name} | ${rule.meta.dimension} |`), rule.meta.id);
  const bad = runCli(['rule', 'PO31']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr, 'clawperf: unknown rule "PO31" (did you mean PO301?); `clawperf rules` lists them all\n');
});
