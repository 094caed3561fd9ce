#!/usr/bin/env python3
"""Message feeder for the OpenClaw demo under `clawperf stress --feed` (used by scripts/validate.mjs).

Usage: demo_feed.py HOME --agents N --rate R --into queue|inbox [--attachments K]

Prepares HOME (config.json with a local webhook, routes.json, inbox/, agents/a<i>/{queue,results}) and then
drops R task files per agent per second, into each agent's queue (the agent alone) or into the shared inbox
(the dispatcher). Each task has 3 transcript lines, K attachments (small files; the agent reads each with `cat`
and fingerprints it with a 200,000-iteration PBKDF2) and no peer questions. It also answers the
webhook the agents post to, so a task runs to its end. R = 0 prepares HOME and feeds nothing (idle).
Ends on SIGTERM. Stdlib only.
"""
import argparse
import http.server
import json
import os
import signal
import threading
import time

running = True


def stop(signum, frame):
    global running
    running = False


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def prepare(home, agents, port):
    for i in range(agents):
        for sub in ("queue", "results"):
            os.makedirs(os.path.join(home, "agents", "a%d" % i, sub), exist_ok=True)
    os.makedirs(os.path.join(home, "inbox"), exist_ok=True)
    os.makedirs(os.path.join(home, "tmp"), exist_ok=True)
    with open(os.path.join(home, "config.json"), "w") as fh:
        json.dump({"webhook": "http://127.0.0.1:%d/hook" % port, "units": [], "redact_pattern": r"(api|token|secret)=\S+"}, fh)
    with open(os.path.join(home, "routes.json"), "w") as fh:
        json.dump({}, fh)


def drop(home, folder, task_id, attachments):
    refs = []
    for k in range(attachments):
        ref = os.path.join(home, "tmp", "%s-att%d.txt" % (task_id, k))
        with open(ref, "w") as fh:
            fh.write("attachment %d of %s\n" % (k, task_id))
        refs.append(ref)
    task = {"id": task_id, "kind": "chat", "payload": {"lines": ["hello", "token=abc", "bye"], "attachments": refs, "questions": []}}
    tmp = os.path.join(home, "tmp", task_id + ".json")
    with open(tmp, "w") as fh:
        json.dump(task, fh)
    os.replace(tmp, os.path.join(folder, task_id + ".json"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("home")
    parser.add_argument("--agents", type=int, default=int(os.environ.get("CLAWPERF_AGENTS", "1")))
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--into", choices=["queue", "inbox"], default="queue")
    parser.add_argument("--attachments", type=int, default=0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    prepare(args.home, args.agents, server.server_address[1])
    seq = 0
    next_at = time.time()
    while running:
        if args.rate > 0 and time.time() >= next_at:
            seq += 1
            for i in range(args.agents):
                folder = os.path.join(args.home, "inbox") if args.into == "inbox" else os.path.join(args.home, "agents", "a%d" % i, "queue")
                drop(args.home, folder, "t%d-%d" % (seq, i), args.attachments)
            next_at += 1.0 / args.rate
        time.sleep(0.01)
    server.shutdown()


if __name__ == "__main__":
    main()
