import type { Pool } from 'pg';
import type { AuditEntry, Run } from '../engine/model';
import type { CreateRunResult, RunLimits } from '../engine/runStorePort';
import { limitsOf } from './runLimits';
import { auditRows } from './postgresAuditRows';

// Start on PostgreSQL in one round trip: a function takes the advisory locks (each environment of
// the pair, and the requester and tenant when they are limited), then answers the run this request
// key created, else the active run holding one of the environments, else a limit reached, else
// inserts the run and its audit. The locks are held only while the server runs it: a Start taking
// them over several client round trips made every other Start of the tenant queue behind those
// round trips (docs/benchmarks.md). Each statement of a PL/pgSQL function in READ COMMITTED takes a
// new snapshot, so the reads after the locks see what the previous holder committed.

/**
 * The requester's and the tenant's ids as columns of their own, so the limits count active runs
 * through an index: counted from each active run's JSON body, every Start of a tenant parsed them
 * all while holding the tenant's lock, and the tenant's Starts queued behind one another
 * (docs/benchmarks.md). Neither changes in a run's life, so only the insert writes them. Replaces
 * the function's first version (migration 005).
 */
export const RUN_LIMIT_COLUMNS = `
ALTER TABLE runs ADD COLUMN requester_id TEXT;
ALTER TABLE runs ADD COLUMN tenant_id TEXT;
UPDATE runs SET requester_id = body::jsonb -> 'requestedBy' ->> 'id',
                tenant_id = body::jsonb -> 'scope' ->> 'tenantId';
CREATE INDEX runs_active_requester ON runs(requester_id) WHERE lock_held = 1;
CREATE INDEX runs_active_tenant ON runs(tenant_id) WHERE lock_held = 1;
CREATE OR REPLACE FUNCTION dwbot_create_run(
  p_id text, p_request_key text, p_lock_key text, p_lock_held integer, p_status text, p_rev integer,
  p_created_at text, p_updated_at text, p_body text, p_parts text[], p_audit jsonb,
  p_requester text, p_per_requester integer, p_tenant text, p_per_tenant integer
) RETURNS TABLE (outcome text, body text, rev integer, limit_of text, limit_count integer)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  lock_name text;
  by_requester bigint;
  by_tenant bigint;
BEGIN
  -- Sorted, so two starts never wait on each other crosswise.
  FOR lock_name IN
    SELECT DISTINCT k FROM unnest(
      array(SELECT 'dwbot:env:' || part FROM unnest(p_parts) AS part)
      || CASE WHEN p_per_requester IS NULL THEN '{}'::text[] ELSE ARRAY['dwbot:requester:' || p_requester] END
      || CASE WHEN p_per_tenant IS NULL THEN '{}'::text[] ELSE ARRAY['dwbot:tenant:' || p_tenant] END
    ) AS k ORDER BY k
  LOOP
    PERFORM pg_advisory_xact_lock(hashtext(lock_name));
  END LOOP;
  RETURN QUERY SELECT 'existing'::text, r.body, r.rev, NULL::text, NULL::integer
    FROM runs r WHERE r.request_key = p_request_key;
  IF FOUND THEN RETURN; END IF;
  RETURN QUERY SELECT 'locked'::text, r.body, r.rev, NULL::text, NULL::integer
    FROM runs r WHERE r.lock_held = 1 AND string_to_array(r.lock_key, '|') && p_parts LIMIT 1;
  IF FOUND THEN RETURN; END IF;
  SELECT count(*) INTO by_requester FROM runs r
   WHERE r.lock_held = 1 AND r.requester_id = p_requester AND p_per_requester IS NOT NULL;
  SELECT count(*) INTO by_tenant FROM runs r
   WHERE r.lock_held = 1 AND r.tenant_id = p_tenant AND p_per_tenant IS NOT NULL;
  IF by_requester >= p_per_requester THEN
    RETURN QUERY SELECT 'limit'::text, NULL::text, NULL::integer, 'requester'::text, p_per_requester;
    RETURN;
  END IF;
  IF by_tenant >= p_per_tenant THEN
    RETURN QUERY SELECT 'limit'::text, NULL::text, NULL::integer, 'tenant'::text, p_per_tenant;
    RETURN;
  END IF;
  INSERT INTO runs (id, request_key, lock_key, lock_held, status, rev, created_at, updated_at, body,
                    requester_id, tenant_id)
    VALUES (p_id, p_request_key, p_lock_key, p_lock_held, p_status, p_rev, p_created_at, p_updated_at, p_body,
            p_requester, p_tenant);
  INSERT INTO run_audit (run_id, at, actor, action, step_id, detail)
    SELECT p_id, entry.at, entry.actor, entry.action, entry.step_id, entry.detail
    FROM ROWS FROM (jsonb_to_recordset(p_audit) AS (at text, actor text, action text, step_id text, detail text))
      WITH ORDINALITY AS entry(at, actor, action, step_id, detail, n)
    ORDER BY entry.n;
  RETURN QUERY SELECT 'created'::text, NULL::text, NULL::integer, NULL::text, NULL::integer;
END
$fn$;`;

interface CreateRow {
  outcome: 'existing' | 'locked' | 'limit' | 'created';
  body: string | null;
  rev: number | null;
  limit_of: 'requester' | 'tenant' | null;
  limit_count: number | null;
}

export async function createRun(
  pool: Pool,
  run: Run,
  requestKey: string,
  audit: Array<Omit<AuditEntry, 'runId'>>,
  limits: RunLimits,
  holdsLock: boolean,
): Promise<CreateRunResult> {
  const limited = new Map(limitsOf(run, limits).map(([field, , limit]) => [field, limit]));
  const result = await pool.query<CreateRow>(
    'SELECT * FROM dwbot_create_run($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)',
    [
      run.id,
      requestKey,
      run.lockKey,
      holdsLock ? 1 : 0,
      run.status,
      run.rev,
      run.createdAt,
      run.updatedAt,
      JSON.stringify(run),
      [...new Set(run.lockKey.split('|'))],
      auditRows(audit),
      run.requestedBy.id,
      limited.get('requester') ?? null,
      run.scope?.tenantId ?? null,
      limited.get('tenant') ?? null,
    ],
  );
  const row = result.rows[0];
  const stored = (): Run => ({ ...(JSON.parse(row.body as string) as Run), rev: row.rev as number });
  if (row.outcome === 'existing') return { ok: true, run: stored(), created: false };
  if (row.outcome === 'locked') return { ok: false, reason: 'locked', holder: stored() };
  if (row.outcome === 'limit') {
    return {
      ok: false,
      reason: 'limit',
      of: row.limit_of as 'requester' | 'tenant',
      limit: row.limit_count as number,
    };
  }
  return { ok: true, run, created: true };
}
