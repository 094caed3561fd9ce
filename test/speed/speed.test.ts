// Parallel parsing and the content cache: same results whichever way models are made, the cache reused,
// invalidated per file, tolerant of damage, and paths always from the current run. Behaviour only: the
// timings are `npm run bench`'s business.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { decode, encode, UnsupportedValueError } from '../../src/cache/codec.js';
import { pruneCache } from '../../src/cache/store.js';
import { workerThreshold } from '../../src/parse/pool.js';
import { packageRoot } from '../../src/paths.js';
import { analyzePaths, type AnalysisResult, type AnalyzeOptions } from '../../src/pipeline.js';

const DEMO = join(packageRoot, 'examples/openclaw-demo');
const CORPUS = join(packageRoot, 'test/corpus');
const scratch = mkdtempSync(join(tmpdir(), 'clawperf-speed-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(paths: string[], options: AnalyzeOptions): Promise<AnalysisResult> {
  return analyzePaths(paths, { cwd: packageRoot, gitignore: false, ...options });
}

const json = (result: AnalysisResult) => JSON.stringify(result.findings);

/** Every file of a cache folder's two-hex-digit subfolders (the model entries). */
function entries(dir: string): string[] {
  return readdirSync(dir).filter((d) => /^[0-9a-f]{2}$/.test(d)).flatMap((d) => readdirSync(join(dir, d)).map((f) => join(dir, d, f)));
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'proj-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('one thread and two worker threads give identical findings, in the same order (demo + corpus)', async () => {
  const saved = { ...workerThreshold };
  workerThreshold.files = 0; // these 30 files are too few to pay for workers: force them
  workerThreshold.lines = 0;
  try {
    const single = await run([DEMO, CORPUS], { jobs: 1, cache: false });
    const parallel = await run([DEMO, CORPUS], { jobs: 2, cache: false });
    assert.equal(single.modelStats?.workers, 0);
    assert.equal(parallel.modelStats?.workers, 2);
    assert.ok(single.findings.length > 50);
    assert.equal(json(parallel), json(single));
    assert.deepEqual(parallel.warnings, single.warnings);
    assert.deepEqual(parallel.summary, single.summary);
    // The linked models agree too (contexts, poll loops, call graph).
    const contexts = (r: AnalysisResult) => JSON.stringify(r.project.files.map((f) => [f.path, f.module, f.lines, f.source.length, f.calls.map((c) => [c.callee, c.context, c.poll?.loopLine, c.via])]));
    assert.equal(contexts(parallel), contexts(single));
  } finally {
    Object.assign(workerThreshold, saved);
  }
});

test('a warm run reuses every cached model (and the findings) and reports the same', async () => {
  const cache = join(scratch, 'warm-cache');
  const cold = await run([DEMO, CORPUS], { cache: false });
  const first = await run([DEMO, CORPUS], { cache });
  const warm = await run([DEMO, CORPUS], { cache });
  const files = cold.summary.files;
  assert.equal(first.modelStats?.parsed, files);
  assert.equal(first.modelStats?.written, files - first.project.files.filter((f) => f.modelError).length);
  assert.equal(warm.modelStats?.parsed, 0);
  assert.equal(warm.modelStats?.cached, files);
  assert.equal(warm.modelStats?.findingsCached, true);
  assert.equal(json(first), json(cold));
  assert.equal(json(warm), json(cold));
  assert.deepEqual(warm.summary, cold.summary);
  assert.deepEqual(warm.warnings, cold.warnings);
  // What reports, memory and CI read comes from the cache as it was computed cold.
  assert.deepEqual(warm.digest, cold.digest);
  assert.deepEqual(warm.files.map((f) => [f.path, f.module, f.lines, f.parseError, f.source.length]), cold.files.map((f) => [f.path, f.module, f.lines, f.parseError, f.source.length]));
  // The model, linked on first use, is the cold model: same facts, same contexts, same source lines.
  const shape = (r: AnalysisResult) => r.project.files.map((f) => [f.path, f.lines, f.source.length, f.functions.size, f.calls.map((c) => [c.callee, c.context, c.poll?.loopLine, c.via])]);
  assert.deepEqual(shape(warm), shape(cold));
});

test('a warm run with a model entry gone or damaged re-parses that file and reports the same', async () => {
  const cache = join(scratch, 'warm-damaged-cache');
  const cold = await run([DEMO], { cache });
  const [gone, damaged] = entries(cache);
  rmSync(gone!);
  writeFileSync(damaged!, 'garbage');
  const warm = await run([DEMO], { cache });
  assert.equal(warm.modelStats?.parsed, 2);
  assert.equal(warm.modelStats?.findingsCached, true, 'the findings still match the files: only the models are rebuilt');
  assert.equal(json(warm), json(cold));
  assert.ok(warm.project.files.every((f) => f.modelError === undefined));
  const again = await run([DEMO], { cache });
  assert.equal(again.modelStats?.parsed, 0, 'the entries were rewritten');
});

