# -*- coding: utf-8 -*-
"""
log_shipper -- forward agent log lines to the central collector.

    usage: log_shipper.py '/var/log/agents/*.log' ['/home/*/agent/logs/*.log' ...]

Offsets are remembered in ~/.cache/log_shipper.offsets so a restart does not
ship the same lines twice.
"""
import glob
import json
import os
import socket
import sys
import time

import requests as rq

COLLECTOR = os.environ.get("COLLECTOR_URL", "http://logs.internal:9200/ingest")
STATE_FILE = os.path.expanduser("~/.cache/log_shipper.offsets")
SPOOL_FILE = os.path.expanduser("~/.cache/log_shipper.spool")
CHECK_EVERY = 0.05
MAX_LINE = 8192

shipped = []


def load_offsets():
    if not os.path.exists(STATE_FILE):
        return {}
    f = open(STATE_FILE)
    try:
        return json.load(f)
    except ValueError:
        return {}


def save_offsets(offsets):
    f = open(STATE_FILE, "w")
    json.dump(offsets, f)
    f.flush()
    os.fsync(f.fileno())
    f.close()


def read_new_lines(path, offset):
    """Return the lines appended since ``offset`` and the new offset."""
    with open(path, "rb") as f:
        content = f.read()
    if len(content) < offset:  # truncated / rotated
        offset = 0
    chunk = content[offset:].decode("utf-8", "replace")
    return chunk.splitlines(), len(content)


def spool(line):
    """Keep a local copy in case the collector is down."""
    with open(SPOOL_FILE, "a") as out:
        out.write(line + "\n")
        out.flush()


def ship(path, line):
    payload = {
        "host": socket.getfqdn(),
        "file": os.path.basename(path),
        "line": line[:MAX_LINE],
        "ts": time.time(),
    }
    r = rq.post(COLLECTOR, data=json.dumps(payload), headers={"Content-Type": "application/json"})
    return r.status_code < 300


def main(patterns):
    if not patterns:
        print(__doc__, file=sys.stderr)
        return 2
    offsets = load_offsets()
    while True:
        files = []
        for pattern in patterns:
            files.extend(glob.glob(pattern))
        for path in files:
            lines, size = read_new_lines(path, offsets.get(path, 0))
            for line in lines:
                key = "%s:%s" % (path, line)
                if key in shipped:
                    continue
                spool(line)
                if ship(path, line):
                    shipped.append(key)
            offsets[path] = size
        save_offsets(offsets)
        time.sleep(CHECK_EVERY)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
