// PostgreSQL implementation of the RunStore (production, several replicas on one database). Same
// model as the SQLite store: a run is one row with its JSON snapshot and a rev; the lock of an
// environment pair is taken under an advisory lock so two replicas' concurrent starts cannot both
// win (src/store/postgresCreateRun.ts); an update is a compare-and-swap on `rev` that checks the
// writer's lease in the same statement (src/store/postgresUpdateRun.ts).
import type { Pool } from 'pg';
import type { Actor, AuditEntry, Run } from '../engine/model';
import { FencedWriteError, type LeaseFence } from '../engine/runLeasePort';
import {
  LOCK_HOLDING_STATUSES,
  type CreateRunResult,
  type PlanReview,
  type StartContext,
  type RunChange,
  type RunFilter,
  type RunLimits,
  type RunStore,
} from '../engine/runStorePort';
import { migratePostgres } from './postgresDatabase';
import { parseRun, updateRun, type RunRow } from './postgresUpdateRun';
import { AUDIT_ROWS, auditRows } from './postgresAuditRows';
import { RUN_LIMIT_COLUMNS, createRun } from './postgresCreateRun';
import { planReviewOf, previewText, type PlanReviewRow } from './planReviewRows';
import { PLAN_REVIEW_PREVIEW_SCHEMA, PLAN_REVIEW_SCHEMA, POSTGRES_SERIAL_KEY, RUN_SCHEMA } from './schema';

/** More than the runs one replica drives at once; each is a few kB. */
const RECENT_RUNS = 500;

/**
 * One instance per pool: `openStore` gives card actions (Start, an admin's command, reads) a store on
 * connections of their own and the executor (progress, checkpoints, transitions) another, so a click
 * never queues behind the engine's writes for a connection (docs/benchmarks.md).
 */
export class PostgresRunStore implements RunStore {
  /**
   * The runs this instance last read or wrote, newest last: an update tries its compare-and-swap on
   * these before reading (src/store/postgresUpdateRun.ts). Never answered to a reader as stored.
   */
  private readonly recent = new Map<string, RunRow>();

  private constructor(private readonly pool: Pool) {}

  static async open(pool: Pool): Promise<PostgresRunStore> {
    await migratePostgres(pool, '001_runs', RUN_SCHEMA(POSTGRES_SERIAL_KEY));
    await migratePostgres(pool, '003_plan_reviews', PLAN_REVIEW_SCHEMA);
    await migratePostgres(pool, '004_plan_review_previews', PLAN_REVIEW_PREVIEW_SCHEMA);
    // 005 created dwbot_create_run's first version; 006 replaces it (postgresCreateRun.ts).
    await migratePostgres(pool, '006_run_limit_columns', RUN_LIMIT_COLUMNS);
    return new PostgresRunStore(pool);
  }

  async create(
    run: Run,
    requestKey: string,
    audit: Array<Omit<AuditEntry, 'runId'>>,
    limits: RunLimits = {},
  ): Promise<CreateRunResult> {
    return createRun(this.pool, run, requestKey, audit, limits, holdsLock(run));
  }

  async recordReview(review: PlanReview, forgetBefore: string): Promise<void> {
    // One statement: a Review is a click, and BEGIN/DELETE/INSERT/COMMIT were four round trips.
    await this.pool.query(
      `WITH forgotten AS (DELETE FROM plan_reviews WHERE reviewed_at < $5)
       INSERT INTO plan_reviews (token, input_key, reviewed_at, preview) VALUES ($1, $2, $3, $4)`,
      [review.token, review.inputKey, review.reviewedAt, previewText(review), forgetBefore],
    );
  }

  async startContext(token: string): Promise<StartContext> {
    const result = await this.pool.query<
      { kind: 'run' | 'review' | 'latest'; body: string | null; rev: number | null } & PlanReviewRow
    >(START_CONTEXT_SQL, [token]);
    const row = (kind: string) => result.rows.find((r) => r.kind === kind);
    const run = row('run');
    const review = row('review');
    const latest = row('latest');
    return {
      run: run ? parseRun(run as RunRow) : null,
      review: review ? planReviewOf(review) : null,
      latest: latest ? planReviewOf(latest) : null,
    };
  }

  async get(runId: string): Promise<Run | null> {
    const result = await this.pool.query<RunRow>('SELECT body, rev FROM runs WHERE id = $1', [runId]);
    if (!result.rows[0]) return null;
    this.remember(runId, result.rows[0]);
    return parseRun(result.rows[0]);
  }

