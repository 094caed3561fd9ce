import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, test } from 'node:test';
import { calibrateCommand, formatMs } from '../../src/cli/commands/calibrate.js';
import { PYTHON_MISSING, PythonMissingError, runCalibration, type CalibrationProgress } from '../../src/impact/calibrate.js';
import { readCalibration, writeCalibration, type Calibration } from '../../src/impact/calibration.js';
import { UNIT_IDS } from '../../src/impact/types.js';
import { unitCosts } from '../../src/impact/units.js';

const scratch = mkdtempSync(join(tmpdir(), 'clawperf-calibrate-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function fresh(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const MEASURED = UNIT_IDS.filter((u) => u !== 'http_external');

const sample: Calibration = {
  version: 1,
  measuredAt: '2025-01-01T00:00:00.000Z',
  machine: { cpus: 2, model: 'test cpu', python: '3.11.7' },
  units: { listdir: { medianMs: 0.035, p10Ms: 0.03, p90Ms: 0.04, lowMs: 0.03, highMs: 0.04, samples: 9 } },
  notMeasured: { http_external: 'not measured' },
};

describe('bench.py --quick through runCalibration', () => {
  test('measures every unit but http_external, with positive medians and a spread', async () => {
    const progress: CalibrationProgress[] = [];
    const started = Date.now();
    const cal = await runCalibration({ quick: true, workDir: fresh('bench'), onProgress: (p) => progress.push(p) });
    assert.ok(Date.now() - started < 15_000, 'quick mode is quick');
    for (const unit of MEASURED) {
      const m = cal.units[unit];
      assert.ok(m, `${unit} measured`);
      assert.ok(m.medianMs > 0, `${unit} median ${m.medianMs} > 0`);
      assert.ok(m.p10Ms <= m.medianMs && m.medianMs <= m.p90Ms, `${unit} p10 ≤ median ≤ p90`);
      assert.equal(m.lowMs, m.p10Ms);
      assert.equal(m.highMs, m.p90Ms);
      assert.ok(m.samples >= 3, `${unit} samples`);
    }
    assert.equal(cal.units.http_external, undefined);
    assert.match(cal.notMeasured?.http_external ?? '', /not measured/);
    assert.ok(cal.machine.cpus >= 1 && cal.machine.python.startsWith('3.'));
    assert.deepEqual(progress.filter((p) => p.unit !== 'done').map((p) => p.unit).sort(), [...MEASURED].sort());
    assert.deepEqual(readdirSync(join(scratch, 'bench')), [], 'the scratch folder is removed');
  });

  test('a missing interpreter gives the one-line error', async () => {
    await assert.rejects(runCalibration({ quick: true, python: 'clawperf-no-such-python3' }), (error: Error) => {
      assert.ok(error instanceof PythonMissingError);
      assert.equal(error.message, PYTHON_MISSING);
      return true;
    });
  });
});

describe('calibration.json', () => {
  test('missing file: empty, no warning', () => {
    assert.deepEqual(readCalibration(fresh('missing')), { costs: {}, units: {} });
  });

  test('corrupt file: empty plus a warning, never throws', () => {
    for (const [name, text] of [
      ['garbage', '{ not json'],
      ['shape', JSON.stringify({ version: 1, units: 'x' })],
      ['version', JSON.stringify({ ...sample, version: 2 })],
    ] as const) {
      const dir = fresh(`corrupt-${name}`);
      mkdirSync(join(dir, '.clawperf'));
      writeFileSync(join(dir, '.clawperf', 'calibration.json'), text);
      const result = readCalibration(dir);
      assert.deepEqual(result.costs, {}, name);
      assert.match(result.warning ?? '', /calibration\.json/, name);
    }
  });

  test('a bad unit entry is skipped with a warning, the rest is used', () => {
    const dir = fresh('partial');
    writeCalibration(dir, sample);
    const path = join(dir, '.clawperf', 'calibration.json');
    writeFileSync(path, JSON.stringify({ ...sample, units: { ...sample.units, fork: { medianMs: 'slow' }, future_unit: {} } }));
    const result = readCalibration(dir);
    assert.deepEqual(Object.keys(result.costs), ['listdir']);
    assert.match(result.warning ?? '', /fork/);
  });

  test('write is atomic and round-trips into measured costs', () => {
    const dir = fresh('write');
    writeCalibration(dir, sample);
    writeCalibration(dir, sample); // overwrite
    assert.deepEqual(readdirSync(join(dir, '.clawperf')).sort(), ['.gitignore', 'calibration.json'], 'no temp leftovers; the folder is git-ignored');
    const result = readCalibration(dir);
    assert.equal(result.warning, undefined);
    assert.equal(result.measuredAt, sample.measuredAt);
    assert.deepEqual(result.costs.listdir, { lowMs: 0.03, highMs: 0.04, source: 'measured' });
    const costs = unitCosts(result.costs);
    assert.equal(costs.listdir.source, 'measured');
    assert.equal(costs.fork.source, 'reference');
  });
});

describe('clawperf calibrate', () => {
  test('--quick writes the file and prints the table with references', async () => {
    const dir = fresh('cli');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await calibrateCommand({ quick: true, dir }, { stdout, stderr });
    assert.equal(code, 0, err);
    assert.ok(existsSync(join(dir, '.clawperf', 'calibration.json')));
    assert.deepEqual(readdirSync(join(dir, '.clawperf')).sort(), ['.gitignore', 'calibration.json'], 'scratch files removed');
    assert.match(err, /clawperf calibrate: 1\/17 file_read/);
    assert.match(out, /^file_write_fsync +[\d.]+ ms +[\d.]+–[\d.]+ ms +1–5 ms +[\d.]+× \((below|in range|above)\)$/m);
    assert.match(out, /^http_external +not measured +50–500 ms +reference kept$/m);
    assert.equal(Object.keys(readCalibration(dir).costs).length, MEASURED.length);
  });

  test('--dir that does not exist: exit 2, one line', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    assert.equal(await calibrateCommand({ dir: join(scratch, 'nope') }, { stdout: new PassThrough(), stderr }), 2);
    assert.equal(err.trim().split('\n').length, 1);
  });

  test('formatMs never uses exponents', () => {
    assert.equal(formatMs(0.000029), '0.000029');
    assert.equal(formatMs(0.0123), '0.012');
    assert.equal(formatMs(5), '5');
    assert.equal(formatMs(0.05), '0.05');
    assert.equal(formatMs(1.144), '1.1');
    assert.equal(formatMs(43.9), '43.9');
  });
});
