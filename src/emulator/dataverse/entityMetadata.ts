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
