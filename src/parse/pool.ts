// Models a run's files: cached models first (content cache), then the rest parsed in worker threads (one
// per core by default) or in-process (`jobs: 1`, or too few files for workers to pay off). The result is
// in input order and identical whichever way each model was made.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { cacheSalt, entryKey, finishRun, readEntry, touchEntry, writeEntry } from '../cache/store.js';
import type { FileModel } from '../model/types.js';
import { modelFile, sourceLines, unanalysedModel, type FileTask } from './model-file.js';
import { loadPythonParser } from './parser.js';
import { decodeModel, encodeModel } from './transfer.js';
import type { WorkerOptions, WorkerReply, WorkerRequest, WorkerResult, WorkerTask } from './worker.js';

/**
 * Workers start in ~0.1 s each and load their own WASM: below these sizes (files to parse, or their lines)
 * one thread is faster. Mutable for tests, which force workers on small projects.
 */
export const workerThreshold = { files: 50, lines: 20_000 };

/** Old-generation heap limit of a parse worker (MB). */
const WORKER_HEAP_MB = 192;

/**
 * Files larger than this (characters) are parsed in the main thread, never in a worker: one file's tree and
 * model take ~250 bytes of heap per character, and a worker that runs out of its heap can abort the whole
 * process (V8 "Last few GCs", exit 134) instead of failing alone. Below it, a file fits a worker's heap.
 */
export const IN_PROCESS_CHARS = 256 * 1024;

/**
 * Young generation of a parse worker (MB). A file's tree wrappers and model are short-lived: with room for a
 * batch of them, most die before a scavenge has to copy them. Measured on the stdlib with 2 workers: 48 (V8's
 * default) or 96 MB → parse 11 s, 192 MB → 9.3 s and 12 % less CPU, for ~80 MB more peak memory; 384 MB no faster.
 */
const WORKER_YOUNG_MB = 192;

export interface ModelOptions {
  /** Threads for parsing; default one per core (`os.availableParallelism()`); 1 = in-process. */
  jobs?: number;
  /** Cache folder (absolute), or undefined for no cache. */
  cacheDir?: string;
  /** The tasks' cache keys (`cacheKeys`), when the caller has them already. */
  keys?: string[];
  onProgress?: (done: number, total: number) => void;
}

export interface ModelStats {
  files: number;
  /** Models built this run (parsed). */
  parsed: number;
  /** Models read from the cache. */
  cached: number;
  /** Cache entries that were unreadable or failed their checksum (parsed again and rewritten). */
  corrupt: number;
  /** Cache entries written this run. */
  written: number;
  /** Parse worker threads used (0 = in-process). */
  workers: number;
  cacheDir?: string;
  /** False when the cache folder could not be written (caching was off for writes). */
  cacheWritable: boolean;
  /** The rules' findings came from the cache (nothing changed since a run with the same files and settings). */
  findingsCached?: boolean;
}

function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

function prepareCacheDir(dir: string): boolean {
  try {
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      // The cache is machine-local: keep it out of version control.
      writeFileSync(join(dir, '.gitignore'), '*\n');
    }
    return true;
  } catch {
    return false;
  }
}

export async function modelFiles(tasks: FileTask[], options: ModelOptions = {}): Promise<{ models: FileModel[]; stats: ModelStats }> {
  const models: (FileModel | undefined)[] = new Array(tasks.length);
  const stats: ModelStats = { files: tasks.length, parsed: 0, cached: 0, corrupt: 0, written: 0, workers: 0, cacheDir: options.cacheDir, cacheWritable: false };
  let done = 0;
  const progress = () => options.onProgress?.(++done, tasks.length);
  const cacheDir = options.cacheDir;
  let writable = cacheDir ? prepareCacheDir(cacheDir) : false;
  let writtenBytes = 0;

  // ---- cache hits
  let pending: WorkerTask[] = tasks;
  if (cacheDir) {
    const keys = options.keys ?? cacheKeys(tasks);
    pending = [];
    for (const task of tasks) {
      const key = keys[task.index]!;
      const outcome = readEntry(cacheDir, key);
      if (outcome.kind === 'hit') {
        try {
          models[task.index] = decodeModel(outcome.encoded, task.path, task.text);
          stats.cached++;
          touchEntry(cacheDir, key);
          progress();
          continue;
        } catch {
          stats.corrupt++;
        }
      } else if (outcome.kind === 'corrupt') {
        stats.corrupt++;
      }
      pending.push({ ...task, key });
    }
  }

  // ---- the rest: parse
  const jobs = Math.max(1, Math.floor(options.jobs ?? availableParallelism()));
  const large = pending.filter((task) => task.text.length > IN_PROCESS_CHARS);
  const small = large.length === 0 ? pending : pending.filter((task) => task.text.length <= IN_PROCESS_CHARS);
  const lines = small.length > workerThreshold.files ? Infinity : small.reduce((sum, t) => sum + countLines(t.text), 0);
  const workerCount = jobs > 1 && small.length > 0 && (small.length > workerThreshold.files || lines > workerThreshold.lines) ? Math.min(jobs, small.length) : 0;
  let leftovers = pending;
  if (workerCount > 0) {
    const outcome = await parseInWorkers(small, workerCount, writable ? cacheDir : undefined, (task, result) => {
      models[task.index] = fromWorker(task, result);
      stats.parsed++;
      if (result.written > 0) {
        stats.written++;
        writtenBytes += result.written;
      }
      progress();
    });
    stats.workers = workerCount;
    if (outcome.cacheFailed) writable = false;
    leftovers = [...large, ...outcome.unfinished];
  }
  if (leftovers.length > 0) {
    const parser = await loadPythonParser();
    const madeDirs = new Set<string>();
    for (const task of leftovers) {
      const model = modelFile(parser, task);
      models[task.index] = model;
      stats.parsed++;
      if (cacheDir && writable && task.key && model.modelError === undefined) {
        const encoded = encodeModel(model);
        if (encoded && writeEntry(cacheDir, task.key, encoded, madeDirs)) {
          stats.written++;
          writtenBytes += 72 + encoded.header.length + encoded.tokens.byteLength + encoded.floats.byteLength;
        } else if (encoded) {
          writable = false;
        }
      }
      progress();
    }
  }
  stats.cacheWritable = writable;
  if (cacheDir && writable) finishRun(cacheDir, writtenBytes);
  return { models: models as FileModel[], stats };
}

