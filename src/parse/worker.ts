// A parse worker: loads the tree-sitter WASM once, then models the files it is sent and sends each model
// back encoded (transferable buffers, see transfer.ts); with a cache folder it also writes the cache entry,
// so that I/O runs off the main thread too. Started by pool.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { writeEntry } from '../cache/store.js';
import type { FileModel } from '../model/types.js';
import { modelFile, type FileTask } from './model-file.js';
import { loadPythonParser } from './parser.js';
import { encodeModel } from './transfer.js';

export interface WorkerTask extends FileTask {
  /** Cache key: write the entry under it (absent when caching is off). */
  key?: string;
}

export interface WorkerOptions {
  cacheDir?: string;
}

export type WorkerRequest = { kind: 'batch'; batch: number; tasks: WorkerTask[] };

export interface WorkerResult {
  index: number;
  /** The encoded model. */
  header?: string;
  tokens?: ArrayBuffer;
  floats?: ArrayBuffer;
  /** Fallback when the model holds something the codec cannot encode: structured clone (without `source`). */
  model?: FileModel;
  /** Bytes written to the cache for this model (0: not written). */
  written: number;
}

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'batch'; batch: number; results: WorkerResult[]; cacheFailed: boolean }
  | { kind: 'failed'; message: string };

const port = parentPort;
if (port) {
  const options = (workerData ?? {}) as WorkerOptions;
  let cacheDir = options.cacheDir;
  const madeDirs = new Set<string>();
  const parserReady = loadPythonParser();
  parserReady.then(
    () => port.postMessage({ kind: 'ready' } satisfies WorkerReply),
    (error: unknown) => port.postMessage({ kind: 'failed', message: String((error as Error)?.message ?? error) } satisfies WorkerReply),
  );
  port.on('message', (request: WorkerRequest) => {
    void parserReady.then((parser) => {
      const results: WorkerResult[] = [];
      const transfer: ArrayBuffer[] = [];
      let cacheFailed = false;
      for (const task of request.tasks) {
        const model = modelFile(parser, task);
        const encoded = encodeModel(model);
        if (!encoded) {
          results.push({ index: task.index, model: { ...model, source: [] }, written: 0 });
          continue;
        }
        let written = 0;
        if (cacheDir && task.key && model.modelError === undefined) {
          if (writeEntry(cacheDir, task.key, encoded, madeDirs)) written = 72 + encoded.header.length + encoded.tokens.byteLength + encoded.floats.byteLength;
          else {
            cacheDir = undefined; // read-only or full: stop trying, say so once
            cacheFailed = true;
          }
        }
        const tokens = encoded.tokens.buffer as ArrayBuffer;
        const floats = encoded.floats.buffer as ArrayBuffer;
        results.push({ index: task.index, header: encoded.header, tokens, floats, written });
        transfer.push(tokens, floats);
      }
      port.postMessage({ kind: 'batch', batch: request.batch, results, cacheFailed } satisfies WorkerReply, transfer);
    });
  });
}
