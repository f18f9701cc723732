import type { TurnContext } from 'botbuilder';
import type { Clock, EngineApi, Run } from '../engine/engineApi';
import type { ConversationStore } from '../store/conversationStore';
import type { PerspectiveReader } from './audience/perspectiveReader';
import { renderCard, type AdaptiveCard } from './cards/renderCard';
import { cardOfRun, type RunCardKind } from './views/cardOfMessage';
import { completionCardData } from './views/completionView';
import { messageLink } from './teamsLinks';

// The cards the notifier sends, built inside the proactive turn that sends them: the shared view
// reads the roster through that turn, and a step card reads the stored run, fresher by then than
// the event that asked for it.

/** What the cards read: the part of the notifier's options (notifier.ts) they need. */
export interface NotifierCardsOptions {
  engine: EngineApi;
  conversations: ConversationStore;
  /** The shared view of a run's cards (who gets a personal view through refresh); none: every action shows. */
  perspectives?: PerspectiveReader;
  /** The time cards are rendered at and sends are counted by (the engine's clock). */
  clock: Clock;
}

export class NotifierCards {
  constructor(private readonly o: NotifierCardsOptions) {}

  /** A step card from the stored run (fresher than the event's snapshot by the time it is sent). */
  async current(
    run: Run,
    kind: RunCardKind,
    stepId: string | undefined,
    context: TurnContext,
  ): Promise<AdaptiveCard> {
    const current = (await this.o.engine.get(run.id)) ?? run;
    return cardOfRun(current, {
      kind,
      stepId,
      // The shared copy's view: who gets a personal view through refresh (roster and roles).
      view: await this.o.perspectives?.shared(context, current, kind),
      nowMs: this.o.clock.now().getTime(),
    });
  }

  /** The run card as everyone sees it. */
  async sharedRun(run: Run, context: TurnContext): Promise<AdaptiveCard> {
    return cardOfRun(run, {
      kind: 'run',
      view: await this.o.perspectives?.shared(context, run, 'run'),
      nowMs: this.o.clock.now().getTime(),
    });
  }

  /** The one completion message: the @mention and the outcome in one card, linking to the run card. */
  async completion(run: Run, context: TurnContext): Promise<AdaptiveCard> {
    const current = (await this.o.engine.get(run.id)) ?? run;
    const runMessage = (await this.o.conversations.messagesOf(run.id)).find(
      (m) => m.kind === 'run' && m.activityId,
    );
    const link = runMessage?.activityId
      ? messageLink({
          conversationId: runMessage.conversationId,
          activityId: runMessage.activityId,
          tenantId: context.activity.conversation?.tenantId,
        })
      : undefined;
    return renderCard('completion', completionCardData(current, link ?? ''));
  }
}
