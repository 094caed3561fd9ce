// Names that every JavaScript object inherits (`constructor`, `toString`, `valueOf`) are ordinary names in
// Python: a function or a program called that way is not a file operation, a stdlib tool or a heavy command.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSources } from '../../src/pipeline.js';

const SOURCE = `import subprocess
import time

def constructor(path):
    return path

def main(items):
    while True:
        for item in items:
            constructor(item)
            toString(item)
            subprocess.run(["constructor", item], check=True, timeout=5)
            subprocess.run(["valueOf", "--version"], check=True, timeout=5)
        time.sleep(1)
`;

test('calls and programs named like members of Object are neither known operations nor rule failures', async () => {
  const result = await analyzeSources([{ path: 'agent.py', text: SOURCE }], { cwd: '/tmp' });
  assert.deepEqual(result.warnings, [], 'no rule fails on these names');
  const lines = (rule: string) => result.findings.filter((f) => f.rule === rule).map((f) => f.line);
  for (const rule of ['SP503', 'DK401', 'DK403', 'DK404', 'DK405']) assert.deepEqual(lines(rule), [], `${rule} on an inherited name`);
  // The spawns themselves are still spawns in a poll loop.
  assert.ok(result.findings.some((f) => f.rule === 'SP501' && f.line === 12));
  assert.ok(!result.findings.some((f) => f.line === 10 || f.line === 11), 'constructor(item) and toString(item) are plain calls');
});
