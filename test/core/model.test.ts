// The semantic model: imports, constants, object types, call graph and hot-path contexts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSources } from '../../src/pipeline.js';
import type { CallSite, FileModel } from '../../src/model/types.js';

async function model(files: Record<string, string>) {
  const result = await analyzeSources(Object.entries(files).map(([path, text]) => ({ path: `proj/${path}`, text })), { rules: [] });
  const file = (name: string) => result.project.files.find((f) => f.path === `proj/${name}`)!;
  const call = (f: FileModel, callee: string): CallSite => {
    const found = f.calls.find((c) => c.callee === callee);
    assert.ok(found, `no call to ${callee} in ${f.path}; calls: ${f.calls.map((c) => c.callee).join(', ')}`);
    return found;
  };
  return { result, file, call };
}

test('imports are resolved through aliases and from-imports', async () => {
  const { file, call } = await model({
    'a.py': 'import subprocess as sp\nfrom os import listdir\nfrom time import sleep as nap\nimport requests as r\nimport os.path\n\nsp.run(["ls"])\nlistdir(".")\nnap(1)\nr.get("http://x")\nos.path.exists("x")\n',
  });
  const a = file('a.py');
  for (const name of ['subprocess.run', 'os.listdir', 'time.sleep', 'requests.get', 'os.path.exists']) call(a, name);
});

test('module constants and environment defaults are evaluated', async () => {
  const { file } = await model({
    'a.py': 'import os\nPOLL = float(os.environ.get("X_POLL", "0.5"))\nFAST = 0.1 * 2\nNAME = "inbox"\nMS = 250\nSECS = MS / 1000\n',
  });
  const constants = file('a.py').constants;
  assert.deepEqual(constants.get('POLL')!.value, { kind: 'number', value: 0.5, source: 'environment' });
  assert.equal((constants.get('FAST')!.value as { value: number }).value, 0.2);
  assert.equal((constants.get('SECS')!.value as { value: number }).value, 0.25);
  assert.deepEqual(constants.get('NAME')!.value, { kind: 'string', value: 'inbox' });
});

test('a sleep interval from a module constant makes a poll loop with that interval', async () => {
  const { file } = await model({
    'd.py': 'import os, time\nPOLL_INTERVAL = 0.5\ndef run():\n    while True:\n        os.listdir("/in")\n        time.sleep(POLL_INTERVAL)\n',
  });
  const loop = file('d.py').loops[0]!;
  assert.equal(loop.poll?.intervalSeconds, 0.5);
  assert.equal(loop.poll?.intervalSource, 'constant');
  const listdir = file('d.py').calls.find((c) => c.callee === 'os.listdir')!;
  assert.equal(listdir.context, 'poll_loop');
});

test('tracked objects: a requests.Session and an open file', async () => {
  const { file, call } = await model({
    'a.py': 'import requests\nclass Client:\n    def __init__(self):\n        self.session = requests.Session()\n    def fetch(self, url):\n        return self.session.get(url, timeout=5)\n\ndef read(p):\n    f = open(p)\n    return f.read()\n',
  });
  const a = file('a.py');
  call(a, 'requests.Session.get');
  assert.equal(a.calls.find((c) => c.method === 'read')!.receiverType, 'file');
});

test('contexts: handler through the call graph across modules, loop, per_task, startup', async () => {
  const { file, call } = await model({
    'store.py': 'import json\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n',
    'api.py': [
      'from http.server import BaseHTTPRequestHandler, HTTPServer',
      'from store import load',
      'CONFIG = load("config.json")',
      'class Handler(BaseHTTPRequestHandler):',
      '    def do_GET(self):',
      '        data = load("state.json")',
      '        self.wfile.write(b"ok")',
      'def batch(paths):',
      '    for p in paths:',
      '        process(p)',
      'def process(p):',
      '    open(p).close()',
      'def main():',
      '    HTTPServer(("", 8000), Handler).serve_forever()',
      'if __name__ == "__main__":',
      '    main()',
    ].join('\n'),
  });
  const store = file('store.py');
  const api = file('api.py');
  assert.equal(call(store, 'open').context, 'handler', 'load() is reached from do_GET');
  assert.equal(api.calls.find((c) => c.callee === 'api.process')!.context, 'loop');
  assert.equal(api.calls.find((c) => c.callee === 'open' && c.functionId === 'api:process')!.context, 'per_task');
  assert.equal(call(api, 'http.server.HTTPServer').context, 'startup');
});

test('a bounded retry loop with sleep is not a poll loop; while True with sleep is', async () => {
  const { file } = await model({
    'r.py': 'import time\ndef connect(c):\n    for attempt in range(3):\n        try:\n            return c()\n        except OSError:\n            time.sleep(2 ** attempt)\ndef serve():\n    while True:\n        time.sleep(1)\n',
  });
  const loops = file('r.py').loops;
  assert.equal(loops.find((l) => l.kind === 'for')!.poll, undefined);
  assert.equal(loops.find((l) => l.kind === 'while')!.poll?.intervalSeconds, 1);
});

test('a sleep inside a callee makes the caller loop a poll loop', async () => {
  const { file } = await model({
    'w.py': 'import os, time\nclass Worker:\n    def pause(self):\n        time.sleep(0.25)\n    def run(self):\n        while True:\n            os.listdir("/q")\n            self.pause()\n',
  });
  assert.equal(file('w.py').loops[0]!.poll?.intervalSeconds, 0.25);
});

test('noqa comments are read, bare and with codes', async () => {
  const { file } = await model({ 'n.py': 'import os\nos.system("ls")  # noqa: SP502, SP503\nos.system("ls")  # noqa\n' });
  const noqa = file('n.py').noqa;
  assert.deepEqual([...noqa.get(2)!], ['SP502', 'SP503']);
  assert.equal(noqa.get(3), undefined);
  assert.ok(noqa.has(3));
});

test('a file with a syntax error is still modelled where the tree is sound', async () => {
  const { result, file } = await model({ 'bad.py': 'import os\ndef ok():\n    os.listdir(".")\ndef broken(:\n    pass\n' });
  assert.equal(result.summary.parse_errors, 1);
  assert.ok(file('bad.py').calls.some((c) => c.callee === 'os.listdir'));
});
