import { FINISHED_RUN_STATUSES, systemClock, type Run } from '../engine/engineApi';
import { clockRefreshDue, LONG_STEP_REFRESH_MS } from './views/stepClock';
import { timerDelay } from '../timerDelay';

// Keeps the run card of a long step moving: while a step of a run is running, the card is
// re-rendered (elapsed time, the service's own status) once LONG_STEP_REFRESH_MS has passed since
// it was last rendered. One update a minute per run card stays far inside Teams' per-conversation
// limits (docs/teams.md); the send queue coalesces it with any other update of that card.

export interface LongStepTickerOptions {
  /** The stored run (fresher than the snapshot the card was last rendered from). */
  load(runId: string): Promise<Run | null>;
  /** Renders the run's cards again. */
  rerender(run: Run): void;
  everyMs?: number;
  /** Epoch ms; default: the system clock. */
  now?: () => number;
}

export class LongStepTicker {
  /** Runs with a running step, and when their cards were last rendered. */
  private readonly watched = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly options: LongStepTickerOptions) {
    this.now = options.now ?? (() => systemClock.now().getTime());
  }

  /** The run's cards were just rendered. */
  rendered(run: Run): void {
    const running = !FINISHED_RUN_STATUSES.has(run.status) && run.steps.some((s) => s.status === 'running');
    if (!running) {
      this.watched.delete(run.id);
      return;
    }
    this.watched.set(run.id, this.now());
    if (!this.timer) {
      this.timer = setInterval(
        () => void this.tick(),
        timerDelay(this.options.everyMs ?? LONG_STEP_REFRESH_MS / 4),
      );
      this.timer.unref();
    }
  }

  /** Re-renders the cards whose long step is due; forgets runs that stopped running. */
  async tick(): Promise<void> {
    for (const [runId, renderedAt] of [...this.watched]) {
      const run = await this.options.load(runId).catch(() => null);
      if (!run || FINISHED_RUN_STATUSES.has(run.status)) {
        this.watched.delete(runId);
        continue;
      }
      if (clockRefreshDue(run.steps, renderedAt, this.now())) {
        this.watched.set(runId, this.now());
        this.options.rerender(run);
      }
    }
    if (this.watched.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
