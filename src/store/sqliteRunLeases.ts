// Run leases on the SQLite file. The embedded store serves one process, so leases there only matter
// for the same rules as production (a restarted bot takes its runs back after expiry, or at once
// after a clean release); tests run the same lease suite against both stores.
import type { LeaseFence, RunLease, RunLeases } from '../engine/runLeasePort';
import { migrate, type Db } from './database';
import {
  acquireLeaseSql,
  handOverLeaseSql,
  releaseLeaseSql,
  renewLeaseSql,
  toLease,
  type LeaseRow,
} from './runLeaseSql';
import { LEASE_SCHEMA, SQLITE_SERIAL_KEY } from './schema';

/** Named placeholders: `now` appears twice in the acquire statement. */
const named = (n: number) => `@p${n}`;
const args = (...values: unknown[]) => Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]));

export class SqliteRunLeases implements RunLeases {
  constructor(private readonly db: Db) {
    migrate(db, '002_run_leases', LEASE_SCHEMA(SQLITE_SERIAL_KEY));
  }

  async acquire(runId: string, owner: string, ttlMs: number): Promise<RunLease | null> {
    const now = Date.now();
    const row = this.db.prepare(acquireLeaseSql(named)).get(args(runId, owner, now + ttlMs, now)) as
      LeaseRow | undefined;
    return row ? toLease(row) : null;
  }

  async handOver(runId: string, owner: string, ttlMs: number): Promise<RunLease> {
    const now = Date.now();
    return toLease(
      this.db.prepare(handOverLeaseSql(named)).get(args(runId, owner, now + ttlMs, now)) as LeaseRow,
    );
  }

  async renew(runId: string, fence: LeaseFence, ttlMs: number): Promise<RunLease | null> {
    const row = this.db
      .prepare(renewLeaseSql(named))
      .get(args(Date.now() + ttlMs, runId, fence.owner, fence.epoch)) as LeaseRow | undefined;
    return row ? toLease(row) : null;
  }

  async release(runId: string, fence: LeaseFence): Promise<void> {
    this.db.prepare(releaseLeaseSql(named)).run(args(runId, fence.owner, fence.epoch));
  }

  async current(runId: string): Promise<RunLease | null> {
    const row = this.db
      .prepare('SELECT run_id, owner, epoch, expires_at FROM run_leases WHERE run_id = ?')
      .get(runId) as LeaseRow | undefined;
    return row ? toLease(row) : null;
  }
}
