// Whether the facts an approval was given on still hold when its step is about to act. Approvals are
// asked at Start (from the confirmed pre-flight), hours before a step like bootstrap runs; the
// approver approved a company and a number of rows, not whatever is there by then.

/** Row counts may move by this fraction of the approved count (at least one row) without a re-ask. */
export const APPROVAL_ROWS_MARGIN = 0.05;

export function approvalFactsChanged(
  approved: Record<string, unknown>,
  now: Record<string, unknown>,
): boolean {
  if (typeof now.unavailable === 'string') return false; // cannot tell: the approval stands
  if (approved.companyCode !== now.companyCode) return true;
  const before = numberOr(approved.totalRows);
  const after = numberOr(now.totalRows);
  if (before === undefined || after === undefined) return before !== after;
  return Math.abs(after - before) > Math.max(1, Math.ceil(before * APPROVAL_ROWS_MARGIN));
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
