import type { Db } from './database';
import { migrate } from './database';
import { planReviewOf, previewText, type PlanReviewRow } from './planReviewRows';
import type { Actor, AuditEntry, Run } from '../engine/model';
import { FencedWriteError, type LeaseFence } from '../engine/runLeasePort';
import {
  LEASE_SCHEMA,
  PLAN_REVIEW_PREVIEW_SCHEMA,
  PLAN_REVIEW_SCHEMA,
  RUN_SCHEMA,
  SQLITE_SERIAL_KEY,
} from './schema';
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
import { limitReached } from './runLimits';

// SQLite implementation of the RunStore (tables: schema.ts). better-sqlite3 is synchronous: each
// method does its work (one transaction) before it returns its promise, so the promise only carries a
// committed result.

interface RunRow {
  body: string;
  rev: number;
}

interface AuditRow {
  run_id: string;
  at: string;
  actor: string | null;
  action: string;
  step_id: string | null;
  detail: string | null;
}

export class SqliteRunStore implements RunStore {
  constructor(private readonly db: Db) {
    migrate(db, '001_runs', RUN_SCHEMA(SQLITE_SERIAL_KEY));
    migrate(db, '002_run_leases', LEASE_SCHEMA(SQLITE_SERIAL_KEY));
    migrate(db, '003_plan_reviews', PLAN_REVIEW_SCHEMA);
    migrate(db, '004_plan_review_previews', PLAN_REVIEW_PREVIEW_SCHEMA);
  }

  create(
    run: Run,
    requestKey: string,
    audit: Array<Omit<AuditEntry, 'runId'>>,
    limits: RunLimits = {},
  ): Promise<CreateRunResult> {
    return settled(() => this.createNow(run, requestKey, audit, limits));
  }

