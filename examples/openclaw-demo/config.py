"""Paths and configuration for the OpenClaw demo.

Everything lives under ``$OPENCLAW_HOME`` (default ``~/.openclaw``):

    inbox/            new task files, one JSON document each
    agents/<name>/    queue/ and results/ folders per agent
    state.json        shared progress of every agent
    history.json      every finished task, appended by the agents
    openclaw.log      one line per event
"""
import json
import os

BASE_DIR = os.environ.get("OPENCLAW_HOME", os.path.expanduser("~/.openclaw"))
CONFIG_PATH = os.path.join(BASE_DIR, "config.json")
ROUTES_PATH = os.path.join(BASE_DIR, "routes.json")
INBOX_DIR = os.path.join(BASE_DIR, "inbox")
AGENTS_DIR = os.path.join(BASE_DIR, "agents")
STATE_PATH = os.path.join(BASE_DIR, "state.json")
HISTORY_PATH = os.path.join(BASE_DIR, "history.json")
LOG_PATH = os.path.join(BASE_DIR, "openclaw.log")
EVENTS_PATH = os.path.join(BASE_DIR, "events.log")

DEFAULTS = {
    "listen_host": "127.0.0.1",
    "listen_port": 8765,
    "metrics_port": 8766,
    "peer_url": "http://127.0.0.1:8770",
    "peers": [],
    "units": ["openclaw-dispatcher.service", "openclaw-status.service"],
    "webhook": "http://127.0.0.1:8780/hooks/task-done",
    "redact_pattern": r"(api|token|secret)=\S+",
}


def load_config(path=CONFIG_PATH):
    """Read the JSON configuration file and merge it over the defaults."""
    merged = dict(DEFAULTS)
    try:
        with open(path, encoding="utf-8") as fh:
            merged.update(json.load(fh))
    except FileNotFoundError:
        pass
    return merged


def agent_dir(name, *parts):
    """Return a path inside an agent's folder."""
    return os.path.join(AGENTS_DIR, name, *parts)
