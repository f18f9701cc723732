// Opens the bot's store: PostgreSQL when a DATABASE_URL is given (production, any number of
// replicas), otherwise SQLite under DATA_DIR (embedded default, one process). Both give the same
// four parts; the composition root (src/index.ts) wires them in and knows nothing of either.
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { Client } from 'pg';
import type { RunLeases, RunSignals } from '../engine/runLeasePort';
import type { RunStore } from '../engine/runStorePort';
import type { ConversationStore } from './conversationStore';
import { openDatabase } from './database';
import { openPostgres, POSTGRES_ENTRA_SCOPE } from './postgresDatabase';
import { PostgresConversationStore } from './postgresConversationStore';
import { PostgresRunLeases } from './postgresRunLeases';
import { PostgresRunSignals } from './postgresRunSignals';
import { PostgresRunStore } from './postgresRunStore';
import { InProcessRunSignals } from './runSignals';
import { SqliteConversationStore } from './sqliteConversationStore';
import { SqliteRunLeases } from './sqliteRunLeases';
import { SqliteRunStore } from './sqliteRunStore';

export interface Store {
  kind: 'sqlite' | 'postgres';
  /** Runs as card actions and admin commands read and write them. */
  runs: RunStore;
  /**
   * The same runs for the engine's executor (its progress writes, its reads each turn): on
   * PostgreSQL through connections of its own, so a click never waits behind them.
   */
  executorRuns: RunStore;
  conversations: ConversationStore;
  leases: RunLeases;
  signals: RunSignals;
  /** Writes refused by fencing since the database was created (all replicas). */
  fencedWrites(): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Entra identity whose token is the PostgreSQL password (DATABASE_AUTH=managed-identity). */
  credential?: TokenCredential;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl
    ? openPostgresStore(options.databaseUrl, options.credential)
    : openSqliteStore(path.join(options.dataDir, 'bot.sqlite'));
}

function openSqliteStore(file: string): Store {
  const db = openDatabase(file);
  const runs = new SqliteRunStore(db);
  const signals = new InProcessRunSignals();
  return {
    kind: 'sqlite',
    runs,
    // One SQLite connection, synchronous: no queue for a click to wait in.
    executorRuns: runs,
    conversations: new SqliteConversationStore(db),
    leases: new SqliteRunLeases(db),
    signals,
    fencedWrites: () => runs.fencedWrites(),
    async ping() {
      return db.prepare('SELECT 1 AS ok').get() !== undefined;
    },
    async close() {
      await signals.close();
      db.close();
    },
  };
}

/** Connections of the card actions' pool, beside the default pool's 10 (per replica). */
const COMMAND_CONNECTIONS = 5;

async function openPostgresStore(url: string, credential?: TokenCredential): Promise<Store> {
  const pool = openPostgres({ url, credential });
  // Card actions' own connections (postgresRunStore.ts): never queued behind the engine's writes.
  const commands = openPostgres({ url, credential, max: COMMAND_CONNECTIONS, keepOpen: true });
  try {
    const runs = await PostgresRunStore.open(commands);
    const executorRuns = await PostgresRunStore.open(pool);
    const conversations = await PostgresConversationStore.open(pool, commands);
    const leases = await PostgresRunLeases.open(pool);
    // LISTEN needs a connection of its own, outside the pool, with the same settings.
    const signals = await PostgresRunSignals.open(
      pool,
      () =>
        new Client({
          connectionString: url,
          ...(credential
            ? {
                password: async () => (await credential.getToken(POSTGRES_ENTRA_SCOPE))?.token ?? '',
              }
            : {}),
        }),
    );
    return {
      kind: 'postgres',
      runs,
      executorRuns,
      conversations,
      leases,
      signals,
      fencedWrites: () => runs.fencedWrites(),
      async ping() {
        const result = await pool.query('SELECT 1 AS ok');
        return result.rowCount === 1;
      },
      async close() {
        await signals.close();
        await Promise.all([pool.end(), commands.end()]);
      },
    };
  } catch (error) {
    await Promise.all([pool.end(), commands.end()].map((end) => end.catch(() => undefined)));
    throw error;
  }
}
