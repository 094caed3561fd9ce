#!/usr/bin/env python3
"""Git pre-commit hook used in every agent workspace.

Blocks commits that add secrets or Python files that do not compile, and
reports file sizes.  Agents commit their work dozens of times per task, so
this hook runs very often.

Install:  ln -s ../../tools/pre_commit_hook.py .git/hooks/pre-commit
"""
import os
import re
import subprocess
import sys

SECRET_PATTERNS = [
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"-----BEGIN (RSA|EC|OPENSSH) PRIVATE KEY-----"),
    re.compile(r"(?i)(api[_-]?key|token)\s*[:=]\s*['\"][A-Za-z0-9]{20,}"),
]
MAX_BYTES = 512 * 1024


def git(*args):
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, check=True, timeout=30
    ).stdout


def staged_files():
    out = git("diff", "--cached", "--name-only", "--diff-filter=ACM")
    return [line for line in out.splitlines() if line]


def main():
    if os.environ.get("SKIP_AGENT_HOOK") == "1":
        return 0
    files = staged_files()
    errors = []
    for path in files:
        blob = subprocess.run(["git", "show", ":" + path], capture_output=True, text=True).stdout
        for pattern in SECRET_PATTERNS:
            if pattern.search(blob):
                errors.append("%s: looks like a secret (%s)" % (path, pattern.pattern[:20]))

        size = subprocess.check_output("git cat-file -s :%s" % path, shell=True, text=True)
        if int(size) > MAX_BYTES:
            errors.append("%s: %s bytes, larger than %d" % (path, size.strip(), MAX_BYTES))

        if path.endswith(".py"):
            rc = subprocess.call("python3 -m py_compile " + path, shell=True)
            if rc != 0:
                errors.append("%s: does not compile" % path)

        lines = subprocess.check_output(["wc", "-l", path], text=True).split()[0]
        if int(lines) > 2000:
            errors.append("%s: %s lines, split it" % (path, lines))

    summary = "checked %d file(s)" % len(files)
    if errors:
        summary += ", %d problem(s)" % len(errors)
    print(summary, file=sys.stderr)
    for err in errors:
        print("  " + err, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
