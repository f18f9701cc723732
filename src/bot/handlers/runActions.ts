import type { CommandResult } from '../../engine/engineApi';
import type { Run } from '../../engine/model';
import type { ActionData } from '../cardActions';
import type { AdaptiveCard } from '../cards/renderCard';
import { cardOfRun, type RunCardKind } from '../views/cardOfMessage';
import { messageCard } from '../views/messageView';
import type { RunRequest } from '../verbRoute';

// Clicks on the run, approval and manual-step cards (and the typed cancel/retry commands, which take
// the same route). The route table has already read the run and checked the clicker's permission;
// each handler only asks the engine and answers with the current card for the clicker. A stale or
// repeated click answers with the current card and a notice, and changes nothing. Everyone else's
// copy is updated by the notifier.

export function unknownRun(runId: string): AdaptiveCard {
  return messageCard('Unknown run', `There is no setup run ${runId}. Say "runs" to list them.`, 'Attention');
}

const REFUSAL_TEXT: Partial<Record<string, string>> = {
  stale: 'This card was out of date; here is where the setup stands now.',
};

/** What a command that went through says on the card. */
const DONE_TEXT: Partial<Record<string, string>> = {
  'run.cancel': 'Cancellation requested: no further step starts.',
  'run.retry': 'Retrying the failed step.',
};

function answer(result: CommandResult, cardOf: RunCardKind, stepId?: string, doneText = ''): AdaptiveCard {
  if (result.ok) {
    const notice = result.changed ? doneText : 'Nothing to do: that was already done.';
    return cardOfRun(result.run, cardOf, stepId, notice);
  }
  if (!result.run) return messageCard('Not done', result.message, 'Attention');
  return cardOfRun(result.run, cardOf, stepId, REFUSAL_TEXT[result.code] ?? result.message);
}

export function refresh({ run }: RunRequest<'run.refresh'>): AdaptiveCard {
  return cardOfRun(run, 'run', undefined, '');
}

export async function cancel({
  services,
  actor,
  run,
  data,
}: RunRequest<'run.cancel'>): Promise<AdaptiveCard> {
  return answer(
    await services.engine.cancel(run.id, actor, data.rev),
    'run',
    undefined,
    DONE_TEXT['run.cancel'],
  );
}

export async function retry({ services, actor, run, data }: RunRequest<'run.retry'>): Promise<AdaptiveCard> {
  return answer(
    await services.engine.retry(run.id, actor, data.rev),
    'run',
    undefined,
    DONE_TEXT['run.retry'],
  );
}

export async function skip({ services, actor, run, data }: RunRequest<'run.skip'>): Promise<AdaptiveCard> {
  return answer(await services.engine.skip(run.id, data.stepId, actor, data.rev), 'run');
}

export async function approve({
  services,
  actor,
  run,
  data,
}: RunRequest<'run.approve'>): Promise<AdaptiveCard> {
  return answer(await services.engine.approve(run.id, data.stepId, actor, data.rev), 'approval', data.stepId);
}

export async function reject({
  services,
  actor,
  run,
  data,
}: RunRequest<'run.reject'>): Promise<AdaptiveCard> {
  const reason = (data.reason ?? '').trim();
  if (!reason) return cardOfRun(run, 'approval', data.stepId, 'Give a reason to reject.');
  return answer(
    await services.engine.reject(run.id, data.stepId, actor, data.rev, reason),
    'approval',
    data.stepId,
  );
}

/** "Done, verify" on a manual step: the engine verifies through the APIs. */
export async function verify({
  services,
  actor,
  run,
  data,
}: RunRequest<'run.verify'>): Promise<AdaptiveCard> {
  return answer(
    await services.engine.confirmManual(run.id, data.stepId, actor, data.rev),
    'manual',
    data.stepId,
  );
}

/** Approve and reject need the step to exist before anything else is said about it. */
export function missingStep(run: Run, data: ActionData<'run.approve'> | ActionData<'run.reject'>) {
  return run.steps.some((s) => s.id === data.stepId)
    ? undefined
    : cardOfRun(run, 'run', undefined, `Run ${run.id} has no step ${data.stepId}.`);
}
