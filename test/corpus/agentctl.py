#!/usr/bin/env python3
"""agentctl -- poke the agent fleet from a terminal.

    agentctl status            show units and queue depths
    agentctl ping-all          check every agent's /health
    agentctl tail NAME         follow an agent's log (Ctrl-C to stop)
    agentctl run NAME -- CMD   run a command in the agent's workspace
"""
import argparse
import json
import os
import subprocess
import sys
import time

import requests

CONFIG = os.path.expanduser("~/.config/agentctl.json")
FIELDS = ("name", "url", "unit")


def load_config():
    with open(CONFIG, encoding="utf-8") as fh:
        cfg = json.load(fh)
    for key in ("agents", "workspace_root"):
        if key not in cfg:
            sys.exit("config: missing %r" % key)
    return cfg


def get_with_retry(url, attempts=3):
    delay = 0.5
    for attempt in range(attempts):
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            if attempt == attempts - 1:
                raise
            time.sleep(delay)
            delay *= 2


def cmd_status(cfg):
    units = [agent["unit"] for agent in cfg["agents"]]
    out = subprocess.run(
        ["systemctl", "--user", "is-active", *units], capture_output=True, text=True, timeout=10
    )
    header = "%-20s %-10s %s" % ("agent", "state", "queued")
    header += "\n" + "-" * len(header)
    print(header)
    root = cfg["workspace_root"]
    depths = {name: len(os.listdir(os.path.join(root, name, "queue"))) for name in os.listdir(root)}
    for agent, state in zip(cfg["agents"], out.stdout.split()):
        print("%-20s %-10s %s" % (agent["name"], state, depths.get(agent["name"], "-")))


def cmd_ping_all(cfg):
    failures = 0
    for agent in cfg["agents"]:
        try:
            resp = requests.get(agent["url"] + "/health", timeout=3)
            ok = resp.ok
        except requests.RequestException:
            ok = False
        failures += not ok
        print("%-20s %s" % (agent["name"], "up" if ok else "DOWN"))
    return 1 if failures else 0


def cmd_tail(cfg, name):
    path = os.path.join(cfg["workspace_root"], name, "agent.log")
    proc = subprocess.Popen(["tail", "-n", "50", "-F", path])
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(timeout=5)


def cmd_run(cfg, name, argv):
    workspace = os.path.join(cfg["workspace_root"], name)
    proc = subprocess.Popen(argv, cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, _ = proc.communicate(timeout=600)
    sys.stdout.write(out.decode("utf-8", "replace"))
    return proc.returncode


def main(argv=None):
    parser = argparse.ArgumentParser(prog="agentctl")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("status")
    sub.add_parser("ping-all")
    p_tail = sub.add_parser("tail")
    p_tail.add_argument("name")
    p_run = sub.add_parser("run")
    p_run.add_argument("name")
    p_run.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    cfg = load_config()
    version = get_with_retry(cfg.get("api", "http://127.0.0.1:8765") + "/version")
    if version.status_code != 200:
        print("warning: API answered %d" % version.status_code, file=sys.stderr)
    if args.cmd == "status":
        return cmd_status(cfg)
    if args.cmd == "ping-all":
        return cmd_ping_all(cfg)
    if args.cmd == "tail":
        return cmd_tail(cfg, args.name)
    return cmd_run(cfg, args.name, [a for a in args.argv if a != "--"])


if __name__ == "__main__":
    sys.exit(main())
