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
  awaiting_approval: ['running', 'awaiting_manual', 'failed', 'skipped', 'cancelled'],
  // awaiting_manual <-> running: a step acting as the admin waits for "Continue as me" (actingAdmin.ts).
  awaiting_manual: ['succeeded', 'running', 'skipped', 'cancelled'],
  running: ['succeeded', 'failed', 'awaiting_manual', 'cancelled'],
  failed: ['pending', 'skipped', 'cancelled'],
  succeeded: [],
  skipped: [],
  cancelled: [],
};

/** Step statuses a run moves past. */
export const DONE: readonly StepStatus[] = ['succeeded', 'skipped'];

/** What one step needs done next; the executor runs these side by side, one per step. */
export type StepWork =
  | { type: 'request_approval'; step: StepState }
  | { type: 'request_manual'; step: StepState }
  | { type: 'execute'; step: StepState }
  | { type: 'verify'; step: StepState }
  | { type: 'remind'; step: StepState }
  | { type: 'expire'; step: StepState };

export type NextActions =
  | { type: 'finished' }
  | { type: 'complete' }
  | { type: 'finalize_cancel' }
  /** Every step that can move now; `wakeAtMs`: the earliest approval reminder or expiry. */
  | { type: 'steps'; actions: StepWork[]; wakeAtMs?: number };

export interface SchedulingRules {
  /** Ask an approval as soon as the run starts (its facts are known from the pre-flight). */
  approvalsAtStart: boolean;
}

/** The ids a step waits for: its planned needs, or (a run planned before graphs) every earlier step. */
export function needsOf(run: Run, step: StepState): string[] {
  if (step.needs) return step.needs;
  const index = run.steps.findIndex((s) => s.id === step.id);
  return run.steps.slice(0, index).map((s) => s.id);
}

/** The steps a step still waits for (neither succeeded nor skipped). */
export function unmetNeeds(run: Run, step: StepState): StepState[] {
  const needs = new Set(needsOf(run, step));
  return run.steps.filter((s) => needs.has(s.id) && !DONE.includes(s.status));
}

export function nextActions(
  run: Run,
  nowMs: number,
  reminderMs: number,
  rules: SchedulingRules = { approvalsAtStart: true },
): NextActions {
  if (run.status === 'succeeded' || run.status === 'cancelled') return { type: 'finished' };
  if (run.cancelRequested) return { type: 'finalize_cancel' };
  if (run.steps.every((step) => DONE.includes(step.status))) return { type: 'complete' };
  // After a failure nothing new starts (running steps finish); the admin retries, skips or cancels.
  const halted = run.steps.some((step) => step.status === 'failed');
  const actions: StepWork[] = [];
  let wakeAtMs: number | undefined;
  for (const step of run.steps) {
    const ready = unmetNeeds(run, step).length === 0;
    switch (step.status) {
      case 'running':
        actions.push({ type: 'execute', step });
        break;
      case 'pending':
        if (halted) break;
        if (step.needsApproval && !step.approval) {
          if (ready || rules.approvalsAtStart) actions.push({ type: 'request_approval', step });
          break;
        }
        if (!ready) break;
        actions.push({ type: step.mode === 'manual' ? 'request_manual' : 'execute', step });
        break;
      case 'awaiting_approval': {
        const approval = step.approval;
        if (approval?.decision?.approved) {
          if (ready && !halted) actions.push({ type: 'execute', step });
          break;
        }
        if (!approval) {
          if (!halted) actions.push({ type: 'request_approval', step });
          break;
        }
        const expiresMs = Date.parse(approval.expiresAt);
        if (nowMs >= expiresMs) {
          actions.push({ type: 'expire', step });
          break;
        }
        const remindMs = expiresMs - reminderMs;
        if (!approval.reminded && reminderMs > 0 && nowMs >= remindMs) {
          actions.push({ type: 'remind', step });
          break;
        }
        const at = approval.reminded || reminderMs <= 0 ? expiresMs : remindMs;
        wakeAtMs = wakeAtMs === undefined ? at : Math.min(wakeAtMs, at);
        break;
      }
      case 'awaiting_manual':
        if (step.confirmation) actions.push({ type: 'verify', step });
        break;
      default:
        break;
    }
  }
  return { type: 'steps', actions, ...(wakeAtMs !== undefined ? { wakeAtMs } : {}) };
}

/** The run's status follows from its steps. */
export function deriveRunStatus(run: Run): RunStatus {
  if (run.steps.some((step) => step.status === 'cancelled')) return 'cancelled';
  if (run.steps.every((step) => DONE.includes(step.status))) return 'succeeded';
  if (run.steps.some((step) => step.status === 'failed')) return 'failed';
  if (run.steps.some((step) => step.status === 'running')) return 'running';
  const waits = run.steps.some(
    (step) =>
      step.status === 'awaiting_manual' ||
      (step.status === 'awaiting_approval' && !step.approval?.decision?.approved),
  );
  return waits ? 'waiting' : 'running';
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
