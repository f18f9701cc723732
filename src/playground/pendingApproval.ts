import type { Run, RunStatus, StepState } from '../engine/model';
import type { RunStore } from '../engine/runStorePort';
import type { ConversationStore } from '../store/conversationStore';
import type { CardClick } from './playgroundClient';

// Finds the approval card a run is waiting on, and where the bot posted it, from the bot's own store
// (the Playground has no API that lists past messages). Read-only.

export interface PendingApproval {
  run: Run;
  step: StepState;
  conversationId: string;
  activityId: string;
}

export type PendingApprovalLookup = { found: PendingApproval } | { found: null; reason: string };

/**
 * An approval the bot has asked for and nobody has decided yet. Approvals are asked at Start, from the
 * confirmed pre-flight, so the step is `awaiting_approval` with an undecided request while it still
 * waits for the steps it needs and the run as a whole is `running`; a decided one (approved early, the
 * step waiting for its needs) is not pending any more.
 */
export function awaitsDecision(step: StepState): boolean {
  return step.status === 'awaiting_approval' && Boolean(step.approval) && !step.approval?.decision;
}

/** Runs that can still ask or wait for an approval (not finished, not failed). */
const UNDECIDED_RUN_STATUSES: RunStatus[] = ['running', 'waiting'];

/** `runRef`: a run id or its first characters; empty: the newest run with an undecided approval. */
export async function findPendingApproval(
  runs: RunStore,
  conversations: ConversationStore,
  runRef: string | undefined,
): Promise<PendingApprovalLookup> {
  const ref = (runRef ?? '').trim().toLowerCase();
  let run: Run | undefined;
  if (ref) {
    const matches = (await runs.list({ limit: 1000 })).filter((r) => r.id.toLowerCase().startsWith(ref));
    if (matches.length === 0) return { found: null, reason: `There is no run ${ref}.` };
    if (matches.length > 1)
      return { found: null, reason: `${ref} matches ${matches.length} runs; give more characters.` };
    run = matches[0];
  } else {
    const unfinished = await runs.list({ status: UNDECIDED_RUN_STATUSES, limit: 100 });
    run = unfinished.find((r) => r.steps.some(awaitsDecision));
    if (!run) {
      const asking = unfinished.find((r) => r.steps.some(notAskedYet));
      return {
        found: null,
        reason: asking
          ? `Run ${asking.id.slice(0, 8)} is about to ask for its approval; try again in a moment.`
          : 'No run has an approval waiting for a decision.',
      };
    }
  }
  const step = run.steps.find(awaitsDecision);
  if (!step) {
    const reason = run.steps.some(notAskedYet)
      ? `Run ${run.id.slice(0, 8)} has not asked for its approval yet; try again in a moment.`
      : `Run ${run.id.slice(0, 8)} is ${run.status} and has no approval waiting for a decision.`;
    return { found: null, reason };
  }
  const message = (await conversations.messagesOf(run.id)).find(
    (m) => m.kind === 'approval' && m.stepId === step.id && m.activityId,
  );
  if (!message?.activityId) {
    return { found: null, reason: `The approval card of run ${run.id.slice(0, 8)} has not been posted yet.` };
  }
  return { found: { run, step, conversationId: message.conversationId, activityId: message.activityId } };
}

/** A step that needs an approval the engine has yet to ask (the moments right after Start). */
function notAskedYet(step: StepState): boolean {
  return step.needsApproval && step.status === 'pending' && !step.approval;
}

/** The click on the card's Approve (or Reject) button, as the approval card carries it. */
export function decisionClick(
  pending: PendingApproval,
  fromId: string,
  decision: 'approve' | 'reject',
  reason = '',
): CardClick {
  const data: Record<string, unknown> = {
    runId: pending.run.id,
    stepId: pending.step.id,
    rev: pending.run.rev,
  };
  if (decision === 'reject') data.reason = reason;
  return {
    conversationId: pending.conversationId,
    replyToId: pending.activityId,
    fromId,
    action: {
      title: decision === 'approve' ? 'Approve' : 'Reject',
      verb: decision === 'approve' ? 'run.approve' : 'run.reject',
      data,
    },
  };
}
