import type { Actor, Run, StepError, StepState } from './model';
import type { RunChange } from './runStorePort';
import { cancelRemaining, moveStep, settle } from './runStateMachine';

// The executor's own transitions, pure: each takes the stored run and the time and returns the
// change to commit (or null for "nothing to do", e.g. a cancel got there first). The executor
// commits one, then acts on it; the admin commands are in runCommands.ts.

/** What the executor records about a step; each name is also the audit action. */
export type StepAction =
  | 'step.started'
  | 'step.resumed'
  | 'step.succeeded'
  | 'step.failed'
  | 'step.retrying'
  | 'step.checkpoint'
  | 'step.progress'
  | 'step.service_status'
  | 'approval.requested'
  | 'approval.reminder'
  | 'approval.expired'
  | 'manual.requested'
  | 'manual.verified'
  | 'manual.verification_failed'
  | 'act_as.requested';

/** A change to one step: `apply` is pure and runs inside the store's transaction. */
export interface StepTransition {
  stepId: string;
  action: StepAction;
  apply(run: Run, at: string): RunChange | null;
}

/** Actions that change a step silently (no audit line: they happen many times per step). */
const UNAUDITED: ReadonlySet<StepAction> = new Set<StepAction>([
  'step.checkpoint',
  'step.progress',
  'step.service_status',
]);

function onStep(
  stepId: string,
  action: StepAction,
  mutate: (step: StepState, at: string, run: Run) => boolean,
  detail?: string,
): StepTransition {
  return {
    stepId,
    action,
    apply(run, at) {
      const step = run.steps.find((s) => s.id === stepId);
      const before = run.status;
      if (!step || !mutate(step, at, run)) return null;
      const settled = settle(run, at);
      if (UNAUDITED.has(action)) return { run: settled };
      const audit: RunChange['audit'] = [{ at, actor: null, action, stepId, detail }];
      if (settled.status !== before && settled.status !== 'running' && settled.status !== 'waiting') {
        audit.push({ at, actor: null, action: `run.${settled.status}` });
      }
      return { run: settled, audit };
    },
  };
}

/** Every step is done: the run succeeded. */
export function completeRun(run: Run, at: string): RunChange {
  return { run: settle(run, at), audit: [{ at, actor: null, action: 'run.succeeded' }] };
}

/** A cancel was requested and nothing runs any more: every unfinished step is cancelled. */
export function finalizeCancel(run: Run, at: string): RunChange {
  cancelRemaining(run, at);
  return { run: settle(run, at), audit: [{ at, actor: null, action: 'run.cancelled' }] };
}

/** `actingAs`: the admin whose delegated rights the step runs with (AZURE_AUTH=obo), audited. */
export function startStep(stepId: string, resumed: boolean, actingAs?: Actor): StepTransition {
  return onStep(
    stepId,
    resumed ? 'step.resumed' : 'step.started',
    (s, at) => {
      if (s.status !== 'pending' && s.status !== 'running' && s.status !== 'awaiting_approval') return false;
      moveStep(s, 'running');
      s.attempts += 1;
      s.startedAt = s.startedAt ?? at;
      delete s.error;
      if (actingAs) s.actedAs = actingAs;
      return true;
    },
    actingAs ? `with the rights of ${actingAs.name} (on-behalf-of)` : undefined,
  );
}

export function stepSucceeded(stepId: string, output: Record<string, unknown>): StepTransition {
  return onStep(stepId, 'step.succeeded', (s, at) => {
    if (s.status !== 'running') return false;
    moveStep(s, 'succeeded');
    s.finishedAt = at;
    s.output = output;
    if (s.progress) s.progress = { ...s.progress, done: s.progress.total };
    delete s.error;
    return true;
  });
}

export function stepFailed(stepId: string, error: StepError, detail: string) {
  return onStep(
    stepId,
    'step.failed',
    (s, at) => {
      if (s.status !== 'running') return false;
      moveStep(s, 'failed');
      s.finishedAt = at;
      s.error = error;
      return true;
    },
    detail,
  );
}

