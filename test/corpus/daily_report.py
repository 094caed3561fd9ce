"""Build the daily HTML report from the agents' history and logs.

Run by a systemd --user timer once a night; on a busy day the history file
holds a few hundred thousand entries and the logs several hundred MB.
"""
import datetime as dt
import html
import json
import os
import re
import sys

HOME = os.environ.get("OPENCLAW_HOME", os.path.expanduser("~/.openclaw"))
HISTORY = os.path.join(HOME, "history.json")
LOG_DIR = os.path.join(HOME, "logs")
AGENTS_FILE = os.path.join(HOME, "agents.json")
OUT = os.path.join(HOME, "reports", "daily-%s.html" % dt.date.today().isoformat())

TITLE = "OpenClaw daily report"


def load_history():
    return json.load(open(HISTORY))


def agent_names():
    with open(AGENTS_FILE) as fh:
        return [a["name"] for a in json.load(fh)]


def section_for(agent):
    history = load_history()
    mine = [json.loads(json.dumps(e)) for e in history if e["agent"] == agent]
    durations = list(map(lambda e: e["finished"] - e["started"], mine))
    failed = len([e for e in mine if e["status"] != "ok"])
    avg = sum(durations) / len(durations) if durations else 0.0
    out = "<h2>%s</h2>\n<p>%d tasks, %d failed, %.1f s average</p>\n<ul>\n" % (
        html.escape(agent), len(mine), failed, avg)
    for e in mine[-20:]:
        out += "<li>%s %s</li>\n" % (html.escape(e["task"]), e["status"])
    return out + "</ul>\n"


def error_lines(agent):
    path = os.path.join(LOG_DIR, agent + ".log")
    if not os.path.exists(path):
        return []
    lines = open(path).readlines()
    found = []
    for line in lines:
        if re.compile(r"\b(ERROR|CRITICAL|Traceback)\b").search(line):
            found.append(line.rstrip())
    return found


def main():
    agents = agent_names()
    body = "<h1>%s</h1>\n" % TITLE
    for agent in agents:
        body += section_for(agent)
        errors = error_lines(agent)
        if errors:
            body += "<h3>errors</h3><pre>%s</pre>\n" % html.escape("\n".join(errors[-50:]))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        fh.write("<html><head><title>%s</title></head><body>\n" % TITLE)
        fh.write(body)
        fh.write("</body></html>\n")
    print("wrote", OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
