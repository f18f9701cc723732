import type { TurnContext } from 'botbuilder';
import { actorOf, type Permission } from './access';
import { inCardActionSpan } from './botTelemetry';
import type { KnownVerdicts } from './audience/perspectiveReader';
import type { BotServices } from './botServices';
import { MAX_ACTION_BYTES, type Verb } from './cardActions';
import type { AdaptiveCard } from './cards/renderCard';
import { guard, visibleRun } from './guard';
import * as runActions from './handlers/runActions';
import { cardOfRun } from './views/cardOfMessage';
import { messageCard } from './views/messageView';
import type { PlainRoute, RunRoute, VerbRoute } from './verbEntry';
import { VERB_ROUTES } from './verbTable';

// The way of one click through the verb table: the data validated by the verb's schema, the run read
// as the clicker may see it, the permission checked (a refusal is audited and answered with the
// clicked card), then the handler.

function refusedVerdict(permission: Permission): KnownVerdicts {
  if (permission === 'operate') return { mayOperate: false };
  if (permission === 'decide') return { mayDecide: false };
  return {};
}

/** Validates a verb's data, checks who may use it, and calls its handler: inside the click's span. */
export function dispatch<V extends Verb>(
  services: BotServices,
  context: TurnContext,
  verb: V,
  rawData: unknown,
): Promise<AdaptiveCard> {
  return inCardActionSpan(verb, (span) => {
    const runId = (rawData as { runId?: unknown } | null)?.runId;
    if (typeof runId === 'string' && runId.length <= 64) span.setAttribute('run.id', runId);
    return validateAndHandle(services, context, verb, rawData);
  });
}

async function validateAndHandle<V extends Verb>(
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
  const early = route.precheck?.(run, data, services.clock.now().getTime());
  if (early) return early;
  const guarded = await guard(services, context, verb, route.permission, {
    run,
    stepId,
    // The clicked card as the clicker may see it, with the reason.
    refusedCard: async (reason) =>
      cardOfRun(run, {
        kind: route.cardOf,
        stepId,
        notice: reason,
        view: await services.perspectives.forViewer(
          context,
          run,
          actorOf(context),
          { kind: route.cardOf, stepId },
          // Refused: the card shows the clicker no button for it (and Graph is not asked twice).
          refusedVerdict(route.permission),
        ),
        nowMs: services.clock.now().getTime(),
      }),
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
