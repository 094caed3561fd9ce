// Input generators for the fuzz tests (seeded, deterministic): random bytes, token soup, garbled real
// Python, and fixed shapes (deep nesting, 50,000-character lines, odd characters).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSource } from '../../src/parse/read.js';
import { CORPUS, DEMO, Rng } from './helpers.js';

export interface Case {
  /** How to reproduce it: generator and seed, or the name of a fixed case. */
  label: string;
  text: string;
}

export type Family = 'demo' | 'corpus';

function readFamily(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.py')).sort()) {
    const decoded = decodeSource(readFileSync(join(dir, name)));
    if (decoded.ok) files.set(name, decoded.text);
  }
  return files;
}

export const FAMILIES: Record<Family, Map<string, string>> = { demo: readFamily(DEMO), corpus: readFamily(CORPUS) };

// ---------- generators

export function randomBytesCase(rng: Rng, seed: number): Case {
  const bytes = rng.bytes(rng.int(0, 1000));
  // Half as UTF-8 with U+FFFD for invalid sequences, half as latin1 (every code point below 256, NULs included).
  const text = rng.chance(0.5) ? new TextDecoder('utf-8').decode(bytes) : bytes.toString('latin1');
  return { label: `bytes#${seed}`, text };
}

const TOKENS = [
  '(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '==', '+', '-', '*', '**', '/', '%', '@', '->', ':=', '\\', ';',
  'def', 'class', 'while', 'for', 'in', 'if', 'elif', 'else', 'try', 'except', 'finally', 'with', 'as', 'return', 'yield',
  'lambda', 'import', 'from', 'global', 'nonlocal', 'async', 'await', 'not', 'and', 'or', 'is', 'None', 'True', 'pass', 'break',
  'match', 'case', 'del', 'raise', 'assert',
  'x', 'self', 'f', 'q', 'data', 'time', 'os', 'subprocess', 'requests', 'json', 'open',
  'time.sleep(0.2)', 'os.listdir(d)', 'open(p).read()', 'subprocess.run(c, shell=True)', 'requests.get(u)', 'json.loads(s)',
  '0', '1', '0.05', '1e309', '0x_', '"s"', "'s'", 'f"{x}"', 'b"\\x00"', '"""', "'''", '"', "'", '#', '# noqa', '# noqa: PO301',
  '\n', '\n', '\n', '    ', '\t', '\r\n', '\r', ' ', '\f', '\u00a0', 'é', '𝔘', '\u2028', '\0',
];

export function soupCase(rng: Rng, seed: number): Case {
  const parts: string[] = [];
  const n = rng.int(1, 300);
  for (let i = 0; i < n; i++) parts.push(rng.pick(TOKENS), rng.chance(0.6) ? ' ' : '');
  return { label: `soup#${seed}`, text: parts.join('') };
}

const BRACKETS = '()[]{}';

function mutate(rng: Rng, text: string, donor: string): string {
  let lines = text.split('\n');
  switch (rng.int(0, 11)) {
    case 0: // truncate at a random point
      return text.slice(0, rng.int(0, text.length));
    case 1: { // delete random lines
      const k = rng.int(1, 5);
      for (let i = 0; i < k && lines.length; i++) lines.splice(rng.int(0, lines.length - 1), 1);
      break;
    }
    case 2: { // duplicate random lines
      const k = rng.int(1, 5);
      for (let i = 0; i < k && lines.length; i++) {
        const at = rng.int(0, lines.length - 1);
        lines.splice(rng.int(0, lines.length), 0, lines[at]!);
      }
      break;
    }
    case 3: { // swap brackets
      const chars = [...text];
      const k = rng.int(1, 8);
      for (let i = 0; i < k; i++) {
        const at = rng.int(0, chars.length - 1);
        if (BRACKETS.includes(chars[at] ?? '')) chars[at] = rng.pick([...BRACKETS]);
        else {
          const found = chars.findIndex((c, j) => j >= at && BRACKETS.includes(c));
          if (found >= 0) chars[found] = rng.pick([...BRACKETS]);
        }
      }
      return chars.join('');
    }
    case 4: { // insert junk
      const at = rng.int(0, text.length);
      const junk = rng.pick(['\0', '\r', '"""', "'", '(', ')', ':', '\t', '\\', '\uFEFF', '\uD800', '\uDFFF', '𝔘', '\u2028', '#', 'while True:']);
      return text.slice(0, at) + junk + text.slice(at);
    }
    case 5: { // re-indent random lines
      const k = rng.int(1, 6);
      for (let i = 0; i < k && lines.length; i++) {
        const at = rng.int(0, lines.length - 1);
        lines[at] = rng.pick(['', ' ', '\t', '        ', ' \t ']) + lines[at]!.trimStart();
      }
      break;
    }
    case 6: // CRLF line endings
      return text.replace(/\n/g, '\r\n');
    case 7: // tabs for indentation
      return text.replace(/^( {4})+/gm, (m) => '\t'.repeat(m.length / 4));
    case 8: // lone CR line endings
      return text.replace(/\n/g, '\r');
    case 9: { // splice a chunk of another file in the middle
      const from = rng.int(0, donor.length);
      const chunk = donor.slice(from, from + rng.int(0, 600));
      const at = rng.int(0, text.length);
      return text.slice(0, at) + chunk + text.slice(at);
    }
    case 10: // shuffle a block of lines
      if (lines.length > 4) {
        const at = rng.int(0, lines.length - 4);
        const block = lines.slice(at, at + 4);
        lines.splice(at, 4, ...block.reverse());
      }
      break;
    default: // cut the file in the middle of a line and glue the halves swapped
      {
        const at = rng.int(0, text.length);
        return text.slice(at) + text.slice(0, at);
      }
  }
  return lines.join('\n');
}

