import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CAPACITY_DEFAULTS, CAPACITY_FIELDS, parsePortRange, parseProcLimit, readCapacityFile, readMachine } from '../../src/impact/machine.js';

const scratch = mkdtempSync(join(tmpdir(), 'clawperf-machine-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function capacityFile(name: string, content: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('readMachine', () => {
  test('every figure is a positive finite number with a source', () => {
    const m = readMachine();
    for (const field of CAPACITY_FIELDS) {
      assert.ok(Number.isFinite(m[field]) && m[field] > 0, `${field} = ${m[field]}`);
      assert.ok(m.sources[field], `${field} has a source`);
    }
    assert.equal(m.timeWaitSeconds, 60);
    assert.equal(m.fsyncsPerSecond, CAPACITY_DEFAULTS.fsyncsPerSecond);
    assert.equal(m.sources.fsyncsPerSecond, 'reference');
  });

  test('calibrated write+fsync gives the fsync rate', () => {
    const m = readMachine({ units: { file_write_fsync: { medianMs: 0.4 } } });
    assert.equal(m.fsyncsPerSecond, 2500);
    assert.equal(m.sources.fsyncsPerSecond, 'calibration');
  });

  test('without /proc it falls back to the documented defaults', () => {
    const m = readMachine({ procRoot: join(scratch, 'no-proc') });
    assert.equal(m.fdLimit, CAPACITY_DEFAULTS.fdLimit);
    assert.equal(m.ephemeralPorts, CAPACITY_DEFAULTS.ephemeralPorts);
    assert.equal(m.sources.fdLimit, 'default');
    assert.ok(m.cores >= 1);
  });

  test('parsers', () => {
    const limits = 'Limit  Soft Limit  Hard Limit  Units\nMax processes  unlimited  unlimited  processes\nMax open files  1024  524288  files\n';
    assert.equal(parseProcLimit(limits, 'Max open files'), 1024);
    assert.equal(parseProcLimit(limits, 'Max processes'), Number.POSITIVE_INFINITY);
    assert.equal(parsePortRange('32768\t60999\n'), 28232);
    assert.equal(parsePortRange('junk'), undefined);
  });
});

describe('readCapacityFile', () => {
  test('reads another machine, defaults the rest', () => {
    const m = readCapacityFile(capacityFile('ok.json', { cores: 8, memoryMB: 16384, fdLimit: 65536 }));
    assert.equal(m.cores, 8);
    assert.equal(m.fdLimit, 65536);
    assert.equal(m.sources.fdLimit, 'file');
    assert.equal(m.pidMax, CAPACITY_DEFAULTS.pidMax);
    assert.equal(m.sources.pidMax, 'default');
  });

  test('a wrong type is rejected naming the field', () => {
    assert.throws(() => readCapacityFile(capacityFile('bad.json', { cores: 'eight', memoryMB: 1024 })), /field "cores" must be a number .*"eight"/);
    assert.throws(() => readCapacityFile(capacityFile('neg.json', { cores: 2, memoryMB: 1024, fdLimit: -1 })), /field "fdLimit" must be greater than 0/);
    assert.throws(() => readCapacityFile(capacityFile('frac.json', { cores: 2, memoryMB: 1024, pidMax: 1.5 })), /field "pidMax" must be a whole number/);
    assert.throws(() => readCapacityFile(capacityFile('missing.json', { cores: 2 })), /field "memoryMB" is required/);
    assert.throws(() => readCapacityFile(capacityFile('typo.json', { cores: 2, memoryMB: 1024, fdlimit: 10 })), /unknown field "fdlimit"/);
    assert.throws(() => readCapacityFile(capacityFile('json.json', '{')), /not valid JSON/);
    assert.throws(() => readCapacityFile(join(scratch, 'absent.json')), /cannot read capacity file/);
  });
});
