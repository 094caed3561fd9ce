import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingIgnored, parsePreferences, pathIgnored } from '../../src/memory/index.js';

test('preferences are parsed from remembered texts (English and Spanish)', () => {
  const p = parsePreferences([
    'ignore tests/',
    'Ignore path legacy/**',
    'ignore rule SP502',
    'ignore rules po301, DK403 and vendor/*.py',
    "don't ignore scripts/",
    'skip fsync checks because they matter',
    'prefer systemd path units',
    'lang: es',
    'Always measure p95 before and after.',
  ]);
  assert.deepEqual(p.ignorePaths, ['tests/', 'legacy/**', 'vendor/*.py']);
  assert.deepEqual(p.ignoreRules, ['SP502', 'PO301', 'DK403']);
  assert.equal(p.preferSystemdPathUnits, true);
  assert.equal(p.lang, 'es');
  assert.equal(p.notes.length, 9);
  assert.equal(p.notes[8], 'Always measure p95 before and after.');

  const es = parsePreferences(['ignora la carpeta migraciones', 'ignora la regla SC703', 'prefiere unidades systemd path', 'informes en inglés']);
  assert.deepEqual(es.ignorePaths, ['migraciones']);
  assert.deepEqual(es.ignoreRules, ['SC703']);
  assert.equal(es.preferSystemdPathUnits, true);
  assert.equal(es.lang, 'en');

  const later = parsePreferences(['prefer systemd path units', "don't use systemd units", 'report in English']);
  assert.equal(later.preferSystemdPathUnits, false);
  assert.equal(later.lang, 'en');
  assert.deepEqual(parsePreferences([]), { ignorePaths: [], ignoreRules: [], preferSystemdPathUnits: false, notes: [] });
});

test('ignored paths match gitignore-style', () => {
  const prefs = { ignorePaths: ['tests/', 'legacy/**', '*_pb2.py'], ignoreRules: ['SP502'] };
  assert.equal(pathIgnored('tests/test_a.py', prefs), true);
  assert.equal(pathIgnored('pkg/tests/test_a.py', prefs), true);
  assert.equal(pathIgnored('./legacy/old/x.py', prefs), true);
  assert.equal(pathIgnored('pkg/legacy/x.py', prefs), false, 'a glob with a slash is anchored at the root');
  assert.equal(pathIgnored('api/foo_pb2.py', prefs), true);
  assert.equal(pathIgnored('src/contests.py', prefs), false);
  assert.equal(findingIgnored({ rule: 'SP502', file: 'a.py' }, prefs), true);
  assert.equal(findingIgnored({ rule: 'SP501', file: 'a.py' }, prefs), false);
});