  async list(filter: RunFilter = {}): Promise<Run[]> {
    const limit = Math.max(1, Math.min(filter.limit ?? 50, 1000));
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (filter.status?.length) {
      values.push(filter.status);
      conditions.push(`status = ANY($${values.length})`);
    }
    if (filter.tenantId !== undefined) {
      // The run's tenant lives in its JSON body (Run.scope), as in the SQLite store.
      values.push(filter.tenantId);
      conditions.push(`(body::jsonb -> 'scope' ->> 'tenantId') = $${values.length}`);
    }
    values.push(limit);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const result = await this.pool.query<RunRow>(
      `SELECT body, rev FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    return result.rows.map(parseRun);
  }

  async listUnfinished(): Promise<Run[]> {
    const result = await this.pool.query<RunRow>(
      'SELECT body, rev FROM runs WHERE lock_held = 1 ORDER BY created_at',
    );
    return result.rows.map(parseRun);
  }

  async update(
    runId: string,
    mutate: (run: Run) => RunChange | null,
    fence?: LeaseFence,
  ): Promise<{ run: Run; changed: boolean } | null> {
    try {
      const result = await updateRun(this.pool, runId, mutate, fence, this.recent.get(runId));
      if (!result) {
        this.recent.delete(runId);
        return null;
      }
      this.remember(runId, result.row);
      return { run: result.run, changed: result.changed };
    } catch (error) {
      if (error instanceof FencedWriteError) await this.recordFenced(error);
      throw error;
    }
  }

  async audit(runId: string): Promise<AuditEntry[]> {
    const result = await this.pool.query<{
      run_id: string;
      at: string;
      actor: string | null;
      action: string;
      step_id: string | null;
      detail: string | null;
    }>('SELECT run_id, at, actor, action, step_id, detail FROM run_audit WHERE run_id = $1 ORDER BY seq', [
      runId,
    ]);
    return result.rows.map((row) => ({
      runId: row.run_id,
      at: row.at,
      actor: row.actor ? (JSON.parse(row.actor) as Actor) : null,
      action: row.action,
      ...(row.step_id ? { stepId: row.step_id } : {}),
      ...(row.detail ? { detail: row.detail } : {}),
    }));
  }

  async appendAudit(runId: string, entries: Array<Omit<AuditEntry, 'runId'>>): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT INTO run_audit (run_id, at, actor, action, step_id, detail)
       SELECT $1, entry.at, entry.actor, entry.action, entry.step_id, entry.detail
         FROM ${AUDIT_ROWS('$2')} ORDER BY entry.n`,
      [runId, auditRows(entries)],
    );
  }

  /** Writes refused because the writer's lease was gone (the soak reports them). */
  async fencedWrites(): Promise<number> {
    const result = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM fenced_writes');
    return Number(result.rows[0].n);
  }

  /** Kept as stored (text), so a caller changing its run cannot change what the next update starts from. */
  private remember(runId: string, row: RunRow): void {
    this.recent.delete(runId);
    this.recent.set(runId, row);
    if (this.recent.size > RECENT_RUNS) this.recent.delete(this.recent.keys().next().value as string);
  }

  private async recordFenced(error: FencedWriteError): Promise<void> {
    await this.pool
      .query('INSERT INTO fenced_writes (run_id, owner, epoch, at) VALUES ($1, $2, $3, $4)', [
        error.runId,
        error.fence.owner,
        error.fence.epoch,
        new Date().toISOString(),
      ])
      .catch(() => undefined);
  }
}

function holdsLock(run: Run): boolean {
  return LOCK_HOLDING_STATUSES.includes(run.status);
}

/** startContext in one round trip: the token's run, its Review, the newest Review of its input. */
const START_CONTEXT_SQL = `
SELECT 'run' AS kind, body, rev, NULL AS token, NULL AS input_key, NULL AS reviewed_at, NULL AS preview
  FROM runs WHERE request_key = $1
UNION ALL
SELECT 'review', NULL, NULL, token, input_key, reviewed_at, preview FROM plan_reviews WHERE token = $1
UNION ALL
(SELECT 'latest', NULL, NULL, token, input_key, reviewed_at, preview FROM plan_reviews
  WHERE input_key = (SELECT input_key FROM plan_reviews WHERE token = $1)
  ORDER BY reviewed_at DESC LIMIT 1)`;
