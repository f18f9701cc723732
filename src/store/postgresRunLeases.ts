// Run leases on PostgreSQL, shared by every replica: whoever holds a run's unexpired lease drives it.
import type { Pool } from 'pg';
import type { LeaseFence, RunLease, RunLeases } from '../engine/runLeasePort';
import { migratePostgres } from './postgresDatabase';
import {
  acquireLeaseSql,
  handOverLeaseSql,
  releaseLeaseSql,
  renewLeaseSql,
  toLease,
  type LeaseRow,
} from './runLeaseSql';
import { LEASE_SCHEMA, POSTGRES_SERIAL_KEY } from './schema';

const dollar = (n: number) => `$${n}`;

export class PostgresRunLeases implements RunLeases {
  private constructor(private readonly pool: Pool) {}

  static async open(pool: Pool): Promise<PostgresRunLeases> {
    await migratePostgres(pool, '002_run_leases', LEASE_SCHEMA(POSTGRES_SERIAL_KEY));
    return new PostgresRunLeases(pool);
  }

  async acquire(runId: string, owner: string, ttlMs: number): Promise<RunLease | null> {
    const now = Date.now();
    const result = await this.pool.query<LeaseRow>(acquireLeaseSql(dollar), [runId, owner, now + ttlMs, now]);
    return result.rows[0] ? toLease(result.rows[0]) : null;
  }

  /** One statement: the row is taken whoever holds it, so nothing can come between read and write. */
  async handOver(runId: string, owner: string, ttlMs: number): Promise<RunLease> {
    const now = Date.now();
    const result = await this.pool.query<LeaseRow>(handOverLeaseSql(dollar), [
      runId,
      owner,
      now + ttlMs,
      now,
    ]);
    return toLease(result.rows[0]);
  }

  async renew(runId: string, fence: LeaseFence, ttlMs: number): Promise<RunLease | null> {
    const result = await this.pool.query<LeaseRow>(renewLeaseSql(dollar), [
      Date.now() + ttlMs,
      runId,
      fence.owner,
      fence.epoch,
    ]);
    return result.rows[0] ? toLease(result.rows[0]) : null;
  }

  async release(runId: string, fence: LeaseFence): Promise<void> {
    await this.pool.query(releaseLeaseSql(dollar), [runId, fence.owner, fence.epoch]);
  }

  async current(runId: string): Promise<RunLease | null> {
    const result = await this.pool.query<LeaseRow>(
      'SELECT run_id, owner, epoch, expires_at FROM run_leases WHERE run_id = $1',
      [runId],
    );
    return result.rows[0] ? toLease(result.rows[0]) : null;
  }
}