test('changing one file re-parses just that file, and cross-module contexts follow the change', async () => {
  const cache = join(scratch, 'change-cache');
  const dir = project({
    'svc/fetch.py': 'import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n',
    'svc/runner.py': 'from svc.fetch import fetch\n\ndef main():\n    fetch("http://localhost:8080/status")\n',
    'svc/other.py': 'import json\n\ndef load(p):\n    with open(p) as f:\n        return json.load(f)\n',
  });
  const contextOf = (r: AnalysisResult) => r.project.files.find((f) => f.path.endsWith('fetch.py'))!.calls.find((c) => c.callee === 'requests.get')!.context;
  const before = await run([dir], { cache });
  assert.equal(before.modelStats?.parsed, 3);
  assert.notEqual(contextOf(before), 'poll_loop');
  // The caller now polls: its loop appears in runner.py; fetch.py is untouched (served from the cache).
  writeFileSync(join(dir, 'svc/runner.py'), 'import time\nfrom svc.fetch import fetch\n\ndef main():\n    while True:\n        fetch("http://localhost:8080/status")\n        time.sleep(1)\n');
  const afterChange = await run([dir], { cache });
  assert.equal(afterChange.modelStats?.parsed, 1);
  assert.equal(afterChange.modelStats?.cached, 2);
  assert.equal(afterChange.modelStats?.findingsCached, false);
  assert.equal(contextOf(afterChange), 'poll_loop');
  // The same as a run without any cache.
  const fresh = await run([dir], { cache: false });
  assert.equal(json(afterChange), json(fresh));
  assert.equal(contextOf(fresh), 'poll_loop');
  assert.ok(afterChange.findings.some((f) => f.file.endsWith('fetch.py') && f.context === 'poll_loop'), 'a finding in the unchanged file is now priced as polling');
});

test('corrupt, truncated or foreign cache entries are ignored, parsed again and rewritten', async () => {
  const cache = join(scratch, 'corrupt-cache');
  const clean = await run([DEMO], { cache });
  const files = entries(cache);
  assert.ok(files.length >= 5);
  files.forEach((file, index) => {
    const size = statSync(file).size;
    if (index % 3 === 0) writeFileSync(file, 'garbage');
    else if (index % 3 === 1) writeFileSync(file, Buffer.alloc(Math.max(0, size - 17), 1)); // wrong length
    else { const bytes = Buffer.alloc(size, 0); writeFileSync(file, bytes); } // zeros: bad magic
  });
  rmSync(join(cache, 'findings'), { recursive: true, force: true });
  const damaged = await run([DEMO], { cache });
  assert.equal(damaged.modelStats?.corrupt, files.length);
  assert.equal(damaged.modelStats?.parsed, files.length);
  assert.equal(json(damaged), json(clean));
  const repaired = await run([DEMO], { cache });
  assert.equal(repaired.modelStats?.corrupt, 0);
  assert.equal(repaired.modelStats?.cached, files.length);
  assert.equal(json(repaired), json(clean));
});

test('a moved project, or a file moved inside it, reports its new path', async () => {
  const cache = join(scratch, 'move-cache');
  const original = project({
    'pkg/__init__.py': '',
    'pkg/poller.py': 'import os, time\n\ndef main():\n    while True:\n        for name in os.listdir("/tmp/inbox"):\n            print(name)\n        time.sleep(0.5)\n',
  });
  const first = await run([original], { cache });
  assert.ok(first.findings.length > 0);
  // The whole project moves: same modules, new paths. Nothing is parsed again; every path is the new one.
  const moved = join(scratch, 'moved-project');
  renameSync(original, moved);
  const again = await run([moved], { cache });
  assert.equal(again.modelStats?.cached, 2);
  assert.equal(again.modelStats?.parsed, 0);
  const rel = relative(packageRoot, moved).split('\\').join('/');
  assert.ok(again.findings.every((f) => f.file.startsWith(`${rel}/`)), 'findings name the new folder');
  assert.ok(again.project.files.every((f) => f.path.startsWith(`${rel}/`)), 'models carry the new paths');
  assert.deepEqual(again.findings.map((f) => [f.rule, f.line, f.file.slice(rel.length)]), first.findings.map((f) => [f.rule, f.line, f.file.slice(relative(packageRoot, original).length)]));
  // One file moves inside the project: a new module name, so it is modelled again, under its new path.
  mkdirSync(join(moved, 'pkg/agents'));
  writeFileSync(join(moved, 'pkg/agents/__init__.py'), '');
  renameSync(join(moved, 'pkg/poller.py'), join(moved, 'pkg/agents/poller.py'));
  const inside = await run([moved], { cache });
  assert.ok(inside.findings.length > 0 && inside.findings.every((f) => f.file === `${rel}/pkg/agents/poller.py`));
  assert.ok(inside.project.files.some((f) => f.module === 'pkg.agents.poller'));
});

