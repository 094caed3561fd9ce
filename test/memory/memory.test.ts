import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_INDEX_LINES,
  consultMemory,
  findingKey,
  forgetNote,
  inspectMemory,
  recordOptimization,
  rememberNote,
  showMemory,
  updateMemory,
} from '../../src/memory/index.js';
import { finding, keys, read, tempRoot } from './helpers.js';

const day = (d: number) => new Date(Date.UTC(2025, 0, d, 12));

function demoFindings() {
  return [
    finding('PO301', 'dispatcher.py', 42, { anchor: 'poll_loop' }),
    finding('SP501', 'worker.py', 10, { severity: 'important', dimension: 'subprocess', context: 'loop' }),
    finding('CA802', 'client.py', 5, { anchor: 'Client.fetch', severity: 'minor', dimension: 'caching', context: 'handler' }),
  ];
}
const FILES = ['dispatcher.py', 'worker.py', 'client.py'];

test('one run verifies nothing; a second distinct run verifies every bottleneck', async () => {
  const { root, cleanup } = tempRoot();
  try {
    const first = await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'run-1', now: day(1) });
    assert.deepEqual(first, { warnings: [], newlyVerified: 0, resolved: 0, regressions: 0 });
    assert.equal(keys(read(root, 'MEMORY.md')).filter((k) => k.startsWith('PO')).length, 0, 'pending entries are not shown');
    assert.equal(keys(read(root, 'bottlenecks.md')).length, 0);
    const state = JSON.parse(read(root, '.state.json'));
    assert.equal(state.bottlenecks.length, 3);
    assert.ok(state.bottlenecks.every((e: { status: string }) => e.status === 'pending'));

    // The same run id again is still one run.
    const again = await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'run-1', now: day(1) });
    assert.equal(again.newlyVerified, 0);

    const second = await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'run-2', now: day(2) });
    assert.equal(second.newlyVerified, 3);
    const index = read(root, 'MEMORY.md');
    assert.ok(index.includes('<!-- key: PO301 dispatcher.py:poll_loop -->'));
    assert.ok(index.includes('<!-- key: CA802 client.py:Client.fetch -->'));
    assert.ok(index.includes('known since 2025-01-01'));
    assert.ok(!index.includes('run-1') && !index.includes('run-2'), 'no run ids in the Markdown');
    assert.ok(!/\d{2}:\d{2}/.test(index), 'no times in the Markdown');
    const detail = read(root, 'bottlenecks.md');
    assert.match(detail, /PO301 `dispatcher\.py:42` in `poll_loop` \(poll_loop\).*known since 2025-01-01/);
    assert.match(read(root, 'subprocesses.md'), /SP501/);
    assert.match(read(root, 'caching.md'), /CA802/);
    assert.match(read(root, 'hot-paths.md'), /`dispatcher\.py` in `poll_loop`/);
    for (const name of ['optimizations.md', 'memory-patterns.md', 'io-hotspots.md', 'scalability.md', 'preferences.md']) {
      assert.ok(existsSync(join(root, '.claude/agent-memory/performance-engineer', name)), name);
      assert.ok(index.includes(`](${name})`), `MEMORY.md links ${name}`);
    }

    const consulted = consultMemory({ root, findings: demoFindings() });
    assert.deepEqual(consulted.warnings, []);
    assert.deepEqual(consulted.findings.map((f) => f.memory), [{ knownSince: '2025-01-01' }, { knownSince: '2025-01-01' }, { knownSince: '2025-01-01' }]);
  } finally {
    cleanup();
  }
});

test('runtime evidence verifies a bottleneck in one run', async () => {
  const { root, cleanup } = tempRoot();
  try {
    const f = finding('DK403', 'watch.py', 7, { anchor: 'scan', dimension: 'disk', runtime: { eventsPerSecond: 200, kind: 'listdir', events: 2000 } });
    const result = await updateMemory({ root, findings: [f], analysedFiles: ['watch.py'], runId: 'r1', now: day(1) });
    assert.equal(result.newlyVerified, 1);
    assert.match(read(root, 'MEMORY.md'), /DK403 `watch\.py:7` in `scan`.*runtime-confirmed \(listdir\)/);
  } finally {
    cleanup();
  }
});

