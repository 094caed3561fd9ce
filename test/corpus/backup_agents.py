"""Nightly backup of agent workspaces.

For each workspace under --root: tar it, checksum the archive, record it in
manifest.json, then rsync the whole destination to the NAS.

    backup_agents.py --root ~/agents --dest /srv/backup/agents
"""
import argparse
import hashlib
import json
import logging
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

LOG = logging.getLogger("backup")
KEEP_DAYS = 14


def sha256_of(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def sha256_streamed(path, bufsize=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(bufsize), b""):
            digest.update(block)
    return digest.hexdigest()


def prune(dest):
    cutoff = time.time() - KEEP_DAYS * 86400
    for name in os.listdir(dest):
        path = os.path.join(dest, name)
        if name.endswith(".tar.gz") and os.path.getmtime(path) < cutoff:
            subprocess.run(["rm", "-f", path])


def verify(archives):
    """Re-read each archive and compare with the manifest (bounded pool)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(archives, pool.map(sha256_streamed, archives)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--dest", required=True)
    parser.add_argument("--nas", default="nas.internal:/backups/agents/")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)

    os.makedirs(args.dest, exist_ok=True)
    manifest_path = os.path.join(args.dest, "manifest.json")
    stamp = time.strftime("%Y%m%d")
    archives = []

    for name in sorted(os.listdir(args.root)):
        workspace = os.path.join(args.root, name)
        if not os.path.isdir(workspace):
            continue
        archive = os.path.join(args.dest, "%s-%s.tar.gz" % (name, stamp))
        subprocess.run(["tar", "czf", archive, "-C", workspace, "."], check=True)
        subprocess.run("cp %s/config.json %s/%s-config.json" % (workspace, args.dest, name), shell=True)
        digest = sha256_of(archive)

        with open(manifest_path) as fh:
            manifest = json.load(fh)
        manifest[name] = {"archive": os.path.basename(archive), "sha256": digest, "at": stamp}
        with open(manifest_path, "w") as fh:
            json.dump(manifest, fh, indent=2)
        archives.append(archive)
        LOG.info("%s -> %s", name, archive)

    checked = verify(archives)
    LOG.info("verified %d archives", len(checked))
    prune(args.dest)
    os.system("rsync -a --delete %s/ %s" % (args.dest, args.nas))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
