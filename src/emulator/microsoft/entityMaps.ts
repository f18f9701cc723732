import type { PackageKey } from './packages';
import { SEPARATED_SOLUTIONS, UO_DUAL_WRITE } from './sources';

// The dual-write entity maps the emulator serves: the name as the dual-write UI shows it and the
// Dataverse table (SEPARATED_SOLUTIONS), the package that brings it, the F&O public collection (names
// from clients generated from a real F&O $metadata; where none was found the name is [inferred]),
// how F&O scopes the rows to a company, and which maps must have run first (dual-write-initial.md,
// enable-entity-map.md; the rest [inferred] from the lookups).
//
// A map is its Dataverse table AND its name: SEPARATED_SOLUTIONS lists "Legal entities" for
// `cdm_companies` and for `msdyn_internalorganizations`, "Customers V3" for `accounts` and for
// `contacts`. Its key is `<Dataverse set> - <map name>`, as Microsoft's Dual-write-automations tool
// names maps in DualWriteHelper/App.config (`accounts - Customers V3`) and matches them on the
// gateway's `detail.tName` (DWMapEngine.cs) [inferred from the tool]. Prerequisites are keys.

export interface MapFact {
  /** `<Dataverse set> - <map name>`: the gateway's `detail.tName` [inferred from the tool]. */
  key: string;
  name: string;
  dataverseEntitySet: string;
  financeOpsEntitySet: string;
  package: PackageKey;
  /** How a row names its company in F&O: `dataAreaId`, another key field, or not at all (global). */
  financeOpsCompanyField: 'dataAreaId' | 'LegalEntityId' | null;
  /** Dataverse rows carry a company lookup (only then bootstrap applies). */
  companySpecific: boolean;
  prerequisites: readonly string[];
  /** Single-threaded on initial sync from Dataverse (UO initial-sync limits: the 70,000-row rule). */
  singleThreaded: boolean;
  /** True where the F&O collection name has no public evidence. */
  collectionInferred: boolean;
}

const PREREQUISITES_SOURCE = `${UO_DUAL_WRITE}dual-write-initial.md, enable-entity-map.md`;
export const MAP_SOURCES = { names: SEPARATED_SOLUTIONS, prerequisites: PREREQUISITES_SOURCE };

/** `<Dataverse set> - <map name>`, as the tool's App.config writes it. */
export function mapKey(table: string, name: string): string {
  return `${table} - ${name}`;
}

export const LEGAL_ENTITIES_KEY = mapKey('cdm_companies', 'Legal entities');
const LEGAL = LEGAL_ENTITIES_KEY;
const CUSTOMERS = mapKey('accounts', 'Customers V3');
const VENDORS = mapKey('msdyn_vendors', 'Vendors V2');
/** A prerequisite named by the map's table and name. */
const k = mapKey;

function fact(
  name: string,
  dataverseEntitySet: string,
  financeOpsEntitySet: string,
  pkg: PackageKey,
  prerequisites: string[],
  options: Partial<
    Pick<MapFact, 'financeOpsCompanyField' | 'companySpecific' | 'singleThreaded' | 'collectionInferred'>
  > = {},
): MapFact {
  const companySpecific = options.companySpecific ?? true;
  return {
    key: mapKey(dataverseEntitySet, name),
    name,
    dataverseEntitySet,
    financeOpsEntitySet,
    package: pkg,
    financeOpsCompanyField:
      options.financeOpsCompanyField === undefined ? 'dataAreaId' : options.financeOpsCompanyField,
    companySpecific,
    prerequisites:
      companySpecific && !prerequisites.includes(LEGAL) ? [LEGAL, ...prerequisites] : prerequisites,
    singleThreaded: options.singleThreaded ?? false,
    collectionInferred: options.collectionInferred ?? false,
  };
}

const global = { financeOpsCompanyField: null, companySpecific: false } as const;

const CURRENCIES = k('transactioncurrencies', 'Currencies');
const TERMS = k('msdyn_paymentterms', 'Terms of payment');
const PAYMENT_DAYS = k('msdyn_paymentdays', 'Payment days CDS');
const PAYMENT_SCHEDULE = k('msdyn_paymentschedules', 'Payment schedule');
const CUSTOMER_PREREQUISITES = [
  CURRENCIES,
  k('msdyn_customergroups', 'Customer groups'),
  TERMS,
  PAYMENT_DAYS,
  PAYMENT_SCHEDULE,
  k('msdyn_customerpaymentmethods', 'Customer payment method'),
];

