import { ENTITY_MAP_CATALOG } from './entityMapCatalog';

// One name per Dataverse table on every card and the plan: the table's plural display name
// (`DisplayCollectionName` in the table definitions, read from the environment when it exists, see
// src/engine/tableDisplayNames.ts). Before an environment exists (a new Dataverse) or when its
// definitions cannot be read, the names a new English org shows are used: Accounts, Contacts and
// Orders from the Dataverse table reference (Microsoft Learn, developer/data-platform/reference/
// entities/account.md, contact.md, salesorder.md); the dual-write tables' plural names are inferred.

export const STANDARD_TABLE_NAMES: Readonly<Record<string, string>> = {
  accounts: 'Accounts',
  contacts: 'Contacts',
  msdyn_vendors: 'Vendors',
  cdm_companies: 'Companies',
  transactioncurrencies: 'Currencies',
  uoms: 'Units',
  salesorders: 'Orders',
  msdyn_exchangeratetypes: 'Exchange Rate Types',
  msdyn_paymentterms: 'Payment Terms',
  msdyn_paymentdays: 'Payment Days',
  msdyn_paymentschedules: 'Payment Schedules',
  msdyn_customerpaymentmethods: 'Customer Payment Methods',
  msdyn_vendorpaymentmethods: 'Vendor Payment Methods',
  msdyn_customergroups: 'Customer Groups',
  msdyn_vendorgroups: 'Vendor Groups',
  msdyn_taxgroups: 'Tax Groups',
  msdyn_taxcodes: 'Tax Codes',
  msdyn_ledgers: 'Ledgers',
  msdyn_operationalsites: 'Operational Sites',
  msdyn_warehouses: 'Warehouses',
  msdyn_sharedproductdetails: 'Shared Product Details',
};

/** The tables a setup can name: the bootstrap candidates and every map's Dataverse table. */
export const NAMED_TABLES: readonly string[] = [
  ...new Set([
    'accounts',
    'contacts',
    'msdyn_vendors',
    ...ENTITY_MAP_CATALOG.map((map) => map.dataverseEntitySet),
  ]),
];

/** The table's name: the environment's own (`names`), else the standard one, else its entity set. */
export function tableName(entitySet: string, names?: Readonly<Record<string, string>>): string {
  return names?.[entitySet] ?? STANDARD_TABLE_NAMES[entitySet] ?? entitySet;
}