test('a cache folder that cannot be written turns caching off, with no error and the same findings', async () => {
  const blocker = join(scratch, 'not-a-folder');
  writeFileSync(blocker, 'a file where the cache folder should be');
  const result = await run([DEMO], { cache: join(blocker, 'cache') });
  assert.equal(result.modelStats?.cacheWritable, false);
  assert.equal(result.modelStats?.written, 0);
  assert.equal(json(result), json(await run([DEMO], { cache: false })));
  assert.ok(!result.warnings.some((w) => /cache/i.test(w)));
});

test('the cache stays bounded: stale entries go first, then the least recently used', () => {
  const dir = join(scratch, 'prune');
  mkdirSync(join(dir, 'ab'), { recursive: true });
  const now = Date.now();
  for (let i = 0; i < 10; i++) {
    const file = join(dir, 'ab', `${String(i).padStart(64, '0')}.cpm`);
    writeFileSync(file, Buffer.alloc(1000));
    const age = (i === 0 ? 40 * 24 * 3600 : 10 - i) * 1000; // entry 0 is 40 days old; then oldest to newest
    utimesSync(file, (now - age) / 1000, (now - age) / 1000);
  }
  const result = pruneCache(dir, 5000, 30 * 24 * 3600 * 1000, now);
  const left = readdirSync(join(dir, 'ab')).sort();
  assert.equal(result.bytes <= 5000 * 0.8, true);
  assert.equal(left.length, 4);
  assert.ok(!left.includes(`${'0'.repeat(64)}.cpm`));
  assert.ok(left.includes(`${String(9).padStart(64, '0')}.cpm`), 'the most recently used entry stays');
});

test('the model codec keeps Maps, Sets, shared objects, undefined, -0, NaN and key order', () => {
  const shared = { kind: 'unknown' };
  const value = {
    a: 1, b: -2.5, c: -0, d: NaN, e: Infinity, f: 2 ** 40, g: 'ünïcödé "quoted"\n', h: undefined, i: null, j: [1, , 3],
    m: new Map<unknown, unknown>([['x', new Set([1, 'two', shared])], [3, { nested: [shared, shared] }]]), s: shared, t: true, u: false,
  };
  const back = decode(encode(value)) as typeof value;
  assert.deepStrictEqual(back, value);
  assert.deepEqual(Object.keys(back), Object.keys(value));
  assert.ok(Object.is(back.c, -0));
  assert.equal(back.s, (back.m.get(3) as { nested: unknown[] }).nested[0], 'a shared object stays one object');
  assert.ok(!(1 in back.j));
  assert.throws(() => encode({ f: () => 1 }));
  const cyclic: Record<string, unknown> = { list: [] };
  (cyclic.list as unknown[]).push(cyclic);
  assert.throws(() => encode(cyclic), UnsupportedValueError);
});

test('clawperf analyze --jobs and --no-cache: same JSON either way; bad --jobs is a usage error', () => {
  const dir = project({ 'agent.py': 'import os, time\n\nwhile True:\n    for n in os.listdir("/tmp/q"):\n        os.remove(n)\n    time.sleep(0.2)\n' });
  cpSync(join(CORPUS, 'file_queue_worker.py'), join(dir, 'file_queue_worker.py'));
  const cli = (args: string[]) => spawnSync(process.execPath, [join(packageRoot, 'dist/src/cli/main.js'), 'analyze', dir, '--format', 'json', '--no-memory', '--fail-on', 'none', ...args], { encoding: 'utf8', timeout: 60_000 });
  const cached = cli([]);
  const again = cli(['--jobs', '1']);
  const uncached = cli(['--no-cache', '--jobs', '2', '-v']);
  assert.equal(cached.status, 0, cached.stderr);
  assert.equal(again.stdout, cached.stdout);
  assert.equal(uncached.stdout, cached.stdout);
  assert.match(uncached.stderr, /models: 2 parsed .*cache off/);
  assert.ok(readdirSync(join(dir, '.clawperf/cache')).length > 0, 'the default cache lives under the analysed root');
  const bad = cli(['--jobs', 'zero']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--jobs/);
});
