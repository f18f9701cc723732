import type { Database, Statement } from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { findEntitySet, lookupValueName, type EntitySetDefinition } from './entitySets';
import { errors, ODataError } from './odataErrors';

/**
 * The emulated Dataverse data: one SQLite file shared with the rest of the emulator, tables prefixed
 * `dv_`. A record is stored as JSON (lookups as `_<name>_value`, a GUID or null) with its row
 * version (the number inside `@odata.etag`). Every write of the company lookup is counted per row,
 * so a benchmark can prove that bootstrap never stamped a row twice.
 */
export type DataverseRecord = Record<string, unknown>;

export interface StoredRecord {
  id: string;
  /** Row version; the wire etag is `W/"<etag>"`. */
  etag: number;
  data: DataverseRecord;
}

/** A compiled `$filter`: SQL over the `id`, `etag` and `data` columns of `dv_records`. */
export interface SqlCondition {
  sql: string;
  params: Array<string | number | null>;
}

export interface RecordQuery {
  where?: SqlCondition;
  /** Extra order columns (SQL expressions from `sqlColumn`); the key always breaks ties. */
  orderBy?: Array<{ expression: string; descending: boolean }>;
  /** Key-order paging cursor: rows whose key sorts after this one (only without orderBy). */
  afterKey?: string;
  offset?: number;
  limit?: number;
}

