// The lease statements, written once for both dialects (SQLite and PostgreSQL both have UPSERT with
// a WHERE and RETURNING); `p(n)` renders the n-th placeholder. A lease row is never deleted: release
// only expires it, so epochs keep growing and an old holder's fence can never match again.

export type Placeholder = (n: number) => string;

/** The upsert both takes share: the epoch stays for the live holder and grows for anyone else. */
const takeLeaseSql = (p: Placeholder, where: string) => `
INSERT INTO run_leases (run_id, owner, epoch, expires_at) VALUES (${p(1)}, ${p(2)}, 1, ${p(3)})
ON CONFLICT (run_id) DO UPDATE SET
  epoch = CASE WHEN run_leases.owner = excluded.owner AND run_leases.expires_at > ${p(4)}
               THEN run_leases.epoch ELSE run_leases.epoch + 1 END,
  owner = excluded.owner,
  expires_at = excluded.expires_at
${where}
RETURNING run_id, owner, epoch, expires_at`;

/** $1 run, $2 owner, $3 expires_at, $4 now. Only when the lease is free, expired or already ours. */
export const acquireLeaseSql = (p: Placeholder) =>
  takeLeaseSql(p, `WHERE run_leases.owner = excluded.owner OR run_leases.expires_at <= ${p(4)}`);

/** $1 run, $2 owner, $3 expires_at, $4 now. Whoever holds it: the old holder's epoch is stale at once. */
export const handOverLeaseSql = (p: Placeholder) => takeLeaseSql(p, '');

/** $1 expires_at, $2 run, $3 owner, $4 epoch. */
export const renewLeaseSql = (p: Placeholder) => `
UPDATE run_leases SET expires_at = ${p(1)}
WHERE run_id = ${p(2)} AND owner = ${p(3)} AND epoch = ${p(4)}
RETURNING run_id, owner, epoch, expires_at`;

/** $1 run, $2 owner, $3 epoch. */
export const releaseLeaseSql = (p: Placeholder) => `
UPDATE run_leases SET expires_at = 0 WHERE run_id = ${p(1)} AND owner = ${p(2)} AND epoch = ${p(3)}`;

export interface LeaseRow {
  run_id: string;
  owner: string;
  epoch: number | string;
  expires_at: number | string;
}

export function toLease(row: LeaseRow) {
  return {
    runId: row.run_id,
    owner: row.owner,
    epoch: Number(row.epoch),
    expiresAt: Number(row.expires_at),
  };
}
