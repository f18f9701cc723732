import type { Clock } from '../../../src/engine/ports';
import { abortError } from '../../../src/engine/systemClock';

/** A clock tests move by hand: sleepers wake when `advance` passes their deadline. */
export class ManualClock implements Clock {
  private nowMs: number;
  private sleepers: Array<{ until: number; resolve: () => void }> = [];

  constructor(start = Date.parse('2025-01-06T09:00:00Z')) {
    this.nowMs = start;
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise((resolve, reject) => {
      const sleeper = { until: this.nowMs + Math.max(0, ms), resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(abortError());
        },
        { once: true },
      );
      if (ms <= 0) this.flush();
    });
  }

  /** Moves time forward and wakes every sleeper whose deadline passed. */
  advance(ms: number): void {
    this.nowMs += ms;
    this.flush();
  }

  /** Moves time forward without waking anyone: a timer that is late (a busy or frozen process). */
  pass(ms: number): void {
    this.nowMs += ms;
  }

  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  private flush(): void {
    const due = this.sleepers.filter((s) => s.until <= this.nowMs);
    this.sleepers = this.sleepers.filter((s) => s.until > this.nowMs);
    for (const sleeper of due) sleeper.resolve();
  }
}

/** Real time, but polls are instant: for fakes that finish at once. */
export const instantClock: Clock = {
  now: () => new Date(),
  sleep: (_ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      setImmediate(resolve);
    }),
};
