"""openclawctl: command-line client for the status API.

    openclawctl submit task.json [--wait]
    openclawctl status

Agents also use ``submit --wait`` to delegate sub-tasks to each other.
"""
import argparse
import json
import os
import sys
import time

import requests

from config import agent_dir, load_config

API = os.environ.get("OPENCLAW_API", "http://127.0.0.1:8765")


def connect(retries=3):
    """Wait for the status API to come up, backing off between attempts."""
    delay = 0.5
    for attempt in range(retries):
        try:
            requests.get(API + "/health", timeout=2).raise_for_status()
            return True
        except requests.RequestException:
            if attempt == retries - 1:
                return False
            time.sleep(delay)
            delay *= 2
    return False


def submit(task_file):
    """Send a task file to the API and return its id."""
    with open(task_file, encoding="utf-8") as fh:
        task = json.load(fh)
    resp = requests.post(API + "/tasks", json=task, timeout=5)
    resp.raise_for_status()
    return resp.json()["id"]


def wait_for_result(task_id):
    """Block until some agent has published the result of ``task_id``."""
    while True:
        listing = requests.get(API + "/results").text
        if task_id in listing:
            break
        time.sleep(0.5)
    for name in os.listdir(agent_dir("")):
        path = agent_dir(name, "results", task_id + ".json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="openclawctl")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_submit = sub.add_parser("submit")
    p_submit.add_argument("task_file")
    p_submit.add_argument("--wait", action="store_true")
    sub.add_parser("status")
    args = parser.parse_args(argv)

    cfg = load_config()
    if not connect():
        print("status API not reachable at %s" % API, file=sys.stderr)
        return 2
    if args.cmd == "submit":
        task_id = submit(args.task_file)
        print(task_id)
        if args.wait:
            print(json.dumps(wait_for_result(task_id), indent=2))
    else:
        stats = requests.get(API + "/stats", timeout=5).json()
        units = ", ".join(cfg["units"])
        print("tasks=%(tasks)d failed=%(failed)d avg=%(avg_seconds).1fs" % stats)
        print("units: " + units)
    return 0


if __name__ == "__main__":
    sys.exit(main())
