// SQLite implementation of the ConversationStore (embedded default: one process on one file).
// better-sqlite3 is synchronous; the methods are async only to share the interface with PostgreSQL.
import type { ConversationReference } from 'botbuilder';
import { migrate, type Db } from './database';
import type { CardKind, ConversationStore, RunMessage, RunCards } from './conversationStore';
import { budgetWaitMs, longestWindowMs, type RateWindow } from './sendBudget';
import { CONVERSATION_SCHEMA, MESSAGE_CLAIMS_SCHEMA, SEND_BUDGET_SCHEMA, STATUS_CARD_SCHEMA } from './schema';

interface MessageRow {
  run_id: string;
  kind: CardKind;
  step_id: string;
  conversation_id: string;
  activity_id: string | null;
}

export class SqliteConversationStore implements ConversationStore {
  constructor(private readonly db: Db) {
    migrate(db, 'conversations-1', CONVERSATION_SCHEMA);
    migrate(db, 'conversations-2-status-cards', STATUS_CARD_SCHEMA);
    migrate(db, 'conversations-3-send-budget', SEND_BUDGET_SCHEMA);
    migrate(db, 'conversations-4-message-claims', MESSAGE_CLAIMS_SCHEMA);
  }

  async saveReference(reference: Partial<ConversationReference>): Promise<void> {
    const id = reference.conversation?.id;
    if (!id) return;
    this.db
      .prepare(
        `INSERT INTO conversations (conversation_id, reference, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(conversation_id) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
      )
      .run(id, JSON.stringify(reference), new Date().toISOString());
  }

  async getReference(conversationId: string): Promise<Partial<ConversationReference> | null> {
    const row = this.db
      .prepare('SELECT reference FROM conversations WHERE conversation_id = ?')
      .get(conversationId) as { reference: string } | undefined;
    return row ? (JSON.parse(row.reference) as Partial<ConversationReference>) : null;
  }

  async claimMessage(
    runId: string,
    kind: CardKind,
    stepId: string,
    conversationId: string,
    replica = 'local',
  ): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO run_messages (run_id, kind, step_id, conversation_id, activity_id, created_at, claimed_by)
         VALUES (?, ?, ?, ?, NULL, ?, ?)`,
      )
      .run(runId, kind, stepId, conversationId, new Date().toISOString(), replica);
    return result.changes === 1;
  }

  async takeOverClaim(runId: string, kind: CardKind, stepId: string, replica: string): Promise<boolean> {
    const result = this.db
      .prepare(
        'UPDATE run_messages SET claimed_by = ? WHERE run_id = ? AND kind = ? AND step_id = ? AND activity_id IS NULL',
      )
      .run(replica, runId, kind, stepId);
    return result.changes === 1;
  }

  async holdsClaim(runId: string, kind: CardKind, stepId: string, replica: string): Promise<boolean> {
    const row = this.db
      .prepare(
        'SELECT 1 FROM run_messages WHERE run_id = ? AND kind = ? AND step_id = ? AND activity_id IS NULL AND claimed_by = ?',
      )
      .get(runId, kind, stepId, replica);
    return row !== undefined;
  }

  async bindMessage(
    runId: string,
    kind: CardKind,
    stepId: string,
    conversationId: string,
    activityId: string,
  ): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO run_messages (run_id, kind, step_id, conversation_id, activity_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id, kind, step_id) DO NOTHING`,
      )
      .run(runId, kind, stepId, conversationId, activityId, new Date().toISOString());
  }

  async setActivityId(runId: string, kind: CardKind, stepId: string, activityId: string): Promise<void> {
    this.db
      .prepare('UPDATE run_messages SET activity_id = ? WHERE run_id = ? AND kind = ? AND step_id = ?')
      .run(activityId, runId, kind, stepId);
  }

  async releaseClaim(runId: string, kind: CardKind, stepId: string): Promise<void> {
    this.db
      .prepare(
        'DELETE FROM run_messages WHERE run_id = ? AND kind = ? AND step_id = ? AND activity_id IS NULL',
      )
      .run(runId, kind, stepId);
  }

  async messagesOf(runId: string): Promise<RunMessage[]> {
    const rows = this.db
      .prepare(
        'SELECT run_id, kind, step_id, conversation_id, activity_id FROM run_messages WHERE run_id = ? ORDER BY created_at',
      )
      .all(runId) as MessageRow[];
    return rows.map(toMessage);
  }

  async conversationOf(runId: string): Promise<string | null> {
    const row = this.db
      .prepare("SELECT conversation_id FROM run_messages WHERE run_id = ? AND kind = 'run' AND step_id = ''")
      .get(runId) as { conversation_id: string } | undefined;
    return row?.conversation_id ?? null;
  }

  async bindStatusCard(runId: string, conversationId: string, activityId: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO status_cards (run_id, conversation_id, activity_id, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(run_id, conversation_id) DO UPDATE SET activity_id = excluded.activity_id, updated_at = excluded.updated_at`,
      )
      .run(runId, conversationId, activityId, new Date().toISOString());
  }

  async cardsOf(runId: string): Promise<RunCards> {
    const rows = this.db
      .prepare(
        'SELECT run_id, conversation_id, activity_id FROM status_cards WHERE run_id = ? ORDER BY updated_at',
      )
      .all(runId) as Array<{ run_id: string; conversation_id: string; activity_id: string }>;
    return {
      messages: await this.messagesOf(runId),
      statusCards: rows.map((row) => ({
        runId: row.run_id,
        conversationId: row.conversation_id,
        activityId: row.activity_id,
      })),
    };
  }

  async reserveSend(conversationId: string, limits: readonly RateWindow[], replica: string): Promise<number> {
    // IMMEDIATE: the read and the insert are one decision, even with another connection on the file.
    return this.db
      .transaction((): number => {
        const now = Date.now();
        const since = now - longestWindowMs(limits);
        this.db
          .prepare('DELETE FROM conversation_sends WHERE conversation_id = ? AND at_ms < ?')
          .run(conversationId, since);
        const sentAt = (
          this.db
            .prepare('SELECT at_ms FROM conversation_sends WHERE conversation_id = ? ORDER BY at_ms')
            .all(conversationId) as Array<{ at_ms: number }>
        ).map((row) => Number(row.at_ms));
        const wait = budgetWaitMs(sentAt, limits, now);
        if (wait > 0) return wait;
        this.db
          .prepare('INSERT INTO conversation_sends (conversation_id, at_ms, replica) VALUES (?, ?, ?)')
          .run(conversationId, now, replica);
        return 0;
      })
      .immediate();
  }

  async claimCardUpdate(cardKey: string, version: number, replica: string): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO card_updates (card_key, version, replica, at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT(card_key) DO UPDATE SET version = excluded.version, replica = excluded.replica, at_ms = excluded.at_ms
         WHERE card_updates.version < excluded.version
            OR (card_updates.version = excluded.version AND card_updates.replica = excluded.replica)`,
      )
      .run(cardKey, version, replica, Date.now());
    return result.changes === 1;
  }
}

function toMessage(row: MessageRow): RunMessage {
  return {
    runId: row.run_id,
    kind: row.kind,
    stepId: row.step_id,
    conversationId: row.conversation_id,
    activityId: row.activity_id,
  };
}
