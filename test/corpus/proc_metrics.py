"""procmon: per-agent CPU and memory from /proc, sampled every 5 seconds.

Writes the latest sample to $XDG_RUNTIME_DIR/procmon.json for the dashboard
and keeps one hour of samples in memory for the /history endpoint of the
status service, which imports this module.
"""
import collections
import json
import os
import subprocess
import time

SAMPLE_EVERY = 5.0
CMD_MARKER = b"openclaw-agent"
RUNTIME_DIR = os.environ.get("XDG_RUNTIME_DIR", "/tmp")
OUT_FILE = os.path.join(RUNTIME_DIR, "procmon.json")

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

recent = collections.deque(maxlen=720)
samples_by_pid = {}


def agent_pids():
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = open("/proc/%s/cmdline" % entry, "rb").read()
        except OSError:
            continue
        if CMD_MARKER in cmdline:
            pids.append(int(entry))
    return pids


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_bytes(pid):
    out = subprocess.check_output(["ps", "-o", "rss=", "-p", str(pid)])
    return int(out) * 1024


def total_memory():
    with open("/proc/meminfo") as fh:
        for line in fh.readlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 0


def write_snapshot(snapshot):
    with open(OUT_FILE, "w") as fh:
        json.dump(snapshot, fh)


def main():
    mem_total = total_memory()
    prev = {}
    while True:
        started = time.monotonic()
        snapshot = {"ts": time.time(), "agents": {}}
        for pid in agent_pids():
            try:
                ticks = cpu_ticks(pid)
                rss = rss_bytes(pid)
            except (OSError, subprocess.CalledProcessError):
                continue
            cpu = (ticks - prev.get(pid, ticks)) / CLK_TCK / SAMPLE_EVERY * 100
            prev[pid] = ticks
            snapshot["agents"][pid] = {"cpu": round(cpu, 1), "rss": rss,
                                       "mem_pct": round(100.0 * rss / mem_total, 2)}
            samples_by_pid.setdefault(pid, []).append((snapshot["ts"], cpu, rss))
        recent.append(snapshot)
        write_snapshot(snapshot)
        time.sleep(max(0.0, SAMPLE_EVERY - (time.monotonic() - started)))


if __name__ == "__main__":
    main()
