"""Task history and log access.

``history.json`` holds every finished task as a JSON list; ``openclaw.log``
holds one human-readable line per event.  Neither file is ever rotated.
"""
import json
import os
import time

from config import HISTORY_PATH, LOG_PATH

# Durations of every task seen by this process, used for the /stats page.
DURATIONS = []


def record(task_id, agent, started, status):
    """Append a finished task to the history file."""
    entry = {
        "task": task_id,
        "agent": agent,
        "started": started,
        "finished": time.time(),
        "status": status,
    }
    try:
        with open(HISTORY_PATH, encoding="utf-8") as fh:
            items = json.load(fh)
    except (FileNotFoundError, ValueError):
        items = []
    items.append(entry)
    with open(HISTORY_PATH, "w", encoding="utf-8") as fh:
        json.dump(items, fh)
    DURATIONS.append(entry["finished"] - started)


def load_all():
    """Return every task ever recorded."""
    with open(HISTORY_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def summary():
    """Aggregate counts for the status page."""
    items = load_all()
    failed = [item for item in items if item["status"] != "ok"]
    total_time = sum([item["finished"] - item["started"] for item in items])
    return {
        "tasks": len(items),
        "failed": len(failed),
        "avg_seconds": total_time / len(items) if items else 0.0,
    }


def tail_log(count=100):
    """Return the last ``count`` lines of the log."""
    with open(LOG_PATH, encoding="utf-8") as fh:
        text = fh.read()
    return text.splitlines()[-count:]


def log_size():
    """Size of the log in bytes (cheap: one stat)."""
    try:
        return os.path.getsize(LOG_PATH)
    except OSError:
        return 0
