import type { CommandRefusal } from './engineApi';
import type { Actor, AuditEntry, Run, StepState } from './model';
import { cancelRemaining, moveStep, settle } from './runStateMachine';

// How each admin command changes a run, pure: the command sees the stored run and returns the
// change, a no-op (a repeated click) or a refusal with its reason. setupEngine.ts applies one in a
// store transaction.

export type CommandOutcome =
  | { kind: 'change'; run: Run; audit: Array<Omit<AuditEntry, 'runId'>> }
  | { kind: 'noop' }
  | { kind: 'refuse'; code: CommandRefusal; message: string };

export interface CommandContext {
  actor: Actor;
  at: string;
  rev?: number;
  fourEyes: boolean;
}

const refuse = (code: CommandRefusal, message: string): CommandOutcome => ({ kind: 'refuse', code, message });

function findStep(run: Run, stepId: string): StepState | undefined {
  return run.steps.find((step) => step.id === stepId);
}

/** A click from a card older than the wait it answers is stale; so is a rev from the future. */
function isStale(run: Run, step: StepState | undefined, rev: number | undefined): boolean {
  if (rev === undefined) return false;
  if (rev > run.rev) return true;
  return step?.waitingSinceRev !== undefined ? rev < step.waitingSinceRev : rev < run.rev;
}

type Decision = NonNullable<NonNullable<StepState['approval']>['decision']>;

/** "2026-12-07 16:50 UTC": a stored ISO time as the refusals say it. */
function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** The second decision on one request: refused, saying who made the first and when. */
function alreadyDecided(step: StepState, decision: Decision): CommandOutcome {
  return refuse(
    'decided',
    `"${step.title}" was already ${decision.approved ? 'approved' : 'rejected'} by ${decision.by.name} at ${when(decision.at)}; a decision is final.`,
  );
}

function notWaiting(step: StepState): CommandOutcome {
  if (step.error?.code === 'approval_expired') return expiredRefusal(step);
  return refuse('invalid_state', `"${step.title}" is not waiting for an approval (it is ${step.status}).`);
}

/**
 * An approval past its `expiresAt` takes no decision, whichever replica is asked and whether or not
 * the run's driver has marked it expired yet (its timer may be late, or its replica frozen).
 */
function expiry(step: StepState, c: CommandContext): CommandOutcome | undefined {
  const expiresAt = step.approval?.expiresAt;
  if (!expiresAt || Date.parse(c.at) < Date.parse(expiresAt)) return undefined;
  return expiredRefusal(step);
}

function expiredRefusal(step: StepState): CommandOutcome {
  const at = step.approval?.expiresAt;
  return refuse(
    'expired',
    `The approval of "${step.title}" expired${at ? ` at ${when(at)}` : ''}; nothing was changed. Retry the step to ask again.`,
  );
}

function change(
  run: Run,
  c: CommandContext,
  action: string,
  stepId?: string,
  detail?: string,
): CommandOutcome {
  return {
    kind: 'change',
    run: settle(run, c.at),
    audit: [{ at: c.at, actor: c.actor, action, stepId, detail }],
  };
}

export function approveCommand(run: Run, stepId: string, c: CommandContext): CommandOutcome {
  const step = findStep(run, stepId);
  if (!step) return refuse('not_found', `Run ${run.id} has no step ${stepId}.`);
  const decision = step.approval?.decision;
  if (decision?.approved && step.status !== 'failed') return { kind: 'noop' };
  if (decision) return alreadyDecided(step, decision);
  if (step.status !== 'awaiting_approval') return notWaiting(step);
  if (isStale(run, step, c.rev))
    return refuse('stale', 'This card is out of date; here is the current state.');
  const expired = expiry(step, c);
  if (expired) return expired;
  if (c.fourEyes && c.actor.id === run.requestedBy.id) {
    return refuse(
      'four_eyes',
      `${c.actor.name} started this run, so another approver must approve "${step.title}".`,
    );
  }
  step.approval = {
    ...(step.approval as NonNullable<StepState['approval']>),
    decision: { approved: true, by: c.actor, at: c.at },
  };
  return change(run, c, 'approved', stepId);
}

