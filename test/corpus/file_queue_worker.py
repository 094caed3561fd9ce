#!/usr/bin/env python3
"""Maildir-style work queue consumer.

Producers drop JSON jobs into ``<spool>/new``.  A worker claims a job by
renaming it into ``cur/`` (rename is atomic, so two workers never run the
same job), runs the job's argv, and records the outcome.

Several workers run side by side, one ``systemd --user`` instance each::

    systemctl --user start agentq-worker@{1..8}
"""
from __future__ import annotations

import json
import logging
import os
import socket
import subprocess as sp
from dataclasses import dataclass, field
from pathlib import Path
from time import sleep, time

SPOOL = Path(os.environ.get("SPOOL_DIR", "/var/spool/agentq"))
IDLE_SLEEP = 0.25
HOSTNAME = socket.gethostname()

log = logging.getLogger("agentq")


@dataclass
class Job:
    path: Path
    body: dict = field(default_factory=dict)

    @property
    def job_id(self) -> str:
        return self.path.name.split(".", 1)[0]


class QueueWorker:
    """Claims jobs from ``new/`` one at a time and runs them."""

    def __init__(self, spool: Path, name: str) -> None:
        self.spool = spool
        self.name = name
        self.new = spool / "new"
        self.cur = spool / "cur"
        self.failed = spool / "failed"
        for folder in (self.new, self.cur, self.failed):
            folder.mkdir(parents=True, exist_ok=True)
        self.processed: list[str] = []

    # -- claiming -----------------------------------------------------
    def claim(self) -> Job | None:
        for entry in sorted(self.new.iterdir()):
            target = self.cur / f"{entry.name}.{self.name}"
            try:
                entry.rename(target)
            except FileNotFoundError:
                continue  # another worker won the race
            return Job(target, json.loads(target.read_text()))
        return None

    def already_done(self, job_id: str) -> bool:
        return job_id in self.processed

    # -- bookkeeping --------------------------------------------------
    def _lock_stats(self) -> Path:
        """mkdir is atomic, so a directory doubles as a cross-process lock."""
        lock = self.spool / "stats.lock"
        while True:
            try:
                lock.mkdir()
                return lock
            except FileExistsError:
                pass

    def bump_stats(self, outcome: str) -> None:
        path = self.spool / "stats.json"
        lock = self._lock_stats()
        try:
            stats = json.loads(path.read_text()) if path.exists() else {}
            stats[outcome] = stats.get(outcome, 0) + 1
            stats["last_update"] = time()
            path.write_text(json.dumps(stats))
        finally:
            lock.rmdir()

    def heartbeat(self) -> None:
        depth = sp.check_output(f"ls {self.new} | wc -l", shell=True, text=True)
        beat = {"worker": self.name, "host": HOSTNAME, "depth": int(depth), "ts": time()}
        (self.spool / f"heartbeat-{self.name}.json").write_text(json.dumps(beat))

    # -- running ------------------------------------------------------
    def run_job(self, job: Job) -> bool:
        argv = job.body.get("argv") or ["true"]
        result = sp.run(argv, capture_output=True, cwd=job.body.get("cwd"))
        with open(self.spool / "done.log", "a") as done:
            done.write(f"{time():.3f} {HOSTNAME} {self.name} {job.job_id} rc={result.returncode}\n")
            done.flush()
            os.fsync(done.fileno())
        sp.Popen(["agentq-notify", job.job_id, str(result.returncode)])
        return result.returncode == 0

    def finish(self, job: Job, ok: bool) -> None:
        if ok:
            job.path.unlink()
        else:
            job.path.rename(self.failed / job.path.name)

    def serve(self) -> None:
        log.info("worker %s watching %s", self.name, self.new)
        while True:
            self.heartbeat()
            job = self.claim()
            if job is None:
                sleep(IDLE_SLEEP)
                continue
            if self.already_done(job.job_id):
                job.path.unlink()
                continue
            ok = self.run_job(job)
            self.processed.append(job.job_id)
            self.bump_stats("ok" if ok else "failed")
            self.finish(job, ok)


def wait_for_spool(path: Path, attempts: int = 4) -> bool:
    """The spool may live on a mount that appears a little after boot."""
    for attempt in range(attempts):
        if path.is_dir():
            return True
        sleep(2 ** attempt)
    return False


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    name = os.environ.get("WORKER_NAME", f"{HOSTNAME}-{os.getpid()}")
    if not wait_for_spool(SPOOL):
        log.error("spool %s not found", SPOOL)
        return 1
    QueueWorker(SPOOL, name).serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
