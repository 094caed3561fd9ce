// Test code: tests spawn, poll and write files on purpose, once per test, so the rules that price hot-path work
// stay quiet there. One definition for every rule (`isTestFile`); `[tool.clawperf] test-paths` replaces it and
// `include-tests = true` turns the exemption off, for the run the engine wraps in `withTestPaths`.
import ignore from 'ignore';

/** `tests/`, `test/` (not this repository’s `test/fixtures/`, `test/corpus/` and `test/blind/`), `test_*.py`, `*_test.py`, `conftest.py`. */
const DEFAULT_TEST_FILE = /(^|\/)tests\/|(^|\/)test\/(?!fixtures\/|corpus\/|blind\/)|(^|\/)test_[^/]*\.py$|_test\.py$|(^|\/)conftest\.py$/;

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

let current = isDefaultTestPath;

/** Is this path test code, by the settings of the run in progress (the default outside one)? */
export function isTestFile(path: string): boolean {
  return current(path);
}

/** Runs `body` (the rules, synchronously) with this run's test-code settings; restores the previous ones after. */
export function withTestPaths<T>(settings: { testPaths?: readonly string[]; includeTests?: boolean }, body: () => T): T {
  const previous = current;
  current = settings.includeTests ? () => false : testPathMatcher(settings.testPaths);
  try {
    return body();
  } finally {
    current = previous;
  }
}