test('a bottleneck gone from an analysed file is resolved with the date; back again it is a regression', async () => {
  const { root, cleanup } = tempRoot();
  try {
    await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r1', now: day(1) });
    await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r2', now: day(2) });

    // worker.py not analysed this time: its entry stays; dispatcher.py analysed without PO301: resolved.
    const withoutPoll = demoFindings().filter((f) => f.rule === 'CA802');
    const third = await updateMemory({ root, findings: withoutPoll, analysedFiles: ['dispatcher.py', 'client.py'], runId: 'r3', now: day(3) });
    assert.equal(third.resolved, 1);
    const detail = read(root, 'bottlenecks.md');
    const resolvedPart = detail.slice(detail.indexOf('## Resolved'));
    assert.match(resolvedPart, /PO301 `dispatcher\.py:42`.*resolved 2025-01-03/);
    assert.ok(!resolvedPart.includes('SP501'), 'files that were not analysed do not resolve');
    assert.match(read(root, 'optimizations.md'), /## Bottlenecks fixed[\s\S]*PO301[\s\S]*fix: fix PO301/);
    assert.match(read(root, 'MEMORY.md'), /1 resolved/);

    // Consulted before it is written again: memory says it is a regression.
    const consulted = consultMemory({ root, findings: demoFindings() });
    assert.deepEqual(consulted.findings[0]!.memory, { knownSince: '2025-01-01', regression: true });
    assert.equal(consulted.findings[1]!.memory?.regression, undefined);

    const fourth = await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r4', now: day(4) });
    assert.equal(fourth.regressions, 1);
    assert.match(read(root, 'MEMORY.md'), /PO301 .*⚠️ regressed 2025-01-04/);
    assert.match(read(root, 'bottlenecks.md'), /## Regressions[^#]*PO301/);
    assert.deepEqual(consultMemory({ root, findings: demoFindings() }).findings[0]!.memory, { knownSince: '2025-01-01', regression: true });

    // A pending (never verified) entry that disappears is simply dropped.
    await updateMemory({ root, findings: [finding('IO101', 'client.py', 80, { anchor: 'get' })], analysedFiles: ['client.py'], runId: 'r5', now: day(5) });
    await updateMemory({ root, findings: [], analysedFiles: ['client.py'], runId: 'r6', now: day(6) });
    const state = JSON.parse(read(root, '.state.json'));
    assert.ok(!state.bottlenecks.some((e: { rule: string }) => e.rule === 'IO101'));
  } finally {
    cleanup();
  }
});

test('entry keys survive line shifts (anchor, or the neighbouring line bucket)', async () => {
  const { root, cleanup } = tempRoot();
  try {
    const a1 = finding('PO301', 'd.py', 42, { anchor: 'poll_loop' });
    const a2 = finding('PO301', 'd.py', 97, { anchor: 'poll_loop' });
    assert.equal(findingKey(a1, root), findingKey(a2, root));
    const b1 = finding('SP502', 'd.py', 24);
    const b2 = finding('SP502', 'd.py', 27); // crosses a 25-line bucket boundary
    await updateMemory({ root, findings: [a1, b1], analysedFiles: ['d.py'], runId: 'r1', now: day(1) });
    const second = await updateMemory({ root, findings: [a2, b2], analysedFiles: ['d.py'], runId: 'r2', now: day(2) });
    assert.equal(second.newlyVerified, 2);
    assert.equal(second.resolved, 0);
    assert.match(read(root, 'bottlenecks.md'), /SP502 `d\.py:27`/);
    // Snippet anchors are hashed into the key; absolute paths under the root become relative.
    const snippet = finding('CA803', join(root, 'pkg/x.py'), 3, { anchor: 're.compile(r"\\d+")  # hot' });
    assert.match(findingKey(snippet, root), /^CA803 pkg\/x\.py:#[0-9a-f]{10}$/);
  } finally {
    cleanup();
  }
});

test('MEMORY.md stays within 200 lines with 1,000 findings over 300 files and many notes', async () => {
  const { root, cleanup } = tempRoot();
  try {
    const rules = ['PO301', 'SP501', 'CA802', 'DK403', 'ME601', 'SC703', 'IO101', 'PA901'];
    const dims = ['polling', 'subprocess', 'caching', 'disk', 'memory', 'scalability', 'io_blocking', 'parallelism'] as const;
    const sev = ['critical', 'important', 'minor'] as const;
    const ctx = ['handler', 'poll_loop', 'loop', 'per_task', 'startup'] as const;
    const findings = Array.from({ length: 1000 }, (_, i) =>
      finding(rules[i % 8]!, `pkg/mod_${i % 300}.py`, 10 + Math.floor(i / 300) * 40, {
        anchor: `fn_${Math.floor(i / 300)}_${i % 8}`,
        dimension: dims[i % 8]!,
        severity: sev[i % 3]!,
        context: ctx[i % 5]!,
      }),
    );
    const files = Array.from({ length: 300 }, (_, i) => `pkg/mod_${i}.py`);
    const started = Date.now();
    await updateMemory({ root, findings, analysedFiles: files, runId: 'r1', now: day(1) });
    const second = await updateMemory({ root, findings, analysedFiles: files, runId: 'r2', now: day(2) });
    assert.equal(second.newlyVerified, 1000);
    for (let i = 0; i < 60; i++) await rememberNote(root, `note number ${i}: keep the agent loop lean`, { now: day(2) });
    assert.ok(Date.now() - started < 20_000, 'fast enough');
    const index = read(root, 'MEMORY.md');
    const lines = index.replace(/\n$/, '').split('\n');
    assert.ok(lines.length <= MAX_INDEX_LINES, `MEMORY.md has ${lines.length} lines`);
    assert.match(index, /_1000 verified \(🔴 334 · 🟡 333 · 🟢 333\)/);
    assert.match(index, /more in \[bottlenecks\.md\]/);
    // Every verified entry is still in the topic file (detail moved, not dropped).
    assert.equal(keys(read(root, 'bottlenecks.md')).length, 1000);
    assert.equal(inspectMemory(root).text, index);
  } finally {
    cleanup();
  }
});

test('a corrupt .state.json never crashes: entries are recovered from the Markdown', async () => {
  const { root, dir, cleanup } = tempRoot();
  try {
    await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r1', now: day(1) });
    await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r2', now: day(2) });
    await rememberNote(root, 'ignore rule SP502', { now: day(2) });
    await recordOptimization(root, { title: 'inotify watch', before: '200 listdir/s', after: '0 listdir/s', change: 'PO301 → inotify', measured: true }, { now: day(2) });
    writeFileSync(join(dir, '.state.json'), '{"version": 1, "bottlenecks": [ {"key": trunc');

    const consulted = consultMemory({ root, findings: demoFindings() });
    assert.ok(consulted.warnings.some((w) => /corrupt/.test(w)), consulted.warnings.join('\n'));
    assert.equal(consulted.findings[0]!.memory?.knownSince, '2025-01-01');
    assert.deepEqual(consulted.preferences.ignoreRules, ['SP502']);

    const result = await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r3', now: day(3) });
    assert.ok(result.warnings.some((w) => /rebuilt \d+ entries/.test(w)));
    const state = JSON.parse(read(root, '.state.json'));
    assert.equal(state.bottlenecks.filter((e: { status: string }) => e.status === 'verified').length, 3);
    assert.equal(state.bottlenecks.find((e: { rule: string }) => e.rule === 'PO301').firstSeen, '2025-01-01');
    assert.equal(state.notes[0].text, 'ignore rule SP502');
    assert.equal(state.optimizations[0].after, '0 listdir/s');
    assert.equal(state.optimizations[0].measured, true);
    assert.ok(existsSync(join(dir, '.state.corrupt.json')), 'the corrupt file is kept aside');

    // Valid JSON with some invalid entries: those are dropped, the rest kept.
    const good = JSON.parse(read(root, '.state.json'));
    good.bottlenecks.push({ key: 'broken' }, 42);
    writeFileSync(join(dir, '.state.json'), JSON.stringify(good));
    const partial = consultMemory({ root, findings: demoFindings() });
    assert.ok(partial.warnings.some((w) => /dropped 2 invalid bottleneck entries/.test(w)));
    assert.equal(partial.findings[0]!.memory?.knownSince, '2025-01-01');

    // Not even an object.
    writeFileSync(join(dir, '.state.json'), '[]');
    assert.equal(consultMemory({ root, findings: demoFindings() }).findings[2]!.memory?.knownSince, '2025-01-01');
  } finally {
    cleanup();
  }
});

test('a hand-edited MEMORY.md is read as well as possible and its hand-written lines are kept', async () => {
  const { root, dir, cleanup } = tempRoot();
  try {
    await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r1', now: day(1) });
    await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r2', now: day(2) });
    // A person adds a line with an editor (state intact).
    const index = read(root, 'MEMORY.md');
    writeFileSync(join(dir, 'MEMORY.md'), index.replace('## Bottlenecks', '- Always measure with 100 agents before merging\n\n## Bottlenecks'));
    const consulted = consultMemory({ root, findings: [] });
    assert.ok(consulted.preferences.notes.includes('Always measure with 100 agents before merging'));
    await rememberNote(root, 'prefer systemd path units', { now: day(3) });
    const state = JSON.parse(read(root, '.state.json'));
    assert.deepEqual(state.notes.map((n: { text: string }) => n.text), ['Always measure with 100 agents before merging', 'prefer systemd path units']);
    assert.match(read(root, 'MEMORY.md'), /- Always measure with 100 agents before merging <!-- key: note:/);

    // No state at all, topic files gone, and an index mangled by hand: what can be read is recovered.
    rmSync(join(dir, '.state.json'));
    for (const name of readdirSync(dir)) if (name.endsWith('.md') && name !== 'MEMORY.md') rmSync(join(dir, name));
    writeFileSync(
      join(dir, 'MEMORY.md'),
      [
        '# My notes',
        'random text ## with <!-- odd --> markup',
        '- 🔴 PO301 `dispatcher.py:40` in `poll_loop` (poll_loop) — polls · known since 2024-12-01 <!-- key: PO301 dispatcher.py:poll_loop -->',
        '- 🟡 SP501 something edited <!-- key: SP501 worker.py:L0 -->',
        '- <!-- key: not a valid key -->',
        '- <!-- key: -->',
        '* use requests.Session everywhere',
        '```',
        '- inside a code block',
        '```',
        '| a | b |',
      ].join('\n'),
    );
    const recovered = consultMemory({ root, findings: demoFindings() });
    assert.ok(recovered.warnings.some((w) => /missing; rebuilt/.test(w)));
    assert.equal(recovered.findings[0]!.memory?.knownSince, '2024-12-01');
    assert.ok(recovered.findings[1]!.memory, 'SP501 recovered from its key');
    assert.ok(recovered.preferences.notes.includes('use requests.Session everywhere'));
    assert.ok(!recovered.preferences.notes.includes('inside a code block'));
    const after = await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r3', now: day(3) });
    assert.equal(after.newlyVerified, 0, 'PO301 and SP501 were verified already; CA802 was lost, so it starts pending');
    assert.match(read(root, 'bottlenecks.md'), /PO301 .*known since 2024-12-01/);
    assert.match(read(root, 'bottlenecks.md'), /SP501 `worker\.py:10`/);
    assert.ok(!read(root, 'bottlenecks.md').includes('CA802'));
    assert.ok(read(root, 'caching.md').includes('- use requests.Session everywhere <!-- key: note:'), 'a caching note lives in caching.md');
  } finally {
    cleanup();
  }
});

test('notes: remember, duplicates, forget by substring, CLAUDE.md duplicates stay out of the Markdown', async () => {
  const { root, cleanup } = tempRoot();
  try {
    assert.match(showMemory(root), /No project memory yet/);
    assert.equal(await forgetNote(root, 'anything'), 0);
    assert.ok(!existsSync(join(root, '.claude')), 'forget on an empty memory creates nothing');
    assert.equal((await rememberNote(root, 'ignore tests/')).added, true);
    const dup = await rememberNote(root, '  IGNORE   tests/ ');
    assert.equal(dup.added, false);
    assert.equal(dup.reason, 'duplicate');
    await rememberNote(root, 'The config loader caches with lru_cache');
    assert.match(read(root, 'caching.md'), /The config loader caches with lru_cache/);
    assert.match(showMemory(root, { topic: 'caching' }), /lru_cache/);

    writeFileSync(join(root, 'CLAUDE.md'), '# Project\n\nAlways ignore legacy/** when analysing.\n');
    const claude = await rememberNote(root, 'ignore legacy/**');
    assert.equal(claude.inClaudeMd, true);
    assert.ok(!read(root, 'MEMORY.md').includes('ignore legacy/**'), 'CLAUDE.md already says it');
    assert.ok(!read(root, 'preferences.md').includes('- ignore legacy/**'));
    assert.deepEqual(consultMemory({ root, findings: [] }).preferences.ignorePaths, ['tests/', 'legacy/**']);

    await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r1', now: day(1) });
    await updateMemory({ root, findings: demoFindings(), analysedFiles: FILES, runId: 'r2', now: day(2) });
    assert.equal(await forgetNote(root, 'LRU_CACHE'), 1);
    assert.ok(!read(root, 'caching.md').includes('lru_cache'));
    assert.equal(await forgetNote(root, 'dispatcher.py'), 1, 'a wrong bottleneck entry is removed');
    assert.ok(!read(root, 'MEMORY.md').includes('PO301'));
    assert.equal(await forgetNote(root, 'no such thing'), 0);
  } finally {
    cleanup();
  }
});

test('optimizations from stress --compare are recorded with their impact', async () => {
  const { root, cleanup } = tempRoot();
  try {
    await recordOptimization(root, { title: 'ThreadingHTTPServer', before: 'p95 1200 ms', after: 'p95 40 ms', change: 'SC701: HTTPServer → ThreadingHTTPServer', measured: true }, { now: day(5) });
    await recordOptimization(root, { title: 'Session reuse', before: 3, after: 0.8, change: 'CA802: requests.Session', measured: false }, { now: day(5) });
    // Same title and change: updated, not duplicated.
    await recordOptimization(root, { title: 'ThreadingHTTPServer', before: 'p95 1200 ms', after: 'p95 35 ms', change: 'SC701: HTTPServer → ThreadingHTTPServer', measured: true }, { now: day(6) });
    const text = read(root, 'optimizations.md');
    assert.match(text, /## Measured\n\n- \*\*ThreadingHTTPServer\*\* — change: SC701: HTTPServer → ThreadingHTTPServer · before: p95 1200 ms → after: p95 35 ms · measured · 2025-01-06/);
    assert.match(text, /## Estimated\n\n- \*\*Session reuse\*\* .*before: 3 → after: 0\.8 · estimated/);
    assert.equal(keys(text).length, 2);
    assert.match(read(root, 'MEMORY.md'), /_2 recorded \(1 measured\)/);
  } finally {
    cleanup();
  }
});

test('writes are atomic: no temp files or lock left behind, unchanged files are not rewritten', async () => {
  const { root, dir, cleanup } = tempRoot();
  try {
    await rememberNote(root, 'first note');
    const before = readFileSync(join(dir, 'scalability.md'));
    await rememberNote(root, 'second note');
    assert.deepEqual(readFileSync(join(dir, 'scalability.md')), before);
    const names = readdirSync(dir);
    assert.ok(!names.some((n) => n.includes('.tmp-')), names.join(' '));
    assert.ok(!names.includes('.lock'));
    assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /\.lock/);
  } finally {
    cleanup();
  }
});

test('not seen is not fixed: rules that did not run and ignored paths or rules do not resolve', async () => {
  const { root, cleanup } = tempRoot();
  try {
    const findings = [
      finding('PO301', 'dispatcher.py', 42, { anchor: 'poll_loop' }),
      finding('SP502', 'worker.py', 12, { anchor: 'run', dimension: 'subprocess' }),
      finding('DK403', 'tests/helper.py', 3, { anchor: 'scan', dimension: 'disk' }),
    ];
    const files = ['dispatcher.py', 'worker.py', 'tests/helper.py'];
    await updateMemory({ root, findings, analysedFiles: files, runId: 'r1', now: day(1) });
    await updateMemory({ root, findings, analysedFiles: files, runId: 'r2', now: day(2) });
    await rememberNote(root, 'ignore rule SP502');
    await rememberNote(root, 'ignore tests/');
    // This run only had PA901 selected, and the analyser dropped what the preferences ignore.
    const onlyPa = await updateMemory({ root, findings: [], analysedFiles: files, rules: ['PA901'], runId: 'r3', now: day(3) });
    assert.equal(onlyPa.resolved, 0);
    const all = await updateMemory({ root, findings: [], analysedFiles: files, runId: 'r4', now: day(4) });
    assert.equal(all.resolved, 1, 'only PO301 is resolved; SP502 and tests/ are ignored, not fixed');
    const consulted = consultMemory({ root, findings });
    assert.deepEqual(consulted.preferences.ignoreRules, ['SP502']);
    assert.deepEqual(consulted.preferences.ignorePaths, ['tests/']);
    assert.equal(consulted.findings[0]!.memory?.regression, true);
    assert.equal(consulted.findings[1]!.memory?.regression, undefined);
  } finally {
    cleanup();
  }
});
