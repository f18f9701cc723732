// The status-card migration on a SQLite file written by the previous version: status cards that were
// run_messages rows (step_id 'status:<conversation>') move to their own table, nothing else moves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, openDatabase } from '../../src/store/database';
import { CONVERSATION_SCHEMA } from '../../src/store/schema';
import { SqliteConversationStore } from '../../src/store/sqliteConversationStore';

describe('status cards of an older database', () => {
  it('move from run_messages to status_cards when the store opens', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'status-migration-')), 'bot.sqlite');
    const old = openDatabase(file);
    migrate(old, 'conversations-1', CONVERSATION_SCHEMA);
    const insert = old.prepare(
      'INSERT INTO run_messages (run_id, kind, step_id, conversation_id, activity_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    insert.run('run-1', 'run', '', 'c1', 'card-1', '2026-01-01T00:00:00.000Z');
    insert.run('run-1', 'run', 'status:c2', 'c2', 'status-2', '2026-01-01T00:00:01.000Z');
    insert.run('run-1', 'approval', 's1', 'c1', 'approval-1', '2026-01-01T00:00:02.000Z');
    old.close();

    const db = openDatabase(file);
    const store = new SqliteConversationStore(db);
    expect((await store.cardsOf('run-1')).statusCards).toEqual([
      { runId: 'run-1', conversationId: 'c2', activityId: 'status-2' },
    ]);
    expect((await store.messagesOf('run-1')).map((m) => `${m.kind}:${m.stepId}`)).toEqual([
      'run:',
      'approval:s1',
    ]);
    expect(await store.conversationOf('run-1')).toBe('c1');
    db.close();
  });
});
