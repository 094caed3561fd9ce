// One file's pre-link model, the same code in-process and in a parse worker: parse, build, never throw.
import { buildFileModel } from '../model/build.js';
import type { FileModel } from '../model/types.js';
import { analysedLength, MAX_ANALYSED_LINES } from './limits.js';
import type { PythonParser } from './parser.js';

/** What a worker (or the in-process loop) needs to model one file. */
export interface FileTask {
  /** Position in the run's file list: results are put back in this order. */
  index: number;
  /** Path as reported (relative to the current directory, forward slashes). */
  path: string;
  module: string;
  isPackage: boolean;
  text: string;
}

export function modelFile(parser: PythonParser, task: FileTask): FileModel {
  let tree: ReturnType<PythonParser['parse']> | undefined;
  try {
    // Past the per-file limits only the whole statements before them are read (limits.ts); the model still
    // counts and shows every line.
    const end = analysedLength(task.text);
    if (end === 0 && task.text.length > 0) throw new Error(`its first statement is longer than ${MAX_ANALYSED_LINES} lines`);
    const text = end === task.text.length ? task.text : task.text.slice(0, end);
    tree = parser.parse(text);
    const model = buildFileModel(task.path, task.module, task.isPackage, text, tree, parser);
    if (text !== task.text) {
      model.source = sourceLines(task.text);
      model.lines = model.source.length;
    }
    return model;
  } catch (error) {
    // One file that cannot be modelled (nesting deeper than the stack allows, a parser failure) is
    // reported and counted; it must not take the other files of the run down with it.
    return unanalysedModel(task, error);
  } finally {
    tree?.delete();
  }
}

/** The model of a file that could not be analysed: counted (with its lines), no facts, never resolves memory. */
export function unanalysedModel(source: { path: string; module: string; text: string }, error: unknown): FileModel {
  const lines = source.text.split(/\r?\n/);
  const reason = error instanceof RangeError
    ? 'nested too deeply'
    : error instanceof WebAssembly.RuntimeError
      ? 'the parser ran out of memory on it'
      : String((error as Error)?.message ?? error).split('\n')[0];
  return {
    path: source.path, module: source.module, lines: lines.length, parseError: true, modelError: reason,
    imports: new Map(), constants: new Map(), functions: new Map(), classes: new Map(),
    calls: [], loops: [], withs: [], assignments: [], memberships: [], noqa: new Map(), source: lines,
  };
}

/** Source lines exactly as `buildFileModel` splits them (models travel and are cached without them). */
export function sourceLines(text: string): string[] {
  return text.split(/\r?\n/);
}
