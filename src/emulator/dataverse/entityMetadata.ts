import { deterministicGuid } from './dataverseStore';
import { ENTITY_SETS, type EntitySetDefinition } from './entitySets';
import { errors } from './odataErrors';
import type { WebApiResponse } from './webApi';

/**
 * `GET EntityDefinitions?$select=...&$filter=EntitySetName eq '<set>'` (or `LogicalName eq`): the
 * slice of the real metadata API a client needs to learn a table's primary key without hard-coding
 * it. Other metadata queries are not emulated.
 */
const PROPERTIES = [
  'MetadataId',
  'LogicalName',
  'EntitySetName',
  'PrimaryIdAttribute',
  'SchemaName',
] as const;

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
    const all: Record<string, string> = {
      MetadataId: deterministicGuid(`metadata/${definition.logicalName}`),
      LogicalName: definition.logicalName,
      EntitySetName: definition.entitySet,
      PrimaryIdAttribute: definition.primaryKey,
      SchemaName: definition.logicalName,
    };
    const out: Record<string, string> = {};
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
