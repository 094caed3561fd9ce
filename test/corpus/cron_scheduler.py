"""agentcron: a tiny cron for agent maintenance jobs.

Reads ``~/.config/agentcron/crontab`` in the classic five-field format::

    */5 * * * *  /usr/local/bin/compact-history
    0   3 * * *  /usr/local/bin/rotate-logs --keep 7

and runs due jobs in the background.  Runs as a ``systemd --user`` service.
"""
import json
import os
import re
import threading
import time
from datetime import datetime
from subprocess import PIPE, STDOUT, Popen

CRONTAB = os.path.expanduser("~/.config/agentcron/crontab")
STATUS = os.path.expanduser("~/.cache/agentcron/status.json")
TICK = 1

FIELD_RE = re.compile(r"^(\*|\d+)(?:-(\d+))?(?:/(\d+))?$")

running = {}
finished = []


def field_matches(spec, value):
    """True if ``value`` matches one cron field such as ``*/5`` or ``1-5``."""
    for item in spec.split(","):
        m = re.compile(r"^(\*|\d+)(?:-(\d+))?(?:/(\d+))?$").match(item)
        if not m:
            raise ValueError("bad cron field: %r" % item)
        start, end, step = m.groups()
        step = int(step or 1)
        if start == "*":
            if value % step == 0:
                return True
            continue
        lo, hi = int(start), int(end or start)
        if lo <= value <= hi and (value - lo) % step == 0:
            return True
    return False


def is_due(fields, now):
    minute, hour, dom, month, dow = fields
    return (
        field_matches(minute, now.minute)
        and field_matches(hour, now.hour)
        and field_matches(dom, now.day)
        and field_matches(month, now.month)
        and field_matches(dow, now.isoweekday() % 7)
    )


def parse_crontab(text):
    jobs = []
    for raw in text.splitlines():
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        parts = raw.split(None, 5)
        if len(parts) == 6:
            jobs.append((parts[:5], parts[5]))
    return jobs


def run_job(command):
    os.system("logger -t agentcron 'start: %s'" % command)
    proc = Popen(command, shell=True, stdout=PIPE, stderr=STDOUT)
    output, _ = proc.communicate()
    finished.append({"cmd": command, "rc": proc.returncode, "out": output, "at": time.time()})
    running.pop(command, None)


def write_status():
    with open(STATUS, "w") as fh:
        json.dump(
            {"running": sorted(running), "finished": len(finished), "ts": time.time()}, fh
        )


def main():
    os.makedirs(os.path.dirname(STATUS), exist_ok=True)
    last_minute = None
    while True:
        with open(CRONTAB) as fh:
            jobs = parse_crontab(fh.read())
        now = datetime.now()
        if now.minute != last_minute:
            last_minute = now.minute
            for fields, command in jobs:
                if command in running or not is_due(fields, now):
                    continue
                worker = threading.Thread(target=run_job, args=(command,), daemon=True)
                running[command] = worker
                worker.start()
        write_status()
        time.sleep(TICK)


if __name__ == "__main__":
    main()
