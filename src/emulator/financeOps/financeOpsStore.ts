import type { Db } from '../../store/database';
import type { FoDataSet, FoRow } from './demoData';
import { findFoEntitySet, rowKeyOf, type FoEntitySet } from './foEntitySets';
import { matches, type EqualityClause } from './odataQuery';

/**
 * Rows of the emulated F&O environments (table fo_rows, JSON per row). Company-specific rows are
 * stored with `dataAreaId` in lower case, as F&O returns it.
 */
export class FinanceOpsStore {
  private seq = 0;
  /** Per environment (lower case), the sequence number of its last inserted row (`lastSeq`). */
  private readonly lastSeqs = new Map<string, number>();

  constructor(private readonly db: Db) {
    const row = db.prepare('SELECT MAX(seq) AS s FROM fo_rows').get() as { s: number | null };
    this.seq = row.s ?? 0;
  }

  /** Inserts rows that do not exist yet; returns how many were new. */
  load(env: string, data: FoDataSet): number {
    let added = 0;
    this.db.transaction(() => {
      for (const [setName, rows] of Object.entries(data)) {
        const set = this.set(setName);
        for (const row of rows) if (this.insertIfAbsent(env, set, row)) added++;
      }
    })();
    return added;
  }

  /** Inserts one row; false when a row with the same key exists. */
  insertIfAbsent(env: string, set: FoEntitySet, row: FoRow): boolean {
    const company = companyOf(set, row);
    const result = this.db
      .prepare(
        'INSERT OR IGNORE INTO fo_rows (env, entity_set, company, row_key, data, seq) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(env, set.name, company, rowKeyOf(set, company, row), JSON.stringify(row), ++this.seq);
    if (result.changes === 1) this.lastSeqs.set(env.toLowerCase(), this.seq);
    return result.changes === 1;
  }

  /** Inserts or replaces a row (sync); returns 'created' or 'updated'. */
  upsert(env: string, set: FoEntitySet, row: FoRow): 'created' | 'updated' {
    const company = companyOf(set, row);
    const key = rowKeyOf(set, company, row);
    const existing = this.db
      .prepare('SELECT data FROM fo_rows WHERE env = ? AND entity_set = ? AND row_key = ?')
      .get(env, set.name, key) as { data: string } | undefined;
    if (!existing) {
      this.insertIfAbsent(env, set, row);
      return 'created';
    }
    const merged = { ...(JSON.parse(existing.data) as FoRow), ...row };
    this.db
      .prepare('UPDATE fo_rows SET data = ? WHERE env = ? AND entity_set = ? AND row_key = ?')
      .run(JSON.stringify(merged), env, set.name, key);
    return 'updated';
  }

  /**
   * Rows of a set in query order. `company` limits to one company (the caller's default company when
   * the query is not cross-company); undefined means every company. `afterSeq` keeps the rows
   * inserted after that sequence number (`lastSeq`).
   */
  query(
    env: string,
    setName: string,
    options: { company?: string; filter?: EqualityClause[]; afterSeq?: number } = {},
  ): FoRow[] {
    const after = options.afterSeq ?? 0;
    const rows = (
      options.company !== undefined
        ? this.db
            .prepare(
              'SELECT data FROM fo_rows WHERE env = ? AND entity_set = ? AND company IN (?, ?) AND seq > ? ORDER BY seq',
            )
            .all(env, setName, options.company.toLowerCase(), '', after)
        : this.db
            .prepare('SELECT data FROM fo_rows WHERE env = ? AND entity_set = ? AND seq > ? ORDER BY seq')
            .all(env, setName, after)
    ) as Array<{ data: string }>;
    const parsed = rows.map((row) => JSON.parse(row.data) as FoRow);
    return options.filter?.length ? parsed.filter((row) => matches(row, options.filter ?? [])) : parsed;
  }

  /**
   * The sequence number of the environment's last inserted row (0 for none): it grows with every
   * insert, and rows inserted later have higher ones. Kept in memory (live sync asks on every tick);
   * a deletion leaves it as it was.
   */
  lastSeq(env: string): number {
    const key = env.toLowerCase();
    let seq = this.lastSeqs.get(key);
    if (seq === undefined) {
      const row = this.db.prepare('SELECT MAX(seq) AS s FROM fo_rows WHERE env = ?').get(env) as {
        s: number | null;
      };
      seq = row.s ?? 0;
      this.lastSeqs.set(key, seq);
    }
    return seq;
  }

  count(env: string, setName: string, company: string): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM fo_rows WHERE env = ? AND entity_set = ? AND company = ?')
      .get(env, setName, company.toLowerCase()) as { n: number };
    return row.n;
  }

  /** Upper-case ids of the environment's legal entities. */
  legalEntityIds(env: string): string[] {
    return this.query(env, 'LegalEntities').map((row) => String(row.LegalEntityId).toUpperCase());
  }

  deleteEnvironment(env: string): void {
    this.db.prepare('DELETE FROM fo_rows WHERE env = ?').run(env);
  }

  private set(name: string): FoEntitySet {
    const set = findFoEntitySet(name);
    if (!set) throw new Error(`Unknown F&O entity set ${name}`);
    return set;
  }
}

function companyOf(set: FoEntitySet, row: FoRow): string {
  return set.companySpecific ? String(row.dataAreaId ?? '').toLowerCase() : '';
}
