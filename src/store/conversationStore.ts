// Where the bot talks about a run: the conversation references it sends through proactively, the
// messages (run card, approval cards, manual-step cards, completion notice) it posted for each run,
// so it can update them in place after a restart and never post one twice, the status cards that
// follow a run, and what keeps all replicas together within Teams' send limits. Implemented by
// SqliteConversationStore (embedded default) and PostgresConversationStore (DATABASE_URL).
import type { ConversationReference } from 'botbuilder';
import type { RateWindow } from './sendBudget';

export type { RateWindow } from './sendBudget';

export type CardKind = 'run' | 'approval' | 'manual' | 'completion';

export interface RunMessage {
  runId: string;
  kind: CardKind;
  /** Empty for the run card; the step's id, or the outcome key of a completion notice. */
  stepId: string;
  conversationId: string;
  /** Null until the connector answered with the id (a send in flight). */
  activityId: string | null;
}

/** A "status" answer that follows its run: one per run and conversation, the newest. */
export interface StatusCard {
  runId: string;
  conversationId: string;
  activityId: string;
}

export interface RunCards {
  messages: RunMessage[];
  statusCards: StatusCard[];
}

export interface ConversationStore {
  saveReference(reference: Partial<ConversationReference>): Promise<void>;
  getReference(conversationId: string): Promise<Partial<ConversationReference> | null>;
  /**
   * Claims the right to post a message of this kind for the run: true the first time only, so a
   * repeated event, a restart or another replica never posts the same card twice.
   */
  claimMessage(
    runId: string,
    kind: CardKind,
    stepId: string,
    conversationId: string,
    replica?: string,
  ): Promise<boolean>;
  /**
   * Takes a claim not yet confirmed (no activity id) over to `replica`, for the recovery after a
   * restart: true when taken (the claimer then no longer holds it).
   */
  takeOverClaim(runId: string, kind: CardKind, stepId: string, replica: string): Promise<boolean>;
  /** Whether `replica` still holds the claim and it is unconfirmed: checked right before sending. */
  holdsClaim(runId: string, kind: CardKind, stepId: string, replica: string): Promise<boolean>;
  /**
   * Records a message that already exists (the confirmation card that became the run card), unless
   * the run already has one of this kind and step: the first binding stands.
   */
  bindMessage(
    runId: string,
    kind: CardKind,
    stepId: string,
    conversationId: string,
    activityId: string,
  ): Promise<void>;
  setActivityId(runId: string, kind: CardKind, stepId: string, activityId: string): Promise<void>;
  /** Forgets a claim whose send failed for good, so a later event may try again. */
  releaseClaim(runId: string, kind: CardKind, stepId: string): Promise<void>;
  messagesOf(runId: string): Promise<RunMessage[]>;
  /** The conversation a run reports to (where its run card lives). */
  conversationOf(runId: string): Promise<string | null>;
  /** The newest status card of the run in that conversation replaces the older one. */
  bindStatusCard(runId: string, conversationId: string, activityId: string): Promise<void>;
  /**
   * Every card that shows the run's state, read together (the notifier reads them on every change
   * of a run): its posted messages (as `messagesOf`) and its status cards, each oldest first.
   */
  cardsOf(runId: string): Promise<RunCards>;
  /**
   * Reserves one send in the conversation if it fits every window of `limits` counting the sends of
   * all replicas: 0 when reserved (recorded), otherwise the milliseconds to wait before asking again.
   */
  reserveSend(conversationId: string, limits: readonly RateWindow[], replica: string): Promise<number>;
  /**
   * Claims sending `version` of a card's in-place update: true for a version newer than any claimed
   * before (or the same one, to the replica that claimed it: its retries), so one update is never
   * sent by two replicas and an older one never follows a newer one.
   */
  claimCardUpdate(cardKey: string, version: number, replica: string): Promise<boolean>;
}
