"""Agent worker: executes the tasks the dispatcher puts in its queue.

Run one worker per agent::

    python3 agent.py researcher

The worker watches ``agents/<name>/queue`` and starts a thread for every task
file that appears there.
"""
import hashlib
import json
import os
import re
import sys
import threading
import time

import requests

import history
import ipc
import shell
from config import CONFIG_PATH, LOG_PATH, agent_dir

QUEUE_POLL = 0.05
LIMITS_SPEC = "tokens=4096;steps=12;attachments=8"
SALT = b"openclaw-demo"

_in_flight = []


def parse_limits(spec):
    """Turn ``"a=1;b=2"`` into ``{"a": 1, "b": 2}``."""
    limits = {}
    for part in spec.split(";"):
        key, _, value = part.partition("=")
        limits[key.strip()] = int(value)
    return limits


def log(message):
    """Append one line to the shared log file."""
    with open(LOG_PATH, "a", encoding="utf-8") as fh:
        fh.write("%s %s\n" % (time.strftime("%H:%M:%S"), message))


def write_transcript(path, lines):
    """Save the conversation transcript of a task, one line per turn."""
    out = open(path, "w", encoding="utf-8")
    for line in lines:
        out.write(line + "\n")
        out.flush()
    out.close()


def fingerprint(chunks):
    """Stable fingerprints of the task's attachments, for de-duplication."""
    prints = []
    for chunk in chunks:
        digest = hashlib.pbkdf2_hmac("sha256", chunk.encode(), SALT, 200_000)
        prints.append(digest.hex())
    return prints


class PeerClient:
    """Talks to the other agents over HTTP with one pooled connection each."""

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def ask(self, question):
        resp = self.session.post(
            self.base_url + "/ask", json={"q": question}, timeout=(2, 30)
        )
        resp.raise_for_status()
        return resp.json()


def process_task(path, name, peer):
    """Execute one task end to end and publish its result."""
    started = time.time()
    shell.wait_unlocked(path + ".lock")
    task = ipc.read_task(path)
    payload = json.loads(json.dumps(task.get("payload", {})))
    with open(CONFIG_PATH, encoding="utf-8") as fh:
        cfg = json.load(fh)
    limits = parse_limits(LIMITS_SPEC)

    transcript = ""
    redacted = []
    for line in payload.get("lines", [])[: limits["steps"]]:
        if re.compile(cfg["redact_pattern"]).search(line):
            line = "[redacted]"
        redacted.append(line)
        transcript += line + "\n"

    attachments = []
    for ref in payload.get("attachments", [])[: limits["attachments"]]:
        attachments.append(shell.read_file(ref))

    answers = [peer.ask(q) for q in payload.get("questions", [])]

    result = {
        "id": task["id"],
        "agent": name,
        "answers": answers,
        "fingerprints": fingerprint(attachments),
        "chars": len(transcript),
    }
    write_transcript(agent_dir(name, "results", task["id"] + ".txt"), redacted)
    ipc.write_result(task["id"], name, result)
    ipc.update_state(name, last_task=task["id"], busy=False)
    ipc.append_event("done", task=task["id"], agent=name)
    history.record(task["id"], name, started, "ok")
    shell.run_tool(["openclaw-index"], json.dumps(result))
    shell.start_helper(task["id"], path)
    requests.post(cfg["webhook"], json={"task": task["id"], "agent": name}, timeout=600)
    shell.notify("OpenClaw", "task %s done" % task["id"])
    log("task %s done by %s" % (task["id"], name))


def run_worker(name):
    """Watch this agent's queue and run every task that shows up."""
    queue = agent_dir(name, "queue")
    peer = PeerClient(os.environ.get("OPENCLAW_PEER", "http://127.0.0.1:8770"))
    while True:
        for entry in sorted(os.listdir(queue)):
            path = os.path.join(queue, entry)
            if not entry.endswith(".json") or path in _in_flight:
                continue
            _in_flight.append(path)
            worker = threading.Thread(target=process_task, args=(path, name, peer))
            worker.start()
        time.sleep(QUEUE_POLL)


if __name__ == "__main__":
    run_worker(sys.argv[1] if len(sys.argv) > 1 else "default")