export function garbleCase(rng: Rng, seed: number, family: Family): Case {
  const files = [...FAMILIES[family].values()];
  let text = rng.pick(files);
  if (rng.chance(0.7)) {
    // A window of the file: cheaper, and cuts land in the middle of blocks.
    const lines = text.split('\n');
    const from = rng.int(0, Math.max(0, lines.length - 1));
    text = lines.slice(from, from + rng.int(5, 120)).join('\n');
  }
  const mutations = rng.int(1, 5);
  // The donor of spliced chunks is of the same family: nothing of the clean files' family gets in.
  for (let i = 0; i < mutations; i++) text = mutate(rng, text, rng.pick(files));
  return { label: `garble-${family}#${seed}`, text };
}

// ---------- fixed cases: nesting, huge lines, odd characters

const indent = (n: number) => ' '.repeat(n);

export function fixedCases(): Case[] {
  const cases: Case[] = [];
  const add = (label: string, text: string) => cases.push({ label, text });
  add('empty', '');
  add('only-newlines', '\n'.repeat(5000));
  add('only-whitespace', ' \t\f\r\n'.repeat(2000));
  add('only-comments', Array.from({ length: 2000 }, (_, i) => `# comment ${i} while True: time.sleep(0.1)  # noqa`).join('\n'));
  add('only-docstring', `"""${'text '.repeat(20000)}"""\n`);
  add('bom', '\uFEFFimport time\nwhile True:\n    time.sleep(0.01)\n');
  add('nul-bytes', 'import os\0\nwhile True:\0\n    os.listdir("x")\0\n\0\0\0');
  add('lone-surrogates', 'x = "\uD800"\ny = \uDFFF\n# \uD83D\n');
  add('unicode-identifiers', 'def 𝔘ñí(ç):\n    while True:\n        ç.sleep(0.1)\nπ = 3.14\n');
  add('line-separators', 'x = 1\u2028y = 2\u0085z = 3\u000c\nwhile True:\u2029    pass\n');
  add('crlf-tabs-mixed', 'import time\r\ndef f():\r\n\twhile True:\r\n\t    time.sleep(0.01)\r\n  \tpass\r\n');
  // Deep nesting: 500-deep expressions, 200-deep blocks (CPython itself refuses some of these).
  add('parens-500', `x = ${'('.repeat(500)}1${')'.repeat(500)}\n`);
  add('lists-500', `x = ${'['.repeat(500)}${']'.repeat(500)}\n`);
  add('dicts-500', `x = ${'{"k": '.repeat(500)}1${'}'.repeat(500)}\n`);
  add('calls-500', `import time\nx = ${'f('.repeat(500)}time.sleep(1)${')'.repeat(500)}\n`);
  add('method-calls-500', `x = s${'.strip()'.repeat(500)}\n`);
  add('subscripts-2000', `x = a${'[0]'.repeat(2000)}\n`);
  add('attributes-20000', `x = a${'.b'.repeat(20000)}\n`);
  add('attribute-call-20000', `import os\nos${'.path'.repeat(20000)}.join("a")\n`);
  add('binop-plus-20000', `cmd = "cat " + ${Array(20000).fill('x').join(' + ')}\n`);
  add('binop-mod-5000', `cmd = "ls %s" ${'% x '.repeat(5000)}\n`);
  add('format-chain-3000', `cmd = "rm {}"${'.format(x)'.repeat(3000)}\n`);
  add('string-concat-5000', `s = ${Array(5000).fill('"a"').join(' ')}\n`);
  add('unary-5000', `x = ${'-'.repeat(5000)}1\n`);
  add('not-5000', `x = ${'not '.repeat(5000)}y\n`);
  add('lambda-500', `f = ${'lambda: '.repeat(500)}1\n`);
  add('ternary-2000', `x = ${'a if b else '.repeat(2000)}c\n`);
  add('comprehension-200', `x = ${'[ '.repeat(200)}i ${Array.from({ length: 200 }, (_, i) => `for i${i} in range(3) ]`).join(' ')}\n`);
  add('unclosed-parens-5000', `x = ${'('.repeat(5000)}\n`);
  add('unclosed-brackets-mixed', `x = ${'([{'.repeat(3000)}\n`);
  add('closing-only', `${')]}'.repeat(5000)}\n`);
  add('ifs-200', Array.from({ length: 200 }, (_, i) => `${indent(i)}if x:\n`).join('') + `${indent(200)}pass\n`);
  add('ifs-1000', Array.from({ length: 1000 }, (_, i) => `${indent(i)}if x:\n`).join('') + `${indent(1000)}pass\n`);
  add('loops-200', 'import time, os\ndef f():\n' + Array.from({ length: 200 }, (_, i) => `${indent(i + 1)}${i % 2 ? 'while True:' : 'for a in os.listdir(d):'}\n`).join('') +
    `${indent(201)}time.sleep(0.1); open("x").read(); subprocess.run("ls", shell=True)\n`);
  add('defs-200', Array.from({ length: 200 }, (_, i) => `${indent(i * 2)}def f${i}():\n`).join('') + `${indent(400)}import time; time.sleep(1)\n`);
  add('classes-200', Array.from({ length: 200 }, (_, i) => `${indent(i * 2)}class C${i}:\n`).join('') + `${indent(400)}pass\n`);
  add('try-200', Array.from({ length: 200 }, (_, i) => `${indent(i)}try:\n`).join('') + `${indent(200)}pass\n` +
    Array.from({ length: 200 }, (_, i) => `${indent(199 - i)}except Exception:\n${indent(200 - i)}pass\n`).join(''));
  add('with-200', Array.from({ length: 200 }, (_, i) => `${indent(i * 2)}with open("f${i}") as f${i}:\n`).join('') + `${indent(400)}f0.read()\n`);
  add('elif-5000', 'if a:\n    pass\n' + Array.from({ length: 5000 }, (_, i) => `elif a == ${i}:\n    time.sleep(0.1)\n`).join(''));
  add('decorators-2000', `${'@d\n'.repeat(2000)}def f():\n    pass\n`);
  add('many-args-20000', `f(${Array(20000).fill('a').join(', ')})\n`);
  add('many-imports', Array.from({ length: 3000 }, (_, i) => `import m${i} as os\nfrom os import listdir as l${i}\n`).join(''));
  // 50,000-character single lines, each a different shape (some are regular-expression traps).
  const LINE = 50_000;
  add('line-identifier', `${'a'.repeat(LINE)}\n`);
  add('line-string', `x = "${'a'.repeat(LINE)}"\n`);
  add('line-spaces-then-x', `${' '.repeat(LINE)}x\n`);
  add('line-spaces-then-hash', `x = 1${' '.repeat(LINE)}y #\n`);
  add('line-spaces-in-loop', `while True:\n    time.sleep(1)${' '.repeat(LINE)}\n    x = 1${' '.repeat(LINE)}z\n`);
  add('line-space-hash-alternating', `x = "${' #'.repeat(LINE / 2)}"\n`);
  add('line-comment', `# ${'x'.repeat(LINE)}\n`);
  add('line-tabs', `${'\t'.repeat(LINE)}pass\n`);
  add('line-open-parens', `${'('.repeat(LINE / 2)}${')'.repeat(LINE / 2)}\n`);
  add('line-call-args', `f(${'a,'.repeat(LINE / 2)})\n`);
  add('line-quotes', `${'"'.repeat(LINE)}\n`);
  add('line-backslashes', `x = "${'\\'.repeat(LINE)}"\n`);
  add('line-code-in-loop', `import os, time\nwhile True:\n    ${Array.from({ length: 2500 }, (_, i) => `os.listdir(d${i})`).join('; ')}; time.sleep(0.1)\n`);
  add('line-len-checks', `while True:\n    q.append(x)\n    if ${' '.repeat(LINE)}len(q) > 1: pass\n    del q${' '.repeat(LINE)}[0]\n    time.sleep(0.1)\n`);
  add('line-global', `def f():\n    global ${'a, '.repeat(LINE / 3)}q\n    while True:\n        q.append(1)\n        time.sleep(1)\n`);
  return cases;
}

