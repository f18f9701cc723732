import { deterministicGuid } from './dataverseStore';
import { ENTITY_SETS, type EntitySetDefinition } from './entitySets';
import { errors } from './odataErrors';
import type { WebApiResponse } from './webApi';

/**
 * `GET EntityDefinitions?$select=...&$filter=EntitySetName eq '<set>'` (or `LogicalName eq`, or no
 * filter: every table): the slice of the real metadata API a client needs to learn a table's primary
 * key and its display name without hard-coding them. Other metadata queries are not emulated.
 * `DisplayCollectionName` is a Label (`LocalizedLabels`, `UserLocalizedLabel` of LocalizedLabel
 * `{Label, LanguageCode, IsManaged, MetadataId, HasChanged}`): Microsoft Learn, power-apps/developer/
 * data-platform/webapi/use-web-api-metadata.md and the EntityMetadata / Label / LocalizedLabel entity
 * type reference (webapi/reference/entitymetadata.md, label.md, localizedlabel.md).
 */
const PROPERTIES = [
  'MetadataId',
  'LogicalName',
  'EntitySetName',
  'PrimaryIdAttribute',
  'SchemaName',
  'DisplayCollectionName',
] as const;

/**
 * Plural display names of the emulated tables as a new English (1033) org shows them. Account,
 * Contact, Currency, Unit, Order: the standard tables' names in the Dataverse table reference
 * (Microsoft Learn, developer/data-platform/reference/entities/*.md). The dual-write tables' (msdyn_*,
 * cdm_company) plural names are inferred from their singular display names in the dual-write docs.
 */
const DISPLAY_COLLECTION_NAMES: Readonly<Record<string, string>> = {
  account: 'Accounts',
  contact: 'Contacts',
  msdyn_vendor: 'Vendors',
  cdm_company: 'Companies',
  transactioncurrency: 'Currencies',
  uom: 'Units',
  salesorder: 'Orders',
  msdyn_exchangeratetype: 'Exchange Rate Types',
  msdyn_paymentterm: 'Payment Terms',
  msdyn_paymentday: 'Payment Days',
  msdyn_paymentschedule: 'Payment Schedules',
  msdyn_customerpaymentmethod: 'Customer Payment Methods',
  msdyn_vendorpaymentmethod: 'Vendor Payment Methods',
  msdyn_customergroup: 'Customer Groups',
  msdyn_vendorgroup: 'Vendor Groups',
  msdyn_taxgroup: 'Tax Groups',
  msdyn_taxcode: 'Tax Codes',
  msdyn_ledger: 'Ledgers',
  msdyn_operationalsite: 'Operational Sites',
  msdyn_warehouse: 'Warehouses',
  msdyn_sharedproductdetail: 'Shared Product Details',
};

function label(text: string, logicalName: string) {
  const localized = {
    Label: text,
    LanguageCode: 1033,
    IsManaged: true,
    MetadataId: deterministicGuid(`label/${logicalName}`),
    HasChanged: null,
  };
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized };
}

