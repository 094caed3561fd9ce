"""Shared key/value store for agents: line-delimited JSON over TCP.

Request:  {"agent": "a7", "op": "get"|"set"|"del", "key": "...", "value": ...}
Reply:    {"ok": true, "value": ...}

The whole store is one JSON file so it survives restarts and can be
inspected with ``jq``.
"""
import json
import logging
import os
import socketserver
import threading
import time

DATA_FILE = os.environ.get("KV_DATA", "kv.json")
ACL_FILE = os.environ.get("KV_ACL", "acl.json")
AUDIT_FILE = os.environ.get("KV_AUDIT", "kv-audit.log")

_store_lock = threading.Lock()
connections = []
log = logging.getLogger("kv")


def _load():
    try:
        with open(DATA_FILE) as fh:
            return json.load(fh)
    except FileNotFoundError:
        return {}


class KVHandler(socketserver.StreamRequestHandler):
    """One connection = one agent; requests are handled one line at a time."""

    def reply(self, obj):
        self.wfile.write(json.dumps(obj).encode() + b"\n")
        self.wfile.flush()

    def handle(self):
        connections.append((self.client_address, time.time()))
        for raw in self.rfile:
            try:
                req = json.loads(raw)
            except ValueError:
                self.reply({"ok": False, "error": "bad json"})
                continue

            with open(ACL_FILE) as fh:
                acl = json.load(fh)
            if req.get("agent") not in acl["agents"]:
                self.reply({"ok": False, "error": "forbidden"})
                continue

            with _store_lock:
                store = _load()
                op, key = req.get("op"), req.get("key")
                if op == "set":
                    store[key] = req.get("value")
                elif op == "del":
                    store.pop(key, None)
                if op in ("set", "del"):
                    with open(DATA_FILE, "w") as fh:
                        json.dump(store, fh)
                    with open(AUDIT_FILE, "a") as audit:
                        audit.write("%f %s %s %s\n" % (time.time(), req["agent"], op, key))
                value = store.get(key)

            self.reply(json.loads(json.dumps({"ok": True, "value": value})))


class KVServer(socketserver.TCPServer):
    allow_reuse_address = True


def main():
    logging.basicConfig(level=logging.INFO)
    host, port = "127.0.0.1", int(os.environ.get("KV_PORT", "7070"))
    with KVServer((host, port), KVHandler) as server:
        log.info("kv store on %s:%d (%s)", host, port, DATA_FILE)
        server.serve_forever()


if __name__ == "__main__":
    main()
