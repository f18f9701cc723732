import type { Db } from '../../store/database';

/**
 * The effects log: every state-changing thing the emulator does on someone's behalf (an environment
 * deployed, a company created, a map started, an initial sync run...) is one row, so tests can assert
 * "exactly once" by counting.
 */
export type EffectKind =
  | 'lcs.deploy'
  | 'fo.legalEntity.create'
  | 'pp.environment.create'
  | 'pp.package.install'
  | 'pp.unified.create'
  | 'pp.unified.install'
  | 'unified.financeOps.ready'
  | 'dv.solution.install'
  | 'gw.connection.create'
  | 'gw.connection.reset'
  | 'gw.initialWrites'
  | 'pp.integration.connect'
  | 'gw.legalEntity.add'
  | 'gw.legalEntity.remove'
  | 'gw.map.init'
  | 'gw.project.refresh'
  | 'gw.solution.apply'
  | 'gw.map.start'
  | 'gw.map.stop'
  | 'gw.map.pause'
  | 'gw.map.resume'
  | 'gw.initialSync.run'
  | 'dv.company.create'
  | 'sync.toDataverse'
  | 'sync.toFinanceOps';

export interface Effect {
  seq: number;
  at: string;
  kind: EffectKind;
  subject: string;
  detail?: string;
}

export class EffectsLog {
  constructor(private readonly db: Db) {}

  record(kind: EffectKind, subject: string, detail?: string): void {
    this.db
      .prepare('INSERT INTO emu_effects (at, kind, subject, detail) VALUES (?, ?, ?, ?)')
      .run(new Date().toISOString(), kind, subject, detail ?? null);
  }

  /** Counts per kind, and per `kind subject` for the fine-grained "exactly once" assertions. */
  counts(): { byKind: Record<string, number>; bySubject: Record<string, number> } {
    const byKind: Record<string, number> = {};
    const bySubject: Record<string, number> = {};
    const rows = this.db
      .prepare('SELECT kind, subject, COUNT(*) AS n FROM emu_effects GROUP BY kind, subject')
      .all() as Array<{ kind: string; subject: string; n: number }>;
    for (const row of rows) {
      byKind[row.kind] = (byKind[row.kind] ?? 0) + row.n;
      bySubject[`${row.kind} ${row.subject}`] = row.n;
    }
    return { byKind, bySubject };
  }

  list(kind?: string, limit = 500): Effect[] {
    const rows = (
      kind
        ? this.db
            .prepare('SELECT * FROM emu_effects WHERE kind = ? ORDER BY seq DESC LIMIT ?')
            .all(kind, limit)
        : this.db.prepare('SELECT * FROM emu_effects ORDER BY seq DESC LIMIT ?').all(limit)
    ) as Array<{ seq: number; at: string; kind: EffectKind; subject: string; detail: string | null }>;
    return rows.map((row) => ({ ...row, detail: row.detail ?? undefined }));
  }
}