/** The lookup whose writes count as "stamps" (bootstrap sets it on company-specific tables). */
export const STAMP_LOOKUP_VALUE = '_msdyn_company_value';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS dv_orgs (org TEXT PRIMARY KEY, version INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dv_records (
  org TEXT NOT NULL, entity_set TEXT NOT NULL, id TEXT NOT NULL, etag INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (org, entity_set, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dv_records_etag ON dv_records (org, entity_set, etag);
CREATE TABLE IF NOT EXISTS dv_stamps (
  org TEXT NOT NULL, entity_set TEXT NOT NULL, id TEXT NOT NULL, stamps INTEGER NOT NULL,
  PRIMARY KEY (org, entity_set, id)
) WITHOUT ROWID;
`;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The SQL expression reading one property of a stored record. */
export function sqlColumn(definition: EntitySetDefinition, property: string): string {
  if (property === definition.primaryKey) return 'id';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(property))
    throw errors.badQuery(`Invalid property name '${property}'.`);
  return `json_extract(data, '$."${property}"')`;
}

export class DataverseStore {
  private readonly statements: {
    bumpVersion: Statement;
    get: Statement;
    insert: Statement;
    update: Statement;
    remove: Statement;
    stamp: Statement;
    hasOrg: Statement;
    version: Statement;
  };

  constructor(private readonly db: Database) {
    db.exec(SCHEMA);
    this.statements = {
      bumpVersion: db.prepare('UPDATE dv_orgs SET version = version + 1 WHERE org = ? RETURNING version'),
      get: db.prepare('SELECT id, etag, data FROM dv_records WHERE org = ? AND entity_set = ? AND id = ?'),
      insert: db.prepare('INSERT INTO dv_records (org, entity_set, id, etag, data) VALUES (?, ?, ?, ?, ?)'),
      update: db.prepare(
        'UPDATE dv_records SET etag = ?, data = ? WHERE org = ? AND entity_set = ? AND id = ?',
      ),
      remove: db.prepare('DELETE FROM dv_records WHERE org = ? AND entity_set = ? AND id = ?'),
      stamp: db.prepare(
        `INSERT INTO dv_stamps (org, entity_set, id, stamps) VALUES (?, ?, ?, 1)
         ON CONFLICT (org, entity_set, id) DO UPDATE SET stamps = stamps + 1`,
      ),
      hasOrg: db.prepare('SELECT 1 FROM dv_orgs WHERE org = ?'),
      version: db.prepare('SELECT version FROM dv_orgs WHERE org = ?'),
    };
  }

  createOrg(org: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO dv_orgs (org, version, created_at) VALUES (?, 0, ?)')
      .run(org, new Date().toISOString());
  }

  hasOrg(org: string): boolean {
    return this.statements.hasOrg.get(org) !== undefined;
  }

  /** The org's last row version (every write takes the next); undefined for an unknown org. */
  version(org: string): number | undefined {
    return (this.statements.version.get(org) as { version: number } | undefined)?.version;
  }

  /** Runs `work` in one SQLite transaction: a throw rolls every write back (change sets). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Inserts a record; generates the primary key (GUID) if absent; returns the stored record. */
  insert(org: string, entitySet: string, record: DataverseRecord): DataverseRecord {
    return this.insertRecord(org, entitySet, record).data;
  }

  /** Like `insert`, with the row version. Duplicate key -> 412 0x80040237 as the real service. */
  insertRecord(org: string, entitySet: string, record: DataverseRecord): StoredRecord {
    const definition = this.definition(org, entitySet);
    const data = this.resolveBinds(org, record);
    const key = data[definition.primaryKey];
    const id = typeof key === 'string' && key !== '' ? key.toLowerCase() : randomUUID();
    if (!GUID.test(id)) throw errors.badQuery(`Invalid GUID '${id}' for ${definition.primaryKey}.`);
    if (this.getRecord(org, entitySet, id)) throw errors.duplicateKey();
    const now = new Date().toISOString();
    const full: DataverseRecord = { ...nullLookups(definition), statecode: 0, statuscode: 1, createdon: now };
    Object.assign(full, data, { [definition.primaryKey]: id, modifiedon: now });
    const etag = this.nextVersion(org);
    full.versionnumber = etag;
    this.statements.insert.run(org, entitySet, id, etag, JSON.stringify(full));
    return { id, etag, data: full };
  }

  getRecord(org: string, entitySet: string, id: string): StoredRecord | undefined {
    const row = this.statements.get.get(org, entitySet, id.toLowerCase()) as
      { id: string; etag: number; data: string } | undefined;
    return row ? { id: row.id, etag: row.etag, data: JSON.parse(row.data) as DataverseRecord } : undefined;
  }

  /** The records in key order; `changedAfter` keeps those written after that org version. */
  list(
    org: string,
    entitySet: string,
    filter?: (r: DataverseRecord) => boolean,
    changedAfter?: number,
  ): DataverseRecord[] {
    const where = changedAfter === undefined ? undefined : { sql: 'etag > ?', params: [changedAfter] };
    const all = this.queryRecords(org, entitySet, { where }).map((record) => record.data);
    return filter ? all.filter(filter) : all;
  }

  count(org: string, entitySet: string, filter?: (r: DataverseRecord) => boolean): number {
    if (!filter) return this.countRecords(org, entitySet);
    return this.list(org, entitySet, filter).length;
  }

  update(org: string, entitySet: string, id: string, patch: DataverseRecord): boolean {
    return this.updateRecord(org, entitySet, id, patch) !== undefined;
  }

  /** Merges `patch` into the record and bumps its version; undefined when the record is missing. */
  updateRecord(org: string, entitySet: string, id: string, patch: DataverseRecord): StoredRecord | undefined {
    const definition = this.definition(org, entitySet);
    const existing = this.getRecord(org, entitySet, id);
    if (!existing) return undefined;
    const changes = this.resolveBinds(org, patch);
    delete changes[definition.primaryKey];
    const etag = this.nextVersion(org);
    const data = { ...existing.data, ...changes, modifiedon: new Date().toISOString(), versionnumber: etag };
    this.statements.update.run(etag, JSON.stringify(data), org, entitySet, existing.id);
    if (typeof changes[STAMP_LOOKUP_VALUE] === 'string')
      this.statements.stamp.run(org, entitySet, existing.id);
    return { id: existing.id, etag, data };
  }

  delete(org: string, entitySet: string, id: string): boolean {
    this.definition(org, entitySet);
    return this.statements.remove.run(org, entitySet, id.toLowerCase()).changes > 0;
  }

  queryRecords(org: string, entitySet: string, query: RecordQuery): StoredRecord[] {
    this.definition(org, entitySet);
    const { sql, params } = this.selectSql('id, etag, data', org, entitySet, query);
    const rows = this.db.prepare(sql).all(...params) as Array<{ id: string; etag: number; data: string }>;
    return rows.map((row) => ({ id: row.id, etag: row.etag, data: JSON.parse(row.data) as DataverseRecord }));
  }

  countRecords(org: string, entitySet: string, where?: SqlCondition): number {
    this.definition(org, entitySet);
    const { sql, params } = this.selectSql('COUNT(*) AS n', org, entitySet, { where });
    return (this.db.prepare(sql).get(...params) as { n: number }).n;
  }

  /** Stamps (company lookup writes) per row: how many rows were stamped, and how many more than once. */
  stampCounts(org: string, entitySet: string): { rowsStamped: number; stampedTwice: number; stamps: number } {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS rows, COALESCE(SUM(stamps > 1), 0) AS twice, COALESCE(SUM(stamps), 0) AS stamps
         FROM dv_stamps WHERE org = ? AND entity_set = ?`,
      )
      .get(org, entitySet) as { rows: number; twice: number; stamps: number };
    return { rowsStamped: row.rows, stampedTwice: row.twice, stamps: row.stamps };
  }

  /**
   * Seeds an "existing" org: `accounts` and `contacts` company-less rows, deterministic (same ids and
   * values on every run, so seeding again inserts nothing new).
   */
  seedExisting(org: string, counts: { accounts: number; contacts: number }): void {
    this.createOrg(org);
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO dv_records (org, entity_set, id, etag, data) VALUES (?, ?, ?, ?, ?)',
    );
    const createdon = '2024-01-01T00:00:00.000Z';
    this.transaction(() => {
      for (const [entitySet, total] of [
        ['accounts', counts.accounts],
        ['contacts', counts.contacts],
      ] as const) {
        const definition = this.definition(org, entitySet);
        for (let i = 1; i <= total; i++) {
          const id = deterministicGuid(`${org}/${entitySet}/${i}`);
          const number = String(i).padStart(6, '0');
          const fields =
            entitySet === 'accounts'
              ? { name: `Existing customer ${number}`, accountnumber: `EX-${number}` }
              : {
                  firstname: 'Existing',
                  lastname: `Contact ${number}`,
                  fullname: `Existing Contact ${number}`,
                };
          const etag = this.nextVersion(org);
          const data = {
            ...nullLookups(definition),
            ...fields,
            [definition.primaryKey]: id,
            statecode: 0,
            statuscode: 1,
            createdon,
            modifiedon: createdon,
            versionnumber: etag,
          };
          insert.run(org, entitySet, id, etag, JSON.stringify(data));
        }
      }
    });
  }

  private selectSql(columns: string, org: string, entitySet: string, query: RecordQuery): SqlCondition {
    const clauses = ['org = ?', 'entity_set = ?'];
    const params: Array<string | number | null> = [org, entitySet];
    if (query.where) {
      clauses.push(`(${query.where.sql})`);
      params.push(...query.where.params);
    }
    if (query.afterKey !== undefined) {
      clauses.push('id > ?');
      params.push(query.afterKey.toLowerCase());
    }
    const order = [
      ...(query.orderBy ?? []).map((o) => `${o.expression}${o.descending ? ' DESC' : ''}`),
      'id',
    ];
    let sql = `SELECT ${columns} FROM dv_records WHERE ${clauses.join(' AND ')}`;
    if (columns.startsWith('COUNT')) return { sql, params };
    sql += ` ORDER BY ${order.join(', ')}`;
    if (query.limit !== undefined || query.offset !== undefined) {
      sql += ' LIMIT ? OFFSET ?';
      params.push(query.limit ?? -1, query.offset ?? 0);
    }
    return { sql, params };
  }

  private definition(org: string, entitySet: string): EntitySetDefinition {
    const definition = findEntitySet(entitySet);
    if (!definition) throw errors.unknownSegment(entitySet);
    if (!this.hasOrg(org)) throw new ODataError(404, '0x80040217', `Organization '${org}' does not exist.`);
    return definition;
  }

  private nextVersion(org: string): number {
    return (this.statements.bumpVersion.get(org) as { version: number }).version;
  }

  /** `x@odata.bind: "/set(guid)"` (or null) -> `_x_value`; a bind to a missing record is an error. */
  private resolveBinds(org: string, record: DataverseRecord): DataverseRecord {
    const out: DataverseRecord = {};
    for (const [name, value] of Object.entries(record)) {
      if (!name.endsWith('@odata.bind')) {
        out[name] = value;
        continue;
      }
      const lookup = name.slice(0, -'@odata.bind'.length);
      if (value === null) {
        out[lookupValueName(lookup)] = null;
        continue;
      }
      const target = typeof value === 'string' ? parseEntityReference(value) : undefined;
      if (!target) throw errors.badQuery(`Invalid value for '${name}': expected '/<entityset>(<guid>)'.`);
      const targetSet = findEntitySet(target.entitySet);
      if (!targetSet) throw errors.unknownSegment(target.entitySet);
      if (!this.getRecord(org, target.entitySet, target.id))
        throw errors.recordNotFound(targetSet.logicalName, target.id);
      out[lookupValueName(lookup)] = target.id.toLowerCase();
    }
    return out;
  }
}

/** `/cdm_companies(<guid>)`, `cdm_companies(<guid>)` or an absolute URL ending so. */
export function parseEntityReference(reference: string): { entitySet: string; id: string } | undefined {
  const match = /(?:^|\/)([A-Za-z_][A-Za-z0-9_]*)\(([0-9a-fA-F-]{36})\)$/.exec(reference.trim());
  return match ? { entitySet: match[1], id: match[2].toLowerCase() } : undefined;
}

function nullLookups(definition: EntitySetDefinition): DataverseRecord {
  return Object.fromEntries(Object.keys(definition.lookups).map((lookup) => [lookupValueName(lookup), null]));
}

/** A stable GUID (v4-shaped) from a seed string: same seed, same id, on every run. */
export function deterministicGuid(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
