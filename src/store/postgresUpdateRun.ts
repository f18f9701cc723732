import type { Pool } from 'pg';
import type { Run } from '../engine/model';
import { FencedWriteError, type LeaseFence } from '../engine/runLeasePort';
import { LOCK_HOLDING_STATUSES, type RunChange } from '../engine/runStorePort';
import { AUDIT_ROWS, auditRows } from './postgresAuditRows';

// A run's update on PostgreSQL as a compare-and-swap: read the row, apply the change in memory,
// then one statement writes it only if `rev` is still the one read and the writer still holds its
// lease, and appends the audit in the same statement. The executor commits every progress tick,
// checkpoint and transition this way; a transaction holding the row (BEGIN, fence check, SELECT
// FOR UPDATE, UPDATE, one INSERT per audit line, COMMIT) was six round trips or more per write, and
// those writes were most of the database's and the replicas' work (docs/benchmarks.md). When
// another writer got in between (a click on the same run), the change is read and applied again:
// `mutate` is pure (src/engine/runStorePort.ts).

/**
 * With a fence, the lease row is locked FOR SHARE for the statement's length, so a takeover waits
 * for this write to commit, or this write sees the takeover and changes nothing (the same rule as
 * the transaction's row lock had). Without one, the lease table is not read (a store of runs alone,
 * as in tests, has none).
 */
const compareAndSwapSql = (fenced: boolean) => `
WITH lease AS (
  ${fenced ? 'SELECT 1 FROM run_leases WHERE run_id = $1 AND owner = $8 AND epoch = $9 AND expires_at > $10 FOR SHARE' : 'SELECT 1 WHERE false'}
), written AS (
  UPDATE runs SET status = $3, lock_held = $4, rev = $2 + 1, updated_at = $5, body = $6
   WHERE id = $1 AND rev = $2${fenced ? ' AND EXISTS (SELECT 1 FROM lease)' : ''}
  RETURNING id
), audited AS (
  INSERT INTO run_audit (run_id, at, actor, action, step_id, detail)
  SELECT written.id, entry.at, entry.actor, entry.action, entry.step_id, entry.detail
    FROM written, ${AUDIT_ROWS('$7')}
   ORDER BY entry.n
)
SELECT EXISTS (SELECT 1 FROM lease) AS leased, EXISTS (SELECT 1 FROM written) AS written,
       stored.body, stored.rev
  FROM (SELECT 1) AS one
  LEFT JOIN runs AS stored ON stored.id = $1 AND NOT EXISTS (SELECT 1 FROM written)`;

const FENCED_SQL = compareAndSwapSql(true);
const UNFENCED_SQL = compareAndSwapSql(false);

const FENCE_SQL =
  'SELECT 1 FROM run_leases WHERE run_id = $1 AND owner = $2 AND epoch = $3 AND expires_at > $4';

/** Enough for any burst of clicks on one run; more means something rewrites the run in a loop. */
const MAX_ATTEMPTS = 20;

export interface RunRow {
  body: string;
  rev: number;
}

/**
 * `known` is the run as this replica last read or wrote it, tried first to save a read: the
 * executor reads a run, acts, then commits, so it is nearly always current. If it is not, the write
 * changes nothing and answers the stored run, and the change is applied to that. A change that
 * comes to nothing on `known` is decided again on a fresh read, as "nothing to do" must hold for
 * the stored run.
 */
export async function updateRun(
  pool: Pool,
  runId: string,
  mutate: (run: Run) => RunChange | null,
  fence: LeaseFence | undefined,
  known?: RunRow,
): Promise<{ run: Run; changed: boolean; row: RunRow } | null> {
  let row = known;
  let fresh = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (!row) {
      const found = await pool.query<RunRow>('SELECT body, rev FROM runs WHERE id = $1', [runId]);
      if (!found.rows[0]) return null;
      row = found.rows[0];
      fresh = true;
    }
    const current = parseRun(row);
    // Its own copy: a change made in place must not alter `current`.
    const change = mutate(parseRun(row));
    if (!change) {
      if (!fresh) {
        row = undefined;
        continue;
      }
      if (fence) await checkFence(pool, runId, fence);
      return { run: current, changed: false, row };
    }
    const next: Run = { ...change.run, id: current.id, rev: current.rev + 1 };
    const body = JSON.stringify(next);
    const values = [
      runId,
      current.rev,
      next.status,
      LOCK_HOLDING_STATUSES.includes(next.status) ? 1 : 0,
      next.updatedAt,
      body,
      auditRows(change.audit ?? []),
    ];
    const result = await pool.query<{
      leased: boolean;
      written: boolean;
      body: string | null;
      rev: number | null;
    }>(fence ? FENCED_SQL : UNFENCED_SQL, fence ? [...values, fence.owner, fence.epoch, Date.now()] : values);
    const answer = result.rows[0];
    if (answer.written) return { run: next, changed: true, row: { body, rev: next.rev } };
    if (fence && !answer.leased) throw new FencedWriteError(runId, fence);
    if (answer.body === null || answer.rev === null) return null;
    // Another writer moved `rev` since the read: apply the change to what it wrote.
    row = { body: answer.body, rev: answer.rev };
    fresh = true;
  }
  throw new Error(`Run ${runId} kept changing underneath; gave up after ${MAX_ATTEMPTS} attempts`);
}

async function checkFence(pool: Pool, runId: string, fence: LeaseFence): Promise<void> {
  const held = await pool.query(FENCE_SQL, [runId, fence.owner, fence.epoch, Date.now()]);
  if (!held.rowCount) throw new FencedWriteError(runId, fence);
}

export function parseRun(row: RunRow): Run {
  const run = JSON.parse(row.body) as Run;
  run.rev = Number(row.rev);
  return run;
}