/** Each task's content-cache key (content, module, clawperf's model code), by task index. */
export function cacheKeys(tasks: FileTask[]): string[] {
  const salt = cacheSalt();
  const keys: string[] = new Array(tasks.length);
  for (const task of tasks) keys[task.index] = entryKey(salt, task.module, task.isPackage, task.text);
  return keys;
}

/** True when every key has a sound entry in the cache (checksum verified, use recorded), without decoding any. */
export function allCached(cacheDir: string, keys: string[]): boolean {
  return keys.every((key) => {
    if (readEntry(cacheDir, key).kind !== 'hit') return false;
    touchEntry(cacheDir, key);
    return true;
  });
}

/**
 * The models of tasks whose entries `allCached` found sound, decoded. An entry that vanished since (another run
 * pruned the cache in between) gives an unanalysed model, said in its `modelError`: never a crash.
 */
export function decodeCachedModels(tasks: FileTask[], keys: string[], cacheDir: string): FileModel[] {
  return tasks.map((task) => {
    const outcome = readEntry(cacheDir, keys[task.index]!);
    try {
      if (outcome.kind === 'hit') return decodeModel(outcome.encoded, task.path, task.text);
    } catch {
      // corrupt: as if gone
    }
    return unanalysedModel(task, new Error('its cache entry disappeared during the run; run again'));
  });
}

function fromWorker(task: FileTask, result: WorkerResult): FileModel {
  if (result.header !== undefined && result.tokens && result.floats) {
    return decodeModel({ header: result.header, tokens: new Int32Array(result.tokens), floats: new Float64Array(result.floats) }, task.path, task.text);
  }
  const model = result.model!;
  model.path = task.path;
  model.source = sourceLines(task.text);
  return model;
}

/**
 * Runs the tasks on `count` workers, largest files first, handing out small batches as workers free up.
 * Tasks a worker could not finish (it failed to start or died) are returned for the caller to run in-process.
 */
async function parseInWorkers(
  tasks: WorkerTask[], count: number, cacheDir: string | undefined, onResult: (task: FileTask, result: WorkerResult) => void,
): Promise<{ unfinished: WorkerTask[]; cacheFailed: boolean }> {
  const queue = [...tasks].sort((a, b) => b.text.length - a.text.length);
  const byIndex = new Map(tasks.map((task) => [task.index, task]));
  const totalChars = tasks.reduce((sum, task) => sum + task.text.length, 0);
  // Batches of ~1/8 of a worker's share: few messages, and the tail stays balanced.
  const batchChars = Math.max(16_384, Math.ceil(totalChars / (count * 8)));
  const unfinished: WorkerTask[] = [];
  let cacheFailed = false;
  let nextBatch = 0;

  let head = 0;
  const takeBatch = (): WorkerTask[] => {
    const batch: WorkerTask[] = [];
    let chars = 0;
    while (head < queue.length && chars < batchChars && batch.length < 256) {
      const task = queue[head++]!;
      batch.push(task);
      chars += task.text.length;
    }
    return batch;
  };

  const runWorker = () => new Promise<void>((resolveWorker) => {
    const workerOptions: WorkerOptions = { cacheDir };
    let worker: Worker;
    try {
      worker = new Worker(new URL('./worker.js', import.meta.url), {
        workerData: workerOptions,
        // A worker's live data is one file's tree and model at a time: a small heap keeps the run's peak memory
        // down (the default lets garbage pile up to hundreds of MB per worker before a full collection).
        resourceLimits: { maxOldGenerationSizeMb: Number(process.env.CLAWPERF_WORKER_HEAP_MB) || WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      });
    } catch {
      resolveWorker();
      return;
    }
    const inFlight = new Map<number, WorkerTask[]>();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const batch of inFlight.values()) unfinished.push(...batch);
      inFlight.clear();
      void worker.terminate().catch(() => undefined);
      resolveWorker();
    };
    const send = () => {
      const batch = takeBatch();
      if (batch.length === 0) {
        if (inFlight.size === 0) finish();
        return;
      }
      const id = nextBatch++;
      inFlight.set(id, batch);
      worker.postMessage({ kind: 'batch', batch: id, tasks: batch } satisfies WorkerRequest);
    };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'ready') {
        // Two batches in flight: the worker never waits for the main thread between batches.
        send();
        send();
      } else if (reply.kind === 'failed') {
        finish();
      } else {
        inFlight.delete(reply.batch);
        if (reply.cacheFailed) cacheFailed = true;
        for (const result of reply.results) {
          const task = byIndex.get(result.index);
          if (!task) continue;
          try {
            onResult(task, result);
          } catch {
            unfinished.push(task); // a model that did not survive the trip: rebuild it here
          }
        }
        send();
      }
    });
    worker.on('error', finish);
    worker.on('exit', finish);
  });

  await Promise.all(Array.from({ length: count }, runWorker));
  // Workers that never started leave their share in the queue.
  unfinished.push(...queue.slice(head));
  return { unfinished, cacheFailed };
}
