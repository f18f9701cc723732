import type { DataverseStore } from '../dataverse/dataverseStore';
import { findEntitySet } from '../dataverse/entitySets';

/**
 * What the rest of the emulator uses of the Dataverse part (src/emulator/dataverse): provisioning,
 * package installs and the gateway write real Dataverse rows that the Web API then serves.
 * Records hold lookups as `_<name>_value`; each record carries its primary key.
 */
export type DataverseTables = Pick<
  DataverseStore,
  'createOrg' | 'hasOrg' | 'version' | 'insert' | 'list' | 'update' | 'count' | 'seedExisting'
>;

export type { DataverseRecord } from '../dataverse/dataverseStore';

/** The primary key column of an entity set (`accounts` -> `accountid`). */
export function primaryKeyOf(entitySet: string): string {
  const definition = findEntitySet(entitySet);
  if (!definition) throw new Error(`Unknown Dataverse entity set ${entitySet}`);
  return definition.primaryKey;
}
