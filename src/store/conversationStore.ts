import type { ConversationReference } from 'botbuilder';
import { migrate, type Db } from './database';

// Where the bot talks about a run: the conversation references it sends through proactively, and
// the messages (run card, approval cards, manual-step cards, completion notice) it posted for each
// run, so it can update them in place after a restart and never post one twice.

export type CardKind = 'run' | 'approval' | 'manual' | 'completion';

export interface RunMessage {
  runId: string;
  kind: CardKind;
  /** Empty for the run card and the completion notice; the step's id otherwise. */
  stepId: string;
  conversationId: string;
  /** Null until the connector answered with the id (a send in flight). */
  activityId: string | null;
}

export class ConversationStore {
  constructor(private readonly db: Db) {
    migrate(
      db,
      'conversations-1',
      `CREATE TABLE conversations (
         conversation_id TEXT PRIMARY KEY,
         reference TEXT NOT NULL,
         updated_at TEXT NOT NULL
       );
       CREATE TABLE run_messages (
         run_id TEXT NOT NULL,
         kind TEXT NOT NULL,
         step_id TEXT NOT NULL DEFAULT '',
         conversation_id TEXT NOT NULL,
         activity_id TEXT,
         created_at TEXT NOT NULL,
         PRIMARY KEY (run_id, kind, step_id)
       );`,
    );
  }

  saveReference(reference: Partial<ConversationReference>): void {
    const id = reference.conversation?.id;
    if (!id) return;
    this.db
      .prepare(
        `INSERT INTO conversations (conversation_id, reference, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(conversation_id) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
      )
      .run(id, JSON.stringify(reference), new Date().toISOString());
  }

  getReference(conversationId: string): Partial<ConversationReference> | null {
    const row = this.db
      .prepare('SELECT reference FROM conversations WHERE conversation_id = ?')
      .get(conversationId) as { reference: string } | undefined;
    return row ? (JSON.parse(row.reference) as Partial<ConversationReference>) : null;
  }

  /**
   * Claims the right to post a message of this kind for the run: true the first time only, so a
   * repeated event or a restart never posts the same card twice.
   */
  claimMessage(runId: string, kind: CardKind, stepId: string, conversationId: string): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO run_messages (run_id, kind, step_id, conversation_id, activity_id, created_at)
         VALUES (?, ?, ?, ?, NULL, ?)`,
      )
      .run(runId, kind, stepId, conversationId, new Date().toISOString());
    return result.changes === 1;
  }

  /** Records a message that already exists (the confirmation card that became the run card). */
  bindMessage(
    runId: string,
    kind: CardKind,
    stepId: string,
    conversationId: string,
    activityId: string,
  ): void {
    this.db
      .prepare(
        `INSERT INTO run_messages (run_id, kind, step_id, conversation_id, activity_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(run_id, kind, step_id) DO UPDATE SET activity_id = excluded.activity_id`,
      )
      .run(runId, kind, stepId, conversationId, activityId, new Date().toISOString());
  }

  setActivityId(runId: string, kind: CardKind, stepId: string, activityId: string): void {
    this.db
      .prepare('UPDATE run_messages SET activity_id = ? WHERE run_id = ? AND kind = ? AND step_id = ?')
      .run(activityId, runId, kind, stepId);
  }

  /** Forgets a claim whose send failed for good, so a later event may try again. */
  releaseClaim(runId: string, kind: CardKind, stepId: string): void {
    this.db
      .prepare(
        'DELETE FROM run_messages WHERE run_id = ? AND kind = ? AND step_id = ? AND activity_id IS NULL',
      )
      .run(runId, kind, stepId);
  }

  messagesOf(runId: string): RunMessage[] {
    const rows = this.db
      .prepare(
        'SELECT run_id, kind, step_id, conversation_id, activity_id FROM run_messages WHERE run_id = ? ORDER BY created_at',
      )
      .all(runId) as Array<{
      run_id: string;
      kind: CardKind;
      step_id: string;
      conversation_id: string;
      activity_id: string | null;
    }>;
    return rows.map((row) => ({
      runId: row.run_id,
      kind: row.kind,
      stepId: row.step_id,
      conversationId: row.conversation_id,
      activityId: row.activity_id,
    }));
  }

  /** The conversation a run reports to (where its run card lives). */
  conversationOf(runId: string): string | null {
    const row = this.db
      .prepare("SELECT conversation_id FROM run_messages WHERE run_id = ? AND kind = 'run' AND step_id = ''")
      .get(runId) as { conversation_id: string } | undefined;
    return row?.conversation_id ?? null;
  }
}
