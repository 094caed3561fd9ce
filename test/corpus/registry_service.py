"""Agent registry: where agents announce themselves and find each other.

Design notes
------------
* State lives in memory; a background thread persists it at most every
  5 seconds, atomically (temp file + os.replace), and only when it changed.
* ThreadingHTTPServer with a larger listen backlog: 100 agents announce at
  boot within the same second.
* Health checks use one pooled Session with timeouts and a bounded pool.
"""
import functools
import json
import logging
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

STATE_FILE = os.path.expanduser("~/.local/state/registry.json")
SETTINGS_FILE = os.path.expanduser("~/.config/registry/settings.json")
PERSIST_EVERY = 5.0
log = logging.getLogger("registry")


@functools.lru_cache(maxsize=1)
def settings():
    with open(SETTINGS_FILE, encoding="utf-8") as fh:
        return json.load(fh)


class Registry:
    def __init__(self, path):
        self.path = path
        self._lock = threading.Lock()
        self._agents = {}
        self._dirty = False
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                self._agents = json.load(fh)

    def announce(self, name, url):
        with self._lock:
            self._agents[name] = {"url": url, "seen": time.time()}
            self._dirty = True

    def snapshot(self):
        with self._lock:
            return dict(self._agents)

    def persist_forever(self, stop):
        while not stop.wait(PERSIST_EVERY):
            with self._lock:
                if not self._dirty:
                    continue
                data, self._dirty = dict(self._agents), False
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(self.path), suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, self.path)


REGISTRY = Registry(STATE_FILE)
SESSION = requests.Session()


def check(entry):
    name, info = entry
    try:
        ok = SESSION.get(info["url"] + "/health", timeout=(0.5, 2)).ok
    except requests.RequestException:
        ok = False
    return name, ok


class Handler(BaseHTTPRequestHandler):
    def _json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/agents":
            self._json(200, REGISTRY.snapshot())
        elif self.path == "/health-all":
            with ThreadPoolExecutor(max_workers=settings().get("probe_workers", 16)) as pool:
                self._json(200, dict(pool.map(check, REGISTRY.snapshot().items())))
        else:
            self._json(404, {"error": "unknown path"})

    def do_POST(self):
        if self.path != "/announce":
            self._json(404, {"error": "unknown path"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        msg = json.loads(self.rfile.read(length) or b"{}")
        REGISTRY.announce(msg["name"], msg["url"])
        self._json(200, {"ok": True})

    def log_message(self, fmt, *args):
        log.debug(fmt, *args)


class RegistryServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    logging.basicConfig(level=logging.INFO)
    stop = threading.Event()
    persister = threading.Thread(target=REGISTRY.persist_forever, args=(stop,), daemon=True)
    persister.start()
    port = settings().get("port", 8700)
    server = RegistryServer(("0.0.0.0", port), Handler)
    log.info("registry on :%d", port)
    try:
        server.serve_forever()
    finally:
        stop.set()
        persister.join(timeout=PERSIST_EVERY + 1)


if __name__ == "__main__":
    main()
