"""Thin wrappers around the shell and systemd used by several components."""
import os
import subprocess
import tempfile
import time


def read_file(path):
    """Return a file's text (kept for the NFS-mounted shared folders)."""
    result = subprocess.run("cat " + path, shell=True, capture_output=True, text=True)
    return result.stdout


def unit_states(units):
    """Map each systemd user unit to its state (active, failed, ...)."""
    states = {}
    for unit in units:
        proc = subprocess.run(
            ["systemctl", "--user", "is-active", unit], capture_output=True, text=True
        )
        states[unit] = proc.stdout.strip() or "unknown"
    return states


def disk_usage(path):
    """Human-readable disk usage of a folder."""
    return os.popen("du -sh " + path).read().split()[0]


def notify(title, message):
    """Pop a desktop notification for the operator."""
    os.system("notify-send '%s' '%s'" % (title, message))


def start_helper(task_id, payload_path):
    """Launch the post-processing helper for a task in the background."""
    subprocess.Popen(
        ["python3", "-m", "openclaw_helper", task_id, payload_path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_tool(argv, payload):
    """Run an external tool on ``payload`` and return its exit status."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tmp:
        tmp.write(payload)
    proc = subprocess.Popen(argv + [tmp.name])
    while proc.poll() is None:
        time.sleep(0.2)
    os.unlink(tmp.name)
    return proc.returncode


def wait_unlocked(lock_path):
    """Block until another process releases ``lock_path``."""
    while os.path.exists(lock_path):
        pass


def ensure_units_started(units):
    """Start-up check: make sure the services we depend on are running."""
    subprocess.run(
        ["systemctl", "--user", "start", *units], timeout=10, check=True
    )
