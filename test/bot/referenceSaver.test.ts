import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConversationReference } from 'botbuilder';
import { openDatabase, type Db } from '../../src/store/database';
import { SqliteConversationStore } from '../../src/store/sqliteConversationStore';
import { referenceSaver } from '../../src/bot/referenceSaver';

// A turn's conversation reference reaches the store (a real SQLite file) only when it changed.
describe('the conversation reference of each turn', () => {
  let db: Db;
  let store: SqliteConversationStore;
  let writes: number;
  let save: ReturnType<typeof referenceSaver>;
  beforeEach(() => {
    db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'refs-')), 'bot.sqlite'));
    store = new SqliteConversationStore(db);
    writes = 0;
    save = referenceSaver({
      saveReference: (reference) => {
        writes += 1;
        return store.saveReference(reference);
      },
    });
  });
  afterEach(() => db.close());

  const reference = (conversationId: string, serviceUrl = 'https://smba.trafficmanager.net/amer/') =>
    ({
      conversation: { id: conversationId },
      serviceUrl,
      channelId: 'msteams',
    }) as Partial<ConversationReference>;

  it('is written once while it stays the same (whatever the turn), and again when it changes', async () => {
    await save({ ...reference('19:a@thread.tacv2'), activityId: 'turn-1' });
    await save({ ...reference('19:a@thread.tacv2'), activityId: 'turn-2' });
    expect(writes).toBe(1);
    await save(reference('19:a@thread.tacv2', 'https://smba.trafficmanager.net/emea/'));
    expect(writes).toBe(2);
    expect(await store.getReference('19:a@thread.tacv2')).toMatchObject({
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
    });
    await save(reference('19:b@thread.tacv2'));
    expect(writes).toBe(3);
    expect(await store.getReference('19:b@thread.tacv2')).toMatchObject({
      conversation: { id: '19:b@thread.tacv2' },
    });
  });

  it('is written again after the store refused it', async () => {
    let refuse = true;
    const flaky = referenceSaver({
      saveReference: async (r) => {
        if (refuse) throw new Error('store down');
        await store.saveReference(r);
      },
    });
    await expect(flaky(reference('19:c@thread.tacv2'))).rejects.toThrow('store down');
    refuse = false;
    await flaky(reference('19:c@thread.tacv2'));
    expect(await store.getReference('19:c@thread.tacv2')).not.toBeNull();
  });
});
