#!/usr/bin/env python3
"""A naive OpenClaw-style agent: the "before" of the stress story (see README.md).

Usage: naive_agent.py AGENT_INDEX [DIR]

It does its job correctly, the way many first versions do:
- polls its inbox (DIR/inbox/<index>/) every 50-100 ms with os.listdir, idle or not;
- re-reads and re-parses DIR/config.json on every poll;
- for each message, runs `true` as a "hook" and `cat` to read the file (two subprocesses);
- rewrites its whole state file DIR/state/agent-<index>.json with fsync, once per message;
- writes its result to DIR/outbox/ and deletes the message.
Ends cleanly (exit 0) on SIGTERM or SIGINT. Stdlib only.
"""
import json
import os
import random
import signal
import subprocess
import sys
import time

DEFAULT_CONFIG = {"poll_interval": [0.05, 0.1], "greeting": "done"}

running = True


def stop(signum, frame):
    global running
    running = False


def load_config(path):
    # Re-read on every poll "so changes apply at once".
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return DEFAULT_CONFIG


def load_state(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"processed": 0, "last": None, "history": []}


def save_state(path, state):
    with open(path, "w") as f:
        json.dump(state, f)
        f.flush()
        os.fsync(f.fileno())


def handle(message, config):
    words = str(message.get("text", "")).split()
    return {"id": message.get("id"), "words": len(words), "reply": config.get("greeting", "done")}


def main():
    if len(sys.argv) < 2:
        print("usage: naive_agent.py AGENT_INDEX [DIR]", file=sys.stderr)
        return 2
    index = int(sys.argv[1])
    base = sys.argv[2] if len(sys.argv) > 2 else "."
    inbox = os.path.join(base, "inbox", str(index))
    outbox = os.path.join(base, "outbox")
    state_path = os.path.join(base, "state", "agent-%d.json" % index)
    config_path = os.path.join(base, "config.json")
    for d in (inbox, outbox, os.path.dirname(state_path)):
        os.makedirs(d, exist_ok=True)
    if not os.path.exists(config_path):
        tmp = "%s.%d.tmp" % (config_path, os.getpid())
        with open(tmp, "w") as f:
            json.dump(DEFAULT_CONFIG, f)
        os.replace(tmp, config_path)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("agent %d polling %s" % (index, inbox), flush=True)

    while running:
        config = load_config(config_path)
        low, high = config.get("poll_interval", DEFAULT_CONFIG["poll_interval"])
        for name in sorted(os.listdir(inbox)):
            if not running:
                break
            if name.startswith("."):
                continue
            path = os.path.join(inbox, name)
            subprocess.run(["true"])  # a "notify" hook
            out = subprocess.run(["cat", path], capture_output=True, text=True)
            if out.returncode != 0:
                continue  # stopped mid-way, or the file vanished
            try:
                message = json.loads(out.stdout)
            except ValueError:
                continue
            result = handle(message, config)
            state = load_state(state_path)
            state["processed"] += 1
            state["last"] = message.get("id")
            save_state(state_path, state)
            with open(os.path.join(outbox, "%d-%s" % (index, name)), "w") as f:
                json.dump(result, f)
            os.remove(path)
            print("processed %s" % name, flush=True)
        time.sleep(random.uniform(low, high))
    print("agent %d stopping" % index, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
