import type { Pool, PoolClient } from 'pg';
import { openPostgres } from '../../src/store/postgresDatabase';
import { PostgresRunStore } from '../../src/store/postgresRunStore';
import { createTestSchema, type TestSchema } from '../support/postgres/testDatabase';
import { run } from './support/runFixture';

/**
 * Card actions never wait behind the engine's writes: the executor's store and the commands' store
 * are two instances on two pools (openStore.ts), so with every connection of the executor's pool
 * taken (its progress writes), Start, a read and an admin's command still go through; and Start is
 * one statement, locks included.
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
    const sent: string[] = [];
    commands.on('acquire', (client: PoolClient & { __counted?: boolean }) => {
      if (client.__counted) return;
      client.__counted = true;
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        sent.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text));
        return query(...args);
      };
    });
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
});
