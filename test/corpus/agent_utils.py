"""agent_utils: small helpers shared by the agent scripts.

Nothing in this module runs on import; callers decide where these run.
"""
import collections
import functools
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time

import requests

_SLUG_RE = re.compile(r"[^a-z0-9]+")
_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"]


def slugify(text):
    return _SLUG_RE.sub("-", text.lower()).strip("-")


def human_size(n):
    for unit in _UNITS:
        if n < 1024 or unit == _UNITS[-1]:
            return "%.1f %s" % (n, unit)
        n /= 1024.0


def read_json(path, default=None):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        return default


def write_json_atomic(path, data):
    """Write JSON so that readers see either the old or the new file."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def tail(path, n=100):
    """Last ``n`` lines without loading the whole file."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        return list(collections.deque(fh, maxlen=n))


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            block = fh.read(1 << 16)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


def sh(command):
    """Run a shell command line and return its output."""
    return subprocess.check_output(command, shell=True, text=True)


def run(argv, timeout=60):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout


def retry(tries=4, delay=0.5, backoff=2.0, exceptions=(Exception,)):
    """Decorator: call again on failure, sleeping longer each time."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            wait = delay
            for attempt in range(tries):
                try:
                    return fn(*args, **kwargs)
                except exceptions:
                    if attempt == tries - 1:
                        raise
                    time.sleep(wait)
                    wait *= backoff

        return wrapper

    return decorate


def http_get_json(url, session=None, timeout=10):
    getter = session or requests
    resp = getter.get(url, timeout=timeout)
    resp.raise_for_status()
    return resp.json()


def fetch_all(urls):
    return [requests.get(u, timeout=5).json() for u in urls]


def dedupe(items):
    result = []
    for item in items:
        if item not in result:
            result.append(item)
    return result


def join_lines(lines):
    text = ""
    for line in lines:
        text += line.rstrip("\n") + "\n"
    return text


def chunked(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
