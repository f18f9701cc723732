import {
  CardFactory,
  MessageFactory,
  type CloudAdapter,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import type { EngineApi } from '../engine/engineApi';
import { FINISHED_RUN_STATUSES, type Run } from '../engine/model';
import type { CardKind, ConversationStore } from '../store/conversationStore';
import type { Logger } from '../log';
import { renderCard, type AdaptiveCard } from './cards/renderCard';
import { SendQueue, type SendQueueOptions } from './sendQueue';
import { cardOfRun, type RunCardKind } from './views/cardOfMessage';
import { completionCardData } from './views/completionView';
import { shortId } from './views/marks';
import type { CardViews } from './audience/cardViews';
import type { CardView } from './audience/cardView';
import { messageLink } from './teamsLinks';

// Turns engine events into proactive Teams messages through the conversation references kept in the
// store: the run card updated in place, an approval card and a manual-step card posted once per
// step, a completion notice posted once per run. All sends go through the per-conversation queue.

export interface NotifierOptions {
  adapter: CloudAdapter;
  botId: string;
  engine: EngineApi;
  conversations: ConversationStore;
  /** The shared view of a run's cards (who gets a personal view through refresh); none: every action shows. */
  views?: CardViews;
  logger?: Logger;
  queue?: SendQueueOptions;
}

export class Notifier {
  readonly queue: SendQueue;
  /** Proactive calls made, per conversation (for the benchmarks). */
  readonly sendsByConversation = new Map<string, number>();

  constructor(private readonly options: NotifierOptions) {
    this.queue = new SendQueue({ logger: options.logger, ...options.queue });
  }

  /** Subscribes to the engine; call once before `engine.resume()`. */
  attach(): void {
    const { engine } = this.options;
    engine.on('run.updated', ({ run }) => this.runChanged(run));
    engine.on('approval.requested', ({ run, step }) =>
      this.postOnce(run, 'approval', step.id, (context) =>
        this.currentCard(run, 'approval', step.id, context),
      ),
    );
    engine.on('manual.requested', ({ run, step }) =>
      this.postOnce(run, 'manual', step.id, (context) => this.currentCard(run, 'manual', step.id, context)),
    );
    engine.on('approval.reminder', ({ run, step }) =>
      this.postText(
        run,
        `Reminder: the approval of "${step.title}" for run ${shortId(run.id)} expires at ${step.approval?.expiresAt ?? 'soon'}.`,
      ),
    );
    engine.on('approval.expired', ({ run, step }) =>
      this.postText(
        run,
        `The approval of "${step.title}" for run ${shortId(run.id)} expired without a decision; the step did not run.`,
      ),
    );
    engine.on('run.finished', ({ run }) => {
      this.runChanged(run);
      this.postOnce(run, 'completion', outcomeKey(run), (context) => this.completionActivity(run, context));
    });
  }

  /** After a restart: deliver what a crash may have swallowed (cards, the completion notice). */
  async recover(): Promise<void> {
    for (const run of await this.options.engine.list({ limit: 500 })) {
      if (!this.options.conversations.conversationOf(run.id)) continue;
      for (const step of run.steps) {
        if (step.status === 'awaiting_approval')
          this.postOnce(
            run,
            'approval',
            step.id,
            (context) => this.currentCard(run, 'approval', step.id, context),
            true,
          );
        if (step.status === 'awaiting_manual')
          this.postOnce(
            run,
            'manual',
            step.id,
            (context) => this.currentCard(run, 'manual', step.id, context),
            true,
          );
      }
      this.runChanged(run);
      if (FINISHED_RUN_STATUSES.has(run.status))
        this.postOnce(
          run,
          'completion',
          outcomeKey(run),
          (context) => this.completionActivity(run, context),
          true,
        );
    }
  }

  /** Updates every message of the run that shows its state (coalesced per message). */
  runChanged(run: Run): void {
    for (const message of this.options.conversations.messagesOf(run.id)) {
      if (!message.activityId || message.kind === 'completion') continue;
      const kind: RunCardKind = message.kind;
      // A step card whose step the run no longer has (a stale row) is left alone.
      if (kind !== 'run' && !run.steps.some((s) => s.id === message.stepId)) continue;
      const stepId = kind === 'run' ? undefined : message.stepId;
      this.updateCard(
        message.conversationId,
        message.activityId,
        `${run.id}:${kind}:${message.stepId}`,
        async (context) =>
          kind === 'run'
            ? cardOfRun(run, 'run', undefined, '', await this.sharedView(context, run))
            : this.currentCard(run, kind, stepId, context),
      );
    }
  }

  /** Replaces a posted card for everyone (coalesced: a later update of the same key wins). */
  updateCard(
    conversationId: string,
    activityId: string,
    key: string,
    build: (context: TurnContext) => AdaptiveCard | Promise<AdaptiveCard>,
  ): void {
    this.queue.update(conversationId, key, () =>
      this.continue(conversationId, async (context) => {
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(await build(context)));
        activity.id = activityId;
        await context.updateActivity(activity);
      }),
    );
  }

  private postOnce(
    run: Run,
    kind: CardKind,
    stepId: string,
    build: (context: TurnContext) => Promise<AdaptiveCard | Partial<import('botbuilder').Activity>>,
    recovering = false,
  ): void {
    const { conversations } = this.options;
    const conversationId = conversations.conversationOf(run.id);
    if (!conversationId) return;
    const claimed = conversations.claimMessage(run.id, kind, stepId, conversationId);
    if (!claimed) {
      // Already posted, or (after a crash) claimed but never confirmed: resend only when recovering.
      const existing = conversations.messagesOf(run.id).find((m) => m.kind === kind && m.stepId === stepId);
      if (!recovering || !existing || existing.activityId) return;
    }
    this.queue.send(conversationId, () =>
      this.continue(conversationId, async (context) => {
        const built = await build(context);
        const activity =
          'type' in built && built.type === 'AdaptiveCard'
            ? MessageFactory.attachment(CardFactory.adaptiveCard(built))
            : (built as Partial<import('botbuilder').Activity>);
        const response = await context.sendActivity(activity);
        if (response?.id) conversations.setActivityId(run.id, kind, stepId, response.id);
      }),
    );
  }

  private postText(run: Run, text: string): void {
    const conversationId = this.options.conversations.conversationOf(run.id);
    if (!conversationId) return;
    this.queue.send(conversationId, () =>
      this.continue(conversationId, async (context) => {
        await context.sendActivity(MessageFactory.text(text));
      }),
    );
  }

  /** A step card from the stored run (fresher than the event's snapshot by the time it is sent). */
  private async currentCard(
    run: Run,
    kind: RunCardKind,
    stepId: string | undefined,
    context: TurnContext,
  ): Promise<AdaptiveCard> {
    const current = (await this.options.engine.get(run.id)) ?? run;
    return cardOfRun(current, kind, stepId, '', await this.sharedView(context, current));
  }

  /** The shared copy's view: who gets a personal view through refresh (roster and roles). */
  private async sharedView(context: TurnContext, run: Run): Promise<CardView | undefined> {
    return this.options.views?.shared(context, run);
  }

  /** The one completion message: the @mention and the outcome in one card, linking to the run card. */
  private async completionActivity(run: Run, context: TurnContext): Promise<AdaptiveCard> {
    const current = (await this.options.engine.get(run.id)) ?? run;
    const runMessage = this.options.conversations
      .messagesOf(run.id)
      .find((m) => m.kind === 'run' && m.activityId);
    const link = runMessage?.activityId
      ? messageLink({
          conversationId: runMessage.conversationId,
          activityId: runMessage.activityId,
          tenantId: context.activity.conversation?.tenantId,
        })
      : undefined;
    return renderCard('completion', completionCardData(current, link ?? ''));
  }

  private async continue(
    conversationId: string,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const reference = this.options.conversations.getReference(conversationId);
    if (!reference) {
      this.options.logger?.warn({ conversationId }, 'no conversation reference; message dropped');
      return;
    }
    this.sendsByConversation.set(conversationId, (this.sendsByConversation.get(conversationId) ?? 0) + 1);
    await this.options.adapter.continueConversationAsync(
      this.options.botId,
      reference as ConversationReference,
      async (context) => {
        await logic(context);
      },
    );
  }
}

/**
 * One notice per outcome: a failed run that is retried and then succeeds is announced twice (the
 * failure, then the success), a repeated event or a restart never twice for the same outcome.
 */
function outcomeKey(run: Run): string {
  return `${run.status}@${run.rev}`;
}
