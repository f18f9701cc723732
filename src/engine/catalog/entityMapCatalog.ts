// The dual-write entity maps the engine knows: which F&O public collection syncs with which Dataverse
// table, which package brings the map, and which maps must run first so the lookups resolve. Names
// and sources: docs/dynamics-apis.md (map names as the dual-write UI shows them, from Microsoft Learn
// "Separated Dual-write Application Orchestration package"; prerequisites from "Initial
// synchronization order" and "Enable table maps"). The emulator keeps its own copy of these facts; a
// contract test holds the two together.
//
// A map is its Dataverse table and its name: "Legal entities" exists for `cdm_companies` and for
// `msdyn_internalorganizations`, "Customers V3" for `accounts` and for `contacts` (Microsoft Learn
// separated-solutions.md). Its key is `<Dataverse set> - <map name>` (mapIdentity.ts), as Microsoft's
// Dual-write-automations tool names maps [inferred from the tool]; plans list maps by key.
// The catalog holds the maps the bot runs; the gateway publishes more (the two above among them).
//
// `dependsOn` are hard prerequisites (keys). `circularWith` are the documented circular references
// (Customers V3 <-> Vendors V2 / the contact person maps): not prerequisites; the engine breaks the
// cycle by running these maps in stages instead of failing.

import { mapKey, type MapIdentity } from './mapIdentity';

/** Which package publishes a map (see catalog/solutions.ts). */
export type MapPackage = 'applicationCore' | 'finance' | 'supplyChain';

export interface EntityMapDefinition extends MapIdentity {
  /** `<Dataverse set> - <map name>`: the map's identity in plans and at the gateway. */
  key: string;
  /** The map's name as the dual-write UI shows it (not unique: see `table`). */
  name: string;
  /** Dataverse entity set (the same as `table`). */
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

const k = mapKey;
const LEGAL_ENTITIES = k('cdm_companies', 'Legal entities');
const GLOBAL = { companySpecific: false, companyField: null } as const;
const CURRENCIES = k('transactioncurrencies', 'Currencies');
const TERMS = k('msdyn_paymentterms', 'Terms of payment');
const PAYMENT_DAYS = k('msdyn_paymentdays', 'Payment days CDS');
const PAYMENT_SCHEDULE = k('msdyn_paymentschedules', 'Payment schedule');
const SALES_TAX_GROUPS = k('msdyn_taxgroups', 'Sales tax groups');
const CUSTOMERS = k('accounts', 'Customers V3');
const VENDORS = k('msdyn_vendors', 'Vendors V2');
const CUSTOMER_CONTACTS = k('contacts', 'CDS Contacts V2 (Customer)');
const VENDOR_CONTACTS = k('contacts', 'CDS Contacts V2 (Vendor)');

const maps: EntityMapDefinition[] = [
  m('Legal entities', 'cdm_companies', 'LegalEntities', 'applicationCore', [], GLOBAL),
  m('Currencies', 'transactioncurrencies', 'Currencies', 'applicationCore', [], GLOBAL),
  m('Exchange rate type', 'msdyn_exchangeratetypes', 'ExchangeRateTypes', 'applicationCore', [], GLOBAL),
  m('Units', 'uoms', 'UnitsOfMeasure', 'supplyChain', [], GLOBAL),
  m('Payment days CDS', 'msdyn_paymentdays', 'PaymentDaysCds', 'finance', []),
  m('Payment schedule', 'msdyn_paymentschedules', 'PaymentSchedules', 'finance', []),
  m('Terms of payment', 'msdyn_paymentterms', 'PaymentTerms', 'finance', [PAYMENT_DAYS, PAYMENT_SCHEDULE]),
  m('Customer payment method', 'msdyn_customerpaymentmethods', 'CustomerPaymentMethods', 'finance', []),
  m('Vendor payment method', 'msdyn_vendorpaymentmethods', 'VendorPaymentMethods', 'finance', []),
  m('Customer groups', 'msdyn_customergroups', 'CustomerGroups', 'finance', [TERMS]),
  m('Vendor groups', 'msdyn_vendorgroups', 'VendorGroups', 'finance', [TERMS]),
  m('Sales tax groups', 'msdyn_taxgroups', 'TaxGroups', 'finance', [CURRENCIES]),
  m('Sales tax codes', 'msdyn_taxcodes', 'TaxCodes', 'finance', [SALES_TAX_GROUPS], {
    singleThreaded: true,
  }),
  m(
    'Customers V3',
    'accounts',
    'CustomersV3',
    'finance',
    [
      CURRENCIES,
      k('msdyn_customergroups', 'Customer groups'),
      TERMS,
      PAYMENT_DAYS,
      PAYMENT_SCHEDULE,
      k('msdyn_customerpaymentmethods', 'Customer payment method'),
    ],
    { singleThreaded: true, circularWith: [VENDORS, CUSTOMER_CONTACTS] },
  ),
  m(
    'Vendors V2',
    'msdyn_vendors',
    'VendorsV2',
    'finance',
    [
      k('msdyn_vendorgroups', 'Vendor groups'),
      CURRENCIES,
      TERMS,
      k('msdyn_vendorpaymentmethods', 'Vendor payment method'),
      SALES_TAX_GROUPS,
    ],
    { singleThreaded: true, circularWith: [CUSTOMERS, VENDOR_CONTACTS] },
  ),
  // Contact persons: two maps on `contacts` (there is no "CDS Contacts V2"), after customers and
  // vendors; which of the two each needs is [inferred] from its name.
  m('CDS Contacts V2 (Customer)', 'contacts', 'CDSContactPersonsV2', 'finance', [CUSTOMERS]),
  m('CDS Contacts V2 (Vendor)', 'contacts', 'CDSContactPersonsV2', 'finance', [VENDORS]),
  // Ledgers has no dataAreaId; its key LegalEntityId names the company.
  m(
    'Ledger',
    'msdyn_ledgers',
    'Ledgers',
    'finance',
    [CURRENCIES, k('msdyn_exchangeratetypes', 'Exchange rate type')],
    {
      companyField: 'LegalEntityId',
    },
  ),
  m('Sites', 'msdyn_operationalsites', 'OperationalSites', 'supplyChain', []),
  m('Warehouses', 'msdyn_warehouses', 'Warehouses', 'supplyChain', [k('msdyn_operationalsites', 'Sites')], {
    singleThreaded: true,
  }),
  m('Released products V2', 'msdyn_sharedproductdetails', 'ReleasedProductsV2', 'supplyChain', [
    k('uoms', 'Units'),
  ]),
  m('CDS sales order headers', 'salesorders', 'CDSSalesOrderHeaders', 'supplyChain', [CUSTOMERS, CURRENCIES]),
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
    key: mapKey(dataverseEntitySet, name),
    table: dataverseEntitySet,
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

const byKey = new Map(maps.map((map) => [map.key.toLowerCase(), map]));

/**
 * Looks a map up by its key (`accounts - Customers V3`), case-insensitively; a bare name only where
 * one catalog map has it (plans made before maps had keys).
 */
export function findEntityMap(keyOrName: string): EntityMapDefinition | undefined {
  const wanted = keyOrName.trim().toLowerCase();
  const found = byKey.get(wanted);
  if (found) return found;
  const named = maps.filter((map) => map.name.toLowerCase() === wanted);
  return named.length === 1 ? named[0] : undefined;
}
