#!/usr/bin/env python3
"""The same agent as naive_agent.py, done well: the "after" of the stress story (see README.md).

Usage: improved_agent.py AGENT_INDEX [DIR]

Same inputs and outputs (DIR/inbox/<index>/, DIR/config.json, DIR/state/agent-<index>.json,
DIR/outbox/), different costs:
- waits for messages instead of polling: inotify through ctypes (IN_MOVED_TO/IN_CLOSE_WRITE), with
  a select() timeout as a safety net; where inotify is missing, polls with back-off (0.1 s up to 2 s
  while idle, back to 0.1 s when work arrives);
- the config is cached and re-read only when its mtime changes (one os.stat per batch);
- reads messages with open() instead of `cat`, and calls the hook as a function, not `true`;
- keeps its state in memory and writes it once per batch, atomically (temp file, fsync, os.replace);
  results are written atomically too (temp file + os.replace).
Trade-offs: inotify is Linux-only (the fallback covers the rest); a crash loses at most the state of
the current batch, whose messages stay in the inbox and are processed again (handlers must be
idempotent, as they already had to be with the naive version).
Ends cleanly (exit 0, state flushed) on SIGTERM or SIGINT. Stdlib only.
"""
import ctypes
import errno
import json
import os
import select
import signal
import struct
import sys

DEFAULT_CONFIG = {"poll_interval": [0.05, 0.1], "greeting": "done"}
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_TO = 0x00000080
IN_Q_OVERFLOW = 0x00004000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = 0o2000000
EVENT_HEADER = struct.Struct("iIII")
SAFETY_TIMEOUT = 5.0  # re-scan the inbox at least this often, in case an event was missed

running = True


def stop(signum, frame):
    global running
    running = False


class Inotify:
    """Minimal inotify over ctypes: one watched directory, names of files that arrived."""

    def __init__(self, directory):
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        wd = libc.inotify_add_watch(self.fd, os.fsencode(directory), IN_CLOSE_WRITE | IN_MOVED_TO)
        if wd < 0:
            err = ctypes.get_errno()
            os.close(self.fd)
            raise OSError(err, "inotify_add_watch failed")

    def read_names(self):
        """Names that arrived since the last call; None if the kernel queue overflowed (re-scan)."""
        names = []
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return names
            offset = 0
            while offset + EVENT_HEADER.size <= len(data):
                _wd, mask, _cookie, length = EVENT_HEADER.unpack_from(data, offset)
                offset += EVENT_HEADER.size
                name = data[offset:offset + length].rstrip(b"\0").decode(errors="replace")
                offset += length
                if mask & IN_Q_OVERFLOW:
                    return None
                if name:
                    names.append(name)


class ConfigCache:
    def __init__(self, path):
        self.path = path
        self.mtime = None
        self.value = DEFAULT_CONFIG

    def get(self):
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except OSError:
            return self.value
        if mtime != self.mtime:
            try:
                with open(self.path) as f:
                    self.value = json.load(f)
                self.mtime = mtime
            except (OSError, ValueError):
                pass
        return self.value


def write_atomic(path, data, durable=False):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        json.dump(data, f)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


def load_state(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"processed": 0, "last": None, "history": []}


def notify_hook(message):
    """What `true` stood for: nothing to do, so no process to start."""
    return None


def handle(message, config):
    words = str(message.get("text", "")).split()
    return {"id": message.get("id"), "words": len(words), "reply": config.get("greeting", "done")}


def main():
    if len(sys.argv) < 2:
        print("usage: improved_agent.py AGENT_INDEX [DIR]", file=sys.stderr)
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
        write_atomic(config_path, DEFAULT_CONFIG)

    # Signals wake the select() through a pipe, so SIGTERM ends the wait at once.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    config = ConfigCache(config_path)
    state = load_state(state_path)
    try:
        watcher = Inotify(inbox)
        how = "inotify"
    except (OSError, AttributeError):
        watcher = None
        how = "polling with back-off"
    print("agent %d waiting on %s (%s)" % (index, inbox, how), flush=True)

    pending = set(n for n in os.listdir(inbox) if not n.startswith("."))  # what was there before we started
    idle_wait = 0.1
    while running:
        if pending:
            cfg = config.get()
            done = 0
            for name in sorted(pending):
                if not running:
                    break
                path = os.path.join(inbox, name)
                try:
                    with open(path) as f:
                        message = json.load(f)
                except (OSError, ValueError):
                    continue  # vanished or not complete: a later event brings it back
                notify_hook(message)
                write_atomic(os.path.join(outbox, "%d-%s" % (index, name)), handle(message, cfg))
                os.remove(path)
                state["processed"] += 1
                state["last"] = message.get("id")
                done += 1
            if done:
                write_atomic(state_path, state, durable=True)  # once per batch
                print("processed %d" % done, flush=True)
            pending.clear()
            idle_wait = 0.1
        if not running:
            break
        if watcher is not None:
            try:
                ready, _, _ = select.select([watcher.fd, wake_r], [], [], SAFETY_TIMEOUT)
            except InterruptedError:
                continue
            if wake_r in ready:
                try:
                    os.read(wake_r, 512)
                except BlockingIOError:
                    pass
            if watcher.fd in ready:
                names = watcher.read_names()
                if names is None:
                    names = os.listdir(inbox)
                pending.update(n for n in names if not n.startswith("."))
            elif not ready:
                pending.update(n for n in os.listdir(inbox) if not n.startswith("."))
        else:
            ready, _, _ = select.select([wake_r], [], [], idle_wait)
            if ready:
                try:
                    os.read(wake_r, 512)
                except BlockingIOError:
                    pass
            names = [n for n in os.listdir(inbox) if not n.startswith(".")]
            if names:
                pending.update(names)
            else:
                idle_wait = min(idle_wait * 2, 2.0)
    write_atomic(state_path, state, durable=True)
    print("agent %d stopping" % index, flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as error:
        if error.errno != errno.EINTR:
            raise
        sys.exit(0)
