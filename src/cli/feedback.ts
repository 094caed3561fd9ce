// A progress bar on stderr for long runs: only on a terminal, only past a few hundred files, never when
// piped or quiet (CI logs and `--format json | jq` stay clean).
import cliProgress from 'cli-progress';

/** Below this many files a run takes about a second: a bar would only flicker. */
export const PROGRESS_MIN_FILES = 200;

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function progressBar(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, total) {
      if (!enabled || !stream.isTTY || total <= PROGRESS_MIN_FILES) return;
      if (!bar) {
        bar = new cliProgress.SingleBar({
          stream, format: 'clawperf {bar} {percentage}% | {value}/{total} files | {duration}s', hideCursor: true, clearOnComplete: true,
          barsize: 30, etaBuffer: 50,
        }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** A line on stderr that is not a warning (what a filter hid, timings). */
export function note(message: string): void {
  process.stderr.write(`clawperf: ${message}\n`);
}

/** Wall time of each pipeline stage, for `--verbose`. */
export class StageTimes {
  private readonly times = new Map<string, number>();

  readonly record = (stage: string, ms: number): void => {
    this.times.set(stage, (this.times.get(stage) ?? 0) + ms);
  };

  line(extra: Record<string, number> = {}): string {
    const all = [...this.times, ...Object.entries(extra)];
    const total = all.reduce((sum, [, ms]) => sum + ms, 0);
    return `timings: ${all.map(([stage, ms]) => `${stage === 'discover' ? 'discover+read' : stage} ${Math.round(ms)} ms`).join(', ')} (total ${Math.round(total)} ms)`;
  }
}

/** `--verbose` notes: one line per analysed file (lines, findings, syntax errors). */
export function fileNotes(files: { path: string; lines: number; parseError?: boolean }[], findings: { file: string }[]): string[] {
  const perFile = new Map<string, number>();
  for (const f of findings) perFile.set(f.file, (perFile.get(f.file) ?? 0) + 1);
  return files.map((file) => `${file.path}: ${file.lines} lines, ${perFile.get(file.path) ?? 0} finding${perFile.get(file.path) === 1 ? '' : 's'}${file.parseError ? ', syntax error (analysed where the tree is sound)' : ''}`);
}
