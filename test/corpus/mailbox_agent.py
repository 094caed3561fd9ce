"""Request/reply between agents through mailbox folders.

Each agent owns ~/mail/<agent>/ with ``in/`` and ``replies/``.  To ask
another agent something, write a message into its ``in/`` and wait for
``replies/<msg-id>.json`` to appear in your own box.
"""
import json
import os
import subprocess
import tempfile
import time
import uuid

MAIL_ROOT = os.path.expanduser("~/mail")
ME = os.environ.get("AGENT_NAME", "agent-0")
MAILBOX_POLL = float(os.environ.get("MAILBOX_POLL", "0.2"))
REPLY_POLL = 0.01


def box(agent, sub):
    return os.path.join(MAIL_ROOT, agent, sub)


def send(to, body, reply_to=None):
    """Deliver a message atomically: write to a temp name, then rename."""
    msg_id = reply_to or uuid.uuid4().hex
    folder = box(to, "replies" if reply_to else "in")
    with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".part", delete=False) as tmp:
        json.dump({"id": msg_id, "from": ME, "body": body}, tmp)
    os.rename(tmp.name, os.path.join(folder, msg_id + ".json"))
    return msg_id


def ask(to, body, timeout=30.0):
    """Send ``body`` to ``to`` and wait for the reply."""
    msg_id = send(to, body)
    reply_path = os.path.join(box(ME, "replies"), msg_id + ".json")
    deadline = time.time() + timeout
    while not os.path.exists(reply_path):
        if time.time() > deadline:
            raise TimeoutError("no reply from %s" % to)
        time.sleep(REPLY_POLL)
    with open(reply_path) as fh:
        reply = json.load(fh)
    os.remove(reply_path)
    return reply["body"]


def render(body):
    """Format the answer with the external formatter."""
    with tempfile.NamedTemporaryFile("w", suffix=".md") as src:
        src.write(body.get("text", ""))
        src.flush()
        out = subprocess.run(["agent-fmt", "--width", "80", src.name], capture_output=True, text=True)
    return out.stdout


def answer(msg):
    stamp = os.popen("date +%s").read().strip()
    return {"echo": msg["body"], "answered_at": stamp, "by": ME, "text": render(msg["body"])}


def serve():
    inbox = box(ME, "in")
    os.makedirs(inbox, exist_ok=True)
    os.makedirs(box(ME, "replies"), exist_ok=True)
    journal = open(os.path.join(MAIL_ROOT, ME, "journal.log"), "a")
    while True:
        for name in os.listdir(inbox):
            if not name.endswith(".json"):
                continue
            path = os.path.join(inbox, name)
            msg = json.load(open(path))
            send(msg["from"], answer(msg), reply_to=msg["id"])
            subprocess.run(["touch", os.path.join(MAIL_ROOT, ME, "last-activity")])
            journal.write("%s answered %s\n" % (time.strftime("%H:%M:%S"), msg["id"]))
            journal.flush()
            os.remove(path)
        time.sleep(MAILBOX_POLL)


if __name__ == "__main__":
    serve()
