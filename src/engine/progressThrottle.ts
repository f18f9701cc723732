// How often a step's progress is written: at most once per interval while it moves, and always
// when it reaches its total. Writes are chained in order; the step's next transition waits for them
// (`settled`) so that no progress lands after the step finished.

export const PROGRESS_PERSIST_MS = 500;

export class ProgressWriter {
  private lastWriteMs = 0;
  private pending: Promise<void> = Promise.resolve();
  /** The highest progress reported, kept even when a write was skipped (the retry budget reads it). */
  highest = 0;

  constructor(
    private readonly nowMs: () => number,
    private readonly write: (done: number, total: number, unit: string) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = PROGRESS_PERSIST_MS,
  ) {}

  report(done: number, total: number, unit: string): void {
    this.highest = Math.max(this.highest, done);
    const now = this.nowMs();
    if (done < total && now - this.lastWriteMs < this.intervalMs && this.lastWriteMs !== 0) return;
    this.lastWriteMs = now || 1;
    this.pending = this.pending.then(() => this.write(done, total, unit)).then(() => undefined, this.onError);
  }

  /** Resolves once every reported progress is committed. */
  settled(): Promise<void> {
    return this.pending;
  }
}
