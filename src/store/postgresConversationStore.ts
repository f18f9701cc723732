// PostgreSQL implementation of the ConversationStore: the same tables as SQLite, shared by every
// replica, so a claim, a send budget or a card-update claim holds for the bot as a whole.
import type { ConversationReference } from 'botbuilder';
import type { Pool } from 'pg';
import type { CardKind, ConversationStore, RunCards, RunMessage } from './conversationStore';
import { migratePostgres } from './postgresDatabase';
import { RESERVE_SEND_FUNCTION, reserveSend } from './postgresReserveSend';
import type { RateWindow } from './sendBudget';
import { CONVERSATION_SCHEMA, MESSAGE_CLAIMS_SCHEMA, SEND_BUDGET_SCHEMA, STATUS_CARD_SCHEMA } from './schema';

/**
 * Two pools, as the run store (postgresRunStore.ts): what a card action waits on (the turn's
 * conversation reference, binding the clicked card to its run) goes through `commands`, so a click
 * never queues behind the notifier's reads and claims on `pool`.
 */
export class PostgresConversationStore implements ConversationStore {
  private constructor(
    private readonly pool: Pool,
    private readonly commands: Pool,
  ) {}

  static async open(pool: Pool, commands: Pool = pool): Promise<PostgresConversationStore> {
    await migratePostgres(pool, 'conversations-1', CONVERSATION_SCHEMA);
    await migratePostgres(pool, 'conversations-2-status-cards', STATUS_CARD_SCHEMA);
    await migratePostgres(pool, 'conversations-3-send-budget', SEND_BUDGET_SCHEMA);
    await migratePostgres(pool, 'conversations-4-message-claims', MESSAGE_CLAIMS_SCHEMA);
    await migratePostgres(pool, 'conversations-5-reserve-send-function', RESERVE_SEND_FUNCTION);
    return new PostgresConversationStore(pool, commands);
  }

  async saveReference(reference: Partial<ConversationReference>): Promise<void> {
    const id = reference.conversation?.id;
    if (!id) return;
    await this.commands.query(
      `INSERT INTO conversations (conversation_id, reference, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
      [id, JSON.stringify(reference), new Date().toISOString()],
    );
  }

  async getReference(conversationId: string): Promise<Partial<ConversationReference> | null> {
    const result = await this.pool.query<{ reference: string }>(
      'SELECT reference FROM conversations WHERE conversation_id = $1',
      [conversationId],
    );
    return result.rows[0] ? (JSON.parse(result.rows[0].reference) as Partial<ConversationReference>) : null;
  }

  async claimMessage(
    runId: string,
    kind: CardKind,
    stepId: string,
    conversationId: string,
    replica = 'local',
  ): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO run_messages (run_id, kind, step_id, conversation_id, activity_id, created_at, claimed_by)
       VALUES ($1, $2, $3, $4, NULL, $5, $6) ON CONFLICT DO NOTHING`,
      [runId, kind, stepId, conversationId, new Date().toISOString(), replica],
    );
    return result.rowCount === 1;
  }

