"""Dispatcher: routes task files from the inbox to the agents' queues.

Clients drop ``<id>.json`` files into ``inbox/``.  The dispatcher picks a
route by task kind (``routes.json``), falls back to the least-loaded live
agent, and moves the file into that agent's queue folder.
"""
import json
import logging
import os
import subprocess
import sys
import time

import ipc
import shell
from config import AGENTS_DIR, INBOX_DIR, ROUTES_PATH, agent_dir, load_config

POLL_INTERVAL = float(os.environ.get("OPENCLAW_POLL", "0.5"))

log = logging.getLogger("openclaw.dispatcher")

DISPATCHED = []


def wait_for_inbox(path, attempts=5):
    """Start-up helper: give a slow network mount a few seconds to appear."""
    for attempt in range(attempts):
        if os.path.isdir(path):
            return True
        log.info("inbox %s not there yet (attempt %d)", path, attempt + 1)
        time.sleep(1)
    return False


def discover_agents():
    """Agent names are the sub-folders of ``agents/``."""
    agents = []
    for name in os.listdir(AGENTS_DIR):
        if os.path.isdir(os.path.join(AGENTS_DIR, name)):
            agents.append(name)
    return sorted(agents)


def least_loaded(agents):
    """The agent whose queue folder holds the fewest task files."""
    best, best_depth = None, None
    for name in agents:
        depth = len(os.listdir(agent_dir(name, "queue")))
        if best_depth is None or depth < best_depth:
            best, best_depth = name, depth
    return best


def dispatch_forever(agents, units):
    """Main loop: move every inbox file to an agent, forever."""
    retry = []
    while True:
        with open(ROUTES_PATH, encoding="utf-8") as fh:
            routes = json.load(fh)
        states = shell.unit_states(units)
        live = [a for a in agents if states.get("openclaw-agent@%s.service" % a) == "active"]

        for name in ipc.list_inbox(INBOX_DIR):
            retry.append(os.path.join(INBOX_DIR, name))

        while retry:
            path = retry.pop(0)
            if path in DISPATCHED:
                continue
            try:
                task = ipc.read_task(path)
            except (OSError, ValueError) as exc:
                log.warning("skipping %s: %s", path, exc)
                continue
            target = routes.get(task.get("kind")) or least_loaded(live or agents)
            ipc.claim_task(path, target)
            ipc.append_event("dispatched", task=task.get("id"), agent=target)
            DISPATCHED.append(path)

        time.sleep(POLL_INTERVAL)


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    cfg = load_config()
    if not wait_for_inbox(INBOX_DIR):
        log.error("inbox %s missing, giving up", INBOX_DIR)
        return 1
    agents = discover_agents()
    units = cfg["units"] + ["openclaw-agent@%s.service" % a for a in agents]
    shell.ensure_units_started(cfg["units"])
    version = subprocess.run(
        ["python3", "--version"], capture_output=True, text=True, timeout=10, check=True
    )
    log.info("dispatcher up: %d agents, %s", len(agents), version.stdout.strip())
    ipc.write_json_atomic(os.path.join(AGENTS_DIR, "registry.json"), {"agents": agents})
    dispatch_forever(agents, units)
    return 0


if __name__ == "__main__":
    sys.exit(main())
