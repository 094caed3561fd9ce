#!/usr/bin/env python3
"""Drops messages into the agents' inboxes at a steady rate, so the example workers have work.

Usage:
  feed.py [--rate R] [--agents N] [--dir DIR] [--backlog K] [--seconds S]

Each agent i gets R messages per second in DIR_i/inbox/<i>/ (written to DIR_i/.feed-tmp/ first and
renamed in, so readers never see half a file). Without --dir, the folders come from the environment
that `clawperf stress --feed` sets: CLAWPERF_SANDBOXES (one folder per agent, separated by ':') and
CLAWPERF_AGENTS. With --dir every agent uses the same folder (the shared IPC layout).
--backlog K drops K messages per agent at once before the steady rate. Ends on SIGTERM/SIGINT or
after --seconds. Stdlib only; cheap (one small file per message, no subprocess).
"""
import argparse
import json
import os
import signal
import sys
import time

running = True


def stop(signum, frame):
    global running
    running = False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=5.0, help="messages per second per agent (default 5)")
    parser.add_argument("--agents", type=int, default=int(os.environ.get("CLAWPERF_AGENTS", "1")))
    parser.add_argument("--dir", help="one folder for every agent (default: CLAWPERF_SANDBOXES)")
    parser.add_argument("--backlog", type=int, default=0, help="messages per agent dropped at once first")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until SIGTERM)")
    args = parser.parse_args()

    if args.dir:
        dirs = [args.dir] * args.agents
    else:
        sandboxes = [d for d in os.environ.get("CLAWPERF_SANDBOXES", "").split(os.pathsep) if d]
        if not sandboxes:
            print("feed.py: give --dir, or run it through clawperf stress --feed", file=sys.stderr)
            return 2
        dirs = sandboxes[: args.agents] if len(sandboxes) >= args.agents else sandboxes
        args.agents = len(dirs)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    inboxes = []
    for i, base in enumerate(dirs):
        inbox = os.path.join(base, "inbox", str(i))
        tmp = os.path.join(base, ".feed-tmp")
        os.makedirs(inbox, exist_ok=True)
        os.makedirs(tmp, exist_ok=True)
        inboxes.append((inbox, tmp))

    seq = 0
    run_id = "%x%x" % (int(time.time()), os.getpid())  # names stay unique across runs in a shared folder

    def drop(agent):
        nonlocal seq
        seq += 1
        inbox, tmp = inboxes[agent]
        name = "msg-%s-%08d.json" % (run_id, seq)
        body = {"id": seq, "agent": agent, "sent": time.time(), "text": "please summarise item %d of the queue" % seq}
        staging = os.path.join(tmp, name)
        with open(staging, "w") as f:
            json.dump(body, f)
        os.replace(staging, os.path.join(inbox, name))

    for _ in range(args.backlog):
        for agent in range(args.agents):
            drop(agent)
    if args.rate <= 0:
        return 0
    step = 1.0 / (args.rate * args.agents)
    start = time.monotonic()
    next_at = start
    agent = 0
    while running:
        now = time.monotonic()
        if args.seconds and now - start >= args.seconds:
            break
        if now < next_at:
            time.sleep(min(next_at - now, 0.5))
            continue
        drop(agent)
        agent = (agent + 1) % args.agents
        next_at += step
        if now - next_at > 1.0:  # fell behind (machine saturated): do not burst to catch up
            next_at = now
    return 0


if __name__ == "__main__":
    sys.exit(main())
