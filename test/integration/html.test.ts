// `--format html`: one self-contained page with the five sections, the findings by dimension and SVG charts;
// rendered in headless Chromium when one is installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { markdownToHtml } from '../../src/report/html.js';
import { runCli } from './helpers.js';

const SECTIONS_EN = ['1. Current Diagnosis', '2. Critical Points Detected', '3. Concrete Technical Proposal', '4. Estimated Impact', '5. Optimization Roadmap'];
const SECTIONS_ES = ['1. Diagnóstico Actual', '2. Puntos Críticos Detectados', '3. Propuesta Técnica Concreta', '4. Impacto Estimado', '5. Roadmap de Optimización'];

const en = runCli(['analyze', 'examples/openclaw-demo', '--format', 'html', '--lang', 'en', '--agents', '1,10,100', '--no-memory', '--no-config', '--fail-on', 'none']);
const es = runCli(['analyze', 'examples/openclaw-demo', '--format', 'html', '--lang', 'es', '--no-memory', '--no-config', '--fail-on', 'none']);

test('the page holds the five sections in order, the findings by dimension and SVG charts', () => {
  assert.equal(en.status, 0, en.stderr);
  const page = en.stdout;
  assert.match(page, /^<!DOCTYPE html>/);
  let last = -1;
  for (const [i, heading] of SECTIONS_EN.entries()) {
    const at = page.indexOf(`<section id="section-${i + 1}">\n<h2>${heading}</h2>`);
    assert.ok(at > last, `section ${heading} present and in order`);
    last = at;
  }
  assert.match(page, /<section id="dimensions"><h2>Findings by dimension<\/h2>/);
  assert.ok((page.match(/<svg /g) ?? []).length >= 3, 'dimension chart, capacity curve and at least one impact chart');
  assert.match(page, /Capacity curve/);
  assert.match(page, /current vs expected at 100 agents/);
  assert.match(page, /<table>[\s\S]*Current Metric \(est\.\)/, 'the impact table of section 4');
});

test('Spanish page: the seed’s headings verbatim', () => {
  assert.equal(es.status, 0, es.stderr);
  for (const heading of SECTIONS_ES) assert.ok(es.stdout.includes(`<h2>${heading}</h2>`), heading);
  assert.match(es.stdout, /<html lang="es">/);
});

test('self-contained: no external resource, no script', () => {
  const page = en.stdout;
  assert.doesNotMatch(page, /<(script|link|img|iframe)\b/i);
  assert.doesNotMatch(page, /\b(src|href)="(https?:)?\/\//i);
  assert.doesNotMatch(page, /url\(|@import/);
  assert.match(page, /Content-Security-Policy" content="default-src 'none'/);
});

test('Markdown subset conversion escapes HTML and keeps code, bold, tables and tasks', () => {
  const html = markdownToHtml('## T\n\n- a `<b>` **x**\n  - nested\n- [ ] task\n\n| a | b \\| c |\n|---|---|\n| 1 | 2 |\n\n```python\nif a < b:\n```\n');
  assert.match(html, /<h2>T<\/h2>/);
  assert.match(html, /<li>a <code>&lt;b&gt;<\/code> <strong>x<\/strong><ul><li>nested<\/li><\/ul><\/li>/);
  assert.match(html, /<input type="checkbox" disabled> task/);
  assert.match(html, /<th>b \| c<\/th>/);
  assert.match(html, /<pre><code class="language-python">if a &lt; b:<\/code><\/pre>/);
});

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

test('renders in headless Chromium', { skip: CHROMIUM ? false : 'no Chromium installed (looked for /usr/bin/chromium, chromium-browser, google-chrome); install one to run this check' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'clawperf-html-'));
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, en.stdout);
    const run = spawnSync(CHROMIUM!, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--user-data-dir=${join(dir, 'profile')}`, '--virtual-time-budget=2000', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 40_000 });
    assert.equal(run.status, 0, `chromium failed: ${run.stderr.slice(0, 2000)}`);
    // The DOM Chromium built from the page: every section and chart made it through its parser.
    for (let i = 1; i <= 5; i++) assert.match(run.stdout, new RegExp(`<section id="section-${i}">`));
    assert.ok((run.stdout.match(/<svg /g) ?? []).length >= 3, 'the SVG charts are in the rendered DOM');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
