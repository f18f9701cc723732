import type { ServiceHints } from './serviceHints';

/**
 * How far apart our clock and the service's counting may be (stampPacer.ts): the shortest round
 * trip (the way there and back, each at most that), for when the service counted a request we sent
 * and when its answer's reading was written. It doubles with every 429 (a busy client or service
 * reaches the service later than it sends) and halves after a hundred answers without one.
 */
export class ClockMargin {
  /** The margin after 429s (ms). */
  private afterThrottlesMs = 0;
  private throttlesSeen = 0;
  private answersSinceThrottle = 0;

  constructor(private readonly hints: ServiceHints) {}

  /** The margin (ms) between when we sent a request and when the service may have counted it. */
  get ms(): number {
    this.noticeThrottles();
    return Math.max(this.hints.minRoundTripMs, this.afterThrottlesMs);
  }

  /**
   * Past a request's `countedBy`, when its time is counted back: `countedBy` already allows for its
   * answer's delay, so only a quarter of the shortest round trip (the two clocks' jitter; sent on
   * the dot, a batch meets the one it replaces still in the window now and then), more once a 429
   * says the clocks are further apart.
   */
  get returnMs(): number {
    this.noticeThrottles();
    return Math.max(this.hints.minRoundTripMs / 4, this.afterThrottlesMs);
  }

  /** A batch was answered: a hundred without a 429 halve the margin back towards the start. */
  answered(): void {
    if (++this.answersSinceThrottle >= 100) {
      this.answersSinceThrottle = 0;
      this.afterThrottlesMs /= 2;
    }
  }

  private noticeThrottles(): void {
    if (this.hints.throttled > this.throttlesSeen) {
      this.throttlesSeen = this.hints.throttled;
      this.answersSinceThrottle = 0;
      this.afterThrottlesMs = Math.max(2 * this.afterThrottlesMs, 3 * this.hints.minRoundTripMs, 5);
    }
  }
}
