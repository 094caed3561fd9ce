"""Filesystem IPC: tasks, results and the shared state file.

Every message is a small JSON document on disk.  The dispatcher moves task
files from the inbox into ``agents/<name>/queue``; agents write their results
into ``agents/<name>/results`` and record progress in ``state.json``.
"""
import fcntl
import json
import os
import shutil
import tempfile
import threading
import time

from config import EVENTS_PATH, STATE_PATH, agent_dir

_state_lock = threading.Lock()


def list_inbox(inbox):
    """Return the names of pending task files, oldest first."""
    names = [name for name in os.listdir(inbox) if name.endswith(".json")]
    names.sort()
    return names


def read_task(path):
    """Load one task document."""
    return json.load(open(path, encoding="utf-8"))


def claim_task(path, agent):
    """Move a task file into ``agent``'s queue and return its new path."""
    queue = agent_dir(agent, "queue")
    os.makedirs(queue, exist_ok=True)
    target = os.path.join(queue, os.path.basename(path))
    shutil.move(path, target)
    return target


def write_result(task_id, agent, result):
    """Publish a task result where the requester polls for it."""
    path = agent_dir(agent, "results", task_id + ".json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
        fh.flush()
        os.fsync(fh.fileno())


def update_state(agent, **fields):
    """Merge ``fields`` into the agent's entry of the shared state file."""
    with _state_lock:
        try:
            with open(STATE_PATH, encoding="utf-8") as fh:
                state = json.load(fh)
        except FileNotFoundError:
            state = {}
        entry = state.setdefault(agent, {})
        entry.update(fields)
        entry["updated"] = time.time()
        with open(STATE_PATH, "w", encoding="utf-8") as fh:
            json.dump(state, fh, indent=2)


def append_event(kind, **data):
    """Append one event to the journal every component shares."""
    record = dict(data, kind=kind, ts=time.time())
    with open(EVENTS_PATH, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(json.dumps(record) + "\n")
        fcntl.flock(fh, fcntl.LOCK_UN)


def write_json_atomic(path, data):
    """Replace ``path`` with ``data`` so readers never see a half-written file."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