  async takeOverClaim(runId: string, kind: CardKind, stepId: string, replica: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE run_messages SET claimed_by = $1
       WHERE run_id = $2 AND kind = $3 AND step_id = $4 AND activity_id IS NULL`,
      [replica, runId, kind, stepId],
    );
    return result.rowCount === 1;
  }

  async holdsClaim(runId: string, kind: CardKind, stepId: string, replica: string): Promise<boolean> {
    const result = await this.pool.query(
      `SELECT 1 FROM run_messages
       WHERE run_id = $1 AND kind = $2 AND step_id = $3 AND activity_id IS NULL AND claimed_by = $4`,
      [runId, kind, stepId, replica],
    );
    return result.rowCount === 1;
  }

  async bindMessage(
    runId: string,
    kind: CardKind,
    stepId: string,
    conversationId: string,
    activityId: string,
  ): Promise<void> {
    await this.commands.query(
      `INSERT INTO run_messages (run_id, kind, step_id, conversation_id, activity_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (run_id, kind, step_id) DO NOTHING`,
      [runId, kind, stepId, conversationId, activityId, new Date().toISOString()],
    );
  }

  async setActivityId(runId: string, kind: CardKind, stepId: string, activityId: string): Promise<void> {
    await this.pool.query(
      'UPDATE run_messages SET activity_id = $1 WHERE run_id = $2 AND kind = $3 AND step_id = $4',
      [activityId, runId, kind, stepId],
    );
  }

  async releaseClaim(runId: string, kind: CardKind, stepId: string): Promise<void> {
    await this.pool.query(
      'DELETE FROM run_messages WHERE run_id = $1 AND kind = $2 AND step_id = $3 AND activity_id IS NULL',
      [runId, kind, stepId],
    );
  }

  async messagesOf(runId: string): Promise<RunMessage[]> {
    const result = await this.pool.query<{
      run_id: string;
      kind: CardKind;
      step_id: string;
      conversation_id: string;
      activity_id: string | null;
    }>(
      'SELECT run_id, kind, step_id, conversation_id, activity_id FROM run_messages WHERE run_id = $1 ORDER BY created_at',
      [runId],
    );
    return result.rows.map((row) => ({
      runId: row.run_id,
      kind: row.kind,
      stepId: row.step_id,
      conversationId: row.conversation_id,
      activityId: row.activity_id,
    }));
  }

  async conversationOf(runId: string): Promise<string | null> {
    const result = await this.commands.query<{ conversation_id: string }>(
      "SELECT conversation_id FROM run_messages WHERE run_id = $1 AND kind = 'run' AND step_id = ''",
      [runId],
    );
    return result.rows[0]?.conversation_id ?? null;
  }

  async bindStatusCard(runId: string, conversationId: string, activityId: string): Promise<void> {
    await this.commands.query(
      `INSERT INTO status_cards (run_id, conversation_id, activity_id, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (run_id, conversation_id) DO UPDATE SET activity_id = excluded.activity_id, updated_at = excluded.updated_at`,
      [runId, conversationId, activityId, new Date().toISOString()],
    );
  }

  /** One round trip for both (the notifier reads them on every change of a run). */
  async cardsOf(runId: string): Promise<RunCards> {
    const result = await this.pool.query<{
      source: 'message' | 'status';
      kind: CardKind | null;
      step_id: string | null;
      conversation_id: string;
      activity_id: string | null;
    }>(
      `SELECT 'message' AS source, kind, step_id, conversation_id, activity_id, created_at AS at
         FROM run_messages WHERE run_id = $1
       UNION ALL
       SELECT 'status', NULL, NULL, conversation_id, activity_id, updated_at FROM status_cards WHERE run_id = $1
       ORDER BY at`,
      [runId],
    );
    const cards: RunCards = { messages: [], statusCards: [] };
    for (const row of result.rows) {
      if (row.source === 'message') {
        cards.messages.push({
          runId,
          kind: row.kind as CardKind,
          stepId: row.step_id as string,
          conversationId: row.conversation_id,
          activityId: row.activity_id,
        });
      } else {
        cards.statusCards.push({
          runId,
          conversationId: row.conversation_id,
          activityId: row.activity_id as string,
        });
      }
    }
    return cards;
  }

  async reserveSend(conversationId: string, limits: readonly RateWindow[], replica: string): Promise<number> {
    return reserveSend(this.pool, conversationId, limits, replica);
  }

  async claimCardUpdate(cardKey: string, version: number, replica: string): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO card_updates (card_key, version, replica, at_ms) VALUES ($1, $2, $3, $4)
       ON CONFLICT (card_key) DO UPDATE SET version = excluded.version, replica = excluded.replica, at_ms = excluded.at_ms
       WHERE card_updates.version < excluded.version
            OR (card_updates.version = excluded.version AND card_updates.replica = excluded.replica)`,
      [cardKey, version, replica, Date.now()],
    );
    return result.rowCount === 1;
  }
}
