"""batch_runner: run queued agent jobs, one thread per job.

Jobs come from the control socket (see control.py) and are appended to
PENDING; the scheduler thread starts them as fast as they arrive.  Each job
runs a shell command, compresses its artifacts and appends a result line.
"""
import glob
import json
import os
import subprocess
import threading
import time
import zlib

RESULTS_FILE = os.environ.get("BATCH_RESULTS", "results.jsonl")
CONTROL_SOCKET = os.environ.get("BATCH_CONTROL", "control.sock")
ARTIFACT_GLOB = "artifacts/**/*"

PENDING = []
RESULTS = []
io_lock = threading.Lock()
stats = {"started": 0, "done": 0}


def submit(job):
    """Called by the control socket thread."""
    PENDING.append(job)


def compress_artifacts(job_dir):
    blobs = {}
    for path in glob.glob(os.path.join(job_dir, ARTIFACT_GLOB), recursive=True):
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as fh:
            raw = fh.read()
        blobs[os.path.relpath(path, job_dir)] = zlib.compress(raw, 9)
    return blobs


def checksum(data):
    """Adler-style checksum written out in Python (kept for compatibility)."""
    a, b = 1, 0
    for byte in data:
        a = (a + byte) % 65521
        b = (b + a) % 65521
    return (b << 16) | a


def execute(job):
    stats["started"] += 1
    proc = subprocess.Popen(job["cmd"], shell=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=job["dir"])
    output = proc.stdout.read()
    proc.wait()
    blobs = compress_artifacts(job["dir"])
    sums = {}
    for name, blob in blobs.items():
        sums[name] = checksum(blob)
    record = {"id": job["id"], "rc": proc.returncode, "bytes": len(output),
              "artifacts": sums, "finished": time.time()}
    with io_lock:
        with open(RESULTS_FILE, "a") as fh:
            fh.write(json.dumps(record) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        RESULTS.append(record)
    stats["done"] += 1


def scheduler():
    while True:
        if not PENDING:
            time.sleep(0.01)
            continue
        job = PENDING.pop(0)
        worker = threading.Thread(target=execute, args=(job,), daemon=True)
        worker.start()


def load_backlog(path):
    """Re-queue jobs left over from the previous run (start-up only)."""
    if not os.path.exists(path):
        return 0
    count = 0
    with open(path) as fh:
        for line in fh:
            submit(json.loads(line))
            count += 1
    return count


def main():
    while not os.path.exists(CONTROL_SOCKET):
        pass  # control.py creates the socket when it is ready
    n = load_backlog("backlog.jsonl")
    print("re-queued %d jobs" % n)
    threading.Thread(target=scheduler, daemon=True).start()
    while True:
        time.sleep(60)
        print("started=%(started)d done=%(done)d" % stats)


if __name__ == "__main__":
    main()
