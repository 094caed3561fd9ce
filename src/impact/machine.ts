// The machine's capacity, to compare a budget at N agents with: read from this machine (Linux /proc,
// with documented fallbacks elsewhere) or from a `--capacity FILE` describing another machine.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import type { UnitMeasurement } from './calibration.js';
import type { UnitId } from './types.js';
import { REFERENCE_COSTS } from './units.js';

/** Where a capacity figure came from, so the verdict can say "measured", "default", … */
export type CapacitySource = 'system' | 'calibration' | 'reference' | 'default' | 'file';

export interface MachineCapacity {
  /** CPUs this process may use (os.availableParallelism). */
  cores: number;
  /** Total memory. */
  memoryMB: number;
  /** Soft limit of open file descriptors per process (`ulimit -n`). */
  fdLimit: number;
  /** Local ports for outgoing connections (net.ipv4.ip_local_port_range): at most this many sockets to one server address. */
  ephemeralPorts: number;
  /** How long a closed outgoing connection holds its port (Linux TCP_TIMEWAIT_LEN, fixed at 60 s). */
  timeWaitSeconds: number;
  /**
   * Synchronous writes (write+fsync of a small file) one disk does per second, back to back:
   * 1000 / median ms of the calibrated `file_write_fsync`; without calibration 1000 / the reference's
   * high end (5 ms) = 200/s, a conservative SSD figure. Writes without fsync land in the page cache
   * and cost CPU, which the CPU budget counts.
   */
  fsyncsPerSecond: number;
  /** Highest process id + 1 (kernel.pid_max): processes plus threads system-wide. */
  pidMax: number;
  /** System-wide thread limit (kernel.threads-max). */
  threadsMax: number;
  /** Soft limit of processes+threads of this user (`ulimit -u`); systemd --user services share it. */
  userProcessLimit: number;
  /** Where each figure came from. */
  sources: Record<CapacityField, CapacitySource>;
}

export const CAPACITY_FIELDS = [
  'cores',
  'memoryMB',
  'fdLimit',
  'ephemeralPorts',
  'timeWaitSeconds',
  'fsyncsPerSecond',
  'pidMax',
  'threadsMax',
  'userProcessLimit',
] as const;
export type CapacityField = (typeof CAPACITY_FIELDS)[number];

/** Figures used when the system does not say (Linux defaults; documented so a verdict can cite them). */
export const CAPACITY_DEFAULTS: Record<Exclude<CapacityField, 'cores' | 'memoryMB'>, number> = {
  fdLimit: 1024, // the Linux soft default, and systemd's LimitNOFILE soft default
  ephemeralPorts: 28232, // 32768–60999, the Linux default range
  timeWaitSeconds: 60, // TCP_TIMEWAIT_LEN
  fsyncsPerSecond: Math.round(1000 / REFERENCE_COSTS.file_write_fsync.highMs), // 200
  pidMax: 32768, // the kernel default for small machines
  threadsMax: 32768,
  userProcessLimit: 32768,
};

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The soft limit of a /proc/self/limits row, e.g. "Max open files"; 'unlimited' → Infinity. */
export function parseProcLimit(limits: string, name: string): number | undefined {
  for (const line of limits.split('\n')) {
    if (!line.startsWith(name)) continue;
    const soft = line.slice(name.length).trim().split(/\s+/)[0];
    if (soft === 'unlimited') return Number.POSITIVE_INFINITY;
    const value = Number(soft);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  }
  return undefined;
}

/** Number of ports in an ip_local_port_range file ("32768\t60999"). */
export function parsePortRange(text: string): number | undefined {
  const [low, high] = text.trim().split(/\s+/).map(Number);
  if (low === undefined || high === undefined || !Number.isInteger(low) || !Number.isInteger(high) || high < low) return undefined;
  return high - low + 1;
}

function readProcNumber(path: string): number | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export interface ReadMachineOptions {
  /** Calibrated units (readCalibration(dir).units): file_write_fsync gives fsyncsPerSecond. */
  units?: Partial<Record<UnitId, Pick<UnitMeasurement, 'medianMs'>>>;
  /** Where /proc is (tests). */
  procRoot?: string;
}

