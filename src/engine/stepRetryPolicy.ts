import type { StepError } from './model';
import type { ClassifiedError } from './stepErrors';
import { stepErrorOf, stepRetryDelay } from './stepErrors';

// What the executor does after a step attempt failed: fail the step (the admin decides) or try the
// whole step again after a delay. Pure, so the budget rule is testable without a clock.

export interface RetryBudget {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type AfterFailure =
  | { kind: 'fail'; attempt: number; error: StepError }
  | { kind: 'retry'; attempt: number; delayMs: number; error: StepError };

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
      error: stepErrorOf(
        failure,
        failure.transient
          ? `${failure.message} (still failing after ${counted} attempts; retry later)`
          : failure.message,
      ),
    };
  }
  const delayMs = stepRetryDelay(counted, budget, failure.retryAfterMs, random);
  return {
    kind: 'retry',
    attempt: counted,
    delayMs,
    error: stepErrorOf(failure, `${failure.message} (retrying in ${Math.ceil(delayMs / 1000)} s)`),
  };
}
