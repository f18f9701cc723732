// The dual-write entity maps the engine knows: which F&O public collection syncs with which Dataverse
// table, which package brings the map, and which maps must run first so the lookups resolve. Names
// and sources: docs/dynamics-apis.md (map names as the dual-write UI shows them, from Microsoft Learn
// "Separated Dual-write Application Orchestration package"; prerequisites from "Initial
// synchronization order" and "Enable table maps"). The emulator keeps its own copy of these facts; a
// contract test holds the two together.
//
// `dependsOn` are hard prerequisites. `circularWith` are the documented circular references (Customers
// V3 <-> Vendors V2 / CDS Contacts V2): not prerequisites; the engine breaks the cycle by running these
// maps in stages instead of failing.

/** Which package publishes a map (see catalog/solutions.ts). */
export type MapPackage = 'applicationCore' | 'finance' | 'supplyChain';

export interface EntityMapDefinition {
  /** The map's name as the dual-write UI shows it. */
  name: string;
  /** Dataverse entity set. */
  dataverseEntitySet: string;
  /** F&O OData public collection name (case-sensitive). */
  financeOpsEntitySet: string;
  /** How an F&O row names its company: `dataAreaId`, its key `LegalEntityId`, or not at all (global). */
  financeOpsCompanyField: 'dataAreaId' | 'LegalEntityId' | null;
  package: MapPackage;
  dependsOn: string[];
  circularWith?: string[];
  /** Single-threaded on initial sync from Dataverse: the 70,000-row rule applies. */
  singleThreaded: boolean;
  /** Company-specific tables carry a company lookup and depend on Legal entities. */
  companySpecific: boolean;
}

const LEGAL_ENTITIES = 'Legal entities';
const GLOBAL = { companySpecific: false, companyField: null } as const;

const maps: EntityMapDefinition[] = [
  m('Legal entities', 'cdm_companies', 'LegalEntities', 'applicationCore', [], GLOBAL),
  m('Currencies', 'transactioncurrencies', 'Currencies', 'applicationCore', [], GLOBAL),
  m('Exchange rate type', 'msdyn_exchangeratetypes', 'ExchangeRateTypes', 'applicationCore', [], GLOBAL),
  m('Units', 'uoms', 'UnitsOfMeasure', 'supplyChain', [], GLOBAL),
  m('Payment days CDS', 'msdyn_paymentdays', 'PaymentDaysCds', 'finance', []),
  m('Payment schedule', 'msdyn_paymentschedules', 'PaymentSchedules', 'finance', []),
  m('Terms of payment', 'msdyn_paymentterms', 'PaymentTerms', 'finance', [
    'Payment days CDS',
    'Payment schedule',
  ]),
  m('Customer payment method', 'msdyn_customerpaymentmethods', 'CustomerPaymentMethods', 'finance', []),
  m('Vendor payment method', 'msdyn_vendorpaymentmethods', 'VendorPaymentMethods', 'finance', []),
  m('Customer groups', 'msdyn_customergroups', 'CustomerGroups', 'finance', ['Terms of payment']),
  m('Vendor groups', 'msdyn_vendorgroups', 'VendorGroups', 'finance', ['Terms of payment']),
  m('Sales tax groups', 'msdyn_taxgroups', 'TaxGroups', 'finance', ['Currencies']),
  m('Sales tax codes', 'msdyn_taxcodes', 'TaxCodes', 'finance', ['Sales tax groups'], {
    singleThreaded: true,
  }),
  m(
    'Customers V3',
    'accounts',
    'CustomersV3',
    'finance',
    [
      'Currencies',
      'Customer groups',
      'Terms of payment',
      'Payment days CDS',
      'Payment schedule',
      'Customer payment method',
    ],
    { singleThreaded: true, circularWith: ['Vendors V2', 'CDS Contacts V2'] },
  ),
  m(
    'Vendors V2',
    'msdyn_vendors',
    'VendorsV2',
    'finance',
    ['Vendor groups', 'Currencies', 'Terms of payment', 'Vendor payment method', 'Sales tax groups'],
    { singleThreaded: true, circularWith: ['Customers V3'] },
  ),
  // Contacts after customers and vendors.
  m('CDS Contacts V2', 'contacts', 'CDSContactPersonsV2', 'finance', ['Customers V3', 'Vendors V2']),
  // Ledgers has no dataAreaId; its key LegalEntityId names the company.
  m('Ledger', 'msdyn_ledgers', 'Ledgers', 'finance', ['Currencies', 'Exchange rate type'], {
    companyField: 'LegalEntityId',
  }),
  m('Sites', 'msdyn_operationalsites', 'OperationalSites', 'supplyChain', []),
  m('Warehouses', 'msdyn_warehouses', 'Warehouses', 'supplyChain', ['Sites'], { singleThreaded: true }),
  m('Released products V2', 'msdyn_sharedproductdetails', 'ReleasedProductsV2', 'supplyChain', ['Units']),
  m('CDS sales order headers', 'salesorders', 'CDSSalesOrderHeaders', 'supplyChain', [
    'Customers V3',
    'Currencies',
  ]),
];

function m(
  name: string,
  dataverseEntitySet: string,
  financeOpsEntitySet: string,
  pkg: MapPackage,
  dependsOn: string[],
  options: {
    singleThreaded?: boolean;
    companySpecific?: boolean;
    circularWith?: string[];
    companyField?: 'dataAreaId' | 'LegalEntityId' | null;
  } = {},
): EntityMapDefinition {
  const companySpecific = options.companySpecific ?? true;
  return {
    name,
    dataverseEntitySet,
    financeOpsEntitySet,
    financeOpsCompanyField: options.companyField === undefined ? 'dataAreaId' : options.companyField,
    package: pkg,
    // Every company-specific map also depends on Legal entities.
    dependsOn:
      companySpecific && !dependsOn.includes(LEGAL_ENTITIES) ? [LEGAL_ENTITIES, ...dependsOn] : dependsOn,
    circularWith: options.circularWith,
    singleThreaded: options.singleThreaded ?? false,
    companySpecific,
  };
}

export const ENTITY_MAP_CATALOG: readonly EntityMapDefinition[] = Object.freeze(maps);

const byName = new Map(maps.map((map) => [map.name.toLowerCase(), map]));

/** Looks a map up by its name, case-insensitively. */
export function findEntityMap(name: string): EntityMapDefinition | undefined {
  return byName.get(name.trim().toLowerCase());
}
