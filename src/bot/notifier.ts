import {
  CardFactory,
  MessageFactory,
  type CloudAdapter,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import { FINISHED_RUN_STATUSES, type Run } from '../engine/engineApi';
import type { CardKind } from '../store/conversationStore';
import type { Logger } from '../log';
import { SendQueue, type SendQueueOptions } from './sendQueue';
import type { AdaptiveCard } from './cards/renderCard';
import type { RunCardKind } from './views/cardOfMessage';
import { NotifierCards, type NotifierCardsOptions } from './notifierCards';
import { shortId } from './views/format';
import { LongStepTicker } from './longStepTicker';
import { LatestPerKey } from './latestPerKey';
import { inBackground } from '../foreground';

// Turns engine events into proactive Teams messages through the conversation references kept in the
// store: the run card updated in place, an approval card and a manual-step card posted once per
// step, a completion notice posted once per run. All sends go through the per-conversation queue.

/** Least time between two refreshes of one run's cards (each reads the run's messages first). */
export const REFRESH_GAP_MS = 250;

export interface NotifierOptions extends NotifierCardsOptions {
  adapter: CloudAdapter;
  botId: string;
  logger?: Logger;
  queue?: SendQueueOptions;
  /** This replica's name in the store's send budget and card-update claims. */
  replicaId?: string;
}

export class Notifier {
  readonly queue: SendQueue;
  /** Proactive calls made, per conversation (for the benchmarks). */
  readonly sendsByConversation = new Map<string, number>();
  /**
   * The card last sent per updated message (by key): a card that did not change is not sent again.
   * Steps run side by side, so a run changes often; every change used to re-send every card of it.
   */
  private readonly lastSent = new Map<string, string>();
  /** This replica's name (`replicaId`): the holder of the messages it claims. */
  private readonly replica: string;
  /** Re-renders the run card of a long step once a minute (elapsed time, the service's status). */
  readonly ticker: LongStepTicker;
  /** The cards the notifier posts and updates, built at send time. */
  private readonly cards: NotifierCards;
  /** The newest change of each run waiting for its cards' refresh; `again` holds if any asked it. */
  private readonly changes: LatestPerKey<{ run: Run; again: boolean }>;

  constructor(private readonly options: NotifierOptions) {
    this.replica = options.replicaId ?? 'local';
    this.changes = new LatestPerKey<{ run: Run; again: boolean }>(
      (change) => this.refreshCards(change),
      (queued, later) => ({
        run: later.run.rev >= queued.run.rev ? later.run : queued.run,
        again: queued.again || later.again,
      }),
      // A run changes many times a second while its steps run, and Teams gets each card at most once
      // per update interval: one refresh per REFRESH_GAP_MS is all the cards can show.
      Math.min(REFRESH_GAP_MS, options.queue?.updateIntervalMs ?? REFRESH_GAP_MS),
    );
    this.cards = new NotifierCards(options);
    this.ticker = new LongStepTicker({
      load: (runId) => options.engine.get(runId),
      rerender: (run) => void inBackground(() => this.runChanged(run, true)).catch(() => undefined),
      now: () => options.clock.now().getTime(),
    });
    // Teams counts sends per bot and conversation: the budget lives in the store, shared by replicas.
    this.queue = new SendQueue({
      clock: options.clock,
      logger: options.logger,
      budget: (conversationId, limits) =>
        options.conversations.reserveSend(conversationId, limits, this.replica),
      ...options.queue,
    });
  }

  /** Subscribes to the engine; call once before `engine.resume()`. */
  attach(): void {
    const { engine } = this.options;
    engine.on('run.updated', ({ run }) => this.settle(() => this.runChanged(run)));
    engine.on('approval.requested', ({ run, step }) =>
      this.settle(() =>
        this.postOnce(run, 'approval', step.id, (context) =>
          this.cards.current(run, 'approval', step.id, context),
        ),
      ),
    );
    engine.on('manual.requested', ({ run, step }) =>
      this.settle(() =>
        this.postOnce(run, 'manual', step.id, (context) =>
          this.cards.current(run, 'manual', step.id, context),
        ),
      ),
    );
    engine.on('approval.reminder', ({ run, step }) =>
      this.settle(() =>
        this.postText(
          run,
          `Reminder: the approval of "${step.title}" for run ${shortId(run.id)} expires at ${step.approval?.expiresAt ?? 'soon'}.`,
        ),
      ),
    );
    engine.on('approval.expired', ({ run, step }) =>
      this.settle(() =>
        this.postText(
          run,
          `The approval of "${step.title}" for run ${shortId(run.id)} expired without a decision; the step did not run.`,
        ),
      ),
    );
    engine.on('run.finished', ({ run }) =>
      this.settle(async () => {
        await this.runChanged(run);
        await this.postOnce(run, 'completion', outcomeKey(run), (context) =>
          this.cards.completion(run, context),
        );
      }),
    );
  }

  /** After a restart: deliver what a crash may have swallowed (cards, the completion notice). */
  async recover(): Promise<void> {
    for (const run of await this.options.engine.list({ limit: 500 })) {
      if (!(await this.options.conversations.conversationOf(run.id))) continue;
      for (const step of run.steps) {
        if (step.status === 'awaiting_approval')
          await this.postOnce(
            run,
            'approval',
            step.id,
            (context) => this.cards.current(run, 'approval', step.id, context),
            true,
          );
        if (step.status === 'awaiting_manual')
          await this.postOnce(
            run,
            'manual',
            step.id,
            (context) => this.cards.current(run, 'manual', step.id, context),
            true,
          );
      }
      await this.runChanged(run);
      if (FINISHED_RUN_STATUSES.has(run.status))
        await this.postOnce(
          run,
          'completion',
          outcomeKey(run),
          (context) => this.cards.completion(run, context),
          true,
        );
    }
  }

  /**
   * Updates every message of the run that shows its state (coalesced per message; changes that come
   * while the run's messages are being read merge into one more read, src/bot/latestPerKey.ts).
   */
  runChanged(run: Run, again = false): Promise<void> {
    return this.changes.run(run.id, { run, again });
  }

  private async refreshCards({ run, again }: { run: Run; again: boolean }): Promise<void> {
    // `again`: send even a version already sent (the clicker's copy was replaced by an answer).
    const version = again ? undefined : run.rev;
    const { conversations } = this.options;
    this.ticker.rendered(run);
    const cards = await conversations.cardsOf(run.id);
    for (const status of cards.statusCards) {
      this.updateCard(
        status.conversationId,
        status.activityId,
        `${run.id}:status:${status.conversationId}`,
        async (context) => this.cards.sharedRun(run, context),
        version,
      );
    }
    for (const message of cards.messages) {
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
            ? this.cards.sharedRun(run, context)
            : this.cards.current(run, kind, stepId, context),
        version,
      );
    }
  }

  /**
   * Replaces a posted card for everyone (coalesced: a later update of the same key wins). With the
   * run's `version` (rev), the update is first claimed in the store: a version another replica (or
   * this one) already sent, or one older than it, is not sent again.
   */
  updateCard(
    conversationId: string,
    activityId: string,
    key: string,
    build: (context: TurnContext) => AdaptiveCard | Promise<AdaptiveCard>,
    version?: number,
  ): void {
    // The card is built in the continuation: its shared view reads the roster through that turn.
    this.queue.update(conversationId, key, (reserve) =>
      this.continue(conversationId, async (context) => {
        const card = await build(context);
        const text = JSON.stringify(card);
        // Steps run side by side, so a run changes often: a card that did not change is not sent again.
        if (this.lastSent.get(key) === text) return 'skipped';
        if (version !== undefined) {
          const claimed = await this.options.conversations.claimCardUpdate(
            `${key}@${activityId}`,
            version,
            this.options.replicaId ?? 'local',
          );
          if (!claimed) return 'skipped';
        }
        await reserve();
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
        activity.id = activityId;
        this.countSend(conversationId);
        await context.updateActivity(activity);
        this.lastSent.set(key, text);
      }),
    );
  }

  /**
   * After a click was answered: the answer replaced the clicker's copy of that card, so the cards of
   * the run are sent again even if unchanged since the last update (any pending update merges).
   */
  refreshAfterAnswer(run: Run): void {
    for (const key of this.lastSent.keys()) if (key.startsWith(`${run.id}:`)) this.lastSent.delete(key);
    void inBackground(() => this.runChanged(run, true)).catch(() => undefined);
  }

  private async postOnce(
    run: Run,
    kind: CardKind,
    stepId: string,
    build: (context: TurnContext) => Promise<AdaptiveCard | Partial<import('botbuilder').Activity>>,
    recovering = false,
  ): Promise<void> {
    const { conversations } = this.options;
    const conversationId = await conversations.conversationOf(run.id);
    if (!conversationId) return;
    const claimed = await conversations.claimMessage(run.id, kind, stepId, conversationId, this.replica);
    // Already posted, or claimed but not confirmed: only the recovery after a restart takes such a
    // claim over (its claimer crashed, or is slow: then it finds the claim gone before it sends).
    if (!claimed && !(recovering && (await conversations.takeOverClaim(run.id, kind, stepId, this.replica))))
      return;
    this.queue.send(conversationId, () =>
      this.continue(conversationId, async (context) => {
        if (!(await conversations.holdsClaim(run.id, kind, stepId, this.replica))) return 'skipped';
        const built = await build(context);
        const activity =
          'type' in built && built.type === 'AdaptiveCard'
            ? MessageFactory.attachment(CardFactory.adaptiveCard(built))
            : (built as Partial<import('botbuilder').Activity>);
        this.countSend(conversationId);
        const response = await context.sendActivity(activity);
        if (response?.id) await conversations.setActivityId(run.id, kind, stepId, response.id);
      }),
    );
  }

  private async postText(run: Run, text: string): Promise<void> {
    const conversationId = await this.options.conversations.conversationOf(run.id);
    if (!conversationId) return;
    this.queue.send(conversationId, () =>
      this.continue(conversationId, async (context) => {
        this.countSend(conversationId);
        await context.sendActivity(MessageFactory.text(text));
      }),
    );
  }

  /**
   * Event handlers cannot await: a failed store read is logged, never an unhandled rejection. The
   * work is background work (src/foreground.ts): an event a click's command emits does not make its
   * card refresh compete with the clicks.
   */
  private settle(work: () => Promise<void>): void {
    inBackground(work).catch((error: unknown) =>
      this.options.logger?.error({ err: (error as Error).message }, 'notifier could not read the store'),
    );
  }

  private countSend(conversationId: string): void {
    this.sendsByConversation.set(conversationId, (this.sendsByConversation.get(conversationId) ?? 0) + 1);
  }

  /** Runs `logic` in a proactive turn of the conversation; 'skipped' when it sent nothing. */
  private async continue(
    conversationId: string,
    logic: (context: TurnContext) => Promise<void | 'skipped'>,
  ): Promise<void | 'skipped'> {
    const reference = await this.options.conversations.getReference(conversationId);
    if (!reference) {
      this.options.logger?.warn({ conversationId }, 'no conversation reference; message dropped');
      return;
    }
    let outcome: void | 'skipped' = undefined;
    await this.options.adapter.continueConversationAsync(
      this.options.botId,
      reference as ConversationReference,
      async (context) => {
        outcome = await logic(context);
      },
    );
    return outcome;
  }
}

/**
 * One notice per outcome: a failed run that is retried and then succeeds is announced twice (the
 * failure, then the success), a repeated event or a restart never twice for the same outcome.
 */
function outcomeKey(run: Run): string {
  return `${run.status}@${run.rev}`;
}
