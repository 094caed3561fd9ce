#!/usr/bin/env python3
"""Fleet dashboard: one HTML page with the state of every agent unit.

Reads the list of units from units.json, asks systemd for each one, and
shows the last journal lines.  POST /restart?unit=NAME restarts a unit.
"""
import html
import json
import socketserver
import subprocess
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

UNITS_FILE = "units.json"
TEMPLATE_FILE = "dashboard.html"
PORT = 8090

PAGE_STYLE = "body{font-family:sans-serif} td{padding:2px 8px} .failed{color:#b00}"


def journal_tail(unit, lines=15):
    cmd = "journalctl --user -u %s -n %d --no-pager -o cat" % (unit, lines)
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout


class Dashboard(BaseHTTPRequestHandler):
    def send_html(self, body, code=200):
        data = body.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/favicon.ico":
            self.send_error(404)
            return
        units = json.load(open(UNITS_FILE))
        template = open(TEMPLATE_FILE).read()

        rows = ""
        for unit in units:
            out = subprocess.check_output(
                ["systemctl", "--user", "show", unit, "-p", "ActiveState,SubState,MainPID"],
                text=True,
            )
            props = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
            css = "failed" if props.get("ActiveState") == "failed" else ""
            rows += '<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n' % (
                css,
                html.escape(unit),
                props.get("ActiveState", "?"),
                props.get("SubState", "?"),
                props.get("MainPID", "?"),
            )

        detail = ""
        query = parse_qs(url.query)
        if "unit" in query:
            detail = "<pre>%s</pre>" % html.escape(journal_tail(query["unit"][0]))

        self.send_html(template.replace("{{rows}}", rows).replace("{{detail}}", detail))

    def do_POST(self):
        url = urlparse(self.path)
        unit = parse_qs(url.query).get("unit", [""])[0]
        if url.path != "/restart" or not unit.endswith(".service"):
            self.send_error(400)
            return
        subprocess.call(["systemctl", "--user", "restart", unit])
        # give the unit a moment so the redirect shows the new state
        time.sleep(2)
        self.send_response(303)
        self.send_header("Location", "/?unit=" + unit)
        self.end_headers()


def main():
    style = ""
    style += PAGE_STYLE
    print("dashboard on http://127.0.0.1:%d/ (style %d bytes)" % (PORT, len(style)))
    httpd = socketserver.TCPServer(("127.0.0.1", PORT), Dashboard)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        httpd.server_close()


if __name__ == "__main__":
    main()
