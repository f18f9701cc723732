import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './support/runFixture';
import { openDatabase, type Db } from '../../src/store/database';
import { SqliteRunStore } from '../../src/store/sqliteRunStore';

describe('SqliteRunStore', () => {
  // Each case gets its own file and makes the runs it needs.
  let file: string;
  let db: Db;
  let store: SqliteRunStore;
  beforeEach(() => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runstore-')), 'runs.sqlite');
    db = openDatabase(file);
    store = new SqliteRunStore(db);
  });
  afterEach(() => db.close());

  it('creates a run once per request key and refuses a second active run for the same pair', async () => {
    expect(
      await store.create(run('r1', 'pair-1'), 'key-1', [{ at: 'now', actor: null, action: 'run.started' }]),
    ).toMatchObject({ ok: true, created: true });
    expect(await store.create(run('r1b', 'pair-1'), 'key-1', [])).toMatchObject({
      ok: true,
      created: false,
      run: { id: 'r1' },
    });
    const locked = await store.create(run('r2', 'pair-1'), 'key-2', []);
    expect(locked).toMatchObject({ ok: false, reason: 'locked', holder: { id: 'r1' } });
    expect(await store.get('r2')).toBeNull();
  });

  it('locks each environment of the pair: the same Dataverse with another F&O waits, other pairs do not', async () => {
    expect(
      await store.create(run('p1', 'fo=url:https://a-fo|dv=url:https://x.crm'), 'k-p1', []),
    ).toMatchObject({
      ok: true,
    });
    expect(
      await store.create(run('p2', 'fo=url:https://b-fo|dv=url:https://x.crm'), 'k-p2', []),
    ).toMatchObject({
      ok: false,
      reason: 'locked',
      holder: { id: 'p1' },
    });
    expect(await store.create(run('p3', 'fo=url:https://a-fo|dv=name:new-dv'), 'k-p3', [])).toMatchObject({
      ok: false,
      holder: { id: 'p1' },
    });
    expect(
      await store.create(run('p4', 'fo=url:https://c-fo|dv=url:https://y.crm'), 'k-p4', []),
    ).toMatchObject({
      ok: true,
    });
  });

  it('updates in one transaction with a rev bump and audit, and releases the lock when the run ends', async () => {
    expect(
      await store.create(run('r1', 'pair-1'), 'key-1', [{ at: 'now', actor: null, action: 'run.started' }]),
    ).toMatchObject({ ok: true, created: true });
    const result = await store.update('r1', (current) => ({
      run: { ...current, status: 'cancelled' },
      audit: [{ at: 'later', actor: { id: 'bob', name: 'Bob' }, action: 'cancel' }],
    }));
    expect(result).toMatchObject({ changed: true, run: { rev: 2, status: 'cancelled' } });
    expect(await store.update('r1', () => null)).toMatchObject({ changed: false, run: { rev: 2 } });
    expect((await store.audit('r1')).map((a) => a.action)).toEqual(['run.started', 'cancel']);
    expect((await store.audit('r1'))[1].actor).toEqual({ id: 'bob', name: 'Bob' });
    expect(await store.create(run('r3', 'pair-1'), 'key-3', [])).toMatchObject({ ok: true, created: true });
    expect((await store.listUnfinished()).map((r) => r.id)).toEqual(['r3']);
    expect((await store.list({ status: ['cancelled'] })).map((r) => r.id)).toEqual(['r1']);
  });

  it('a failed mutation rolls back and survives reopening the file', async () => {
    expect(await store.create(run('r3', 'pair-1'), 'key-3', [])).toMatchObject({ ok: true, created: true });
    await expect(
      store.update('r3', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const reopenedDb = openDatabase(file);
    try {
      expect(await new SqliteRunStore(reopenedDb).get('r3')).toMatchObject({ rev: 1, status: 'running' });
    } finally {
      reopenedDb.close();
    }
  });
});
