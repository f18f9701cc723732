import { ENTITY_MAP_CATALOG } from '../../engine/catalog/entityMapCatalog';

/**
 * The F&O OData entity sets the emulator serves: their key fields (besides `dataAreaId`) and whether
 * they are per company. Names are the catalog's `financeOpsEntitySet` (case-sensitive, as on F&O).
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
  ContactsV2: { keyFields: ['ContactPersonId'], companySpecific: true, nameField: 'LastName' },
  CustomerGroups: { keyFields: ['CustomerGroupId'], companySpecific: true, nameField: 'Description' },
  VendorGroups: { keyFields: ['VendorGroupId'], companySpecific: true, nameField: 'Description' },
  SalesTaxGroups: { keyFields: ['TaxGroupCode'], companySpecific: true, nameField: 'Description' },
  SalesTaxCodes: { keyFields: ['TaxCode'], companySpecific: true, nameField: 'Name' },
  OperationalSites: { keyFields: ['SiteId'], companySpecific: true, nameField: 'SiteName' },
  Warehouses: { keyFields: ['WarehouseId'], companySpecific: true, nameField: 'WarehouseName' },
  ReleasedProductsV2: { keyFields: ['ItemNumber'], companySpecific: true, nameField: 'ProductName' },
  SalesOrderHeadersV2: {
    keyFields: ['SalesOrderNumber'],
    companySpecific: true,
    nameField: 'OrderingCustomerAccountNumber',
  },
  Ledgers: { keyFields: ['LegalEntityId'], companySpecific: true, nameField: 'Name' },
};

const sets = new Map<string, FoEntitySet>();
for (const map of ENTITY_MAP_CATALOG) {
  const known = KNOWN[map.financeOpsEntitySet];
  sets.set(
    map.financeOpsEntitySet,
    known
      ? { name: map.financeOpsEntitySet, ...known }
      : {
          name: map.financeOpsEntitySet,
          keyFields: ['Name'],
          companySpecific: map.companySpecific,
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
