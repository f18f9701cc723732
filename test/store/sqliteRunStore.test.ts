import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Run } from '../../src/engine/model';
import { openDatabase } from '../../src/store/database';
import { SqliteRunStore } from '../../src/store/sqliteRunStore';

function run(id: string, lockKey: string, status: Run['status'] = 'running'): Run {
  const at = '2025-01-06T09:00:00.000Z';
  return {
    id,
    scenario: 'new-new',
    input: {
      scenario: 'new-new',
      financeOpsApp: 'finance-and-operations',
      financeOpsName: 'fo-a',
      dataverseName: 'dv-a',
    },
    status,
    rev: 1,
    requestedBy: { id: 'alice', name: 'Alice' },
    lockKey,
    createdAt: at,
    updatedAt: at,
    steps: [],
  };
}

describe('SqliteRunStore', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runstore-')), 'runs.sqlite');
  const db = openDatabase(file);
  const store = new SqliteRunStore(db);
  afterAll(() => db.close());

  it('creates a run once per request key and refuses a second active run for the same pair', () => {
    expect(
      store.create(run('r1', 'pair-1'), 'key-1', [{ at: 'now', actor: null, action: 'run.started' }]),
    ).toMatchObject({ ok: true, created: true });
    expect(store.create(run('r1b', 'pair-1'), 'key-1', [])).toMatchObject({
      ok: true,
      created: false,
      run: { id: 'r1' },
    });
    const locked = store.create(run('r2', 'pair-1'), 'key-2', []);
    expect(locked).toMatchObject({ ok: false, reason: 'locked', holder: { id: 'r1' } });
    expect(store.get('r2')).toBeNull();
  });

  it('locks each environment of the pair: the same Dataverse with another F&O waits, other pairs do not', () => {
    const store = new SqliteRunStore(
      openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'locks-')), 'runs.sqlite')),
    );
    expect(store.create(run('p1', 'fo=url:https://a-fo|dv=url:https://x.crm'), 'k-p1', [])).toMatchObject({
      ok: true,
    });
    expect(store.create(run('p2', 'fo=url:https://b-fo|dv=url:https://x.crm'), 'k-p2', [])).toMatchObject({
      ok: false,
      reason: 'locked',
      holder: { id: 'p1' },
    });
    expect(store.create(run('p3', 'fo=url:https://a-fo|dv=name:new-dv'), 'k-p3', [])).toMatchObject({
      ok: false,
      holder: { id: 'p1' },
    });
    expect(store.create(run('p4', 'fo=url:https://c-fo|dv=url:https://y.crm'), 'k-p4', [])).toMatchObject({
      ok: true,
    });
  });

  it('updates in one transaction with a rev bump and audit, and releases the lock when the run ends', () => {
    const result = store.update('r1', (current) => ({
      run: { ...current, status: 'cancelled' },
      audit: [{ at: 'later', actor: { id: 'bob', name: 'Bob' }, action: 'cancel' }],
    }));
    expect(result).toMatchObject({ changed: true, run: { rev: 2, status: 'cancelled' } });
    expect(store.update('r1', () => null)).toMatchObject({ changed: false, run: { rev: 2 } });
    expect(store.audit('r1').map((a) => a.action)).toEqual(['run.started', 'cancel']);
    expect(store.audit('r1')[1].actor).toEqual({ id: 'bob', name: 'Bob' });
    expect(store.create(run('r3', 'pair-1'), 'key-3', [])).toMatchObject({ ok: true, created: true });
    expect(store.listUnfinished().map((r) => r.id)).toEqual(['r3']);
    expect(store.list({ status: ['cancelled'] }).map((r) => r.id)).toEqual(['r1']);
  });

  it('a failed mutation rolls back and survives reopening the file', () => {
    expect(() =>
      store.update('r3', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const reopened = new SqliteRunStore(openDatabase(file));
    expect(reopened.get('r3')).toMatchObject({ rev: 1, status: 'running' });
  });
});
