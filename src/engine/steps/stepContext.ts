import type { Logger } from '../../log';
import type { Run, StepState } from '../model';
import type { Clock, Platform } from '../ports';

// What a step module gets: the run and step as persisted, the platform, time, a cancellation signal
// and two ways to persist before acting (`checkpoint`) and to report progress.

export interface StepContext {
  run: Run;
  step: StepState;
  platform: Platform;
  clock: Clock;
  signal: AbortSignal;
  logger?: Logger;
  pollIntervalMs: number;
  /** Merges into `step.checkpoint`; resolves once it is committed (await it before acting). */
  checkpoint(patch: Record<string, unknown>): Promise<void>;
  /** Reports progress (persisted in order, throttled; the step's next transition waits for it). */
  progress(done: number, total: number, unit: string): void;
  /** Records what the service says about the operation the step waits on (persisted when it changes). */
  serviceStatus?(text: string): Promise<void>;
}

export interface VerificationResult {
  ok: boolean;
  message: string;
  output?: Record<string, unknown>;
}

/** A failure the admin must act on: retrying as-is will not help. */
export class PermanentStepError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentStepError';
  }
}

/** A failure worth retrying the whole step for (the platform is busy or not ready yet). */
export class TransientStepError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientStepError';
  }
}

/**
 * How far the engine follows a service's poll hint: never sooner than a tenth of its own interval
 * (a hint of 0 must not become a busy loop) and never later than sixty intervals (a wild hint must
 * not park a step for hours). Relative to the interval, so a time-scaled setup scales them too.
 */
export const POLL_HINT_MIN_FACTOR = 0.1;
export const POLL_HINT_MAX_FACTOR = 60;

/** The wait before the next status read: the service's hint within bounds, else the configured interval. */
export function nextPollDelay(value: unknown, pollIntervalMs: number): number {
  const hint =
    typeof value === 'object' && value !== null
      ? (value as { retryAfterMs?: unknown }).retryAfterMs
      : undefined;
  if (typeof hint !== 'number' || !Number.isFinite(hint) || hint < 0) return pollIntervalMs;
  return Math.min(
    Math.max(hint, pollIntervalMs * POLL_HINT_MIN_FACTOR),
    pollIntervalMs * POLL_HINT_MAX_FACTOR,
  );
}

/**
 * Polls `read` until `done` says so, or `timeoutMs` passes. Between reads it waits what the last
 * read asked for (`retryAfterMs`, the service's Retry-After or operation hint, bounded by
 * `nextPollDelay`), or `pollIntervalMs` when the service gave no hint.
 */
export async function pollUntil<T>(
  ctx: Pick<StepContext, 'clock' | 'signal' | 'pollIntervalMs' | 'serviceStatus'>,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs: number; what: string; status?: (value: T) => string | undefined },
): Promise<T> {
  const started = ctx.clock.now().getTime();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    // The service's own word shows on the run card while the step waits (only a change is written).
    const status = options.status?.(value);
    if (status) await ctx.serviceStatus?.(status);
    if (ctx.clock.now().getTime() - started > options.timeoutMs) {
      throw new TransientStepError(
        'timeout',
        `Still waiting for ${options.what} after ${Math.round(options.timeoutMs / 1000)} s.`,
      );
    }
    await ctx.clock.sleep(nextPollDelay(value, ctx.pollIntervalMs), ctx.signal);
  }
}