  recordReview(review: PlanReview, forgetBefore: string): Promise<void> {
    return settled(() => {
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM plan_reviews WHERE reviewed_at < ?').run(forgetBefore);
        this.db
          .prepare('INSERT INTO plan_reviews (token, input_key, reviewed_at, preview) VALUES (?, ?, ?, ?)')
          .run(review.token, review.inputKey, review.reviewedAt, previewText(review));
      })();
    });
  }

  startContext(token: string): Promise<StartContext> {
    return settled(() => {
      const select = 'SELECT token, input_key, reviewed_at, preview FROM plan_reviews';
      const review = this.db.prepare(`${select} WHERE token = ?`).get(token) as PlanReviewRow | undefined;
      const latest =
        review &&
        (this.db
          .prepare(`${select} WHERE input_key = ? ORDER BY reviewed_at DESC LIMIT 1`)
          .get(review.input_key) as PlanReviewRow | undefined);
      return {
        run: this.findByRequestKeyNow(token),
        review: review ? planReviewOf(review) : null,
        latest: latest ? planReviewOf(latest) : null,
      };
    });
  }

  get(runId: string): Promise<Run | null> {
    return settled(() => this.getNow(runId));
  }

  private findByRequestKeyNow(requestKey: string): Run | null {
    const row = this.db.prepare('SELECT body, rev FROM runs WHERE request_key = ?').get(requestKey) as
      RunRow | undefined;
    return row ? parse(row) : null;
  }

  list(filter: RunFilter = {}): Promise<Run[]> {
    return settled(() => this.listNow(filter));
  }

  listUnfinished(): Promise<Run[]> {
    return settled(() => this.listUnfinishedNow());
  }

  /** With a `fence`, the writer's lease is checked in the same transaction (see runLeasePort.ts). */
  update(
    runId: string,
    mutate: (run: Run) => RunChange | null,
    fence?: LeaseFence,
  ): Promise<{ run: Run; changed: boolean } | null> {
    return settled(() => this.updateNow(runId, mutate, fence));
  }

  audit(runId: string): Promise<AuditEntry[]> {
    return settled(() => this.auditNow(runId));
  }

  appendAudit(runId: string, entries: Array<Omit<AuditEntry, 'runId'>>): Promise<void> {
    return settled(() => this.appendAuditNow(runId, entries));
  }

  private createNow(
    run: Run,
    requestKey: string,
    audit: Array<Omit<AuditEntry, 'runId'>>,
    limits: RunLimits,
  ): CreateRunResult {
    return this.db.transaction((): CreateRunResult => {
      const existing = this.db.prepare('SELECT body, rev FROM runs WHERE request_key = ?').get(requestKey) as
        RunRow | undefined;
      if (existing) return { ok: true, run: parse(existing), created: false };
      // A Dataverse environment links to one F&O environment and the other way round: a run holds
      // both of its environments, so another run on either of them waits.
      const parts = run.lockKey.split('|');
      // Keys only: the bodies of every running run are not read for each start.
      const active = this.db.prepare('SELECT id, lock_key FROM runs WHERE lock_held = 1').all() as Array<{
        id: string;
        lock_key: string;
      }>;
      const holder = active.find((row) => row.lock_key.split('|').some((part) => parts.includes(part)));
      if (holder) {
        const row = this.db.prepare('SELECT body, rev FROM runs WHERE id = ?').get(holder.id) as RunRow;
        return { ok: false, reason: 'locked', holder: parse(row) };
      }
      // One writer at a time in SQLite: the count and the insert cannot interleave with another start.
      const reached = limitReached(run, limits, (field, value) => {
        const path = field === 'requester' ? '$.requestedBy.id' : '$.scope.tenantId';
        const counted = this.db
          .prepare(`SELECT count(*) AS n FROM runs WHERE lock_held = 1 AND json_extract(body, '${path}') = ?`)
          .get(value) as { n: number };
        return counted.n;
      });
      if (reached) return reached;
      this.db
        .prepare(
          `INSERT INTO runs (id, request_key, lock_key, lock_held, status, rev, created_at, updated_at, body)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          run.id,
          requestKey,
          run.lockKey,
          holdsLock(run) ? 1 : 0,
          run.status,
          run.rev,
          run.createdAt,
          run.updatedAt,
          JSON.stringify(run),
        );
      this.appendAuditNow(run.id, audit);
      return { ok: true, run, created: true };
    })();
  }

  private getNow(runId: string): Run | null {
    const row = this.db.prepare('SELECT body, rev FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    return row ? parse(row) : null;
  }

  private listNow(filter: RunFilter): Run[] {
    const limit = Math.max(1, Math.min(filter.limit ?? 50, 1000));
    const statuses = filter.status ?? [];
    const conditions: string[] = [];
    const values: unknown[] = [...statuses];
    if (statuses.length) conditions.push(`status IN (${statuses.map(() => '?').join(',')})`);
    // The run's scope lives in its JSON body (model.ts RunScope).
    if (filter.tenantId !== undefined) {
      conditions.push("json_extract(body, '$.scope.tenantId') = ?");
      values.push(filter.tenantId);
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = this.db
      .prepare(`SELECT body, rev FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...values, limit) as RunRow[];
    return rows.map(parse);
  }

  private listUnfinishedNow(): Run[] {
    const rows = this.db
      .prepare('SELECT body, rev FROM runs WHERE lock_held = 1 ORDER BY created_at')
      .all() as RunRow[];
    return rows.map(parse);
  }

  private updateNow(
    runId: string,
    mutate: (run: Run) => RunChange | null,
    fence?: LeaseFence,
  ): { run: Run; changed: boolean } | null {
    if (fence && !this.holds(runId, fence)) {
      this.db
        .prepare('INSERT INTO fenced_writes (run_id, owner, epoch, at) VALUES (?, ?, ?, ?)')
        .run(runId, fence.owner, fence.epoch, new Date().toISOString());
      throw new FencedWriteError(runId, fence);
    }
    return this.db.transaction(() => {
      // Checked again inside: the transaction is the unit the fence guards.
      if (fence && !this.holds(runId, fence)) throw new FencedWriteError(runId, fence);
      const row = this.db.prepare('SELECT body, rev FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
      if (!row) return null;
      const current = parse(row);
      const change = mutate(structuredClone(current));
      if (!change) return { run: current, changed: false };
      const next: Run = { ...change.run, id: current.id, rev: current.rev + 1 };
      const result = this.db
        .prepare(
          'UPDATE runs SET status = ?, lock_held = ?, rev = ?, updated_at = ?, body = ? WHERE id = ? AND rev = ?',
        )
        .run(
          next.status,
          holdsLock(next) ? 1 : 0,
          next.rev,
          next.updatedAt,
          JSON.stringify(next),
          runId,
          current.rev,
        );
      if (result.changes !== 1) throw new Error(`Run ${runId} changed underneath (rev ${current.rev})`);
      this.appendAuditNow(runId, change.audit ?? []);
      return { run: next, changed: true };
    })();
  }

  /** Writes refused because the writer's lease was gone (the soak reports them). */
  async fencedWrites(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM fenced_writes').get() as { n: number }).n;
  }

  private holds(runId: string, fence: LeaseFence): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM run_leases WHERE run_id = ? AND owner = ? AND epoch = ? AND expires_at > ?')
        .get(runId, fence.owner, fence.epoch, Date.now()) !== undefined
    );
  }

  private auditNow(runId: string): AuditEntry[] {
    const rows = this.db
      .prepare(
        'SELECT run_id, at, actor, action, step_id, detail FROM run_audit WHERE run_id = ? ORDER BY seq',
      )
      .all(runId) as AuditRow[];
    return rows.map((row) => ({
      runId: row.run_id,
      at: row.at,
      actor: row.actor ? (JSON.parse(row.actor) as Actor) : null,
      action: row.action,
      ...(row.step_id ? { stepId: row.step_id } : {}),
      ...(row.detail ? { detail: row.detail } : {}),
    }));
  }

  private appendAuditNow(runId: string, entries: Array<Omit<AuditEntry, 'runId'>>): void {
    const insert = this.db.prepare(
      'INSERT INTO run_audit (run_id, at, actor, action, step_id, detail) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const entry of entries) {
      insert.run(
        runId,
        entry.at,
        entry.actor ? JSON.stringify(entry.actor) : null,
        entry.action,
        entry.stepId ?? null,
        entry.detail ?? null,
      );
    }
  }
}

/** Runs the synchronous work now and hands its result (or its error) over as a promise. */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function parse(row: RunRow): Run {
  const run = JSON.parse(row.body) as Run;
  run.rev = row.rev;
  return run;
}

function holdsLock(run: Run): boolean {
  return LOCK_HOLDING_STATUSES.includes(run.status);
}
