// The two real stores the contract suite runs against: a SQLite file in a temp folder, and a fresh
// schema on the run's PostgreSQL (see test/support/postgres). `replica()` opens a second handle on
// the same database, as a second bot process would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Run } from '../../../src/engine/model';
import type { LeaseFence, RunLeases, RunSignals } from '../../../src/engine/runLeasePort';
import type {
  CreateRunResult,
  PlanReview,
  RunChange,
  RunFilter,
  RunLimits,
  StartContext,
} from '../../../src/engine/runStorePort';
import type { AuditEntry } from '../../../src/engine/model';
import type { ConversationStore } from '../../../src/store/conversationStore';
import { openDatabase } from '../../../src/store/database';
import { SqliteRunStore } from '../../../src/store/sqliteRunStore';
import { SqliteConversationStore } from '../../../src/store/sqliteConversationStore';
import { SqliteRunLeases } from '../../../src/store/sqliteRunLeases';
import { InProcessRunSignals } from '../../../src/store/runSignals';
import { openPostgres } from '../../../src/store/postgresDatabase';
import { PostgresRunStore } from '../../../src/store/postgresRunStore';
import { PostgresConversationStore } from '../../../src/store/postgresConversationStore';
import { PostgresRunLeases } from '../../../src/store/postgresRunLeases';
import { PostgresRunSignals } from '../../../src/store/postgresRunSignals';
import { createTestSchema } from '../../support/postgres/testDatabase';

type Awaitable<T> = T | Promise<T>;

/** The run store as the suite drives it (awaiting every call, a fence on updates). */
export interface ContractRunStore {
  create(
    run: Run,
    requestKey: string,
    audit: Array<Omit<AuditEntry, 'runId'>>,
    limits?: RunLimits,
  ): Awaitable<CreateRunResult>;
  recordReview(review: PlanReview, forgetBefore: string): Awaitable<void>;
  startContext(token: string): Awaitable<StartContext>;
  get(runId: string): Awaitable<Run | null>;
  list(filter?: RunFilter): Awaitable<Run[]>;
  listUnfinished(): Awaitable<Run[]>;
  update(
    runId: string,
    mutate: (run: Run) => RunChange | null,
    fence?: LeaseFence,
  ): Awaitable<{ run: Run; changed: boolean } | null>;
  audit(runId: string): Awaitable<AuditEntry[]>;
  appendAudit(runId: string, entries: Array<Omit<AuditEntry, 'runId'>>): Awaitable<void>;
  fencedWrites(): Awaitable<number>;
}

export interface StoreHandle {
  runs: ContractRunStore;
  conversations: ConversationStore;
  leases: RunLeases;
  signals: RunSignals;
}

export interface StoreKit extends StoreHandle {
  /** A second process's view of the same database. */
  replica(): Promise<StoreHandle>;
  close(): Promise<void>;
}

export async function openSqliteKit(): Promise<StoreKit> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-contract-'));
  const file = path.join(dir, 'bot.sqlite');
  const signals = new InProcessRunSignals();
  const dbs = [openDatabase(file)];
  const handle = (db = dbs[0]): StoreHandle => ({
    runs: new SqliteRunStore(db),
    conversations: new SqliteConversationStore(db),
    leases: new SqliteRunLeases(db),
    // SQLite serves one process: its signals are in-process, shared by both handles.
    signals,
  });
  return {
    ...handle(),
    async replica() {
      const db = openDatabase(file);
      dbs.push(db);
      return handle(db);
    },
    async close() {
      await signals.close();
      dbs.forEach((db) => db.close());
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openPostgresKit(): Promise<StoreKit> {
  const schema = await createTestSchema('contract');
  const pools: Array<ReturnType<typeof openPostgres>> = [];
  const signalsList: RunSignals[] = [];
  const handle = async (): Promise<StoreHandle> => {
    const pool = openPostgres({ url: schema.url, max: 4 });
    pools.push(pool);
    const signals = await PostgresRunSignals.open(pool, () => new Client({ connectionString: schema.url }));
    signalsList.push(signals);
    return {
      runs: await PostgresRunStore.open(pool),
      conversations: await PostgresConversationStore.open(pool),
      leases: await PostgresRunLeases.open(pool),
      signals,
    };
  };
  const first = await handle();
  return {
    ...first,
    replica: handle,
    async close() {
      for (const signals of signalsList) await signals.close();
      for (const pool of pools) await pool.end();
      await schema.drop();
    },
  };
}

export const STORE_KITS: Array<[string, () => Promise<StoreKit>]> = [
  ['SQLite', openSqliteKit],
  ['PostgreSQL', openPostgresKit],
];

/** A case's own database and a second replica's handle on it, as the contract suites use them. */
export async function openPair(
  openKit: () => Promise<StoreKit>,
): Promise<{ kit: StoreKit; other: StoreHandle }> {
  const kit = await openKit();
  return { kit, other: await kit.replica() };
}
