import type { Run, StepState } from '../engine/model';
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

/** `runRef`: a run id or its first characters; empty: the newest run waiting for an approval. */
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
    run = (await runs.list({ status: ['waiting'], limit: 100 })).find((r) =>
      r.steps.some((s) => s.status === 'awaiting_approval'),
    );
    if (!run) return { found: null, reason: 'No run is waiting for an approval.' };
  }
  const step = run.steps.find((s) => s.status === 'awaiting_approval');
  if (!step) {
    return { found: null, reason: `Run ${run.id.slice(0, 8)} is ${run.status} and waits for no approval.` };
  }
  const message = conversations
    .messagesOf(run.id)
    .find((m) => m.kind === 'approval' && m.stepId === step.id && m.activityId);
  if (!message?.activityId) {
    return { found: null, reason: `The approval card of run ${run.id.slice(0, 8)} has not been posted yet.` };
  }
  return { found: { run, step, conversationId: message.conversationId, activityId: message.activityId } };
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
