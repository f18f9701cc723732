import type { Logger } from '../../log';
import type { Run, StepKind, StepState } from '../model';
import type { Clock, Platform } from '../ports';
import { parseStepParams, type StepParams } from '../stepParams';

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

export interface StepModule {
  kind: StepKind;
  /** Reads the current state first and does only what is missing; returns what later steps need. */
  execute(ctx: StepContext): Promise<Record<string, unknown>>;
  /** Checks through read APIs that the step's result is in place (manual steps, after the admin's Done). */
  verify(ctx: StepContext): Promise<VerificationResult>;
  /** What an approver is shown before the step may run. */
  approvalSummary?(ctx: StepContext): Promise<Record<string, unknown>>;
  /** Fills in instructions/links that depend on earlier steps (e.g. the F&O URL). */
  manualLink?(ctx: StepContext): Promise<string | undefined>;
  /**
   * The manual step's instructions with this run's values (URLs, companies, maps in order), replacing
   * the generic ones of the plan when the step comes up.
   */
  manualInstructions?(ctx: StepContext): Promise<string | undefined>;
}

/** What a module of kind K sees: the context plus its parameters, parsed for that kind. */
export type KindContext<K extends StepKind> = StepContext & { readonly params: StepParams<K> };

/** A step module written against its own kind's parameters. */
export interface KindModule<K extends StepKind> {
  execute(ctx: KindContext<K>): Promise<Record<string, unknown>>;
  verify(ctx: KindContext<K>): Promise<VerificationResult>;
  approvalSummary?(ctx: KindContext<K>): Promise<Record<string, unknown>>;
  manualLink?(ctx: KindContext<K>): Promise<string | undefined>;
  manualInstructions?(ctx: KindContext<K>): Promise<string | undefined>;
}

/**
 * Declares the module of one step kind: every call parses the step's parameters once, with the
 * kind's schema (stepParams.ts), and hands them to the module typed.
 */
export function defineStep<K extends StepKind>(kind: K, module: KindModule<K>): StepModule {
  const typed = (ctx: StepContext): KindContext<K> =>
    Object.assign(ctx, { params: parseStepParams(kind, ctx.step.params) });
  const { approvalSummary, manualLink, manualInstructions } = module;
  return {
    kind,
    execute: (ctx) => module.execute(typed(ctx)),
    verify: (ctx) => module.verify(typed(ctx)),
    ...(approvalSummary ? { approvalSummary: (ctx: StepContext) => approvalSummary(typed(ctx)) } : {}),
    ...(manualLink ? { manualLink: (ctx: StepContext) => manualLink(typed(ctx)) } : {}),
    ...(manualInstructions
      ? { manualInstructions: (ctx: StepContext) => manualInstructions(typed(ctx)) }
      : {}),
  };
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
