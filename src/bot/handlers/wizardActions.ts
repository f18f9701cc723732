import type { TurnContext } from 'botbuilder';
import {
  EngineError,
  recommendScenario,
  setupInputSchema,
  type ScenarioId,
  type Actor,
  type PlanPreview,
  type Run,
} from '../../engine/engineApi';
import type { ActionData } from '../cardActions';
import type { BotServices } from '../botServices';
import { canSeeRun, scopeOf } from '../runScope';
import { renderCard, type AdaptiveCard } from '../cards/renderCard';
import { scenarioCardData } from '../views/scenarioView';
import { detailsCardData, fieldErrors, formToInput, missingQuestion } from '../views/detailsView';
import { confirmCardData } from '../views/confirmView';
import { cardOfRun } from '../views/cardOfMessage';
import { messageCard } from '../views/messageView';
import { timerDelay } from '../../timerDelay';

// The setup wizard: scenario -> (help me choose) -> details -> confirmation -> Start. Stateless: every
// card carries what the next step needs in its action data, validated again on every click. Who may
// use it is checked by the verb table (verbTable.ts) before these run.
export function scenarioCard(notice = ''): AdaptiveCard {
  return renderCard('scenario', scenarioCardData(undefined, notice));
}

export function chooser(): AdaptiveCard {
  return renderCard('chooser', { notice: '' });
}

export function recommend(data: ActionData<'setup.recommend'>): AdaptiveCard {
  const recommendation = recommendScenario({
    financeOpsIsNew: data.financeOpsIsNew === 'yes',
    financeOpsHasDemoData: data.financeOpsHasDemoData === 'yes',
    dataverseIsNew: data.dataverseIsNew === 'yes',
    financeOpsHome: data.financeOpsHome === 'lcs' ? 'lcs' : 'unified',
  });
  return renderCard('scenario', scenarioCardData(recommendation));
}

export function chooseScenario(data: ActionData<'setup.scenario'>): AdaptiveCard {
  return renderCard('details', detailsCardData(data.scenario));
}

export function edit(data: ActionData<'setup.edit'>): AdaptiveCard {
  const input = parseInputJson(data.input);
  const scenario = input?.scenario as ScenarioId | undefined;
  if (!input || !scenario || !setupInputSchema.safeParse(input).success)
    return scenarioCard('That plan could not be read; please start again.');
  return renderCard('details', detailsCardData(scenario, input));
}

/** Validates the details; bad values re-render the card with the others kept and a message at the field. */
export async function review(
  services: BotServices,
  context: TurnContext,
  data: ActionData<'setup.review'>,
): Promise<AdaptiveCard> {
  const raw = formToInput(data.scenario, data as Record<string, unknown>);
  const parsed = setupInputSchema.safeParse(raw);
  // Entities chosen for initial sync: now the conflict winner applies, and is asked before the plan.
  if (parsed.success && missingQuestion(data.scenario, data as Record<string, unknown>)) {
    return renderCard(
      'details',
      detailsCardData(
        data.scenario,
        { ...raw, master: undefined },
        {},
        'One more question, because you chose entities for initial sync: which side wins a conflict.',
      ),
    );
  }
  if (!parsed.success) {
    return renderCard(
      'details',
      detailsCardData(
        data.scenario,
        raw,
        fieldErrors(parsed.error.issues),
        'Some values need a second look.',
      ),
    );
  }
  return planCard(services, context, data.scenario, raw, parsed.data);
}

/** The plan card's bootstrap order choice: the same setup, planned again in the chosen order. */
export async function reorder(
  services: BotServices,
  context: TurnContext,
  data: ActionData<'setup.order'>,
): Promise<AdaptiveCard> {
  const input = parseInputJson(data.input);
  const raw = input && { ...input, bootstrapOrder: data.bootstrapOrder };
  const parsed = raw && setupInputSchema.safeParse(raw);
  if (!raw || !parsed?.success) return scenarioCard('That plan could not be read; please start again.');
  return planCard(services, context, parsed.data.scenario, raw, parsed.data);
}

