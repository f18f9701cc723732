import type { Run } from '../engine/model';
import type { CreateRunResult, RunLimits } from '../engine/runStorePort';

// The limits on unfinished runs (runStorePort.ts RunLimits), decided the same way by both stores
// inside the transaction that would insert the run. `count` counts the lock-holding runs whose
// requester id or tenant id is `value`.

export type LimitField = 'requester' | 'tenant';

/** The refusal when the new run would pass a limit; undefined when it may be created. */
export function limitReached(
  run: Run,
  limits: RunLimits,
  count: (field: LimitField, value: string) => number,
): Extract<CreateRunResult, { reason: 'limit' }> | undefined {
  for (const [field, value, limit] of limitsOf(run, limits)) {
    if (count(field, value) >= limit) return { ok: false, reason: 'limit', of: field, limit };
  }
  return undefined;
}

/** The limits that apply to this run: [field, its value in the run, the limit]. */
export function limitsOf(run: Run, limits: RunLimits): Array<[LimitField, string, number]> {
  const applying: Array<[LimitField, string, number]> = [];
  if (limits.perRequester !== undefined)
    applying.push(['requester', run.requestedBy.id, limits.perRequester]);
  // Runs without a scope (started outside a conversation) belong to no tenant.
  if (limits.perTenant !== undefined && run.scope)
    applying.push(['tenant', run.scope.tenantId, limits.perTenant]);
  return applying;
}
