// The starter catalog of dual-write entity maps (docs/domain.md §5): which F&O entity syncs with
// which Dataverse table, and which maps must run first so the lookups resolve.
//
// `dependsOn` are hard prerequisites. `circularWith` are the documented circular references (Customers
// V3 <-> Vendors V2 / CDS Contacts V2): they are not prerequisites; the engine breaks the cycle by
// running these maps in stages instead of failing.

export interface EntityMapDefinition {
  /** The map's name as the dual-write UI shows it. */
  name: string;
  /** Dataverse entity set. */
  dataverseEntitySet: string;
  /** F&O OData public collection name. */
  financeOpsEntitySet: string;
  dependsOn: string[];
  circularWith?: string[];
  /** Single-threaded on initial sync from Dataverse: the 70,000-row rule applies. */
  singleThreaded: boolean;
  /** Company-specific tables carry a company lookup and depend on Legal entities. */
  companySpecific: boolean;
}

const LEGAL_ENTITIES = 'Legal entities';

const maps: EntityMapDefinition[] = [
  m('Legal entities', 'cdm_companies', 'LegalEntities', [], { companySpecific: false }),
  m('Currencies', 'transactioncurrencies', 'Currencies', [], { companySpecific: false }),
  m('Exchange rate types', 'msdyn_exchangeratetypes', 'ExchangeRateTypes', [], { companySpecific: false }),
  m('Units', 'uoms', 'UnitsOfMeasure', [], { companySpecific: false }),
  m('Terms of payment', 'msdyn_paymentterms', 'TermsOfPayment', []),
  m('Payment days', 'msdyn_paymentdays', 'PaymentDays', []),
  m('Payment schedules', 'msdyn_paymentschedules', 'PaymentSchedules', []),
  m('Customer payment methods', 'msdyn_customerpaymentmethods', 'CustomerPaymentMethods', []),
  m('Vendor payment methods', 'msdyn_vendorpaymentmethods', 'VendorPaymentMethods', []),
  m('Customer groups', 'msdyn_customergroups', 'CustomerGroups', ['Terms of payment']),
  m('Vendor groups', 'msdyn_vendorgroups', 'VendorGroups', ['Terms of payment']),
  m('Sales tax groups', 'msdyn_taxgroups', 'SalesTaxGroups', ['Currencies']),
  m('Sales tax codes', 'msdyn_taxcodes', 'SalesTaxCodes', ['Sales tax groups'], { singleThreaded: true }),
  m(
    'Customers V3',
    'accounts',
    'CustomersV3',
    [
      'Currencies',
      'Customer groups',
      'Terms of payment',
      'Payment days',
      'Payment schedules',
      'Customer payment methods',
    ],
    { singleThreaded: true, circularWith: ['Vendors V2', 'CDS Contacts V2'] },
  ),
  m('CDS Contacts V2', 'contacts', 'ContactsV2', ['Customers V3']),
  m(
    'Vendors V2',
    'msdyn_vendors',
    'VendorsV2',
    ['Vendor groups', 'Currencies', 'Terms of payment', 'Vendor payment methods', 'Sales tax groups'],
    { singleThreaded: true, circularWith: ['Customers V3'] },
  ),
  m('Ledger', 'msdyn_ledgers', 'Ledgers', ['Currencies', 'Exchange rate types']),
  m('Sites', 'msdyn_operationalsites', 'OperationalSites', []),
  m('Warehouses', 'msdyn_warehouses', 'Warehouses', ['Sites'], { singleThreaded: true }),
  m('Released products V2', 'msdyn_sharedproductdetails', 'ReleasedProductsV2', ['Units']),
  m('Sales order headers', 'salesorders', 'SalesOrderHeadersV2', ['Customers V3', 'Currencies']),
];

function m(
  name: string,
  dataverseEntitySet: string,
  financeOpsEntitySet: string,
  dependsOn: string[],
  options: { singleThreaded?: boolean; companySpecific?: boolean; circularWith?: string[] } = {},
): EntityMapDefinition {
  const companySpecific = options.companySpecific ?? true;
  return {
    name,
    dataverseEntitySet,
    financeOpsEntitySet,
    // Every company-specific map also depends on Legal entities (docs/domain.md §5).
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
