// A PostgreSQL session ended by the server in the middle of a transaction (the idle-in-transaction
// timeout a frozen replica meets, or a failover) fails that transaction and nothing else: the process
// lives on and the pool hands out a working connection next.
import { inTransaction, openPostgres } from '../../src/store/postgresDatabase';
import { createTestSchema, type TestSchema } from '../support/postgres/testDatabase';

describe('PostgreSQL sessions ended by the server', () => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await createTestSchema('sessions');
  });
  afterAll(async () => schema?.drop());

  it('a transaction whose session is terminated rejects; the pool works on', async () => {
    const pool = openPostgres({ url: schema.url, max: 2 });
    const admin = openPostgres({ url: schema.url, max: 1 });
    const crashes: unknown[] = [];
    const onUncaught = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      await expect(
        inTransaction(pool, async (client) => {
          const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          await admin.query('SELECT pg_terminate_backend($1)', [pid]);
          // Idle in the transaction while the server's termination arrives.
          await new Promise((resolve) => setTimeout(resolve, 300));
          await client.query('SELECT 1');
        }),
      ).rejects.toThrow();
      expect(crashes).toEqual([]);
      expect((await pool.query('SELECT 1 AS ok')).rows[0]).toEqual({ ok: 1 });
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
      await admin.end();
    }
  });

  it('every session ends an idle transaction after 5 s and waits on a lock 3 s at most, from its first query', async () => {
    const pool = openPostgres({ url: schema.url, max: 1 });
    try {
      const first = await pool.query<{ idle: string; lock: string }>(
        "SELECT current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('lock_timeout') AS lock",
      );
      expect(first.rows[0]).toEqual({ idle: '5s', lock: '3s' });
    } finally {
      await pool.end();
    }
  });
});
