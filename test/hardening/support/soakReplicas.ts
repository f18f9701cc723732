import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import path from 'node:path';
import { Client } from 'pg';
import type { LocalConnector } from '../../support/localConnector';

/**
 * What the soak needs to judge several replicas: the bot's record read from whichever store it used,
 * a freeze (SIGSTOP, then SIGCONT), and the connector-side checks of Teams' limits and of in-place
 * updates sent twice.
 */
export interface ReplicaRecord {
  /** `lease`: who held the run at the end (owner, epoch, ms left), to explain a run that did not finish. */
  runs: Array<{ id: string; status: string; body: string; lease?: string }>;
  takeovers: number;
  fencedWrites: number;
}

export async function readReplicaRecord(
  databaseUrl: string | undefined,
  dir: string,
): Promise<ReplicaRecord> {
  if (!databaseUrl) {
    const db = new Database(path.join(dir, 'bot.sqlite'), { readonly: true });
    try {
      return {
        runs: db.prepare('SELECT id, status, body FROM runs').all() as ReplicaRecord['runs'],
        takeovers: (
          db.prepare("SELECT count(*) AS n FROM run_audit WHERE action = 'lease.takeover'").get() as {
            n: number;
          }
        ).n,
        fencedWrites: (db.prepare('SELECT count(*) AS n FROM fenced_writes').get() as { n: number }).n,
      };
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const runs = (
      await client.query(
        `SELECT r.id, r.status, r.body,
                l.owner || ' epoch ' || l.epoch || ' ' || (l.expires_at - $1) || ' ms left' AS lease
         FROM runs r LEFT JOIN run_leases l ON l.run_id = r.id`,
        [Date.now()],
      )
    ).rows as ReplicaRecord['runs'];
    const takeovers = await client.query(
      "SELECT count(*) AS n FROM run_audit WHERE action = 'lease.takeover'",
    );
    const fenced = await client.query('SELECT count(*) AS n FROM fenced_writes');
    return { runs, takeovers: Number(takeovers.rows[0].n), fencedWrites: Number(fenced.rows[0].n) };
  } finally {
    await client.end();
  }
}

/** SIGSTOP for `ms`, then SIGCONT: the process neither runs nor dies meanwhile. */
export async function freeze(child: ChildProcess | undefined, ms: number): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return;
  child.kill('SIGSTOP');
  await new Promise((resolve) => setTimeout(resolve, ms));
  child.kill('SIGCONT');
}

/** Teams per bot and conversation (docs/teams.md): 7 per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per hour. */
const WINDOWS = [
  { ms: 1_000, max: 7 },
  { ms: 2_000, max: 8 },
  { ms: 30_000, max: 60 },
  { ms: 3_600_000, max: 1_800 },
];

/** Conversations where some window held more calls than allowed (as the connector saw them). */
export function teamsLimitBreaches(connector: LocalConnector): number {
  const byConversation = new Map<string, number[]>();
  for (const call of connector.calls) {
    const list = byConversation.get(call.conversationId) ?? [];
    list.push(call.at);
    byConversation.set(call.conversationId, list);
  }
  let breaches = 0;
  for (const times of byConversation.values()) {
    times.sort((a, b) => a - b);
    const breached = WINDOWS.some((w) =>
      // The connector stamps arrival; allow 50 ms of network jitter at the window's edge.
      times.some((t, i) => i >= w.max && t - times[i - w.max] < w.ms - 50),
    );
    if (breached) breaches += 1;
  }
  return breaches;
}

/** Updates whose content equals the version before it: the same update sent twice. */
export function updatesRepeated(connector: LocalConnector): number {
  let repeated = 0;
  for (const message of connector.messages.values()) {
    for (let i = 1; i < message.versions.length; i += 1) {
      if (JSON.stringify(message.versions[i]) === JSON.stringify(message.versions[i - 1])) repeated += 1;
    }
  }
  return repeated;
}
