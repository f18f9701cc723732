import type { Pool, PoolClient } from 'pg';
import { openPostgres } from '../../src/store/postgresDatabase';
import { PostgresRunStore } from '../../src/store/postgresRunStore';
import { PostgresRunLeases } from '../../src/store/postgresRunLeases';
import type { Run } from '../../src/engine/model';
import { POSTGRES_SERIAL_KEY, RUN_SCHEMA } from '../../src/store/schema';
import { createTestSchema, type TestSchema } from '../support/postgres/testDatabase';
import { run } from './support/runFixture';

/**
 * Card actions never wait behind the engine's writes: the executor's store and the commands' store
 * are two instances on two pools (openStore.ts), so with every connection of the executor's pool
 * taken (its progress writes), Start, a read and an admin's command still go through; and Start is
 * one statement, locks included; an update is a compare-and-swap.
 */
describe('the PostgreSQL run store under engine load', () => {
  let schema: TestSchema;
  let engine: Pool;
  let commands: Pool;
  let held: PoolClient | undefined;
  beforeEach(async () => {
    schema = await createTestSchema('pools');
    engine = openPostgres({ url: schema.url, max: 1 });
    commands = openPostgres({ url: schema.url, max: 2 });
  });
  afterEach(async () => {
    held?.release();
    held = undefined;
    await Promise.all([engine.end(), commands.end()]);
    await schema.drop();
  });

  it('serves Start, reads and commands while the engine pool is exhausted', async () => {
    await PostgresRunStore.open(engine); // the executor's store
    const store = await PostgresRunStore.open(commands);
    held = await engine.connect(); // the executor's only connection, busy
    const created = await store.create(run('busy', 'fo=a|dv=b'), 'key-busy', [
      { at: 'now', actor: { id: 'u', name: 'U' }, action: 'run.started' },
    ]);
    expect(created).toMatchObject({ ok: true, created: true });
    expect(await store.get('busy')).toMatchObject({ id: 'busy', rev: 1 });
    const cancelled = await store.update('busy', (r) => ({ run: { ...r, status: 'cancelled' } }));
    expect(cancelled).toMatchObject({ changed: true, run: { rev: 2 } });
    expect(await store.audit('busy')).toEqual([
      expect.objectContaining({ action: 'run.started', actor: { id: 'u', name: 'U' } }),
    ]);
  });

  it('Start is one statement: the locks, the checks and the insert in one round trip', async () => {
    const store = await PostgresRunStore.open(commands);
    const sent = countStatements(commands);
    await store.create(run('one', 'fo=c|dv=d'), 'key-one', [
      { at: 'a', actor: null, action: 'run.started' },
      { at: 'b', actor: null, action: 'second' },
    ]);
    expect(sent).toEqual([expect.stringContaining('dwbot_create_run')]);
    // The audit entries keep their order.
    expect((await store.audit('one')).map((e) => e.action)).toEqual(['run.started', 'second']);
    const again = await store.create(run('two', 'fo=c|dv=e'), 'key-two', []);
    expect(again).toMatchObject({ ok: false, reason: 'locked', holder: { id: 'one' } });
  });

  it('a fenced update of a run this replica has not read is two statements: the read, then the write with its lease check and audit', async () => {
    const leases = await PostgresRunLeases.open(commands);
    const store = await PostgresRunStore.open(commands);
    await store.create(run('cas', 'fo=g|dv=h'), 'key-cas', []);
    const fence = (await leases.acquire('cas', 'replica-a', 60_000))!;
    const sent = countStatements(commands);
    const written = await store.update(
      'cas',
      (r) => ({
        run: { ...r, status: 'waiting' },
        audit: [
          { at: 'a', actor: null, action: 'first' },
          { at: 'b', actor: null, action: 'second' },
        ],
      }),
      fence,
    );
    expect(written).toMatchObject({ changed: true, run: { rev: 2, status: 'waiting' } });
    expect(sent).toEqual([
      expect.stringContaining('SELECT body, rev'),
      expect.stringContaining('UPDATE runs'),
    ]);
    expect((await store.audit('cas')).map((e) => e.action)).toEqual(['first', 'second']);
  });

  it('two writers at once both land: the one that lost the compare-and-swap applies its change again', async () => {
    const store = await PostgresRunStore.open(commands);
    const other = await PostgresRunStore.open(engine);
    await store.create(run('both', 'fo=i|dv=j'), 'key-both', []);
    const tag = (name: string) => (r: Run) => ({
      run: { ...r, updatedAt: `${r.updatedAt}+${name}` },
      audit: [{ at: 'now', actor: null, action: name }],
    });
    const names = Array.from({ length: 8 }, (_, i) => `w${i}`);
    const writes = names.map((name, i) => (i % 2 ? store : other).update('both', tag(name)));
    await Promise.all(writes);
    const after = (await store.get('both'))!;
    expect(after.rev).toBe(9);
    expect(after.updatedAt.split('+').slice(1).sort()).toEqual(names);
    expect((await store.audit('both')).map((e) => e.action).sort()).toEqual(names);
  });

  it('an update starts from the run as this replica last saw it, and never loses another replica’s write', async () => {
    const a = await PostgresRunStore.open(commands);
    const b = await PostgresRunStore.open(engine);
    await a.create(run('seen', 'fo=k|dv=l'), 'key-seen', []);
    await a.get('seen');
    const sent = countStatements(commands);
    await a.update('seen', (r) => ({ run: { ...r, updatedAt: `${r.updatedAt}+a1` } }));
    expect(sent).toEqual([expect.stringContaining('UPDATE runs')]); // what it last read was current
    await b.update('seen', (r) => ({ run: { ...r, status: 'cancelled', updatedAt: `${r.updatedAt}+b` } }));
    // A's copy is stale: its write changes nothing, and its change is applied to B's.
    await a.update('seen', (r) => ({ run: { ...r, updatedAt: `${r.updatedAt}+a2` } }));
    expect(await b.get('seen')).toMatchObject({ rev: 4, status: 'cancelled' });
    expect((await b.get('seen'))!.updatedAt.split('+').slice(1)).toEqual(['a1', 'b', 'a2']);
    // "Nothing to do" is decided on the stored run, not on a stale copy.
    await b.update('seen', (r) => ({ run: { ...r, status: 'failed' } }));
    const retried = await a.update('seen', (r) =>
      r.status === 'failed' ? { run: { ...r, status: 'running' } } : null,
    );
    expect(retried).toMatchObject({ changed: true, run: { rev: 6, status: 'running' } });
  });

  it('counts the limits from the runs’ own columns, filled in for runs stored before them', async () => {
    const pool = commands;
    // A run stored before the columns (migrations up to 005): only its body names requester and tenant.
    await pool.query(RUN_SCHEMA(POSTGRES_SERIAL_KEY));
    await pool.query('CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    await pool.query("INSERT INTO schema_migrations VALUES ('001_runs', 'then')");
    const old = { ...run('old', 'fo=m|dv=n'), scope: { tenantId: 'tenant-a' } } as Run;
    await pool.query(
      `INSERT INTO runs (id, request_key, lock_key, lock_held, status, rev, created_at, updated_at, body)
       VALUES ('old', 'key-old', 'fo=m|dv=n', 1, 'running', 1, 'then', 'then', $1)`,
      [JSON.stringify(old)],
    );
    const store = await PostgresRunStore.open(pool);
    const limits = { perRequester: 2, perTenant: 2 };
    const second = { ...run('second', 'fo=o|dv=p'), scope: { tenantId: 'tenant-a' } } as Run;
    expect(await store.create(second, 'key-second', [], limits)).toMatchObject({ ok: true, created: true });
    const third = { ...run('third', 'fo=q|dv=r'), scope: { tenantId: 'tenant-a' } } as Run;
    expect(await store.create(third, 'key-third', [], { perTenant: 2 })).toEqual({
      ok: false,
      reason: 'limit',
      of: 'tenant',
      limit: 2,
    });
    const elsewhere = {
      ...run('elsewhere', 'fo=s|dv=t'),
      requestedBy: { id: 'bob', name: 'Bob' },
      scope: { tenantId: 'tenant-b' },
    } as Run;
    expect(await store.create(elsewhere, 'key-elsewhere', [], limits)).toMatchObject({ ok: true });
    expect(await store.create(third, 'key-third', [], { perRequester: 2 })).toEqual({
      ok: false,
      reason: 'limit',
      of: 'requester',
      limit: 2,
    });
  });
});

/** The text of every statement the pool's clients send from now on. */
function countStatements(pool: Pool): string[] {
  const sent: string[] = [];
  pool.on('acquire', (client: PoolClient & { __counted?: boolean }) => {
    if (client.__counted) return;
    client.__counted = true;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      sent.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text));
      return query(...args);
    };
  });
  return sent;
}
