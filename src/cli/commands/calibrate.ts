// `clawperf calibrate [--quick] [--dir DIR] [--json]`: measures the impact model's unit costs on this
// machine with python3 and stores them in DIR/.clawperf/calibration.json for later reports.
import { mkdirSync, statSync } from 'node:fs';
import { escapesRoot } from '../../util/confine.js';
import { join, relative, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { PythonMissingError, runCalibration, type CalibrationProgress } from '../../impact/calibrate.js';
import { writeCalibration, type Calibration } from '../../impact/calibration.js';
import { UNIT_IDS, type UnitId } from '../../impact/types.js';
import { REFERENCE_COSTS } from '../../impact/units.js';

export interface CalibrateOptions {
  quick?: boolean;
  dir?: string;
  json?: boolean;
}

export interface CalibrateIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Milliseconds with two significant digits (trailing zeros dropped), never in exponent form. */
export function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms === 0) return '0';
  const digits = ms >= 10 ? 1 : Math.max(1, 1 - Math.floor(Math.log10(ms)));
  return ms.toFixed(Math.min(digits, 10)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function range(low: number, high: number): string {
  return low === high ? `${formatMs(low)} ms` : `${formatMs(low)}–${formatMs(high)} ms`;
}

/** The measured median against the reference range: median ÷ the range's midpoint, and where it falls. */
export function compareToReference(unit: UnitId, medianMs: number): string {
  const ref = REFERENCE_COSTS[unit];
  const ratio = medianMs / ((ref.lowMs + ref.highMs) / 2);
  const shown = ratio >= 10 ? ratio.toFixed(0) : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(1);
  const where = medianMs < ref.lowMs ? 'below' : medianMs > ref.highMs ? 'above' : 'in range';
  return `${shown}× (${where})`;
}

export function calibrationTable(calibration: Calibration): string {
  const header = ['item', 'measured median', 'p10–p90', 'reference', 'ratio to ref. midpoint'];
  const rows: string[][] = [];
  for (const unit of UNIT_IDS) {
    const ref = REFERENCE_COSTS[unit];
    const m = calibration.units[unit];
    if (m) {
      rows.push([unit, `${formatMs(m.medianMs)} ms`, range(m.p10Ms, m.p90Ms), range(ref.lowMs, ref.highMs), compareToReference(unit, m.medianMs)]);
    } else {
      rows.push([unit, 'not measured', '', range(ref.lowMs, ref.highMs), 'reference kept']);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function progressReporter(io: CalibrateIO): { update: (p: CalibrationProgress) => void; stop: () => void } {
  if (io.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'calibrate [{bar}] {value}/{total} {unit}', stream: io.stderr, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (p) => {
        if (!started) {
          bar.start(p.total, p.done, { unit: p.unit });
          started = true;
        } else bar.update(p.done, { unit: p.unit });
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  return {
    update: (p) => {
      if (p.unit !== 'done') io.stderr.write(`clawperf calibrate: ${p.done + 1}/${p.total} ${p.unit}\n`);
    },
    stop: () => {},
  };
}

/** Runs the command; returns the exit code (0 ok, 2 python3 missing or another error). */
export async function calibrateCommand(options: CalibrateOptions, io: CalibrateIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const dir = resolve(options.dir ?? process.cwd());
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch {
    io.stderr.write(`clawperf: --dir ${options.dir ?? dir}: no such directory\n`);
    return 2;
  }
  const workDir = join(dir, '.clawperf');
  const outside = escapesRoot(dir, workDir, 'the folder');
  if (outside) {
    io.stderr.write(`clawperf: ${outside}\n`);
    return 2;
  }
  const progress = progressReporter(io);
  let calibration: Calibration;
  try {
    mkdirSync(workDir, { recursive: true });
    calibration = await runCalibration({ quick: options.quick === true, workDir, onProgress: progress.update });
  } catch (error) {
    progress.stop();
    io.stderr.write(`${error instanceof PythonMissingError ? error.message : (error as Error).message}\n`);
    return 2;
  }
  progress.stop();
  const path = writeCalibration(dir, calibration);
  if (options.json) {
    io.stdout.write(JSON.stringify(calibration, null, 2) + '\n');
    return 0;
  }
  const m = calibration.machine;
  const out: string[] = [
    `Measured on ${m.cpus} CPU${m.cpus === 1 ? '' : 's'} (${m.model}), Python ${m.python}${m.fsType ? `, disk units on ${m.fsType}` : ''}` +
      `${calibration.quick ? ' — quick run, few repetitions' : ''}.`,
    '',
    calibrationTable(calibration),
    '',
  ];
  for (const [unit, why] of Object.entries(calibration.notMeasured ?? {})) out.push(`${unit}: ${why}.`);
  if (m.fsType === 'tmpfs') out.push('Note: the disk units ran on tmpfs (memory), so fsync costs nothing here; run with --dir on the service\'s disk.');
  const shown = relative(process.cwd(), path) || path;
  out.push(`Written ${shown.startsWith('..') ? path : shown}; later reports use these figures ("measured here") instead of the references.`);
  io.stdout.write(out.join('\n') + '\n');
  return 0;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description("measure the impact model's unit costs on this machine (python3 micro-benchmarks) and store them in .clawperf/calibration.json")
    .option('--quick', 'few repetitions (about 2 s instead of about 15 s)')
    .option('--dir <dir>', 'project folder: where .clawperf/calibration.json is written and the disk is measured (default: current directory)')
    .option('--json', 'print the stored calibration as JSON instead of the table')
    .action(async (options: CalibrateOptions) => {
      const code = await calibrateCommand(options);
      if (code !== 0) process.exitCode = code;
    });
}
