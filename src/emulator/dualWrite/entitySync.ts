import type { MapFact } from '../microsoft/entityMaps';
import type { FoRow } from '../financeOps/demoData';
import { findFoEntitySet, rowKeyOf } from '../financeOps/foEntitySets';
import { primaryKeyOf, type DataverseRecord } from '../shell/dataverseTables';
import type { EmulatorContext } from '../shell/emulatorContext';

/**
 * Moves rows of one entity map between F&O and Dataverse, per company: what initial sync and live
 * sync actually do. Every copied pair is remembered in gw_synced, so a second run updates rather than
 * duplicates, and live sync only picks up rows that have not crossed yet.
 */
export const COMPANY_LOOKUP = '_msdyn_company_value';

/** F&O field <-> Dataverse column pairs by map key; the first pair is the row's business key. */
const CONTACT_PERSON: Array<[string, string]> = [
  ['ContactPersonId', 'msdyn_contactpersonid'],
  ['FirstName', 'firstname'],
  ['LastName', 'lastname'],
];
const FIELD_MAPS: Record<string, Array<[string, string]>> = {
  'accounts - Customers V3': [
    ['CustomerAccount', 'accountnumber'],
    ['OrganizationName', 'name'],
  ],
  'contacts - CDS Contacts V2 (Customer)': CONTACT_PERSON,
  'contacts - CDS Contacts V2 (Vendor)': CONTACT_PERSON,
  'msdyn_vendors - Vendors V2': [
    ['VendorAccountNumber', 'msdyn_vendoraccountnumber'],
    ['VendorOrganizationName', 'msdyn_name'],
  ],
  'transactioncurrencies - Currencies': [
    ['CurrencyCode', 'isocurrencycode'],
    ['Name', 'currencyname'],
  ],
};

export function fieldPairs(map: MapFact): Array<[string, string]> {
  const known = FIELD_MAPS[map.key];
  if (known) return known;
  const set = findFoEntitySet(map.financeOpsEntitySet);
  return [
    [set?.keyFields[0] ?? 'Name', 'msdyn_name'],
    [set?.nameField ?? 'Description', 'msdyn_description'],
  ];
}

/**
 * Which rows already crossed is remembered per F&O collection and Dataverse table, not per map: the
 * two contact person maps (customer, vendor) move the same rows [inferred].
 */
function rowPair(map: MapFact): string {
  return `${map.financeOpsEntitySet} <-> ${map.dataverseEntitySet}`;
}

export interface SyncTarget {
  connectionId: string;
  foEnv: string;
  dvOrg: string;
}

/**
 * Where a live-sync pass left off: the F&O environment's last row sequence and the Dataverse org's
 * row version it had read up to. Rows written later have higher numbers (liveSync.ts).
 */
export interface SyncWatermark {
  foSeq: number;
  dvVersion: number;
}

export class EntitySync {
  /** Per link, how many times crossed pairs were forgotten or replaced. */
  private readonly generations = new Map<string, number>();
  private allGenerations = 0;

  constructor(private readonly ctx: EmulatorContext) {}

  /**
   * Changes whenever a row of the link may have stopped counting as crossed without being written:
   * a live-sync watermark of an older generation is void.
   */
  generation(connectionId: string): number {
    return this.generations.get(connectionId) ?? 0;
  }

  /** Moves with any link's generation. */
  get anyGeneration(): number {
    return this.allGenerations;
  }

  /** The cdm_companies row id of a company code, or undefined. */
  companyId(dvOrg: string, code: string): string | undefined {
    const upper = code.toUpperCase();
    const rows = this.ctx.dataverse.list(
      dvOrg,
      'cdm_companies',
      (row) => String(row.cdm_companycode).toUpperCase() === upper,
    );
    return rows.length ? String(rows[0].cdm_companyid) : undefined;
  }

  /** Creates the cdm_companies rows that are missing (the Legal entities map at work). */
  ensureCompanies(target: SyncTarget, codes: string[]): number {
    let created = 0;
    for (const code of codes) {
      if (this.companyId(target.dvOrg, code)) continue;
      const entity = this.ctx.financeOps
        .query(target.foEnv, 'LegalEntities')
        .find((row) => String(row.LegalEntityId).toUpperCase() === code.toUpperCase());
      this.ctx.dataverse.insert(target.dvOrg, 'cdm_companies', {
        cdm_companycode: code.toUpperCase(),
        cdm_name: String(entity?.Name ?? code.toUpperCase()),
      });
      this.ctx.effects.record('dv.company.create', `${target.dvOrg}/${code.toUpperCase()}`);
      created++;
    }
    return created;
  }

  /**
   * F&O -> Dataverse for the given companies (global maps ignore companies). `onlyNew` skips rows that
   * crossed before (live sync); otherwise those are updated (initial sync, a full push). `since`
   * reads only the rows inserted after its `foSeq`.
   */
  toDataverse(
    target: SyncTarget,
    map: MapFact,
    companies: string[],
    onlyNew: boolean,
    since?: SyncWatermark,
  ): number {
    const set = findFoEntitySet(map.financeOpsEntitySet);
    if (!set) return 0;
    const pairs = fieldPairs(map);
    let copied = 0;
    const scopes = map.companySpecific ? companies.map((c) => c.toLowerCase()) : [''];
    for (const company of scopes) {
      const companyId = company ? this.companyId(target.dvOrg, company) : undefined;
      if (company && !companyId) throw new LookupNotFoundError(target, company);
      const all = this.ctx.financeOps.query(target.foEnv, set.name, { afterSeq: since?.foSeq });
      const rows = company ? all.filter((row) => String(row.dataAreaId) === company) : all;
      for (const row of rows) {
        const foKey = rowKeyOf(set, company, row);
        const known = this.synced(target, rowPair(map), company, foKey);
        if (known && onlyNew) continue;
        const record: DataverseRecord = {};
        for (const [foField, dvField] of pairs)
          if (row[foField] !== undefined) record[dvField] = row[foField];
        if (companyId) record[COMPANY_LOOKUP] = companyId;
        if (known) {
          this.ctx.dataverse.update(target.dvOrg, map.dataverseEntitySet, known, record);
        } else {
          const created = this.ctx.dataverse.insert(target.dvOrg, map.dataverseEntitySet, record);
          this.remember(
            target,
            rowPair(map),
            company,
            foKey,
            String(created[primaryKeyOf(map.dataverseEntitySet)]),
          );
        }
        copied++;
      }
      if (copied)
        this.ctx.effects.record(
          'sync.toDataverse',
          `${target.connectionId}/${map.key}/${company || '*'}`,
          String(copied),
        );
    }
    return copied;
  }