export function entityDefinitions(serviceRoot: string, query: URLSearchParams): WebApiResponse {
  const selectText = query.get('$select');
  const select = selectText ? selectText.split(',').map((p) => p.trim()) : [...PROPERTIES];
  for (const property of select) {
    if (!(PROPERTIES as readonly string[]).includes(property))
      throw errors.unknownProperty('EntityMetadata', property);
  }
  let matches: readonly EntitySetDefinition[] = ENTITY_SETS;
  const filter = query.get('$filter');
  if (filter) {
    const match = /^\s*(EntitySetName|LogicalName)\s+eq\s+'([^']*)'\s*$/.exec(filter);
    if (!match)
      throw errors.badQuery(`The emulator supports only "EntitySetName eq '...'" on EntityDefinitions.`);
    matches = ENTITY_SETS.filter(
      (d) => (match[1] === 'EntitySetName' ? d.entitySet : d.logicalName) === match[2],
    );
  }
  const value = matches.map((definition) => {
    const name = DISPLAY_COLLECTION_NAMES[definition.logicalName];
    const all: Record<string, unknown> = {
      MetadataId: deterministicGuid(`metadata/${definition.logicalName}`),
      LogicalName: definition.logicalName,
      EntitySetName: definition.entitySet,
      PrimaryIdAttribute: definition.primaryKey,
      SchemaName: definition.logicalName,
      // Tables without a display name have an empty Label (no localized labels).
      DisplayCollectionName: name
        ? label(name, definition.logicalName)
        : { LocalizedLabels: [], UserLocalizedLabel: null },
    };
    const out: Record<string, unknown> = {};
    for (const property of select) out[property] = all[property];
    out.MetadataId = all.MetadataId;
    return out;
  });
  const columns = selectText ? `(${select.join(',')})` : '';
  return {
    status: 200,
    headers: {},
    body: { '@odata.context': `${serviceRoot}$metadata#EntityDefinitions${columns}`, value },
  };
}

/**
 * `GET EntityDefinitions(LogicalName='<table>')/ManyToOneRelationships?$select=...&$filter=ReferencedEntity eq '<table>'`:
 * a table's lookups, each with the column (`ReferencingAttribute`, read back as `_<column>_value`) and
 * the navigation property a write binds (`ReferencingEntityNavigationPropertyName@odata.bind`). Which
 * name a table uses for its company lookup differs by table, so clients read it here.
 */
const RELATIONSHIP_PROPERTIES = [
  'MetadataId',
  'SchemaName',
  'ReferencedEntity',
  'ReferencingEntity',
  'ReferencingAttribute',
  'ReferencingEntityNavigationPropertyName',
] as const;

export function manyToOneRelationships(
  serviceRoot: string,
  logicalName: string,
  query: URLSearchParams,
): WebApiResponse {
  const definition = ENTITY_SETS.find((d) => d.logicalName === logicalName);
  if (!definition) throw errors.recordNotFound('EntityMetadata', logicalName);
  const selectText = query.get('$select');
  const select = selectText ? selectText.split(',').map((p) => p.trim()) : [...RELATIONSHIP_PROPERTIES];
  for (const property of select) {
    if (!(RELATIONSHIP_PROPERTIES as readonly string[]).includes(property))
      throw errors.unknownProperty('OneToManyRelationshipMetadata', property);
  }
  const filter = query.get('$filter');
  const referenced = filter ? /^\s*ReferencedEntity\s+eq\s+'([^']*)'\s*$/.exec(filter) : null;
  if (filter && !referenced)
    throw errors.badQuery(
      `The emulator supports only "ReferencedEntity eq '...'" on ManyToOneRelationships.`,
    );
  const value = Object.entries(definition.lookups)
    .map(([navigation, targetSet]) => {
      const target = ENTITY_SETS.find((d) => d.entitySet === targetSet);
      const all: Record<string, string> = {
        MetadataId: deterministicGuid(`relationship/${logicalName}/${navigation}`),
        SchemaName: `${target?.logicalName ?? targetSet}_${logicalName}_${navigation}`,
        ReferencedEntity: target?.logicalName ?? targetSet,
        ReferencingEntity: logicalName,
        ReferencingAttribute: navigation.toLowerCase(),
        ReferencingEntityNavigationPropertyName: navigation,
      };
      return all;
    })
    .filter((all) => !referenced || all.ReferencedEntity === referenced[1])
    .map((all) => {
      const out: Record<string, string> = { MetadataId: all.MetadataId };
      for (const property of select) out[property] = all[property];
      return out;
    });
  return {
    status: 200,
    headers: {},
    body: {
      '@odata.context': `${serviceRoot}$metadata#EntityDefinitions('${logicalName}')/ManyToOneRelationships`,
      value,
    },
  };
}
