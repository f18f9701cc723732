import type { TurnContext } from 'botbuilder';
import { actorOf, type Permission } from './access';
import type { KnownVerdicts } from './audience/cardViews';
import type { BotServices } from './botServices';
import { ACTION_SCHEMAS, MAX_ACTION_BYTES, type Verb } from './cardActions';
import { renderCard, type AdaptiveCard } from './cards/renderCard';
import { guard, visibleRun } from './guard';
import * as runActions from './handlers/runActions';
import * as wizard from './handlers/wizardActions';
import { cardOfRun } from './views/cardOfMessage';
import { helpCard } from './views/helpView';
import { messageCard } from './views/messageView';
import type { PlainRoute, RunRoute, VerbRoute, VerbRoutes } from './verbRoute';

// The one table of card verbs: each verb's schema, the permission it needs, and its handler.
// botApp.ts registers every entry in a loop; typed commands that act on a run (cancel, retry) are
// dispatched through the same entries.

const runTarget = (data: { runId: string; stepId?: string }) => ({ runId: data.runId, stepId: data.stepId });

export const VERB_ROUTES: VerbRoutes = {
  'help.show': { kind: 'plain', schema: ACTION_SCHEMAS['help.show'], handle: () => helpCard() },
  'setup.begin': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.begin'],
    permission: 'start',
    handle: () => wizard.scenarioCard(),
  },
  'setup.chooser': { kind: 'plain', schema: ACTION_SCHEMAS['setup.chooser'], handle: () => wizard.chooser() },
  'setup.recommend': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.recommend'],
    invalid: (message) => renderCard('chooser', { notice: message }),
    handle: ({ data }) => wizard.recommend(data),
  },
  'setup.scenario': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.scenario'],
    handle: ({ data }) => wizard.chooseScenario(data),
  },
  'setup.review': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.review'],
    permission: 'start',
    handle: ({ services, context, data }) => wizard.review(services, context, data),
  },
  'setup.edit': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.edit'],
    handle: ({ data }) => wizard.edit(data),
  },
  'setup.start': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.start'],
    permission: 'start',
    handle: ({ services, context, actor, data }) => wizard.start(services, context, actor, data),
  },
  'setup.abandon': { kind: 'plain', schema: ACTION_SCHEMAS['setup.abandon'], handle: () => wizard.abandon() },
  'run.refresh': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.refresh'],
    // Looking is not acting: anyone in the conversation may refresh the run card.
    permission: 'view',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.refresh,
  },
  'run.view': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.view'],
    // Teams asks for a listed user's own view of a posted card (refresh.userIds): looking only.
    permission: 'view',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.view,
  },
  'run.cancel': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.cancel'],
    permission: 'operate',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.cancel,
  },
  'run.retry': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.retry'],
    permission: 'operate',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.retry,
  },
  'run.skip': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.skip'],
    permission: 'operate',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.skip,
  },
  'run.approve': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.approve'],
    permission: 'decide',
    cardOf: 'approval',
    target: runTarget,
    precheck: runActions.missingStep,
    handle: runActions.approve,
  },
  'run.reject': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.reject'],
    permission: 'decide',
    cardOf: 'approval',
    target: runTarget,
    precheck: runActions.missingStep,
    handle: runActions.reject,
  },
  'run.verify': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.verify'],
    permission: 'operate',
    cardOf: 'manual',
    target: runTarget,
    handle: runActions.verify,
  },
};

function refusedVerdict(permission: Permission): KnownVerdicts {
  if (permission === 'operate') return { mayOperate: false };
  if (permission === 'decide') return { mayDecide: false };
  return {};
}

/** Validates a verb's data, checks who may use it, and calls its handler. */
export async function dispatch<V extends Verb>(
  services: BotServices,
  context: TurnContext,
  verb: V,
  rawData: unknown,
): Promise<AdaptiveCard> {
  const size = JSON.stringify(rawData ?? {}).length;
  if (size > MAX_ACTION_BYTES) {
    return messageCard(
      'Card data too large',
      `That card action carried ${size} characters; at most ${MAX_ACTION_BYTES} are accepted. Nothing was changed.`,
      'Attention',
    );
  }
  const route: VerbRoute<V> = VERB_ROUTES[verb];
  const parsed = route.schema.safeParse(rawData ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (route.kind === 'plain' && route.invalid) return route.invalid(issue.message);
    return messageCard(
      'That card action was not understood',
      `${issue.path.join('.') || 'data'}: ${issue.message}. Nothing was changed.`,
      'Attention',
    );
  }
  return route.kind === 'run'
    ? onRun(services, context, verb, route, parsed.data)
    : plain(services, context, verb, route, parsed.data);
}

async function plain<V extends Verb>(
  services: BotServices,
  context: TurnContext,
  verb: V,
  route: PlainRoute<V>,
  data: Parameters<PlainRoute<V>['handle']>[0]['data'],
): Promise<AdaptiveCard> {
  if (!route.permission) return route.handle({ services, context, actor: actorOf(context), data });
  const guarded = await guard(services, context, verb, route.permission);
  if (!guarded.allowed) return guarded.card;
  return route.handle({ services, context, actor: guarded.actor, data });
}

async function onRun<V extends Verb>(
  services: BotServices,
  context: TurnContext,
  verb: V,
  route: RunRoute<V>,
  data: Parameters<RunRoute<V>['handle']>[0]['data'],
): Promise<AdaptiveCard> {
  const { runId, stepId } = route.target(data);
  // A run the asker may not see is answered as an unknown one, before anything else looks at it.
  const run = await visibleRun(services, context, runId);
  if (!run) return runActions.unknownRun(runId);
  const early = route.precheck?.(run, data);
  if (early) return early;
  const guarded = await guard(services, context, verb, route.permission, {
    run,
    stepId,
    // The clicked card as the clicker may see it, with the reason.
    refusedCard: async (reason) =>
      cardOfRun(
        run,
        route.cardOf,
        stepId,
        reason,
        await services.views.forViewer(
          context,
          run,
          actorOf(context),
          { kind: route.cardOf, stepId },
          // Refused: the card shows the clicker no button for it (and Graph is not asked twice).
          refusedVerdict(route.permission),
        ),
      ),
  });
  if (!guarded.allowed) return guarded.card;
  const card = await route.handle({
    services,
    context,
    actor: guarded.actor,
    data,
    run,
    granted: route.permission,
  });
  // The answer becomes the clicker's copy of the card. Steps now run at once, so an update the engine
  // caused meanwhile may reach Teams before this answer and be overwritten by it for the clicker:
  // queue one more refresh of the run's cards (it merges with any update still pending).
  setTimeout(() => {
    void services.engine
      .get(run.id)
      .then((latest) => latest && services.notifier.refreshAfterAnswer(latest))
      .catch(() => undefined);
  }, 0);
  return card;
}
