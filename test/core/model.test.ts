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

// Names and literals are read off the text when the tree has no errors (src/model/simple-text.ts); a tree
// with an error elsewhere makes the model ask the nodes instead. Both must give the same model.
const TEXT_OR_NODES = `import os, time, subprocess
from os import path as p
LIMIT = 10
NAME = 'x'
RATE = 1.5
MASK = 0x1f
BIG = 1_000
FLAG = True
NOTHING = None
ESC = 'a\\tb'
FMT = f'{NAME}!'
RAW = rb'bytes'
CAT = 'a' 'b'
TRIPLE = '''t'''
NEG = -1
alias = os.path
alias.x = 1
count: int = 0
count += 1
total //= 2
a = b = 3
r = naïve
s = 'ok'  # trailing comment
t = (a)
def gen():
    x = yield
    y = yield 1
def f(a, b=1, *args, c, d=None, e='s', **kw): pass
def g(a, /, b, *, c): pass
def h(a: int, b: str = 'x') -> None: pass
def k(a=[1], b=-1, c=(1, 2), d=NAME): pass
async def co(x): pass
def naïve_def(café): pass
class C(Base, metaclass=M):
    attr = 5
    def m(self):
        self.helper()
        self.n = 2
    def helper(self): pass
def main():
    time.sleep(LIMIT)
    f(1, 'two', NAME, alias.sep, x=3, y=None, z=True, w=FLAG)
    f(os.path.join(p, NAME), open(NAME).read(), key=int(LIMIT), env=os.environ.get('X', '2'))
    f(g(x)(y), "a {}".format(z), x=g(1) )
    f(*args, **kw)
    f(x for x in y)
    f(a[0], -1, 1.5, 0x1f, 1_0, 'a\\n', f'{a}', 'a' 'b', """doc""", lambda: 0, not a, a if b else c)
    f(  # comment
        a,
        b,
    )
    f (a)
    print(x)
    subprocess.run(['ls'], check=True, shell=False)
    f(g(x) + 1, g(x).y, g(x)[0], g(x) == 1)
    f(None.x if 0 else 1, True.real)
    f(naïve, café=1)
    with open(NAME) as fh, os.scandir(p) as it:
        fh.read()
    return a in b or c not in d
if __name__ == '__main__':
    main()
`;

test('names and literals read off the text give the model the nodes give', async () => {
  const { file } = await model({ 'sound.py': TEXT_OR_NODES, 'broken.py': `${TEXT_OR_NODES}\ndef broken(:\n    pass\n` });
  const sound = file('sound.py');
  const broken = file('broken.py');
  assert.equal(sound.parseError, false);
  assert.equal(broken.parseError, true);
  const facts = (f: FileModel) => JSON.stringify({
    calls: f.calls.map(({ context: _context, via: _via, ...call }) => call),
    assignments: f.assignments, constants: [...f.constants], withs: f.withs, memberships: f.memberships, mainGuard: f.mainGuard,
    functions: [...f.functions.values()].filter((fn) => fn.name !== 'broken').map(({ callees: _callees, context: _context, ...fn }) => fn),
    classes: [...f.classes.values()].map((cls) => ({ ...cls, attributes: [...cls.attributes] })),
  }).replaceAll(f.module, 'MODULE');
  assert.equal(facts(sound), facts(broken));
});

test('simple-text: what is read off the text, and what is left to the nodes', async () => {
  const { simpleArguments, simpleExpression, simpleHeader, simpleParameters, simpleTarget } = await import('../../src/model/simple-text.js');
  const args = (text: string, calls: Record<number, number> = {}) => simpleArguments(text, 0, text.length, (start) => calls[start]);
  assert.deepEqual(args('(a, b.c, 1, "s", True, x=None,)'), [
    { text: 'a', type: 'identifier' }, { text: 'b.c', type: 'attribute' }, { text: '1', type: 'integer' }, { text: '"s"', type: 'string' },
    { text: 'True', type: 'true' }, { name: 'x', text: 'None', type: 'none' },
  ]);
  assert.deepEqual(args('(g(x), k=h())', { 1: 5, 9: 12 }), [{ type: 'call', start: 1 }, { name: 'k', type: 'call', start: 9 }]);
  assert.equal(args('(g(x).y)', { 1: 5 }), undefined);
  for (const text of ['(a[0])', '(*a)', '(x for x in y)', '(1.5)', '(0x1f)', '(-1)', "('a\\n')", "(f'{a}')", "('a' 'b')", "('''a''')",
    '(a # c\n)', '(naïve)', '(None.x)', '(a == b)', '(yield)', '(not a)', '(a) ']) {
    assert.equal(args(text), undefined, text);
  }
  assert.deepEqual(simpleExpression('x = a.b', 4, 7), { text: 'a.b', type: 'attribute' });
  assert.equal(simpleExpression('x = yield', 4, 9), undefined);
  assert.equal(simpleExpression('x = a  # c', 4, 10), undefined);
  assert.deepEqual(simpleTarget('self.n += 1', 0), { text: 'self.n', type: 'attribute' });
  assert.deepEqual(simpleTarget('n: int = 1', 0), { text: 'n', type: 'identifier' });
  for (const text of ['a, b = c', 'a[0] = 1', 'a == b', 'naïve = 1']) assert.equal(simpleTarget(text, 0), undefined, text);
  assert.deepEqual(simpleHeader('async  def run (self):', 0, 'def'), { name: 'run', parametersStart: 15 });
  assert.deepEqual(simpleHeader('def f[T](x):', 0, 'def'), { name: 'f', parametersStart: undefined });
  assert.deepEqual(simpleHeader('class C(B):', 0, 'class'), { name: 'C' });
  assert.equal(simpleHeader('def naïve():', 0, 'def'), undefined);
  assert.deepEqual(simpleParameters('(a, b=1, *args, c, /, *, d=None, **kw)', 0), ['a', 'b', 'args', 'c', 'd', 'kw']);
  for (const text of ['(a: int)', '(a=[1])', '(a=-1)', '((a, b))', '(a, # c\n b)']) assert.equal(simpleParameters(text, 0), undefined, text);
});
