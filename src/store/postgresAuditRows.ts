import type { AuditEntry } from '../engine/model';

// Audit lines go to PostgreSQL as one JSON array that `jsonb_to_recordset` reads, so a run's
// create, its updates and a refused command's lines are each one statement whatever their number.

/** The array parameter of `AUDIT_ROWS` (text, cast to jsonb there). */
export function auditRows(entries: Array<Omit<AuditEntry, 'runId'>>): string {
  return JSON.stringify(
    entries.map((entry) => ({
      at: entry.at,
      actor: entry.actor ? JSON.stringify(entry.actor) : null,
      action: entry.action,
      step_id: entry.stepId ?? null,
      detail: entry.detail ?? null,
    })),
  );
}

/** The lines of parameter `$param`, in the array's order (`entry.n`). */
export const AUDIT_ROWS = (param: string) => `ROWS FROM (jsonb_to_recordset(${param}::jsonb)
           AS (at text, actor text, action text, step_id text, detail text))
           WITH ORDINALITY AS entry(at, actor, action, step_id, detail, n)`;
