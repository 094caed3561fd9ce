// Unit costs: the seed's reference table, overridden item by item by what `clawperf calibrate` measured.
import type { L10n } from '../rules/types.js';
import type { UnitCost, UnitId } from './types.js';

export const REFERENCE_COSTS: Record<UnitId, UnitCost> = {
  file_read: { lowMs: 0.1, highMs: 0.5, source: 'reference' },
  file_write: { lowMs: 0.05, highMs: 0.2, source: 'reference' },
  file_write_fsync: { lowMs: 1, highMs: 5, source: 'reference' },
  fsync: { lowMs: 1, highMs: 5, source: 'reference' },
  listdir: { lowMs: 0.5, highMs: 1, source: 'reference' },
  // One idle pass of `for name in os.listdir(inbox): …; time.sleep(…)` on an empty folder: ~0.085 ms measured (stress, 2026-12).
  listdir_idle: { lowMs: 0.03, highMs: 0.15, source: 'reference' },
  stat: { lowMs: 0.002, highMs: 0.01, source: 'reference' },
  subprocess: { lowMs: 5, highMs: 50, source: 'reference' },
  shell: { lowMs: 1, highMs: 5, source: 'reference' },
  http_local: { lowMs: 1, highMs: 5, source: 'reference' },
  http_local_reuse: { lowMs: 0.5, highMs: 1, source: 'reference' },
  http_external: { lowMs: 50, highMs: 500, source: 'reference' },
  json_1kb: { lowMs: 0.01, highMs: 0.01, source: 'reference' },
  thread_create: { lowMs: 0.5, highMs: 1, source: 'reference' },
  fork: { lowMs: 5, highMs: 10, source: 'reference' },
  regex_compile: { lowMs: 0.001, highMs: 0.05, source: 'reference' },
  dns_lookup: { lowMs: 1, highMs: 50, source: 'reference' },
  python_op: { lowMs: 0.00005, highMs: 0.0002, source: 'reference' },
};

/** How each unit is named in a sentence ("200 listdir/s"). */
export const UNIT_LABELS: Record<UnitId, L10n> = {
  file_read: { es: 'lecturas de fichero', en: 'file reads' },
  file_write: { es: 'escrituras de fichero', en: 'file writes' },
  file_write_fsync: { es: 'escrituras+fsync', en: 'writes+fsync' },
  fsync: { es: 'fsync', en: 'fsyncs' },
  listdir: { es: 'listdir', en: 'listdir' },
  listdir_idle: { es: 'listdir de carpeta vacía', en: 'listdir of an empty folder' },
  stat: { es: 'stat', en: 'stat calls' },
  subprocess: { es: 'subprocesos', en: 'subprocesses' },
  shell: { es: 'shells', en: 'shells' },
  http_local: { es: 'peticiones HTTP locales', en: 'local HTTP requests' },
  http_local_reuse: { es: 'peticiones HTTP reutilizando conexión', en: 'HTTP requests on a reused connection' },
  http_external: { es: 'peticiones HTTP externas', en: 'external HTTP requests' },
  json_1kb: { es: 'operaciones JSON de 1 KB', en: '1 KB JSON operations' },
  thread_create: { es: 'hilos creados', en: 'threads created' },
  fork: { es: 'forks', en: 'forks' },
  regex_compile: { es: 'compilaciones de regex', en: 'regex compilations' },
  dns_lookup: { es: 'resoluciones DNS', en: 'DNS lookups' },
  python_op: { es: 'operaciones Python', en: 'Python operations' },
};

/** Units that touch the disk (for "file operations per cycle" and the disk budget). */
export const DISK_UNITS: ReadonlySet<UnitId> = new Set(['file_read', 'file_write', 'file_write_fsync', 'fsync', 'listdir', 'listdir_idle', 'stat']);

export function unitCosts(measured: Partial<Record<UnitId, UnitCost>> = {}): Record<UnitId, UnitCost> {
  return { ...REFERENCE_COSTS, ...measured };
}
