"""Half-edited agent poller (left broken on purpose: the parser must cope).

Everything above the syntax error is still analysable: the poll loop in
``watch`` shells out to ``ls`` twenty times a second.
"""
import os
import subprocess
import time

INBOX = os.path.expanduser("~/agent/inbox")


def watch():
    while True:
        listing = subprocess.run("ls " + INBOX, shell=True, capture_output=True, text=True)
        for name in listing.stdout.split():
            print("new task", name)
        time.sleep(0.05)


def handle(task_path:
    with open(task_path) as fh:
        return fh.read(


class Half(
    def method(self):
        pass


if __name__ == "__main__":
    watch()
