// Models in flight (worker → main thread) and at rest (the content cache) share one form: the model
// without its path and source lines, encoded with the compact codec. The path and the lines always come
// from the current run: a file moved or analysed from another folder reports where it is now.
import { decode, encode, UnsupportedValueError, type Encoded } from '../cache/codec.js';
import type { FileModel } from '../model/types.js';
import { sourceLines } from './model-file.js';

/** Encodes a model without `path` and `source` (kept as empty placeholders so key order survives). */
export function encodeModel(model: FileModel): Encoded | undefined {
  try {
    return encode({ ...model, path: '', source: [] });
  } catch (error) {
    if (error instanceof UnsupportedValueError) return undefined;
    throw error;
  }
}

/** Rebuilds a model encoded by `encodeModel` for this run's path and text; throws on corrupt data. */
export function decodeModel(encoded: Encoded, path: string, text: string): FileModel {
  const model = decode(encoded) as FileModel;
  if (!model || typeof model !== 'object' || !Array.isArray(model.calls) || !(model.functions instanceof Map) || typeof model.module !== 'string') {
    throw new Error('not a file model');
  }
  model.path = path;
  model.source = sourceLines(text);
  return model;
}
