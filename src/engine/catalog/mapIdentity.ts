import type { EntityMapStatus, MapIdentity } from '../ports';

// A dual-write map is its Dataverse table and its name: Microsoft Learn separated-solutions.md lists
// "Legal entities" for `cdm_companies` and for `msdyn_internalorganizations`, "Customers V3" for
// `accounts` and for `contacts`. Its key is `<Dataverse set> - <map name>`, as Microsoft's
// Dual-write-automations tool names maps in DualWriteHelper/App.config (`accounts - Customers V3`,
// `cdm_companies - Legal entities`) and matches them on the gateway's `detail.tName` [inferred from
// the tool]. Plans and steps name maps by key.

export type { MapIdentity } from '../ports';

/** `<Dataverse set> - <map name>`. */
export function mapKey(table: string, name: string): string {
  return `${table} - ${name}`;
}

export function keyOf(map: MapIdentity): string {
  return mapKey(map.table, map.name);
}

/**
 * Whether a status read from dual-write is the map a plan names: by key, case-insensitively, or (a
 * plan made before maps had keys) by a bare name, which then must name one map only of `statuses`.
 */
export function isMap(status: EntityMapStatus, ref: string, statuses: readonly EntityMapStatus[]): boolean {
  const wanted = ref.trim().toLowerCase();
  if (keyOf(status).toLowerCase() === wanted) return true;
  if (status.name.toLowerCase() !== wanted) return false;
  return statuses.filter((other) => other.name.toLowerCase() === wanted).length === 1;
}

/** The status of the map a plan names, or undefined. */
export function findMapStatus(
  statuses: readonly EntityMapStatus[],
  ref: string,
): EntityMapStatus | undefined {
  return statuses.find((status) => isMap(status, ref, statuses));
}