export function rejectCommand(run: Run, stepId: string, reason: string, c: CommandContext): CommandOutcome {
  const step = findStep(run, stepId);
  if (!step) return refuse('not_found', `Run ${run.id} has no step ${stepId}.`);
  const decision = step.approval?.decision;
  if (decision && !decision.approved && step.status === 'failed') return { kind: 'noop' };
  // A decision is final: a reject from a card shown before an approval must not overturn it.
  if (decision) return alreadyDecided(step, decision);
  if (step.status !== 'awaiting_approval') return notWaiting(step);
  if (isStale(run, step, c.rev))
    return refuse('stale', 'This card is out of date; here is the current state.');
  const expired = expiry(step, c);
  if (expired) return expired;
  const why = reason.trim() || 'no reason given';
  step.approval = {
    ...(step.approval as NonNullable<StepState['approval']>),
    decision: { approved: false, by: c.actor, at: c.at, reason: why },
  };
  moveStep(step, 'failed');
  step.finishedAt = c.at;
  step.error = { code: 'rejected', message: `Rejected by ${c.actor.name}: ${why}` };
  return change(run, c, 'rejected', stepId, why);
}

export function confirmManualCommand(run: Run, stepId: string, c: CommandContext): CommandOutcome {
  const step = findStep(run, stepId);
  if (!step) return refuse('not_found', `Run ${run.id} has no step ${stepId}.`);
  if (step.status === 'succeeded') return { kind: 'noop' };
  if (step.status !== 'awaiting_manual') {
    return refuse('invalid_state', `"${step.title}" is not waiting for you (it is ${step.status}).`);
  }
  if (step.confirmation) return { kind: 'noop' };
  if (isStale(run, step, c.rev))
    return refuse('stale', 'This card is out of date; here is the current state.');
  step.confirmation = { by: c.actor, at: c.at };
  // Linked by hand: whoever says so is the admin the dual-write steps act as (actingAdmin.ts).
  if (step.kind === 'linkEnvironments') run.actingAdmin = c.actor;
  return change(run, c, 'manual.confirmed', stepId);
}

export function retryCommand(run: Run, c: CommandContext): CommandOutcome {
  if (run.status === 'succeeded' || run.status === 'cancelled') {
    return refuse('invalid_state', `The run is ${run.status}; there is nothing to retry.`);
  }
  // Steps run side by side, so more than one may have failed: a retry gives each another go.
  const failed = run.steps.filter((s) => s.status === 'failed');
  if (!failed.length) return { kind: 'noop' };
  if (isStale(run, undefined, c.rev))
    return refuse('stale', 'This card is out of date; here is the current state.');
  for (const step of failed) {
    moveStep(step, 'pending');
    delete step.error;
    delete step.finishedAt;
    // A rejected or expired approval needs a fresh request; an approved one still holds.
    if (step.approval && !step.approval.decision?.approved) delete step.approval;
  }
  const outcome = change(run, c, 'retry', failed[0].id);
  if (outcome.kind === 'change' && failed.length > 1) {
    outcome.audit[0].detail = `also ${failed
      .slice(1)
      .map((s) => s.id)
      .join(', ')}`;
  }
  return outcome;
}

export function skipCommand(run: Run, stepId: string, c: CommandContext): CommandOutcome {
  const step = findStep(run, stepId);
  if (!step) return refuse('not_found', `Run ${run.id} has no step ${stepId}.`);
  if (step.status === 'skipped') return { kind: 'noop' };
  if (!step.skippable) return refuse('invalid_state', `"${step.title}" cannot be skipped.`);
  if (!['failed', 'awaiting_approval', 'awaiting_manual'].includes(step.status)) {
    return refuse(
      'invalid_state',
      `"${step.title}" can only be skipped while it waits or after it failed (it is ${step.status}).`,
    );
  }
  if (isStale(run, step.status === 'failed' ? undefined : step, c.rev)) {
    return refuse('stale', 'This card is out of date; here is the current state.');
  }
  const expired = step.status === 'awaiting_approval' && !step.approval?.decision && expiry(step, c);
  if (expired) return expired;
  moveStep(step, 'skipped');
  step.finishedAt = c.at;
  return change(run, c, 'skipped', stepId);
}

/** Cancels at once unless a step is running: then the executor stops it and finishes the cancel. */
export function cancelCommand(run: Run, c: CommandContext): CommandOutcome {
  if (run.status === 'cancelled' || run.cancelRequested) return { kind: 'noop' };
  if (run.status === 'succeeded') return refuse('invalid_state', 'The run has already succeeded.');
  run.cancelRequested = { by: c.actor, at: c.at };
  if (!run.steps.some((step) => step.status === 'running')) cancelRemaining(run, c.at);
  return change(run, c, 'cancel');
}
