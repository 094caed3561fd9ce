// Run frequency: how often a line runs (per poll pass, only on a message, while a condition holds, paced by a
// person, on a repair path, on demand, at start-up) and through which chain of calls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSources } from '../../src/pipeline.js';
import { runFrequency, type RunFrequency } from '../../src/model/run-frequency.js';

/** The run frequency of the first call to `callee` in `a.py` (other files given too). */
async function frequencyOf(source: string, callee: string, others: Record<string, string> = {}): Promise<RunFrequency> {
  const files = Object.entries({ 'a.py': source, ...others }).map(([path, text]) => ({ path: `proj/${path}`, text }));
  const { project } = await analyzeSources(files, { rules: [] });
  const file = project.files.find((f) => f.path === 'proj/a.py')!;
  const call = file.calls.find((c) => c.callee === callee || c.calleeText === callee);
  assert.ok(call, `no call to ${callee}`);
  return runFrequency(project, file, call);
}

test('every poll pass vs only when the pass found a message', async () => {
  const poll = [
    'import os, time, json',
    'def run():',
    '    while True:',
    '        names = os.listdir("/inbox")',
    '        if not names:',
    '            time.sleep(0.5)',
    '            continue',
    '        json.dumps(names)',
    '        time.sleep(0.5)',
  ].join('\n');
  assert.equal((await frequencyOf(poll, 'os.listdir')).cadence, 'per_poll');
  const arrival = await frequencyOf(poll, 'json.dumps');
  assert.equal(arrival.cadence, 'per_message');
  assert.equal(arrival.reason?.line, 5);
  const guarded = 'import os, time\ndef run():\n    while True:\n        msg = receive()\n        if msg:\n            handle(msg)\n        time.sleep(1)\ndef receive():\n    return None\ndef handle(m):\n    open("/tmp/x", "w").write(m)\n';
  assert.equal((await frequencyOf(guarded, 'open')).cadence, 'per_message');
  assert.deepEqual((await frequencyOf(guarded, 'open')).chain, ['run', 'handle']);
  const perFile = 'import os, time\ndef run():\n    while True:\n        for name in os.listdir("/in"):\n            open(name).read()\n        time.sleep(1)\n';
  assert.equal((await frequencyOf(perFile, 'open')).cadence, 'per_message');
});

test('a wait that lasts only while a condition holds is an incident, not a steady poll', async () => {
  const lock = 'import os, time\ndef acquire():\n    while os.path.exists("/run/x.lock"):\n        time.sleep(0.1)\n    open("/run/x.lock", "w").close()\n';
  assert.equal((await frequencyOf(lock, 'os.path.exists')).cadence, 'while_condition');
  const stop = 'import os, time\nclass W:\n    def run(self):\n        while not self._stop:\n            os.listdir("/in")\n            time.sleep(0.5)\n';
  assert.equal((await frequencyOf(stop, 'os.listdir')).cadence, 'per_poll');
});

test('a loop paced by a person, a repair path, a CLI subcommand, start-up', async () => {
  const person = 'import json\ndef main():\n    while True:\n        cmd = input("> ")\n        json.load(open("state.json"))\n';
  assert.equal((await frequencyOf(person, 'json.load')).cadence, 'person_paced');
  const heal = 'import subprocess, time\ndef restart_agent(name):\n    subprocess.Popen(["systemctl", "--user", "restart", name])\ndef run():\n    while True:\n        if not healthy():\n            restart_agent("a")\n        time.sleep(5)\ndef healthy():\n    return True\n';
  assert.equal((await frequencyOf(heal, 'subprocess.Popen')).cadence, 'admin');
  const cli = 'import argparse, subprocess\ndef cmd_status(args):\n    subprocess.run(["systemctl", "status"])\ndef main():\n    p = argparse.ArgumentParser()\n    p.set_defaults(func=cmd_status)\n    p.parse_args().func(None)\n';
  assert.equal((await frequencyOf(cli, 'subprocess.run')).cadence, 'on_demand');
  const start = 'import json\nCONFIG = json.load(open("config.json"))\n';
  assert.equal((await frequencyOf(start, 'json.load')).cadence, 'startup');
});

test('the chain names the hot caller through the project helpers', async () => {
  const source = [
    'import json',
    'from http.server import BaseHTTPRequestHandler',
    'from store import record_post',
    'class H(BaseHTTPRequestHandler):',
    '    def do_POST(self):',
    '        record_post({})',
  ].join('\n');
  const store = 'import json\ndef save_json(p, d):\n    with open(p, "w") as f:\n        json.dump(d, f)\ndef record_post(post):\n    save_json("posts.json", post)\n';
  const files = [{ path: 'proj/a.py', text: source }, { path: 'proj/store.py', text: store }];
  const { project } = await analyzeSources(files, { rules: [] });
  const file = project.files.find((f) => f.path === 'proj/store.py')!;
  const open = file.calls.find((c) => c.callee === 'open')!;
  const frequency = runFrequency(project, file, open);
  assert.equal(frequency.cadence, 'per_request');
  assert.deepEqual(frequency.chain, ['H.do_POST', 'record_post', 'save_json']);
});

test('rules stay quiet on a rare repair path and in a loop paced by a person', async () => {
  const daemon = (name: string) => [
    'import subprocess, time, threading',
    `def ${name}(device):`,
    '    subprocess.Popen("adb -s %s reboot" % device, shell=True)',
    'def run(devices):',
    '    while True:',
    '        for d in devices:',
    `            threading.Thread(target=${name}, args=(d,)).start()`,
    '        time.sleep(1)',
  ].join('\n');
  const rulesAt = async (text: string) => (await analyzeSources([{ path: 'proj/a.py', text }], {})).findings.filter((f) => f.line === 3).map((f) => f.rule);
  assert.ok((await rulesAt(daemon('notify_device'))).includes('SP506'));
  assert.deepEqual(await rulesAt(daemon('reboot_device')), []);
  const person = 'import json\ndef main():\n    while True:\n        json.load(open("state.json"))\n        input("> ")\n';
  const quiet = (await analyzeSources([{ path: 'proj/a.py', text: person }], {})).findings.filter((f) => f.line === 4);
  assert.deepEqual(quiet.map((f) => f.rule), []);
});

test('a POST-only route that redirects is a form a person submits; a page view or a webhook is per request', async () => {
  const app = [
    'import subprocess',
    'from bottle import post, route, redirect, request',
    '@post("/services/command")',
    'def service_command():',
    '    subprocess.check_call(["systemctl", request.forms.get("command"), request.forms.get("unit")], timeout=30)',
    '    redirect("/services")',
    '@route("/services")',
    'def services():',
    '    return subprocess.check_output(["systemctl", "list-units"], timeout=10)',
    '@post("/hook")',
    'def hook():',
    '    subprocess.run(["notify-send", request.body.read()], timeout=5)',
    '    return "ok"',
  ].join('\n');
  const form = await frequencyOf(app, 'subprocess.check_call');
  assert.equal(form.cadence, 'person_paced');
  assert.equal(form.reason?.line, 4);
  assert.equal((await frequencyOf(app, 'subprocess.check_output')).cadence, 'per_request');
  assert.equal((await frequencyOf(app, 'subprocess.run')).cadence, 'per_request');
});
