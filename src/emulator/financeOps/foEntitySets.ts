import { MAP_FACTS } from '../microsoft/entityMaps';

/**
 * The F&O OData entity sets the emulator serves: their key fields (besides `dataAreaId`) and whether
 * they are per company. Names are the public collection names of microsoft/entityMaps.ts (case-sensitive, as on F&O);
 * global sets (no dataAreaId) are not company-specific.
 */
export interface FoEntitySet {
  name: string;
  /** Key fields other than dataAreaId, in key order. */
  keyFields: string[];
  companySpecific: boolean;
  /** The field a Dataverse row's name maps to/from (for the generic maps of initial sync). */
  nameField: string;
}

const KNOWN: Record<string, Omit<FoEntitySet, 'name'>> = {
  LegalEntities: { keyFields: ['LegalEntityId'], companySpecific: false, nameField: 'Name' },
  Currencies: { keyFields: ['CurrencyCode'], companySpecific: false, nameField: 'Name' },
  ExchangeRateTypes: { keyFields: ['Name'], companySpecific: false, nameField: 'Description' },
  UnitsOfMeasure: { keyFields: ['UnitSymbol'], companySpecific: false, nameField: 'Description' },
  CustomersV3: { keyFields: ['CustomerAccount'], companySpecific: true, nameField: 'OrganizationName' },
  VendorsV2: {
    keyFields: ['VendorAccountNumber'],
    companySpecific: true,
    nameField: 'VendorOrganizationName',
  },
  CDSContactPersonsV2: { keyFields: ['ContactPersonId'], companySpecific: true, nameField: 'LastName' },
  CustomerGroups: { keyFields: ['CustomerGroupId'], companySpecific: true, nameField: 'Description' },
  VendorGroups: { keyFields: ['VendorGroupId'], companySpecific: true, nameField: 'Description' },
  TaxGroups: { keyFields: ['TaxGroupCode'], companySpecific: true, nameField: 'Description' },
  TaxCodes: { keyFields: ['TaxCode'], companySpecific: true, nameField: 'Name' },
  PaymentTerms: { keyFields: ['Name'], companySpecific: true, nameField: 'Description' },
  PaymentDaysCds: { keyFields: ['Name'], companySpecific: true, nameField: 'Description' },
  OperationalSites: { keyFields: ['SiteId'], companySpecific: true, nameField: 'SiteName' },
  Warehouses: { keyFields: ['WarehouseId'], companySpecific: true, nameField: 'WarehouseName' },
  ReleasedProductsV2: { keyFields: ['ItemNumber'], companySpecific: true, nameField: 'ProductName' },
  CDSSalesOrderHeaders: {
    keyFields: ['SalesOrderNumber'],
    companySpecific: true,
    nameField: 'OrderingCustomerAccountNumber',
  },
  // Keyed on LegalEntityId, no dataAreaId: global to OData, though one row per company.
  Ledgers: { keyFields: ['LegalEntityId'], companySpecific: false, nameField: 'Name' },
};

const sets = new Map<string, FoEntitySet>();
for (const map of MAP_FACTS) {
  const known = KNOWN[map.financeOpsEntitySet];
  sets.set(
    map.financeOpsEntitySet,
    known
      ? { name: map.financeOpsEntitySet, ...known }
      : {
          name: map.financeOpsEntitySet,
          keyFields: ['Name'],
          companySpecific: map.financeOpsCompanyField === 'dataAreaId',
          nameField: 'Name',
        },
  );
}
for (const [name, def] of Object.entries(KNOWN)) if (!sets.has(name)) sets.set(name, { name, ...def });

/** Case-sensitive, like F&O's public collection names. */
export function findFoEntitySet(name: string): FoEntitySet | undefined {
  return sets.get(name);
}

/** The stored key of a row: company (lower case) and key field values. */
export function rowKeyOf(set: FoEntitySet, company: string, row: Record<string, unknown>): string {
  const parts = set.keyFields.map((field) => String(row[field] ?? '').toLowerCase());
  return set.companySpecific ? [company.toLowerCase(), ...parts].join('|') : parts.join('|');
}
