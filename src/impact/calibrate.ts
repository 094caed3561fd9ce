// Runs python/calibrate/bench.py with python3 and turns its JSON lines into a Calibration.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pythonDir } from '../paths.js';
import type { Calibration, CalibrationMachine, UnitMeasurement } from './calibration.js';
import { UNIT_IDS, type UnitId } from './types.js';

export const BENCH_SCRIPT = join(pythonDir, 'calibrate', 'bench.py');
export const PYTHON_MISSING = 'clawperf: python3 not found on PATH; calibrate needs it';

/** Thrown when the python interpreter cannot be started; its message is the one line to print. */
export class PythonMissingError extends Error {
  constructor() {
    super(PYTHON_MISSING);
    this.name = 'PythonMissingError';
  }
}

export interface CalibrationProgress {
  /** The unit being measured now. */
  unit: string;
  /** Units finished so far. */
  done: number;
  total: number;
}

export interface RunCalibrationOptions {
  /** Few repetitions (about 2 s instead of 15). */
  quick?: boolean;
  onProgress?: (progress: CalibrationProgress) => void;
  /** Folder in which the scratch files are made: the disk units measure its file system (default: system temp). */
  workDir?: string;
  /** Interpreter to run (default python3). */
  python?: string;
  /** Kill the benchmark after this long (default 120 s; 30 s with quick). */
  timeoutMs?: number;
  /** Measure only these units (tests). */
  only?: UnitId[];
}

interface BenchUnit {
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  samples: number;
}

interface BenchResult {
  event: 'result';
  version: number;
  quick: boolean;
  machine: CalibrationMachine & { platform?: string };
  units: Record<string, BenchUnit>;
  notMeasured?: Record<string, string>;
}

function isUnitId(key: string): key is UnitId {
  return (UNIT_IDS as readonly string[]).includes(key);
}

function toCalibration(result: BenchResult, measuredAt: string): Calibration {
  const units: Partial<Record<UnitId, UnitMeasurement>> = {};
  for (const [key, u] of Object.entries(result.units)) {
    if (!isUnitId(key)) continue;
    if (![u.medianMs, u.p10Ms, u.p90Ms].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) continue;
    units[key] = { medianMs: u.medianMs, p10Ms: u.p10Ms, p90Ms: u.p90Ms, lowMs: u.p10Ms, highMs: u.p90Ms, samples: u.samples };
  }
  const notMeasured: Partial<Record<UnitId, string>> = {};
  for (const [key, why] of Object.entries(result.notMeasured ?? {})) if (isUnitId(key)) notMeasured[key] = why;
  const machine: CalibrationMachine = { cpus: result.machine.cpus, model: result.machine.model, python: result.machine.python };
  if (result.machine.fsType) machine.fsType = result.machine.fsType;
  return { version: 1, measuredAt, machine, units, notMeasured, quick: result.quick };
}

/** Runs the micro-benchmarks; rejects with PythonMissingError when python3 cannot be started. */
export function runCalibration(options: RunCalibrationOptions = {}): Promise<Calibration> {
  const python = options.python ?? 'python3';
  const args = ['-I', BENCH_SCRIPT];
  if (options.quick) args.push('--quick');
  if (options.workDir) args.push('--tmpdir', options.workDir);
  if (options.only && options.only.length > 0) args.push('--only', options.only.join(','));
  const timeoutMs = options.timeoutMs ?? (options.quick ? 30_000 : 120_000);
  const measuredAt = new Date().toISOString();

  return new Promise<Calibration>((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let settled = false;
    let result: BenchResult | undefined;
    let stderr = '';
    const finish = (error: Error | undefined, value?: Calibration) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`clawperf: calibration did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);

    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(error.code === 'ENOENT' ? new PythonMissingError() : new Error(`clawperf: cannot run ${python}: ${error.message}`));
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let event: { event?: string; unit?: string; done?: number; total?: number };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        return; // not ours
      }
      if (event.event === 'progress' && options.onProgress) {
        options.onProgress({ unit: String(event.unit), done: Number(event.done), total: Number(event.total) });
      } else if (event.event === 'result') {
        result = event as unknown as BenchResult;
      }
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0 || !result) {
        const lastLine = stderr.trim().split('\n').pop() ?? '';
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        finish(new Error(`clawperf: calibration benchmark failed (${why})${lastLine ? `: ${lastLine}` : ''}`));
        return;
      }
      if (options.onProgress) {
        const total = Object.keys(result.units).length;
        options.onProgress({ unit: 'done', done: total, total });
      }
      finish(undefined, toCalibration(result, measuredAt));
    });
  });
}
