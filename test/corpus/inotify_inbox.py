"""Inbox watcher that sleeps until a task file arrives (inotify via ctypes).

Replaces the old 0.5 s polling loop: the process blocks in select() and
wakes up only when a writer closes a file in the inbox or renames one into
it.  Results are written atomically so readers never see half a file.
"""
import ctypes
import ctypes.util
import errno
import json
import os
import select
import struct
import sys

INBOX = os.path.expanduser(os.environ.get("AGENT_INBOX", "~/agent/inbox"))
OUTBOX = os.path.expanduser(os.environ.get("AGENT_OUTBOX", "~/agent/outbox"))

IN_CLOSE_WRITE = 0x00000008
IN_MOVED_TO = 0x00000080
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
_EVENT = struct.Struct("iIII")

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.inotify_init1.argtypes = [ctypes.c_int]
_libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]


class Inotify:
    def __init__(self):
        self.fd = _libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))

    def watch(self, path, mask):
        wd = _libc.inotify_add_watch(self.fd, os.fsencode(path), mask)
        if wd < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), path)
        return wd

    def read_names(self, timeout=None):
        """Block until events arrive (or ``timeout``); return the file names."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return []
        try:
            buf = os.read(self.fd, 64 * 1024)
        except OSError as exc:
            if exc.errno == errno.EAGAIN:
                return []
            raise
        names, offset = [], 0
        while offset < len(buf):
            _wd, _mask, _cookie, length = _EVENT.unpack_from(buf, offset)
            offset += _EVENT.size
            raw = buf[offset:offset + length].rstrip(b"\0")
            offset += length
            names.append(os.fsdecode(raw))
        return names

    def close(self):
        os.close(self.fd)


def write_atomic(path, data):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)


def handle(name):
    if not name.endswith(".json"):
        return
    src = os.path.join(INBOX, name)
    try:
        with open(src, encoding="utf-8") as fh:
            task = json.load(fh)
    except (FileNotFoundError, ValueError):
        return
    result = {"id": task.get("id"), "words": len(str(task.get("text", "")).split())}
    write_atomic(os.path.join(OUTBOX, name), result)
    os.unlink(src)


def main():
    os.makedirs(INBOX, exist_ok=True)
    os.makedirs(OUTBOX, exist_ok=True)
    ino = Inotify()
    ino.watch(INBOX, IN_CLOSE_WRITE | IN_MOVED_TO)
    for name in sorted(os.listdir(INBOX)):
        handle(name)
    try:
        while True:
            for name in ino.read_names(timeout=60):
                handle(name)
    except KeyboardInterrupt:
        pass
    finally:
        ino.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
