// Opens the PostgreSQL pool of the production store (`DATABASE_URL`) and applies its migrations.
// Azure Database for PostgreSQL flexible server accepts a Microsoft Entra access token as the
// password (scope `https://ossrdbms-aad.database.windows.net/.default`; docs/deploy.md cites the
// Microsoft Learn page): pg asks for the password on every new connection, so tokens never go stale.
import { Pool, type PoolClient } from 'pg';
import type { TokenCredential } from '@azure/identity';
import { afterClicks } from '../foreground';

export const POSTGRES_ENTRA_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

export interface PostgresOptions {
  url: string;
  /** When given, an Entra token of this credential is the password (the URL carries none). */
  credential?: TokenCredential;
  max?: number;
  /**
   * Keep every connection open once made (pg closes idle ones after 10 s by default): a click then
   * never waits for a new connection's handshake (TLS, SCRAM or an Entra token) under load.
   */
  keepOpen?: boolean;
}

export function openPostgres(options: PostgresOptions): Pool {
  const { credential } = options;
  const pool = new ForegroundFirstPool({
    connectionString: withSessionOptions(options.url),
    max: options.max ?? 10,
    ...(options.keepOpen ? { min: options.max ?? 10 } : {}),
    ...(credential
      ? {
          password: async () => {
            const token = await credential.getToken(POSTGRES_ENTRA_SCOPE);
            if (!token) throw new Error('No Microsoft Entra token for Azure Database for PostgreSQL');
            return token.token;
          },
        }
      : {}),
  });
  // An idle client that loses its server (failover, restart) must not crash the process: the pool
  // drops it and the next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * The engine's statements wait while a click is in flight (src/foreground.ts): a pool's statement or
 * checkout asked by background work parks first. A click's own statements never park.
 */
class ForegroundFirstPool extends Pool {
  // pg's overloads (callback and promise forms) pass through unchanged.
  override query: Pool['query'] = ((...args: unknown[]) =>
    afterClicks(() => (super.query as (...a: unknown[]) => unknown).apply(this, args))) as Pool['query'];

  // Only a checkout of ours (a transaction): pg's own query checks out with a callback.
  override connect: Pool['connect'] = ((...args: unknown[]) => {
    const connect = () => (super.connect as (...a: unknown[]) => unknown).apply(this, args);
    return typeof args[0] === 'function' ? connect() : afterClicks(connect);
  }) as Pool['connect'];
}

/**
 * A replica frozen inside a transaction would hold its row locks (a run, a lease) for as long as it
 * is frozen, and every other replica would wait on it: the server ends such a session after 5 s (its
 * transaction rolls back: a frozen replica changes nothing), and nobody waits on a lock more than
 * 3 s (a lease sweep moves on to the next run). Startup options of every session, added to those
 * the URL may carry (which would otherwise replace them), so they hold from its first query.
 */
const SESSION_OPTIONS = '-c idle_in_transaction_session_timeout=5000 -c lock_timeout=3000';

function withSessionOptions(url: string): string {
  const parsed = new URL(url);
  const own = parsed.searchParams.get('options');
  parsed.searchParams.set('options', own ? `${own} ${SESSION_OPTIONS}` : SESSION_OPTIONS);
  return parsed.toString();
}

/** Runs `work` in one transaction on one client; rolls back when it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no listener of its own: if the server ends the session meanwhile (the
  // idle-in-transaction timeout below, a failover), its 'error' event would crash the process.
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken ??= await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackError: Error) => rollbackError,
    );
    throw error;
  } finally {
    client.off('error', onError);
    // A broken client is destroyed, not handed to the next caller.
    client.release(broken);
  }
}

/**
 * Applies a named migration once. Replicas that start together serialize on an advisory lock, so
 * only the first applies it.
 */
export async function migratePostgres(pool: Pool, name: string, sql: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['dwbot:migrations']);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const done = await client.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
    if (done.rowCount) return;
    await client.query(sql);
    await client.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [
      name,
      new Date().toISOString(),
    ]);
  });
}
