import type { PackageKey } from './packages';
import { SEPARATED_SOLUTIONS, UO_DUAL_WRITE } from './sources';

// The dual-write entity maps the emulator serves: the name as the dual-write UI shows it and the
// Dataverse table (SEPARATED_SOLUTIONS), the package that brings it, the F&O public collection (names
// from clients generated from a real F&O $metadata; where none was found the name is [inferred]),
// how F&O scopes the rows to a company, and which maps must have run first (dual-write-initial.md,
// enable-entity-map.md; the rest [inferred] from the lookups).

export interface MapFact {
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

const LEGAL = 'Legal entities';

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

export const MAP_FACTS: readonly MapFact[] = [
  fact(LEGAL, 'cdm_companies', 'LegalEntities', 'applicationCore', [], global),
  fact('Currencies', 'transactioncurrencies', 'Currencies', 'applicationCore', [], global),
  fact('Exchange rate type', 'msdyn_exchangeratetypes', 'ExchangeRateTypes', 'applicationCore', [], global),
  fact('Units', 'uoms', 'UnitsOfMeasure', 'supplyChain', [], global),
  fact('Payment days CDS', 'msdyn_paymentdays', 'PaymentDaysCds', 'finance', []),
  fact('Payment schedule', 'msdyn_paymentschedules', 'PaymentSchedules', 'finance', [], {
    collectionInferred: true,
  }),
  fact('Terms of payment', 'msdyn_paymentterms', 'PaymentTerms', 'finance', [
    'Payment days CDS',
    'Payment schedule',
  ]),
  fact('Customer payment method', 'msdyn_customerpaymentmethods', 'CustomerPaymentMethods', 'finance', [], {
    collectionInferred: true,
  }),
  fact('Vendor payment method', 'msdyn_vendorpaymentmethods', 'VendorPaymentMethods', 'finance', [], {
    collectionInferred: true,
  }),
  fact('Customer groups', 'msdyn_customergroups', 'CustomerGroups', 'finance', ['Terms of payment']),
  fact('Vendor groups', 'msdyn_vendorgroups', 'VendorGroups', 'finance', ['Terms of payment']),
  fact('Sales tax groups', 'msdyn_taxgroups', 'TaxGroups', 'finance', ['Currencies']),
  // Not in the Finance package's list on SEPARATED_SOLUTIONS; named among the single-threaded maps.
  fact('Sales tax codes', 'msdyn_taxcodes', 'TaxCodes', 'finance', ['Sales tax groups'], {
    singleThreaded: true,
  }),
  fact(
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
    { singleThreaded: true },
  ),
  fact(
    'Vendors V2',
    'msdyn_vendors',
    'VendorsV2',
    'finance',
    ['Vendor groups', 'Currencies', 'Terms of payment', 'Vendor payment method', 'Sales tax groups'],
    { singleThreaded: true },
  ),
  // Contacts after customers and vendors (dual-write-initial.md).
  fact('CDS Contacts V2', 'contacts', 'CDSContactPersonsV2', 'finance', ['Customers V3', 'Vendors V2']),
  // Ledgers has no dataAreaId: its key LegalEntityId names the company.
  fact('Ledger', 'msdyn_ledgers', 'Ledgers', 'finance', ['Currencies', 'Exchange rate type'], {
    financeOpsCompanyField: 'LegalEntityId',
  }),
  fact('Sites', 'msdyn_operationalsites', 'OperationalSites', 'supplyChain', [], {
    collectionInferred: true,
  }),
  fact('Warehouses', 'msdyn_warehouses', 'Warehouses', 'supplyChain', ['Sites'], {
    singleThreaded: true,
    collectionInferred: true,
  }),
  fact('Released products V2', 'msdyn_sharedproductdetails', 'ReleasedProductsV2', 'supplyChain', ['Units']),
  fact('CDS sales order headers', 'salesorders', 'CDSSalesOrderHeaders', 'supplyChain', [
    'Customers V3',
    'Currencies',
  ]),
];

const byName = new Map(MAP_FACTS.map((map) => [map.name.toLowerCase(), map]));

export function findMapFact(name: string): MapFact | undefined {
  return byName.get(name.trim().toLowerCase());
}

/** The maps the given installed packages publish (what Apply Solution makes visible). */
export function mapsOfPackages(installed: ReadonlySet<PackageKey>): MapFact[] {
  return MAP_FACTS.filter((map) => installed.has(map.package));
}
