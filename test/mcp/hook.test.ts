// `clawperf hook`: speaks on a polling loop, stays silent on harmless code, does not repeat itself, stays fast.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { checkFile, parseHookInput } from '../../src/integrations/hook.js';
import { triggersIn } from '../../src/integrations/triggers.js';

const CLI = resolve('dist/src/cli/main.js');

const POLLER = `import json
import os
import time

INBOX = "inbox"


def main():
    while True:
        for name in os.listdir(INBOX):
            with open(os.path.join(INBOX, name)) as f:
                msg = json.load(f)
            print(msg)
        time.sleep(0.5)


if __name__ == "__main__":
    main()
`;

const HARMLESS = `def add(a, b):
    return a + b


for x in [1, 2, 3]:
    print(add(x, 1))
`;

let root: string;

function hook(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [CLI, 'hook', ...args], { cwd: root, input: stdin ?? '', encoding: 'utf8', timeout: 30_000, env: { ...process.env, CLAUDE_PROJECT_DIR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function event(file: string): string {
  return JSON.stringify({ session_id: 's', hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: { file_path: file, content: '…' }, tool_response: { success: true }, cwd: root });
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'clawperf-hook-'));
  writeFileSync(join(root, 'poller.py'), POLLER);
  writeFileSync(join(root, 'harmless.py'), HARMLESS);
  writeFileSync(join(root, 'notes.txt'), 'while True: time.sleep(1)\n');
});

after(() => rmSync(root, { recursive: true, force: true }));

test('a PostToolUse event on a polling loop gets a decision "block" with the summary; the same finding is not repeated', () => {
  const first = hook([], event(join(root, 'poller.py')));
  assert.equal(first.code, 0, first.stderr);
  const answer = JSON.parse(first.stdout) as { decision: string; reason: string };
  assert.equal(answer.decision, 'block');
  assert.match(answer.reason, /PO301 line 9: .+ — 200 listdir( of an empty folder)?\/s/);
  // Priced as in the report: 200 listdir/s at 100 agents is 10–20 % of a core, important (impact/severity.ts).
  assert.match(answer.reason, /🟡 PO301 line 9/);
  const again = hook([], event(join(root, 'poller.py')));
  assert.equal(again.code, 0);
  assert.equal(again.stdout, '', 'an unchanged finding is not reported twice');
  // Lines added above the loop do not make the same finding new.
  writeFileSync(join(root, 'poller.py'), `# header\n# more\n${POLLER}`);
  assert.equal(hook([], event('poller.py')).stdout, '');
  // A new problem is.
  writeFileSync(join(root, 'poller.py'), POLLER.replace('print(msg)', 'print(msg)\n            os.system("touch done")'));
  assert.match(JSON.parse(hook([], event('poller.py')).stdout).reason, /SP50\d/);
});

test('--feedback exit2 puts the summary on stderr with exit code 2', () => {
  writeFileSync(join(root, 'poller2.py'), POLLER);
  const r = hook(['--feedback', 'exit2'], event('poller2.py'));
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /PO301/);
});

test('silent on a harmless Python file, on other files and on files that are gone', () => {
  for (const file of ['harmless.py', 'notes.txt', 'missing.py']) {
    const r = hook([], event(file));
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '', file);
    assert.equal(r.stderr, '', file);
  }
  assert.deepEqual(triggersIn(HARMLESS), []);
});

test('a list of files (arguments or stdin lines) gets the plain summary', () => {
  writeFileSync(join(root, 'poller3.py'), POLLER);
  writeFileSync(join(root, 'poller4.py'), POLLER);
  const args = hook(['harmless.py', 'poller3.py', '--lang', 'en']);
  assert.equal(args.code, 0);
  assert.match(args.stdout, /^clawperf: \d+ new performance findings? in poller3\.py/);
  const lines = hook(['--lang', 'es'], 'harmless.py\npoller4.py\n');
  assert.match(lines.stdout, /hallazgos? de rendimiento nuevos? en poller4\.py/);
  assert.deepEqual(parseHookInput([], 'a.py\n\nb.py\n', '/x'), { mode: 'list', files: ['a.py', 'b.py'], cwd: '/x' });
});

test('a broken event is one line on stderr and a non-blocking exit code', () => {
  const r = hook([], '{"tool_name": ');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^clawperf hook: the event on stdin is not valid JSON/);
});

/** A 1,000-line service module: mostly ordinary code, with a polling loop, a subprocess and file reads now and then. */
function serviceModule(lines: number): string {
  const out: string[] = ['import json', 'import os', 'import subprocess', 'import time', '', 'INBOX = "inbox"', ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `class Task${i}:`,
      `    def __init__(self, name, payload):`,
      `        self.name = name`,
      `        self.payload = payload`,
      '',
      `    def summary(self):`,
      `        parts = [self.name]`,
      `        for key, value in sorted(self.payload.items()):`,
      `            parts.append(f"{key}={value}")`,
      `        return ", ".join(parts)`,
      '',
      `def score_${i}(values):`,
      `    total = 0`,
      `    for v in values:`,
      `        if v > 10:`,
      `            total += v * 2`,
      `        else:`,
      `            total += v`,
      `    return total`,
      '',
    );
    if (i % 4 === 0) {
      out.push(
        `def poll_${i}():`,
        `    while True:`,
        `        for name in os.listdir(INBOX):`,
        `            with open(os.path.join(INBOX, name)) as f:`,
        `                task = Task${i}(name, json.load(f))`,
        `            subprocess.run(["logger", task.summary()])`,
        `        time.sleep(0.5)`,
        '',
      );
    }
  }
  return `${out.slice(0, lines).join('\n')}\n`;
}

// Behaviour only: how long this takes is `npm run bench`'s business, not a test's (timings fail on a loaded machine).
test('the hook reports the findings of a 1,000-line service module, in process and as a whole process', async () => {
  const text = serviceModule(1000);
  assert.equal(text.split('\n').length - 1, 1000);
  writeFileSync(join(root, 'big.py'), text);
  const report = await checkFile('big.py', root, { root, lang: 'en', agents: 100, all: true });
  assert.ok(report && report.fresh.length > 0);
  rmSync(join(root, '.clawperf'), { recursive: true, force: true });
  const r = hook([], event('big.py'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).reason, /new performance findings in big\.py/);
});
