"""Status API for operators and for the other agents.

    GET  /health    liveness
    GET  /peer      health of the peer agent
    GET  /peers     health of every known agent
    GET  /units     systemd state of our units
    GET  /log       last lines of the log
    GET  /stats     task history summary
    GET  /results   list of result files
    POST /tasks     submit a task (JSON body)
"""
import glob
import json
import os
import subprocess
import time
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import requests

import history
import shell
from config import AGENTS_DIR, CONFIG_PATH, INBOX_DIR, load_config


class StatusHandler(BaseHTTPRequestHandler):
    server_version = "OpenClawStatus/0.3"

    def _send(self, code, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with open(CONFIG_PATH, encoding="utf-8") as fh:
            cfg = json.load(fh)

        if self.path == "/health":
            self._send(200, {"ok": True, "log_bytes": history.log_size()})
        elif self.path == "/peer":
            resp = requests.get(cfg["peer_url"] + "/health")
            self._send(resp.status_code, resp.content)
        elif self.path == "/peers":
            report = {}
            for url in cfg["peers"]:
                report[url] = requests.get(url + "/health", timeout=3).json()
            self._send(200, report)
        elif self.path == "/units":
            self._send(200, shell.unit_states(cfg["units"]))
        elif self.path == "/disk":
            self._send(200, {"agents": shell.disk_usage(AGENTS_DIR)})
        elif self.path == "/uptime":
            out = subprocess.run("uptime -p", shell=True, capture_output=True, text=True)
            self._send(200, {"uptime": out.stdout.strip()})
        elif self.path == "/log":
            self._send(200, "\n".join(history.tail_log(200)).encode(), "text/plain")
        elif self.path == "/stats":
            self._send(200, history.summary())
        elif self.path == "/results":
            html = "<ul>"
            pattern = os.path.join(AGENTS_DIR, "**", "results", "*.json")
            for path in glob.glob(pattern, recursive=True):
                html += "<li>%s</li>" % os.path.basename(path)
            html += "</ul>"
            self._send(200, html.encode(), "text/html")
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/tasks":
            self._send(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length", 0))
        task = json.loads(self.rfile.read(length))
        task.setdefault("id", uuid.uuid4().hex)
        with open(os.path.join(INBOX_DIR, task["id"] + ".json"), "w") as fh:
            json.dump(task, fh)
        # Give the dispatcher a moment so the reply can report "queued".
        time.sleep(0.5)
        queued = not os.path.exists(os.path.join(INBOX_DIR, task["id"] + ".json"))
        self._send(202, {"id": task["id"], "queued": queued})


def main():
    cfg = load_config()
    server = HTTPServer((cfg["listen_host"], cfg["listen_port"]), StatusHandler)
    print("status API on %s:%d" % server.server_address)
    server.serve_forever()


if __name__ == "__main__":
    main()
