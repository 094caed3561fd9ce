#!/usr/bin/env python3
"""clawperf calibrate: micro-benchmarks of the impact model's unit costs on this machine.

Python 3 stdlib only. Every unit is timed in repeated batches (a batch = n operations in a
loop, n chosen so a batch lasts a few milliseconds); the per-operation time of each batch is one
sample, and the result is the median and the p10/p90 spread of those samples, in ms per operation.

Output on stdout, one JSON object per line:
  {"event": "start", "total": 16, "quick": false}
  {"event": "progress", "unit": "file_read", "done": 0, "total": 16}   before each unit
  {"event": "unit", "unit": "file_read", "medianMs": ..., ...}          after each unit
  {"event": "result", "version": 1, "machine": {...}, "units": {...}, "notMeasured": {...}}

Usage: bench.py [--quick] [--tmpdir DIR] [--only UNIT,UNIT]
--tmpdir: where the scratch folder is made (the file-system units measure that disk; default the
system temp dir). The scratch folder is always removed.
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

perf = time.perf_counter

# Time budget per unit (seconds), target batch length (seconds), batch count bounds.
MODES = {
    "full": {"budget": 0.9, "batch": 0.02, "min_batches": 9, "max_batches": 400},
    "quick": {"budget": 0.08, "batch": 0.005, "min_batches": 5, "max_batches": 100},
}
# New localhost connections are capped so the run leaves few sockets in TIME_WAIT.
MAX_NEW_CONNECTIONS = {"full": 3000, "quick": 300}

NOT_MEASURED = {
    "http_external": "not measured: needs a remote host and measures the network, not this machine; the reference range stays",
}

PAYLOAD_1KB = ("x" * 63 + "\n") * 16  # 1024 bytes of text


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def quantile(sorted_values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return 0.0
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summarize(samples_ms, ops_per_batch):
    values = sorted(samples_ms)
    return {
        "medianMs": quantile(values, 0.5),
        "p10Ms": quantile(values, 0.1),
        "p90Ms": quantile(values, 0.9),
        "samples": len(values),
        "opsPerBatch": ops_per_batch,
    }


def batch_size(run, mode, cap=None):
    """Ops per batch so one batch lasts about mode['batch'] seconds (run(n) does n operations)."""
    target = mode["batch"]
    n = 1
    while True:
        t0 = perf()
        run(n)
        elapsed = perf() - t0
        if elapsed >= target / 4 or (cap is not None and n >= cap) or n >= 1 << 22:
            break
        n *= 4 if elapsed < target / 64 else 2
    per_op = max(elapsed / n, 1e-9)
    n = max(1, int(target / per_op))
    return min(n, cap) if cap is not None else n


def measure(run, mode, cap=None, max_ops=None):
    """Times run(n) in batches; returns per-op samples in ms and the batch size."""
    run(1)  # warm-up (imports, caches, first page faults)
    n = batch_size(run, mode, cap)
    if max_ops is not None:
        n = max(1, min(n, max_ops // mode["min_batches"]))
    samples = []
    start = perf()
    hard_stop = mode["budget"] * 3  # slow operations still get min_batches, within reason
    ops = 0
    while len(samples) < mode["max_batches"]:
        if max_ops is not None and ops + n > max_ops:
            break
        t0 = perf()
        run(n)
        elapsed = perf() - t0
        ops += n
        samples.append(elapsed * 1000.0 / n)
        spent = perf() - start
        if len(samples) >= mode["min_batches"] and spent >= mode["budget"]:
            break
        if len(samples) >= 3 and spent >= hard_stop:
            break
    return samples, n


# --- the benchmarks: each is a factory returning run(n) (and an optional cleanup) -------------


class Scratch:
    def __init__(self, base):
        self.dir = tempfile.mkdtemp(prefix="clawperf-calibrate-", dir=base)
        self.small = os.path.join(self.dir, "small.json")
        with open(self.small, "w", encoding="utf-8") as f:
            f.write(PAYLOAD_1KB)
        self.listing = os.path.join(self.dir, "hundred")
        os.mkdir(self.listing)
        for i in range(100):
            with open(os.path.join(self.listing, "msg-%03d.json" % i), "w", encoding="utf-8") as f:
                f.write("{}")

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def bench_file_read(s):
    path = s.small

    def run(n):
        for _ in range(n):
            with open(path, "r", encoding="utf-8") as f:
                f.read()

    return run


def bench_file_write(s):
    path = os.path.join(s.dir, "write.json")

    def run(n):
        for _ in range(n):
            with open(path, "w", encoding="utf-8") as f:
                f.write(PAYLOAD_1KB)

    return run


def bench_file_write_fsync(s):
    path = os.path.join(s.dir, "write_fsync.json")

    def run(n):
        for _ in range(n):
            with open(path, "w", encoding="utf-8") as f:
                f.write(PAYLOAD_1KB)
                f.flush()
                os.fsync(f.fileno())

    return run


def bench_fsync(s):
    # fsync of an open file with 1 KB of fresh data (a clean file's fsync costs nothing).
    path = os.path.join(s.dir, "fsync.bin")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    data = PAYLOAD_1KB.encode()

    def run(n):
        for _ in range(n):
            os.pwrite(fd, data, 0)
            os.fsync(fd)

    return run, lambda: os.close(fd)


def bench_listdir(s):
    path = s.listing

    def run(n):
        for _ in range(n):
            os.listdir(path)

    return run


def bench_listdir_idle(s):
    """One idle pass of a poll loop: list a folder with nothing waiting, then yield the CPU (the wake-up)."""
    path = tempfile.mkdtemp(prefix="clawperf-idle-")

    def run(n):
        for _ in range(n):
            for _name in os.listdir(path):
                pass
            time.sleep(0)

    return run, lambda: os.rmdir(path)


def bench_stat(s):
    path = s.small

    def run(n):
        for _ in range(n):
            os.stat(path)

    return run


def bench_subprocess(_s):
    def run(n):
        for _ in range(n):
            subprocess.run(["true"], check=False)

    return run


def bench_json_1kb(_s):
    doc = {"id": "task-0001", "agent": "agent-042", "status": "pending", "priority": 3,
           "tags": ["ipc", "queue", "retry"], "payload": {"text": "", "attempt": 1}}
    doc["payload"]["text"] = "y" * (1024 - len(json.dumps(doc)))  # 1 KB once serialized
    text = json.dumps(doc)

    def run(n):
        # alternately one loads and one dumps: each is one operation
        for i in range(n):
            if i & 1:
                json.dumps(doc)
            else:
                json.loads(text)

    return run


def _noop():
    pass


def bench_thread_create(_s):
    def run(n):
        for _ in range(n):
            t = threading.Thread(target=_noop)
            t.start()
            t.join()

    return run


def bench_fork(_s):
    def run(n):
        for _ in range(n):
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)

    return run


def bench_regex_compile(_s):
    pattern = r"^(?P<agent>agent-\d{3})/(?P<kind>task|result)-(?P<id>[0-9a-f]{8})\.json$"

    def run(n):
        for _ in range(n):
            re.purge()
            re.compile(pattern)

    return run


def bench_dns_lookup(_s):
    def run(n):
        for _ in range(n):
            socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)

    return run


def bench_python_op(_s):
    # One step of scanning a list of records: the loop step, a dict lookup, a comparison.
    records = [{"id": i, "status": "done"} for i in range(1000)]
    target = -1

    def scan(k):
        hits = 0
        for r in records[:k] if k < 1000 else records:
            if r.get("id") == target:
                hits += 1
        return hits

    def run(n):
        full, rest = divmod(n, 1000)
        for _ in range(full):
            scan(1000)
        if rest:
            scan(rest)

    return run


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits for the client's
    # delayed ACK (~40 ms on Linux) on a kept-alive connection. Measure the request, not that.
    disable_nagle_algorithm = True
    body = b'{"ok":true}'

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


class LoopbackServer:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def bench_http_local(server):
    port = server.port

    def run(n):
        for _ in range(n):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/status")
            conn.getresponse().read()
            conn.close()

    return run


def bench_http_local_reuse(server):
    port = server.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)

    def run(n):
        for _ in range(n):
            conn.request("GET", "/status")
            conn.getresponse().read()

    return run, conn.close


def measure_shell(mode):
    """Extra cost of shell=True: the same external program via /bin/sh -c versus argv, paired batches."""
    true_path = shutil.which("true") or "/bin/true"

    def via_argv(n):
        for _ in range(n):
            subprocess.run([true_path], check=False)

    def via_shell(n):
        for _ in range(n):
            subprocess.run(true_path, shell=True, check=False)

    via_argv(1)
    via_shell(1)
    n = batch_size(via_shell, mode)
    diffs = []
    start = perf()
    while len(diffs) < mode["max_batches"]:
        t0 = perf()
        via_shell(n)
        t1 = perf()
        via_argv(n)
        t2 = perf()
        diffs.append(((t1 - t0) - (t2 - t1)) * 1000.0 / n)
        spent = perf() - start
        if len(diffs) >= mode["min_batches"] and spent >= mode["budget"]:
            break
        if len(diffs) >= 3 and spent >= mode["budget"] * 3:
            break
    result = summarize(diffs, n)
    # A difference of two noisy timings can dip below zero; a cost cannot.
    floor = 1e-6
    for key in ("p10Ms", "medianMs", "p90Ms"):
        result[key] = max(result[key], floor)
    return result


# Order matters: fork runs before the HTTP server's threads exist.
FS_UNITS = ["file_read", "file_write", "file_write_fsync", "fsync", "listdir", "listdir_idle", "stat"]
CPU_UNITS = ["json_1kb", "python_op", "regex_compile", "thread_create", "fork", "subprocess", "shell", "dns_lookup"]
HTTP_UNITS = ["http_local", "http_local_reuse"]
ALL_UNITS = FS_UNITS + CPU_UNITS + HTTP_UNITS

FACTORIES = {
    "file_read": bench_file_read,
    "file_write": bench_file_write,
    "file_write_fsync": bench_file_write_fsync,
    "fsync": bench_fsync,
    "listdir": bench_listdir,
    "listdir_idle": bench_listdir_idle,
    "stat": bench_stat,
    "subprocess": bench_subprocess,
    "json_1kb": bench_json_1kb,
    "thread_create": bench_thread_create,
    "fork": bench_fork,
    "regex_compile": bench_regex_compile,
    "dns_lookup": bench_dns_lookup,
    "python_op": bench_python_op,
    "http_local": bench_http_local,
    "http_local_reuse": bench_http_local_reuse,
}


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def fs_type(path):
    """File-system type of path from /proc/mounts (Linux), or None."""
    try:
        real = os.path.realpath(path)
        best, best_type = "", None
        with open("/proc/mounts", encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mnt = parts[1].replace("\\040", " ")
                if (real == mnt or real.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                    best, best_type = mnt, parts[2]
        return best_type
    except OSError:
        return None


def main(argv):
    parser = argparse.ArgumentParser(description="clawperf calibrate micro-benchmarks")
    parser.add_argument("--quick", action="store_true", help="few repetitions (about 2 s)")
    parser.add_argument("--tmpdir", default=None, help="where to make the scratch folder")
    parser.add_argument("--only", default=None, help="comma-separated units to measure")
    args = parser.parse_args(argv)
    mode_name = "quick" if args.quick else "full"
    mode = MODES[mode_name]
    units = ALL_UNITS
    if args.only:
        wanted = set(u.strip() for u in args.only.split(",") if u.strip())
        unknown = wanted - set(ALL_UNITS) - set(NOT_MEASURED)
        if unknown:
            parser.error("unknown unit(s): " + ", ".join(sorted(unknown)))
        units = [u for u in ALL_UNITS if u in wanted]

    base = args.tmpdir or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    socket.setdefaulttimeout(5)
    emit({"event": "start", "total": len(units), "quick": args.quick})
    results = {}
    scratch = Scratch(base)
    server = None
    began = perf()
    try:
        for i, unit in enumerate(units):
            emit({"event": "progress", "unit": unit, "done": i, "total": len(units)})
            if unit == "shell":
                stats = measure_shell(mode)
            else:
                if unit in HTTP_UNITS:
                    if server is None:
                        server = LoopbackServer()
                    made = FACTORIES[unit](server)
                else:
                    made = FACTORIES[unit](scratch)
                run, cleanup = made if isinstance(made, tuple) else (made, None)
                try:
                    max_ops = MAX_NEW_CONNECTIONS[mode_name] if unit == "http_local" else None
                    samples, n = measure(run, mode, max_ops=max_ops)
                finally:
                    if cleanup:
                        cleanup()
                stats = summarize(samples, n)
            results[unit] = stats
            emit(dict({"event": "unit", "unit": unit}, **stats))
    finally:
        if server is not None:
            server.close()
        scratch.close()

    machine = {
        "cpus": os.cpu_count() or 1,
        "model": cpu_model(),
        "python": platform.python_version(),
        "platform": sys.platform,
    }
    kind = fs_type(base)
    if kind:
        machine["fsType"] = kind
    emit({
        "event": "result",
        "version": 1,
        "quick": args.quick,
        "seconds": round(perf() - began, 3),
        "machine": machine,
        "units": results,
        "notMeasured": NOT_MEASURED,
    })
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
