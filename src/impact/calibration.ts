// The stored result of `clawperf calibrate`: <dir>/.clawperf/calibration.json, read by the impact model.
// Reading never throws: a missing file means "use the references"; a corrupt one does too, with a warning.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { stateFolder } from '../discover/root.js';
import { UNIT_IDS, type UnitCost, type UnitId } from './types.js';

export const CALIBRATION_FILE = join('.clawperf', 'calibration.json');

/** One measured unit, in ms per operation. lowMs/highMs = p10/p90: the range the impact model uses. */
export interface UnitMeasurement {
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  lowMs: number;
  highMs: number;
  /** Batches timed (each sample is the mean of one batch of operations). */
  samples: number;
}

export interface CalibrationMachine {
  cpus: number;
  model: string;
  python: string;
  /** File-system type of the folder the disk units were measured in (tmpfs makes fsync free). */
  fsType?: string;
}

export interface Calibration {
  version: 1;
  measuredAt: string;
  machine: CalibrationMachine;
  units: Partial<Record<UnitId, UnitMeasurement>>;
  /** Units left at their reference, with why (http_external). */
  notMeasured?: Partial<Record<UnitId, string>>;
  quick?: boolean;
}

export interface ReadCalibrationResult {
  /** Measured costs, source 'measured'; pass to unitCosts() to fill the rest with references. */
  costs: Partial<Record<UnitId, UnitCost>>;
  units: Partial<Record<UnitId, UnitMeasurement>>;
  measuredAt?: string;
  machine?: CalibrationMachine;
  quick?: boolean;
  /** Set when the file exists but could not be used (wholly or partly); never thrown. */
  warning?: string;
}

const finite = z.number().finite().nonnegative();
const unitSchema = z.object({
  medianMs: finite,
  p10Ms: finite,
  p90Ms: finite,
  lowMs: finite,
  highMs: finite,
  samples: z.number().int().positive(),
});
const fileSchema = z.object({
  version: z.literal(1),
  measuredAt: z.string(),
  machine: z.object({
    cpus: z.number().int().positive(),
    model: z.string(),
    python: z.string(),
    fsType: z.string().optional(),
  }),
  units: z.record(z.string(), z.unknown()),
  notMeasured: z.record(z.string(), z.string()).optional(),
  quick: z.boolean().optional(),
});

export function calibrationPath(dir: string): string {
  return join(dir, CALIBRATION_FILE);
}

function isUnitId(key: string): key is UnitId {
  return (UNIT_IDS as readonly string[]).includes(key);
}

/** A measurement as the impact model's UnitCost (p10–p90). */
export function measuredCost(m: UnitMeasurement): UnitCost {
  const low = Math.min(m.lowMs, m.highMs);
  const high = Math.max(m.lowMs, m.highMs);
  return { lowMs: low, highMs: high, source: 'measured' };
}

export function calibrationCosts(calibration: Pick<Calibration, 'units'>): Partial<Record<UnitId, UnitCost>> {
  const costs: Partial<Record<UnitId, UnitCost>> = {};
  for (const id of UNIT_IDS) {
    const m = calibration.units[id];
    if (m) costs[id] = measuredCost(m);
  }
  return costs;
}

export function readCalibration(dir: string): ReadCalibrationResult {
  const path = calibrationPath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { costs: {}, units: {} };
    return { costs: {}, units: {}, warning: `cannot read ${path} (${(error as Error).message}); using reference costs` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { costs: {}, units: {}, warning: `${path} is not valid JSON; using reference costs (run clawperf calibrate again)` };
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'file';
    return {
      costs: {},
      units: {},
      warning: `${path} has an unexpected shape (${where}: ${issue?.message ?? 'invalid'}); using reference costs (run clawperf calibrate again)`,
    };
  }
  const units: Partial<Record<UnitId, UnitMeasurement>> = {};
  const bad: string[] = [];
  for (const [key, value] of Object.entries(parsed.data.units)) {
    if (!isUnitId(key)) continue; // a unit from a newer clawperf: ignore
    const unit = unitSchema.safeParse(value);
    if (unit.success) units[key] = unit.data;
    else bad.push(key);
  }
  const result: ReadCalibrationResult = {
    costs: calibrationCosts({ units }),
    units,
    measuredAt: parsed.data.measuredAt,
    machine: parsed.data.machine,
  };
  if (parsed.data.quick !== undefined) result.quick = parsed.data.quick;
  if (bad.length > 0) result.warning = `${path}: ignored invalid entries ${bad.join(', ')}; they use reference costs`;
  return result;
}

/** Writes <dir>/.clawperf/calibration.json atomically (temp file in the same folder, then rename). Returns the path. */
export function writeCalibration(dir: string, calibration: Calibration): string {
  const path = calibrationPath(dir);
  const folder = stateFolder(dir);
  const temp = join(folder, `.calibration.json.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, JSON.stringify(calibration, null, 2) + '\n', { encoding: 'utf8', mode: 0o644 });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return path;
}
