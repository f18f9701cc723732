import type { ClassifiedError } from './stepErrors';
import { stepRetryDelay } from './stepErrors';

// What the executor does after a step attempt failed: fail the step (the admin decides) or try the
// whole step again after a delay. Pure, so the budget rule is testable without a clock.

export interface RetryBudget {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type AfterFailure =
  | { kind: 'fail'; attempt: number; error: { code: string; message: string } }
  | { kind: 'retry'; attempt: number; delayMs: number; error: { code: string; message: string } };

/**
 * `attempt` counts attempts without progress: a step of many requests (21 map starts, thousands of
 * rows) that got further before a transient fault has not failed again, so its count starts over.
 * Progress is bounded by the step's work, so this cannot loop for ever.
 */
export function afterFailure(
  failure: ClassifiedError,
  attempt: number,
  progressed: boolean,
  budget: RetryBudget,
  random: () => number = Math.random,
): AfterFailure {
  const counted = failure.transient && progressed ? 1 : attempt;
  if (!failure.transient || counted >= budget.maxAttempts) {
    return {
      kind: 'fail',
      attempt: counted,
      error: {
        code: failure.code,
        message: failure.transient
          ? `${failure.message} (still failing after ${counted} attempts; retry later)`
          : failure.message,
      },
    };
  }
  const delayMs = stepRetryDelay(counted, budget, failure.retryAfterMs, random);
  return {
    kind: 'retry',
    attempt: counted,
    delayMs,
    error: { code: failure.code, message: `${failure.message} (retrying in ${Math.ceil(delayMs / 1000)} s)` },
  };
}
