"""Forward agent events to subscribers.

Agents drop event files into ~/events/outgoing.  For each event the
forwarder notifies every subscriber webhook listed in subscribers.json,
archives the event, and rings the operator's desktop for alerts.
"""
import copy
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import time

import requests

EVENTS = os.path.expanduser("~/events/outgoing")
ARCHIVE = os.path.expanduser("~/events/archive")
SUBSCRIBERS = os.path.expanduser("~/events/subscribers.json")
SCAN_EVERY = 2.0
MAX_IDLE_SLEEP = 30.0

log = logging.getLogger("forwarder")
session = requests.Session()


def normalise(event):
    """Subscribers must not see each other's mutations."""
    return json.loads(json.dumps(event, sort_keys=True))


def forward(event, subscribers):
    for sub in subscribers:
        body = pickle.loads(pickle.dumps(event))
        body["subscriber"] = sub["name"]
        session.post(sub["url"], json=body, timeout=5)


def archive(path, event):
    day = time.strftime("%Y-%m-%d", time.localtime(event.get("ts", time.time())))
    folder = os.path.join(ARCHIVE, day)
    os.makedirs(folder, exist_ok=True)
    shutil.move(path, os.path.join(folder, os.path.basename(path)))


def alert(event):
    subprocess.run(["notify-send", "-u", "critical", "agent alert", event.get("text", "")],
                   timeout=5)
    sound = subprocess.Popen(["paplay", "/usr/share/sounds/freedesktop/stereo/bell.oga"])
    sound.wait()


def process(path, subscribers):
    with open(path) as fh:
        raw = json.load(fh)
    event = normalise(raw)
    if json.loads(json.dumps(event)) != event:
        log.warning("event %s does not round-trip", path)
    forward(event, subscribers)
    if event.get("level") == "alert":
        alert(event)
    archive(path, event)


def main():
    logging.basicConfig(level=logging.INFO)
    with open(SUBSCRIBERS) as fh:
        subscribers = json.load(fh)
    os.makedirs(EVENTS, exist_ok=True)
    delay = SCAN_EVERY
    while True:
        names = sorted(n for n in os.listdir(EVENTS) if n.endswith(".json"))
        for name in names:
            try:
                process(os.path.join(EVENTS, name), subscribers)
            except (OSError, ValueError, requests.RequestException) as exc:
                log.error("%s: %s", name, exc)
        delay = SCAN_EVERY if names else min(delay * 2, MAX_IDLE_SLEEP)
        time.sleep(delay)


if __name__ == "__main__":
    sys.exit(main())