/** A transient fault: the step stays running and says when it tries again. */
export function stepRetrying(stepId: string, error: StepError): StepTransition {
  return onStep(stepId, 'step.retrying', (s) => {
    if (s.status !== 'running') return false;
    s.error = error;
    return true;
  });
}

/** Merges into the step's checkpoint (operation ids and the like) before the step acts on them. */
export function saveCheckpoint(stepId: string, patch: Record<string, unknown>): StepTransition {
  return onStep(stepId, 'step.checkpoint', (s) => {
    s.checkpoint = { ...(s.checkpoint ?? {}), ...patch };
    return true;
  });
}

export function saveProgress(stepId: string, progress: NonNullable<StepState['progress']>): StepTransition {
  return onStep(stepId, 'step.progress', (s) => {
    if (s.status !== 'running') return false;
    s.progress = progress;
    return true;
  });
}

/** The service's own status of the running step's operation; recorded only when it changes. */
export function saveServiceStatus(stepId: string, text: string): StepTransition {
  return onStep(stepId, 'step.service_status', (s, at) => {
    if (s.status !== 'running' || s.serviceStatus?.text === text) return false;
    s.serviceStatus = { text, at };
    return true;
  });
}

export function requestApproval(
  stepId: string,
  request: { requestedAt: string; expiresAt: string; summary: Record<string, unknown> },
): StepTransition {
  return onStep(stepId, 'approval.requested', (s, _at, r) => {
    if (s.status !== 'pending' && s.status !== 'awaiting_approval') return false;
    moveStep(s, 'awaiting_approval');
    s.approval = { ...request };
    s.waitingSinceRev = r.rev + 1;
    return true;
  });
}

export function remindApproval(stepId: string): StepTransition {
  return onStep(stepId, 'approval.reminder', (step) => {
    if (step.status !== 'awaiting_approval' || !step.approval) return false;
    step.approval.reminded = true;
    return true;
  });
}

export function expireApproval(stepId: string): StepTransition {
  return onStep(stepId, 'approval.expired', (step, at) => {
    if (step.status !== 'awaiting_approval' || step.approval?.decision) return false;
    moveStep(step, 'failed');
    step.finishedAt = at;
    step.error = {
      code: 'approval_expired',
      message: `Nobody approved "${step.title}" before ${step.approval?.expiresAt}. Retry to ask again.`,
    };
    return true;
  });
}

export function requestManual(
  stepId: string,
  found: { link?: string; instructions?: string },
): StepTransition {
  return onStep(stepId, 'manual.requested', (s, _at, r) => {
    if (s.status !== 'pending') return false;
    moveStep(s, 'awaiting_manual');
    if (found.link) s.link = found.link;
    if (found.instructions) s.instructions = found.instructions;
    s.waitingSinceRev = r.rev + 1;
    return true;
  });
}

/** The outcome of checking a manual step the admin said is done. */
/** `actingAs`: the admin whose delegated rights the check read with (AZURE_AUTH=obo). */
export function recordVerification(
  stepId: string,
  result: { ok: boolean; message: string; output?: Record<string, unknown> },
  actingAs?: Actor,
): StepTransition {
  return onStep(
    stepId,
    result.ok ? 'manual.verified' : 'manual.verification_failed',
    (s, at, r) => {
      if (s.status !== 'awaiting_manual' || !s.confirmation) return false;
      s.verification = { ok: result.ok, message: result.message, at };
      delete s.confirmation;
      if (actingAs) s.actedAs = actingAs;
      if (result.ok) {
        moveStep(s, 'succeeded');
        s.finishedAt = at;
        s.output = { ...(s.output ?? {}), ...(result.output ?? {}) };
      } else {
        s.waitingSinceRev = r.rev + 1;
      }
      return true;
    },
    actingAs ? `${result.message} (with the rights of ${actingAs.name}, on-behalf-of)` : result.message,
  );
}
