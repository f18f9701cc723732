import type { TurnContext } from 'botbuilder';
import type { CommandResult } from '../../engine/engineApi';
import type { Actor, Run } from '../../engine/model';
import { actorOf, canDecide, canStart } from '../access';
import type { ActionData } from '../cardActions';
import type { BotServices } from '../botServices';
import { renderCard, type AdaptiveCard } from '../cards/renderCard';
import { runCardData } from '../views/runView';
import { approvalCardData } from '../views/approvalView';
import { manualCardData } from '../views/manualView';
import { messageCard } from '../views/messageView';
import { recordRefusal } from '../refusals';

/**
 * Clicks on the run, approval and manual-step cards. Each answers with the current card for the
 * clicker at once (the engine only records the command); a refused, stale or repeated click answers
 * with the current card and a notice, and changes nothing. Everyone else's copy is updated by the
 * notifier.
 */
type CardOf = 'run' | 'approval' | 'manual';

function currentCard(run: Run, cardOf: CardOf, stepId: string | undefined, notice: string): AdaptiveCard {
  const step = stepId ? run.steps.find((s) => s.id === stepId) : undefined;
  if (cardOf === 'approval' && step) return renderCard('approval', approvalCardData(run, step, notice));
  if (cardOf === 'manual' && step) return renderCard('manual', manualCardData(run, step, notice));
  return renderCard('run', runCardData(run, notice));
}

function unknownRun(runId: string): AdaptiveCard {
  return messageCard('Unknown run', `There is no setup run ${runId}. Say "runs" to list them.`, 'Attention');
}

const REFUSAL_TEXT: Record<string, string> = {
  stale: 'This card was out of date; here is where the setup stands now.',
};

function answer(services: BotServices, result: CommandResult, cardOf: CardOf, stepId?: string): AdaptiveCard {
  if (result.ok) {
    const notice = result.changed ? '' : 'Nothing to do: that was already done.';
    return currentCard(result.run, cardOf, stepId, notice);
  }
  if (!result.run) return messageCard('Not done', result.message, 'Attention');
  return currentCard(result.run, cardOf, stepId, REFUSAL_TEXT[result.code] ?? result.message);
}

export async function refresh(services: BotServices, data: ActionData<'run.refresh'>): Promise<AdaptiveCard> {
  const run = await services.engine.get(data.runId);
  return run ? currentCard(run, 'run', undefined, '') : unknownRun(data.runId);
}

/**
 * An admin's command on a run (cancel, retry, skip, "Done, verify"): an unknown run, a refusal
 * (audited) or the engine's answer, as the card that was clicked.
 */
async function adminCommand(
  services: BotServices,
  context: TurnContext,
  verb: string,
  target: { runId: string; stepId?: string; cardOf: CardOf },
  command: (runId: string, actor: Actor) => Promise<CommandResult>,
): Promise<AdaptiveCard> {
  const run = await services.engine.get(target.runId);
  if (!run) return unknownRun(target.runId);
  const actor = actorOf(context);
  const refusal = canStart(services.policy, actor);
  if (!refusal.allowed) {
    const onStep = target.cardOf === 'manual' && target.stepId ? { stepId: target.stepId } : {};
    await recordRefusal(services, context, actor, verb, refusal.reason, { runId: run.id, ...onStep });
    return currentCard(run, target.cardOf, target.stepId, refusal.reason);
  }
  return answer(services, await command(run.id, actor), target.cardOf, target.stepId);
}

/** Cancel, retry and skip: admins only. */
export async function control(
  services: BotServices,
  context: TurnContext,
  verb: 'run.cancel' | 'run.retry' | 'run.skip',
  data: ActionData<'run.cancel'> | ActionData<'run.skip'>,
): Promise<AdaptiveCard> {
  return adminCommand(services, context, verb, { runId: data.runId, cardOf: 'run' }, (runId, actor) =>
    verb === 'run.cancel'
      ? services.engine.cancel(runId, actor, data.rev)
      : verb === 'run.retry'
        ? services.engine.retry(runId, actor, data.rev)
        : services.engine.skip(
            runId,
            (data as ActionData<'run.skip'>).stepId,
            actor,
            (data as ActionData<'run.skip'>).rev,
          ),
  );
}

/** Approve or reject: configured approvers only, never the requester when four eyes are on. */
export async function decide(
  services: BotServices,
  context: TurnContext,
  verb: 'run.approve' | 'run.reject',
  data: ActionData<'run.approve'> | ActionData<'run.reject'>,
): Promise<AdaptiveCard> {
  const run = await services.engine.get(data.runId);
  if (!run) return unknownRun(data.runId);
  const step = run.steps.find((s) => s.id === data.stepId);
  if (!step) return currentCard(run, 'run', undefined, `Run ${run.id} has no step ${data.stepId}.`);
  const actor = actorOf(context);
  const refusal = canDecide(services.policy, actor, run.requestedBy);
  if (!refusal.allowed) {
    await recordRefusal(services, context, actor, verb, refusal.reason, { runId: run.id, stepId: step.id });
    return currentCard(run, 'approval', step.id, refusal.reason);
  }
  if (verb === 'run.reject') {
    const reason = ((data as ActionData<'run.reject'>).reason ?? '').trim();
    if (!reason) return currentCard(run, 'approval', step.id, 'Give a reason to reject.');
    return answer(
      services,
      await services.engine.reject(run.id, step.id, actor, data.rev, reason),
      'approval',
      step.id,
    );
  }
  return answer(
    services,
    await services.engine.approve(run.id, step.id, actor, data.rev),
    'approval',
    step.id,
  );
}

/** "Done, verify" on a manual step: admins only; the engine verifies through the APIs. */
export async function verify(
  services: BotServices,
  context: TurnContext,
  data: ActionData<'run.verify'>,
): Promise<AdaptiveCard> {
  return adminCommand(
    services,
    context,
    'run.verify',
    { runId: data.runId, stepId: data.stepId, cardOf: 'manual' },
    (runId, actor) => services.engine.confirmManual(runId, data.stepId, actor, data.rev),
  );
}
