// Test code stays quiet, but the labelled corpora under test/ (fixtures, the dev corpus, the blind halves)
// are service code the rules must judge: a path under them is not a test file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSources } from '../../src/pipeline.js';
import { isTestFile } from '../../src/rules/polling/hotpath.js';

const SOURCE = `import requests
import time

def main():
    while True:
        requests.get("http://example.com/status")
        time.sleep(5)
`;

test('files in tests/ or named test_*.py are test code; the labelled corpora under test/ are not', () => {
  assert.equal(isTestFile('tests/helpers.py'), true);
  assert.equal(isTestFile('test/test_agent.py'), true);
  assert.equal(isTestFile('test/unit/agent.py'), true);
  assert.equal(isTestFile('test/blind/tune/agent.py'), false);
  assert.equal(isTestFile('test/corpus/agent.py'), false);
});

test('a service file in the blind corpus gets its findings', async () => {
  const result = await analyzeSources([{ path: 'test/blind/tune/agent.py', text: SOURCE }], { cwd: '/tmp' });
  assert.ok(result.findings.some((f) => f.rule === 'IO101'), 'the poll loop without timeout is reported');
});
