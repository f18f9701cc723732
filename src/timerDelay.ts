// Node's timers hold a signed 32-bit millisecond count: a delay above 2^31-1 ms (about 24.8 days)
// emits a TimeoutOverflowWarning and fires after 1 ms (https://nodejs.org/api/timers.html#settimeoutcallback-delay-args),
// so a loop that waits for a far deadline would spin. Every configured or computed delay passes
// through here; a caller that waits for a deadline checks it again when the timer fires.

/** The longest delay a Node timer honours. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** `ms` as a timer can take it: a whole number from 0 to MAX_TIMER_DELAY_MS (NaN waits 0). */
export function timerDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(Math.ceil(ms), MAX_TIMER_DELAY_MS);
}
