import type { Run, RunStatus, StepState, StepStatus } from './model';

// The run state machine, pure: which step transitions exist, what the executor does next, and the
// run's status derived from its steps. No I/O here, so every rule is testable (and property-tested)
// without a platform. The transitions themselves: runTransitions.ts (the executor's) and
// runCommands.ts (an admin's).
//
// Step: pending -> running -> succeeded | failed; pending -> awaiting_approval -> (approved) running
// | (rejected, expired) failed; pending -> awaiting_manual -> (verified) succeeded; failed -> (retry)
// pending; failed | awaiting_* -> (skip) skipped; any unfinished -> (cancel) cancelled.

export const ALLOWED_STEP_TRANSITIONS: Record<StepStatus, readonly StepStatus[]> = {
  pending: ['running', 'awaiting_approval', 'awaiting_manual', 'cancelled'],
  awaiting_approval: ['running', 'failed', 'skipped', 'cancelled'],
  awaiting_manual: ['succeeded', 'skipped', 'cancelled'],
  running: ['succeeded', 'failed', 'cancelled'],
  failed: ['pending', 'skipped', 'cancelled'],
  succeeded: [],
  skipped: [],
  cancelled: [],
};

/** Step statuses a run moves past. */
export const DONE: readonly StepStatus[] = ['succeeded', 'skipped'];

export type NextAction =
  | { type: 'finished' }
  | { type: 'complete' }
  | { type: 'finalize_cancel' }
  | { type: 'idle' }
  | { type: 'request_approval'; step: StepState }
  | { type: 'request_manual'; step: StepState }
  | { type: 'execute'; step: StepState }
  | { type: 'verify'; step: StepState }
  | { type: 'remind'; step: StepState }
  | { type: 'expire'; step: StepState }
  | { type: 'wait'; step: StepState; untilMs?: number };

/** The first step that is not done: steps run strictly in plan order. */
export function currentStep(run: Run): StepState | undefined {
  return run.steps.find((step) => !DONE.includes(step.status));
}

export function nextAction(run: Run, nowMs: number, reminderMs: number): NextAction {
  if (run.status === 'succeeded' || run.status === 'cancelled') return { type: 'finished' };
  if (run.cancelRequested) return { type: 'finalize_cancel' };
  const step = currentStep(run);
  if (!step) return { type: 'complete' };
  switch (step.status) {
    case 'failed':
    case 'cancelled':
    case 'succeeded':
    case 'skipped':
      return { type: 'idle' };
    case 'running':
      return { type: 'execute', step };
    case 'pending':
      if (step.needsApproval && !step.approval?.decision?.approved) return { type: 'request_approval', step };
      if (step.mode === 'manual') return { type: 'request_manual', step };
      return { type: 'execute', step };
    case 'awaiting_approval': {
      const approval = step.approval;
      if (approval?.decision?.approved) return { type: 'execute', step };
      if (!approval) return { type: 'request_approval', step };
      const expiresMs = Date.parse(approval.expiresAt);
      if (nowMs >= expiresMs) return { type: 'expire', step };
      const remindMs = expiresMs - reminderMs;
      if (!approval.reminded && reminderMs > 0 && nowMs >= remindMs) return { type: 'remind', step };
      return { type: 'wait', step, untilMs: approval.reminded || reminderMs <= 0 ? expiresMs : remindMs };
    }
    case 'awaiting_manual':
      return step.confirmation ? { type: 'verify', step } : { type: 'wait', step };
  }
}

/** The run's status follows from its steps. */
export function deriveRunStatus(run: Run): RunStatus {
  if (run.steps.some((step) => step.status === 'cancelled')) return 'cancelled';
  if (run.steps.every((step) => DONE.includes(step.status))) return 'succeeded';
  if (run.steps.some((step) => step.status === 'failed')) return 'failed';
  const step = currentStep(run);
  if (step && (step.status === 'awaiting_approval' || step.status === 'awaiting_manual')) return 'waiting';
  return 'running';
}

/** Moves a step, refusing any transition the table does not allow (a bug, never an admin error). */
export function moveStep(step: StepState, to: StepStatus): void {
  if (step.status === to) return;
  if (!ALLOWED_STEP_TRANSITIONS[step.status].includes(to)) {
    throw new Error(`Illegal step transition ${step.id}: ${step.status} -> ${to}`);
  }
  step.status = to;
}

/** Sets timestamps and the derived status; returns the run for chaining. */
export function settle(run: Run, at: string): Run {
  run.status = deriveRunStatus(run);
  run.updatedAt = at;
  if (run.status === 'succeeded' || run.status === 'cancelled') run.finishedAt = run.finishedAt ?? at;
  else delete run.finishedAt;
  return run;
}

export function cancelRemaining(run: Run, at: string): void {
  for (const step of run.steps) {
    if (!DONE.includes(step.status) && step.status !== 'cancelled') {
      moveStep(step, 'cancelled');
      step.finishedAt = at;
    }
  }
}
