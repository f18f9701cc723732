/**
 * The emulated Dataverse schema, table-driven: every entity set the emulator knows, its primary key,
 * its plain columns and its lookups (navigation property -> target entity set). The Web API layer
 * rejects properties not listed here the way the real service does (400, 0x80060888); the store
 * itself stays lenient so the rest of the emulator can seed whatever it needs.
 */
export interface EntitySetDefinition {
  /** Entity set name as it appears in URLs, e.g. `accounts`. */
  entitySet: string;
  /** Logical (entity type) name, e.g. `account`; used in `@odata.context` and error messages. */
  logicalName: string;
  /** Primary key column (a GUID), always returned. */
  primaryKey: string;
  /** Plain columns besides the key. */
  columns: readonly string[];
  /** Single-valued navigation properties: written `<name>@odata.bind`, read `_<name>_value`. */
  lookups: Readonly<Record<string, string>>;
}

/** Columns every table has (system-maintained by the emulator). */
const SYSTEM_COLUMNS = ['createdon', 'modifiedon', 'versionnumber', 'statecode', 'statuscode'];

const COMPANY = { msdyn_company: 'cdm_companies' } as const;

function set(
  entitySet: string,
  logicalName: string,
  columns: string[],
  lookups: Record<string, string> = {},
  primaryKey = `${logicalName}id`,
): EntitySetDefinition {
  return { entitySet, logicalName, primaryKey, columns: [...columns, ...SYSTEM_COLUMNS], lookups };
}

/** A reference table of the map catalog (docs/dynamics-apis.md, "Entity maps") with a name and, if company-specific, a company. */
function reference(entitySet: string, logicalName: string, companySpecific: boolean, extra: string[] = []) {
  return set(entitySet, logicalName, ['msdyn_name', ...extra], companySpecific ? { ...COMPANY } : {});
}

const definitions: EntitySetDefinition[] = [
  set(
    'accounts',
    'account',
    ['name', 'accountnumber', 'telephone1', 'emailaddress1', 'revenue', 'msdyn_partynumber'],
    {
      ...COMPANY,
      primarycontactid: 'contacts',
      transactioncurrencyid: 'transactioncurrencies',
      msdyn_customergroupid: 'msdyn_customergroups',
      msdyn_paymenttermid: 'msdyn_paymentterms',
    },
  ),
  set('contacts', 'contact', ['firstname', 'lastname', 'fullname', 'emailaddress1', 'telephone1'], {
    ...COMPANY,
    parentcustomerid_account: 'accounts',
  }),
  set('msdyn_vendors', 'msdyn_vendor', ['msdyn_name', 'msdyn_vendoraccountnumber'], {
    ...COMPANY,
    msdyn_vendorgroupid: 'msdyn_vendorgroups',
    msdyn_currencyid: 'transactioncurrencies',
  }),
  set('cdm_companies', 'cdm_company', ['cdm_companycode', 'cdm_name', 'cdm_defaultowningteam']),
  set('solutions', 'solution', ['uniquename', 'friendlyname', 'version', 'ismanaged', 'installedon']),
  set('pluginassemblies', 'pluginassembly', ['name', 'version', 'isolationmode']),
  // statecode 1 (Disabled) turns a step off, as an update through the Web API does (Learn
  // https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstep).
  set('sdkmessageprocessingsteps', 'sdkmessageprocessingstep', ['name', 'stage', 'mode']),
  set('systemusers', 'systemuser', [
    'fullname',
    'domainname',
    'applicationid',
    'isdisabled',
    // Whether the user holds a licence (Learn: systemuser table reference, IsLicensed).
    'islicensed',
    'azureactivedirectoryobjectid',
  ]),
  set('msdyn_dualwriteentitymaps', 'msdyn_dualwriteentitymap', [
    'msdyn_name',
    'msdyn_sourceentityname',
    'msdyn_targetentityname',
    'msdyn_status',
  ]),
  reference('transactioncurrencies', 'transactioncurrency', false, [
    'isocurrencycode',
    'currencyname',
    'currencysymbol',
  ]),
  reference('msdyn_exchangeratetypes', 'msdyn_exchangeratetype', false),
  set('uoms', 'uom', ['name', 'quantity']),
  reference('msdyn_paymentterms', 'msdyn_paymentterm', true),
  reference('msdyn_paymentdays', 'msdyn_paymentday', true),
  reference('msdyn_paymentschedules', 'msdyn_paymentschedule', true),
  reference('msdyn_customerpaymentmethods', 'msdyn_customerpaymentmethod', true),
  reference('msdyn_vendorpaymentmethods', 'msdyn_vendorpaymentmethod', true),
  reference('msdyn_customergroups', 'msdyn_customergroup', true, ['msdyn_groupid']),
  reference('msdyn_vendorgroups', 'msdyn_vendorgroup', true, ['msdyn_vendorgroup']),
  reference('msdyn_taxgroups', 'msdyn_taxgroup', true),
  reference('msdyn_taxcodes', 'msdyn_taxcode', true),
  reference('msdyn_ledgers', 'msdyn_ledger', true),
  reference('msdyn_operationalsites', 'msdyn_operationalsite', true),
  reference('msdyn_warehouses', 'msdyn_warehouse', true),
  reference('msdyn_sharedproductdetails', 'msdyn_sharedproductdetail', true),
  set('salesorders', 'salesorder', ['name', 'ordernumber', 'totalamount'], {
    ...COMPANY,
    customerid_account: 'accounts',
    transactioncurrencyid: 'transactioncurrencies',
  }),
];

const byEntitySet = new Map(definitions.map((definition) => [definition.entitySet, definition]));

export const ENTITY_SETS: readonly EntitySetDefinition[] = Object.freeze(definitions);

/** The definition of an entity set (exact, case-sensitive like the real URLs), or undefined. */
export function findEntitySet(entitySet: string): EntitySetDefinition | undefined {
  return byEntitySet.get(entitySet);
}

/** `_<lookup>_value` -> lookup name, for the read side of lookups. */
export function lookupValueName(lookup: string): string {
  return `_${lookup}_value`;
}

/** Whether `property` is readable on the set: key, column or `_<lookup>_value`. */
export function isKnownProperty(definition: EntitySetDefinition, property: string): boolean {
  if (property === definition.primaryKey || definition.columns.includes(property)) return true;
  const match = /^_(.+)_value$/.exec(property);
  return match !== null && match[1] in definition.lookups;
}
