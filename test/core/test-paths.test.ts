// The default test-code paths: a project's tests are exempt, this repository's labelled corpora are not
// (the blind corpus under test/blind/ is scored by `npm run eval` and must be analysed like any user code).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDefaultTestPath } from '../../src/rules/test-files.js';

test('test/ and tests/ are test code by default; test/corpus, test/fixtures and test/blind are analysed', () => {
  for (const path of ['tests/test_api.py', 'svc/test/helpers.py', 'test_worker.py', 'svc/conftest.py']) assert.ok(isDefaultTestPath(path), path);
  for (const path of ['test/corpus/ipc.py', 'test/fixtures/PO301/positive.py', 'test/blind/tune/coleifer__huey__consumer.py', 'test/blind/holdout/x.py']) assert.ok(!isDefaultTestPath(path), path);
});