/** The confirmation card of a valid input (or "Checking the plan…", updated once the preview is ready). */
async function planCard(
  services: BotServices,
  context: TurnContext,
  scenario: ScenarioId,
  raw: Record<string, unknown>,
  input: unknown,
): Promise<AdaptiveCard> {
  const pending = services.engine.preview(input).then(
    (preview) => ({ preview }),
    (error: unknown) => ({ error }),
  );
  const first = await Promise.race([pending, sleep(services.previewWaitMs).then(() => undefined)]);
  if (first) return previewOutcomeCard(first, scenario, raw);
  // The preview needs Dynamics and is slow today: answer now, update the card when it is ready.
  const replyToId = context.activity.replyToId;
  const conversationId = context.activity.conversation.id;
  void pending.then((outcome) => {
    if (!replyToId) return;
    services.notifier.updateCard(conversationId, replyToId, `preview:${replyToId}`, () =>
      previewOutcomeCard(outcome, scenario, raw),
    );
  });
  return messageCard(
    'Checking the plan…',
    'I am reading your environments to build the plan; this card updates in a moment.',
    'Accent',
  );
}

function previewOutcomeCard(
  outcome: { preview: PlanPreview } | { error: unknown },
  scenario: ScenarioId,
  raw: Record<string, unknown>,
): AdaptiveCard {
  if ('preview' in outcome) return renderCard('confirm', confirmCardData(outcome.preview));
  const error = outcome.error;
  if (error instanceof EngineError && error.details?.length) {
    const errors = fieldErrors(error.details.map((d) => ({ path: [d.path], message: d.message })));
    return renderCard('details', detailsCardData(scenario, raw, errors, error.message));
  }
  const message =
    error instanceof EngineError ? error.message : 'The plan could not be prepared. Try again in a moment.';
  return renderCard('details', detailsCardData(scenario, raw, {}, message));
}

/** Start: the confirmation card becomes the run card, updated in place for everyone from now on. */
export async function start(
  services: BotServices,
  context: TurnContext,
  actor: Actor,
  data: ActionData<'setup.start'>,
): Promise<AdaptiveCard> {
  const input = parseInputJson(data.input);
  if (!input) return scenarioCard('That plan could not be read; please start again.');
  // The run belongs to this tenant and conversation (runScope.ts).
  const result = await services.engine.start(input, actor, data.reviewToken ?? '', scopeOf(context));
  if (!result.ok) {
    // Back to the details with the reason: a Review from there gives the plan its token.
    if (result.code === 'invalid_input' || result.code === 'not_reviewed') {
      const scenario = input.scenario as ScenarioId;
      return renderCard('details', detailsCardData(scenario, input, {}, result.message));
    }
    const message =
      result.code === 'locked' && result.run ? await lockRefusal(services, context, result) : result.message;
    return messageCard('The setup did not start', message, 'Attention');
  }
  // A replayed Start (same request key) answers the run it created: only where that run may be seen.
  if (!(await canSeeRun(services.roles, context, result.run))) {
    return messageCard('The setup did not start', 'That plan was already started elsewhere.', 'Attention');
  }
  const conversationId = context.activity.conversation.id;
  const replyToId = context.activity.replyToId;
  // A replayed Start finds its run card bound already: the first binding stands.
  if (replyToId)
    await services.conversations.bindMessage(result.run.id, 'run', '', conversationId, replyToId);
  // The engine's run.updated came before this binding existed: update everyone's copy once now (the
  // updates are queued sends; the click does not wait for the notifier's reads either).
  void services.notifier.runChanged(result.run).catch(() => undefined);
  // The starter's own copy: an admin (Start needs it), with the refresh every copy carries.
  return cardOfRun(result.run, {
    kind: 'run',
    // Start needs the admin permission, the same one the run card's actions need.
    view: await services.perspectives.forViewer(
      context,
      result.run,
      actor,
      { kind: 'run' },
      { mayOperate: true },
    ),
    nowMs: services.clock.now().getTime(),
  });
}

export function abandon(): AdaptiveCard {
  return messageCard('Setup cancelled', 'Nothing was changed. Say "setup" to start again.', 'Default');
}

function parseInputJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * The run holding the lock may be one the asker may not see: then it is not described, and another
 * tenant does not even learn that a run exists on those URLs (docs/reliability.md, "Tenancy").
 */
async function lockRefusal(
  services: BotServices,
  context: TurnContext,
  result: { message: string; run?: Run },
): Promise<string> {
  const holder = result.run!;
  if (await canSeeRun(services.roles, context, holder)) return result.message;
  if (holder.scope && holder.scope.tenantId !== scopeOf(context).tenantId)
    return 'These environments cannot be set up from here.';
  return 'These environments are already being set up by another run. Wait for it to finish.';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, timerDelay(ms)));
}
