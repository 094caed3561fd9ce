"""Prometheus-style metrics exporter for the agent fleet.

Probes every agent's ``/health`` in parallel every 15 s and serves the last
snapshot from memory, so a scrape never touches the disk or the network.
"""
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from config import load_config

SCRAPE_EVERY = 15.0
MAX_IDLE_FACTOR = 4

_snapshot = {}
_snapshot_lock = threading.Lock()
_session = requests.Session()


def probe(url):
    """Return (url, up, latency_seconds) for one agent."""
    started = time.monotonic()
    try:
        resp = _session.get(url + "/health", timeout=(1, 3))
        up = resp.ok
    except requests.RequestException:
        up = False
    return url, up, time.monotonic() - started


def collect(urls, stop):
    """Refresh the snapshot until ``stop`` is set, slowing down while all is well."""
    delay = SCRAPE_EVERY
    with ThreadPoolExecutor(max_workers=8) as pool:
        while not stop.is_set():
            results = list(pool.map(probe, urls))
            with _snapshot_lock:
                _snapshot.clear()
                _snapshot.update({url: (up, lat) for url, up, lat in results})
            all_up = all(up for _, up, _ in results)
            delay = min(delay * 2, SCRAPE_EVERY * MAX_IDLE_FACTOR) if all_up else SCRAPE_EVERY
            stop.wait(delay)


class MetricsHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        with _snapshot_lock:
            items = sorted(_snapshot.items())
        lines = ["# TYPE openclaw_agent_up gauge"]
        for url, (up, latency) in items:
            lines.append('openclaw_agent_up{url="%s"} %d' % (url, up))
            lines.append('openclaw_probe_seconds{url="%s"} %.3f' % (url, latency))
        body = ("\n".join(lines) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


class MetricsServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    cfg = load_config()
    stop = threading.Event()
    threading.Thread(target=collect, args=(cfg["peers"], stop), daemon=True).start()
    server = MetricsServer(("127.0.0.1", cfg["metrics_port"]), MetricsHandler)
    print("metrics on :%d (pid %d)" % (cfg["metrics_port"], os.getpid()))
    try:
        server.serve_forever()
    finally:
        stop.set()


if __name__ == "__main__":
    main()
