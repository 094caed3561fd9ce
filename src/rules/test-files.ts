// Test code: tests spawn, poll and write files on purpose, once per test, so the performance rules that would
// flag that stay quiet there. One definition for every rule; `[tool.clawperf] test-paths` replaces it and
// `include-tests = true` turns the exemption off.
import ignore from 'ignore';

/** `tests/`, `test/` (not this repository's `test/fixtures/` and `test/corpus/`), `test_*.py`, `*_test.py`, `conftest.py`. */
const DEFAULT_TEST_FILE = /(^|\/)tests\/|(^|\/)test\/(?!fixtures\/|corpus\/)|(^|\/)test_[^/]*\.py$|_test\.py$|(^|\/)conftest\.py$/;

/** The default test paths, in words, for `--show-settings` and the docs. */
export const DEFAULT_TEST_PATHS = ['tests/', 'test/', 'test_*.py', '*_test.py', 'conftest.py'];

/** A predicate for "this path is test code": the default, or the gitignore-style `patterns` given. */
export function testPathMatcher(patterns?: readonly string[]): (path: string) => boolean {
  if (!patterns) return (path) => DEFAULT_TEST_FILE.test(path);
  const matcher = ignore().add([...patterns]);
  return (path) => {
    const rel = path.replace(/^(\.\/)+/, '');
    return rel !== '' && !rel.startsWith('..') && !rel.startsWith('/') && matcher.ignores(rel);
  };
}

export const isDefaultTestPath = testPathMatcher();
