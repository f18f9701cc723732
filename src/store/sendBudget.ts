// The arithmetic of a sliding-window send budget, shared by both stores: given the sends of one
// conversation (epoch ms, oldest first), how long until one more fits every window.

/** At most `max` sends in any `ms` (a Teams limit per bot per conversation). */
export interface RateWindow {
  ms: number;
  max: number;
}

export function budgetWaitMs(sentAt: readonly number[], limits: readonly RateWindow[], now: number): number {
  let wait = 0;
  for (const window of limits) {
    // A send still counts a full window after it was reserved (`>=`): it reaches Teams a moment
    // after, so a clock tick between reserving and sending would otherwise let one more in.
    const inWindow = sentAt.filter((t) => t >= now - window.ms);
    if (inWindow.length >= window.max) {
      const oldestThatCounts = inWindow[inWindow.length - window.max];
      wait = Math.max(wait, oldestThatCounts + window.ms - now + 1);
    }
  }
  return wait;
}

export function longestWindowMs(limits: readonly RateWindow[]): number {
  return Math.max(0, ...limits.map((w) => w.ms));
}