/** This machine's capacity. Never throws: what cannot be read takes its CAPACITY_DEFAULTS value. */
export function readMachine(options: ReadMachineOptions = {}): MachineCapacity {
  const proc = options.procRoot ?? '/proc';
  const sources = {} as Record<CapacityField, CapacitySource>;
  const pick = (field: CapacityField, value: number | undefined, source: CapacitySource, fallback: number): number => {
    if (value !== undefined && value > 0 && !Number.isNaN(value)) {
      sources[field] = source;
      return value;
    }
    sources[field] = 'default';
    return fallback;
  };

  const cores = pick('cores', typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length, 'system', 1);
  const memoryMB = pick('memoryMB', Math.round(os.totalmem() / 2 ** 20), 'system', 1024);
  const limits = readText(`${proc}/self/limits`) ?? '';
  const pidMax = pick('pidMax', readProcNumber(`${proc}/sys/kernel/pid_max`), 'system', CAPACITY_DEFAULTS.pidMax);
  const threadsMax = pick('threadsMax', readProcNumber(`${proc}/sys/kernel/threads-max`), 'system', CAPACITY_DEFAULTS.threadsMax);
  // 'unlimited' soft limits are bounded by the kernel's own tables.
  const fdLimitRaw = parseProcLimit(limits, 'Max open files');
  const fdLimit = pick(
    'fdLimit',
    fdLimitRaw === Number.POSITIVE_INFINITY ? readProcNumber(`${proc}/sys/fs/nr_open`) ?? 1048576 : fdLimitRaw,
    'system',
    CAPACITY_DEFAULTS.fdLimit,
  );
  const nprocRaw = parseProcLimit(limits, 'Max processes');
  const userProcessLimit = pick(
    'userProcessLimit',
    nprocRaw === Number.POSITIVE_INFINITY ? Math.min(pidMax, threadsMax) : nprocRaw,
    'system',
    CAPACITY_DEFAULTS.userProcessLimit,
  );
  const portRange = readText(`${proc}/sys/net/ipv4/ip_local_port_range`);
  const ephemeralPorts = pick('ephemeralPorts', portRange ? parsePortRange(portRange) : undefined, 'system', CAPACITY_DEFAULTS.ephemeralPorts);
  sources.timeWaitSeconds = os.platform() === 'linux' ? 'system' : 'default';
  const timeWaitSeconds = CAPACITY_DEFAULTS.timeWaitSeconds;

  const fsyncMedian = options.units?.file_write_fsync?.medianMs;
  let fsyncsPerSecond: number;
  if (fsyncMedian !== undefined && fsyncMedian > 0) {
    fsyncsPerSecond = Math.round(1000 / fsyncMedian);
    sources.fsyncsPerSecond = 'calibration';
  } else {
    fsyncsPerSecond = CAPACITY_DEFAULTS.fsyncsPerSecond;
    sources.fsyncsPerSecond = 'reference';
  }

  return {
    cores,
    memoryMB,
    fdLimit,
    ephemeralPorts,
    timeWaitSeconds,
    fsyncsPerSecond,
    pidMax,
    threadsMax,
    userProcessLimit,
    sources,
  };
}

/** A bad --capacity file; the message is one line naming the file and the field. */
export class CapacityFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CapacityFileError';
  }
}

const positive = (unit: string) =>
  z.number({ error: (issue) => (issue.input === undefined ? `is required (${unit})` : `must be a number (${unit}), got ${describe(issue.input)}`) })
    .positive({ error: `must be greater than 0 (${unit})` });

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? value.slice(0, 20) + '…' : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

const capacityFileSchema = z.strictObject({
  cores: positive('CPU cores'),
  memoryMB: positive('MB'),
  fdLimit: positive('open files per process').int({ error: 'must be a whole number' }).optional(),
  ephemeralPorts: positive('ports').int({ error: 'must be a whole number' }).optional(),
  timeWaitSeconds: positive('seconds').optional(),
  fsyncsPerSecond: positive('fsyncs per second').optional(),
  pidMax: positive('pids').int({ error: 'must be a whole number' }).optional(),
  threadsMax: positive('threads').int({ error: 'must be a whole number' }).optional(),
  userProcessLimit: positive('processes per user').int({ error: 'must be a whole number' }).optional(),
});

/**
 * Another machine's capacity, for `--capacity FILE`: a JSON object with MachineCapacity's fields
 * (cores and memoryMB required; the rest default to CAPACITY_DEFAULTS, marked 'default').
 * Throws CapacityFileError naming the field on any problem.
 */
export function readCapacityFile(path: string): MachineCapacity {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CapacityFileError(`cannot read capacity file ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CapacityFileError(`capacity file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CapacityFileError(`capacity file ${path} must hold a JSON object with ${CAPACITY_FIELDS.join(', ')}`);
  }
  const parsed = capacityFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map((k) => `"${k}"`).join(', ');
      throw new CapacityFileError(`capacity file ${path}: unknown field ${names} (known: ${CAPACITY_FIELDS.join(', ')})`);
    }
    const field = issue.path.length > 0 ? `field "${issue.path.join('.')}"` : 'object';
    throw new CapacityFileError(`capacity file ${path}: ${field} ${issue.message}`);
  }
  const data = parsed.data;
  const sources = {} as Record<CapacityField, CapacitySource>;
  const value = (field: Exclude<CapacityField, 'cores' | 'memoryMB'>): number => {
    const given = data[field];
    sources[field] = given === undefined ? 'default' : 'file';
    return given ?? CAPACITY_DEFAULTS[field];
  };
  sources.cores = 'file';
  sources.memoryMB = 'file';
  return {
    cores: data.cores,
    memoryMB: data.memoryMB,
    fdLimit: value('fdLimit'),
    ephemeralPorts: value('ephemeralPorts'),
    timeWaitSeconds: value('timeWaitSeconds'),
    fsyncsPerSecond: value('fsyncsPerSecond'),
    pidMax: value('pidMax'),
    threadsMax: value('threadsMax'),
    userProcessLimit: value('userProcessLimit'),
    sources,
  };
}
