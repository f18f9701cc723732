import type { AuditEntry, PlanPreview, Run, RunStatus } from './model';
import type { LeaseFence } from './runLeasePort';

// The engine's durable memory: runs (as JSON snapshots with a rev) and their audit trail. Declared
// here, implemented by `src/store/sqliteRunStore.ts` (and any other store, e.g. PostgreSQL). Every
// method is asynchronous; the engine awaits a transition's commit before it acts on it.

export type CreateRunResult =
  | { ok: true; run: Run; created: boolean }
  | { ok: false; reason: 'locked'; holder: Run }
  | { ok: false; reason: 'limit'; of: 'requester' | 'tenant'; limit: number };

/**
 * How many unfinished runs (those holding their lock: LOCK_HOLDING_STATUSES) one requester and one
 * tenant (`scope.tenantId`) may have at once; absent: no limit.
 */
export interface RunLimits {
  perRequester?: number;
  perTenant?: number;
}

/** A Review's plan that may be started: its token (the plan card's) and the input it was for. */
export interface PlanReview {
  token: string;
  /** planReviews.ts `inputKeyOf` of the reviewed input. */
  inputKey: string;
  reviewedAt: string;
  /**
   * The plan as the admin reviewed it (pre-flight findings included), so the Start that follows goes
   * on from it on whichever replica takes the click, without reading Dynamics again.
   */
  preview?: PlanPreview;
}

export interface StartContext {
  run: Run | null;
  review: PlanReview | null;
  latest: PlanReview | null;
}

/** What a mutation returns: the new run (rev is set by the store) and the audit entries to append. */
export interface RunChange {
  run: Run;
  audit?: Array<Omit<AuditEntry, 'runId'>>;
}

export interface RunFilter {
  status?: RunStatus[];
  limit?: number;
  /** Only runs whose `scope.tenantId` is this (unscoped runs never match). */
  tenantId?: string;
}

export interface RunStore {
  /**
   * Inserts a new run, atomically taking the locks of its two environments (`lockKey` is
   * `fo=...|dv=...`; an active run holding either one is the holder). A repeated `requestKey`
   * returns the run it created (`created: false`); a lock held by another active run is refused with
   * the holder; a requester or tenant at its `limits` is refused, decided in the same transaction
   * as the insert so concurrent starts (on any replica) cannot pass the limit together.
   */
  create(
    run: Run,
    requestKey: string,
    audit: Array<Omit<AuditEntry, 'runId'>>,
    limits?: RunLimits,
  ): Promise<CreateRunResult>;
  get(runId: string): Promise<Run | null>;
  list(filter?: RunFilter): Promise<Run[]>;
  /** Runs that are neither succeeded nor cancelled (they hold their lock). */
  listUnfinished(): Promise<Run[]>;
  /**
   * Read-modify-write in one transaction: `mutate` sees the stored run and returns the change, or
   * null for "nothing to do". `mutate` is synchronous and pure (it runs inside the transaction and
   * may run again if the store retries it). The store bumps `rev` and `updatedAt`, writes, and appends the audit
   * entries in the same transaction. Returns the stored run after the call (changed or not) and
   * whether it changed; null when the run does not exist.
   * With a `fence` (the executor's lease on the run), the store first checks in the same transaction
   * that the fence is still the run's current lease, and throws FencedWriteError otherwise.
   */
  update(
    runId: string,
    mutate: (run: Run) => RunChange | null,
    fence?: LeaseFence,
  ): Promise<{ run: Run; changed: boolean } | null>;
  audit(runId: string): Promise<AuditEntry[]>;
  /** Appends audit entries that change no run (refused commands). */
  appendAudit(runId: string, entries: Array<Omit<AuditEntry, 'runId'>>): Promise<void>;
  /** Records a Review, and forgets reviews made before `forgetBefore` (ISO time). */
  recordReview(review: PlanReview, forgetBefore: string): Promise<void>;
  /**
   * What a Start with this Review token needs, in one read: the run the token already started (the
   * token is the request key), the token's Review, and the newest Review of the same input (whether
   * or not its plan could start).
   */
  startContext(token: string): Promise<StartContext>;
}

/** Statuses in which a run still holds the lock of its environment pair. */
export const LOCK_HOLDING_STATUSES: readonly RunStatus[] = ['running', 'waiting', 'failed'];