export const MAP_FACTS: readonly MapFact[] = [
  fact('Legal entities', 'cdm_companies', 'LegalEntities', 'applicationCore', [], global),
  // The same name for another table (SEPARATED_SOLUTIONS, application core). Its F&O collection and
  // that it needs no other map are [inferred]; the bot's catalog does not run it.
  fact('Legal entities', 'msdyn_internalorganizations', 'LegalEntities', 'applicationCore', [], global),
  fact('Currencies', 'transactioncurrencies', 'Currencies', 'applicationCore', [], global),
  fact('Exchange rate type', 'msdyn_exchangeratetypes', 'ExchangeRateTypes', 'applicationCore', [], global),
  fact('Units', 'uoms', 'UnitsOfMeasure', 'supplyChain', [], global),
  fact('Payment days CDS', 'msdyn_paymentdays', 'PaymentDaysCds', 'finance', []),
  fact('Payment schedule', 'msdyn_paymentschedules', 'PaymentSchedules', 'finance', [], {
    collectionInferred: true,
  }),
  fact('Terms of payment', 'msdyn_paymentterms', 'PaymentTerms', 'finance', [PAYMENT_DAYS, PAYMENT_SCHEDULE]),
  fact('Customer payment method', 'msdyn_customerpaymentmethods', 'CustomerPaymentMethods', 'finance', [], {
    collectionInferred: true,
  }),
  fact('Vendor payment method', 'msdyn_vendorpaymentmethods', 'VendorPaymentMethods', 'finance', [], {
    collectionInferred: true,
  }),
  fact('Customer groups', 'msdyn_customergroups', 'CustomerGroups', 'finance', [TERMS]),
  fact('Vendor groups', 'msdyn_vendorgroups', 'VendorGroups', 'finance', [TERMS]),
  fact('Sales tax groups', 'msdyn_taxgroups', 'TaxGroups', 'finance', [CURRENCIES]),
  // Not in the Finance package's list on SEPARATED_SOLUTIONS; named among the single-threaded maps.
  fact(
    'Sales tax codes',
    'msdyn_taxcodes',
    'TaxCodes',
    'finance',
    [k('msdyn_taxgroups', 'Sales tax groups')],
    {
      singleThreaded: true,
    },
  ),
  fact('Customers V3', 'accounts', 'CustomersV3', 'finance', CUSTOMER_PREREQUISITES, {
    singleThreaded: true,
  }),
  // "Customers V3" for contacts (person customers; SEPARATED_SOLUTIONS, Finance). Its prerequisites
  // are those of the accounts map [inferred]; the bot's catalog does not run it.
  fact('Customers V3', 'contacts', 'CustomersV3', 'finance', CUSTOMER_PREREQUISITES, {
    singleThreaded: true,
  }),
  fact(
    'Vendors V2',
    'msdyn_vendors',
    'VendorsV2',
    'finance',
    [
      k('msdyn_vendorgroups', 'Vendor groups'),
      CURRENCIES,
      TERMS,
      k('msdyn_vendorpaymentmethods', 'Vendor payment method'),
      k('msdyn_taxgroups', 'Sales tax groups'),
    ],
    { singleThreaded: true },
  ),
  // Contact persons come as two maps on `contacts` (SEPARATED_SOLUTIONS; there is no "CDS Contacts
  // V2"), after customers and vendors (dual-write-initial.md). That the customer one needs Customers
  // V3 (accounts), the vendor one Vendors V2, and that both read CDSContactPersonsV2 is [inferred].
  fact('CDS Contacts V2 (Customer)', 'contacts', 'CDSContactPersonsV2', 'finance', [CUSTOMERS]),
  fact('CDS Contacts V2 (Vendor)', 'contacts', 'CDSContactPersonsV2', 'finance', [VENDORS]),
  // Ledgers has no dataAreaId: its key LegalEntityId names the company.
  fact(
    'Ledger',
    'msdyn_ledgers',
    'Ledgers',
    'finance',
    [CURRENCIES, k('msdyn_exchangeratetypes', 'Exchange rate type')],
    {
      financeOpsCompanyField: 'LegalEntityId',
    },
  ),
  fact('Sites', 'msdyn_operationalsites', 'OperationalSites', 'supplyChain', [], {
    collectionInferred: true,
  }),
  fact(
    'Warehouses',
    'msdyn_warehouses',
    'Warehouses',
    'supplyChain',
    [k('msdyn_operationalsites', 'Sites')],
    {
      singleThreaded: true,
      collectionInferred: true,
    },
  ),
  fact('Released products V2', 'msdyn_sharedproductdetails', 'ReleasedProductsV2', 'supplyChain', [
    k('uoms', 'Units'),
  ]),
  fact('CDS sales order headers', 'salesorders', 'CDSSalesOrderHeaders', 'supplyChain', [
    CUSTOMERS,
    CURRENCIES,
  ]),
];

const byKey = new Map(MAP_FACTS.map((map) => [map.key.toLowerCase(), map]));

/**
 * The map of a key (`<Dataverse set> - <map name>`, as `detail.tName` carries it); a bare name only
 * where one map has it (never "Legal entities" or "Customers V3").
 */
export function findMapFact(keyOrName: string): MapFact | undefined {
  const wanted = keyOrName.trim().toLowerCase();
  const byKeyFound = byKey.get(wanted);
  if (byKeyFound) return byKeyFound;
  const named = MAP_FACTS.filter((map) => map.name.toLowerCase() === wanted);
  return named.length === 1 ? named[0] : undefined;
}

/** The maps the given installed packages publish (what Apply Solution makes visible). */
export function mapsOfPackages(installed: ReadonlySet<PackageKey>): MapFact[] {
  return MAP_FACTS.filter((map) => installed.has(map.package));
}
