import type { CommandResult, Run } from '../../engine/engineApi';
import type { ActionData, Verb } from '../cardActions';
import type { AdaptiveCard } from '../cards/renderCard';
import { cardOfRun, type RunCardKind } from '../views/cardOfMessage';
import { messageCard } from '../views/messageView';
import type { RunRequest } from '../verbEntry';

// Clicks on the run, approval and manual-step cards (and the typed cancel/retry commands, which take
// the same route). The route table has already read the run and checked the clicker's permission;
// each handler only asks the engine and answers with the current card for the clicker. A stale or
// repeated click answers with the current card and a notice, and changes nothing. Everyone else's
// copy is updated by the notifier.

export { unknownRunCard as unknownRun } from '../guard';

const REFUSAL_TEXT: Partial<Record<string, string>> = {
  stale: 'This card was out of date; here is where the setup stands now.',
};

/** What a command that went through says on the card. */
const DONE_TEXT: Partial<Record<string, string>> = {
  'run.cancel': 'Cancellation requested: no further step starts.',
  'run.retry': 'Retrying the failed step.',
};

/** The card for the person who clicked: their own view of it (their buttons, their refresh). */
async function cardFor(
  request: RunRequest<Verb>,
  run: Run,
  kind: RunCardKind,
  stepId: string | undefined,
  notice: string,
): Promise<AdaptiveCard> {
  const { granted } = request;
  const view = await request.services.perspectives.forViewer(
    request.context,
    run,
    request.actor,
    { kind, stepId },
    granted === 'operate' ? { mayOperate: true } : granted === 'decide' ? { mayDecide: true } : {},
  );
  return cardOfRun(run, { kind, stepId, notice, view, nowMs: request.services.clock.now().getTime() });
}

export async function answer(
  request: RunRequest<Verb>,
  result: CommandResult,
  cardOf: RunCardKind,
  stepId?: string,
  doneText = '',
): Promise<AdaptiveCard> {
  if (result.ok) {
    const notice = result.changed ? doneText : 'Nothing to do: that was already done.';
    return cardFor(request, result.run, cardOf, stepId, notice);
  }
  if (!result.run) return messageCard('Not done', result.message, 'Attention');
  return cardFor(request, result.run, cardOf, stepId, REFUSAL_TEXT[result.code] ?? result.message);
}

export function refresh(request: RunRequest<'run.refresh'>): Promise<AdaptiveCard> {
  return cardFor(request, request.run, 'run', undefined, '');
}

/** Teams' refresh for a listed user: that user's own view of the card, changing nothing. */
export function view(request: RunRequest<'run.view'>): Promise<AdaptiveCard> {
  const { run, data } = request;
  const stepId = data.kind === 'run' ? undefined : data.stepId;
  return cardFor(request, run, data.kind, stepId, '');
}

export async function cancel(request: RunRequest<'run.cancel'>): Promise<AdaptiveCard> {
  const { services, actor, run, data } = request;
  return answer(
    request,
    await services.engine.cancel(run.id, actor, data.rev),
    'run',
    undefined,
    DONE_TEXT['run.cancel'],
  );
}

export async function retry(request: RunRequest<'run.retry'>): Promise<AdaptiveCard> {
  const { services, actor, run, data } = request;
  return answer(
    request,
    await services.engine.retry(run.id, actor, data.rev),
    'run',
    undefined,
    DONE_TEXT['run.retry'],
  );
}

export async function skip(request: RunRequest<'run.skip'>): Promise<AdaptiveCard> {
  const { services, actor, run, data } = request;
  return answer(request, await services.engine.skip(run.id, data.stepId, actor, data.rev), 'run');
}

export async function approve(request: RunRequest<'run.approve'>): Promise<AdaptiveCard> {
  const { services, actor, run, data } = request;
  return answer(
    request,
    await services.engine.approve(run.id, data.stepId, actor, data.rev),
    'approval',
    data.stepId,
  );
}

export async function reject(request: RunRequest<'run.reject'>): Promise<AdaptiveCard> {
  const { services, actor, run, data } = request;
  const reason = (data.reason ?? '').trim();
  if (!reason) return cardFor(request, run, 'approval', data.stepId, 'Give a reason to reject.');
  return answer(
    request,
    await services.engine.reject(run.id, data.stepId, actor, data.rev, reason),
    'approval',
    data.stepId,
  );
}

/** "Done, verify" on a manual step: the engine verifies through the APIs. */
export async function verify(request: RunRequest<'run.verify'>): Promise<AdaptiveCard> {
  const { services, actor, run, data } = request;
  return answer(
    request,
    await services.engine.confirmManual(run.id, data.stepId, actor, data.rev),
    'manual',
    data.stepId,
  );
}

/** Approve and reject need the step to exist before anything else is said about it. */
export function missingStep(
  run: Run,
  data: ActionData<'run.approve'> | ActionData<'run.reject'>,
  nowMs: number,
) {
  return run.steps.some((s) => s.id === data.stepId)
    ? undefined
    : cardOfRun(run, { kind: 'run', notice: `Run ${run.id} has no step ${data.stepId}.`, nowMs });
}