  /**
   * Dataverse -> F&O: rows stamped with one of the companies (company-specific maps only). `since`
   * reads only the rows written after its `dvVersion`.
   */
  toFinanceOps(
    target: SyncTarget,
    map: MapFact,
    companies: string[],
    onlyNew: boolean,
    since?: SyncWatermark,
  ): number {
    const set = findFoEntitySet(map.financeOpsEntitySet);
    if (!set || !map.companySpecific || map.name === 'Legal entities') return 0;
    const pairs = fieldPairs(map);
    const [keyFo, keyDv] = pairs[0];
    const primaryKey = primaryKeyOf(map.dataverseEntitySet);
    let copied = 0;
    for (const code of companies) {
      const company = code.toLowerCase();
      const companyId = this.companyId(target.dvOrg, company);
      if (!companyId) continue;
      const rows = this.ctx.dataverse.list(
        target.dvOrg,
        map.dataverseEntitySet,
        (row) => row[COMPANY_LOOKUP] === companyId,
        since?.dvVersion,
      );
      let batch = 0;
      for (const record of rows) {
        const dvId = String(record[primaryKey]);
        const knownKey = this.syncedByDataverseId(target, rowPair(map), dvId);
        if (knownKey && onlyNew) continue;
        const row: FoRow = { dataAreaId: company };
        for (const [foField, dvField] of pairs) if (record[dvField] != null) row[foField] = record[dvField];
        if (row[keyFo] === undefined) {
          // Dual-write fills the business key in F&O and writes it back to Dataverse.
          row[keyFo] = `${code.toUpperCase()}-D${dvId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
          this.ctx.dataverse.update(target.dvOrg, map.dataverseEntitySet, dvId, { [keyDv]: row[keyFo] });
        }
        this.ctx.financeOps.upsert(target.foEnv, set, row);
        if (!knownKey) this.remember(target, rowPair(map), company, rowKeyOf(set, company, row), dvId);
        batch++;
      }
      if (batch)
        this.ctx.effects.record(
          'sync.toFinanceOps',
          `${target.connectionId}/${map.key}/${company}`,
          String(batch),
        );
      copied += batch;
    }
    return copied;
  }

  /** Forgets the link's crossed pairs (Reset): its rows count as new again. */
  forget(connectionId: string): void {
    this.nextGeneration(connectionId);
    this.ctx.db.prepare('DELETE FROM gw_synced WHERE connection_id = ?').run(connectionId);
  }

  private synced(target: SyncTarget, map: string, company: string, foKey: string): string | undefined {
    const row = this.ctx.db
      .prepare(
        'SELECT dv_id FROM gw_synced WHERE connection_id = ? AND map = ? AND company = ? AND fo_key = ?',
      )
      .get(target.connectionId, map, company, foKey) as { dv_id: string } | undefined;
    return row?.dv_id;
  }

  private syncedByDataverseId(target: SyncTarget, map: string, dvId: string): string | undefined {
    const row = this.ctx.db
      .prepare('SELECT fo_key FROM gw_synced WHERE connection_id = ? AND map = ? AND dv_id = ?')
      .get(target.connectionId, map, dvId) as { fo_key: string } | undefined;
    return row?.fo_key;
  }

  private nextGeneration(connectionId: string): void {
    this.generations.set(connectionId, this.generation(connectionId) + 1);
    this.allGenerations++;
  }

  private remember(target: SyncTarget, map: string, company: string, foKey: string, dvId: string): void {
    // Two Dataverse rows with one F&O key: the other row no longer counts as crossed.
    const replaced = this.synced(target, map, company, foKey);
    if (replaced !== undefined && replaced !== dvId) this.nextGeneration(target.connectionId);
    this.ctx.db
      .prepare(
        'INSERT OR REPLACE INTO gw_synced (connection_id, map, company, fo_key, dv_id) VALUES (?, ?, ?, ?, ?)',
      )
      .run(target.connectionId, map, company, foKey, dvId);
  }
}

/** The real dual-write message when a lookup target row is missing in Dataverse. */
export class LookupNotFoundError extends Error {
  constructor(target: SyncTarget, company: string) {
    super(
      lookupNotFoundMessage(
        'msdyn_company.cdm_companycode',
        'cdm_companies',
        'cdm_companycode',
        company.toUpperCase(),
        target,
      ),
    );
  }
}

export function lookupNotFoundMessage(
  field: string,
  entitySet: string,
  column: string,
  value: string,
  target: { dvOrg: string },
  orgUrl?: string,
): string {
  const base = orgUrl ?? `/orgs/${target.dvOrg}`;
  return (
    `Couldn't resolve the guid for the field: ${field}. The lookup was not found: (${column} eq '${value}'). ` +
    `Try this URL(s) to check if the reference data exists: ${base}/api/data/v9.2/${entitySet}?$select=${column}&$filter=${column} eq '${value}'`
  );
}
