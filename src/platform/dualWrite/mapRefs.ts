import type { MapIdentity } from '../../engine/ports';
import { PlatformError } from '../platformError';

// A dual-write map is its Dataverse table and its name ("Customers V3" is a map of `accounts` and one
// of `contacts`: Microsoft Learn separated-solutions.md). The engine names a map by its key
// `<table> - <name>`, as Microsoft's Dual-write-automations tool does (DualWriteHelper/App.config,
// matched on the gateway's `detail.tName`) [inferred from the tool]; a bare name is taken only where
// one map of the list has it. Both clients pick maps through here.

export function keyOfMap(map: MapIdentity): string {
  return `${map.table} - ${map.name}`;
}

/**
 * The one map of `maps` that `ref` names. Throws `not_found` naming the table and the name when the
 * list has no such map, and `invalid` when a bare name fits several.
 */
export function pickMap<T extends MapIdentity>(maps: readonly T[], ref: string, where: string): T {
  const wanted = ref.trim().toLowerCase();
  const byKey = maps.find((map) => keyOfMap(map).toLowerCase() === wanted);
  if (byKey) return byKey;
  const named = maps.filter((map) => map.name.toLowerCase() === wanted);
  if (named.length === 1) return named[0];
  if (named.length > 1)
    throw new PlatformError(
      'invalid',
      `"${ref}" names ${named.length} maps (${named.map(keyOfMap).join(', ')}): name one by its table and name.`,
    );
  throw new PlatformError('not_found', `${describeMapRef(ref)} is not among the maps of ${where}.`);
}

/** The one map `ref` names, or undefined. */
export function tryPickMap<T extends MapIdentity>(maps: readonly T[], ref: string): T | undefined {
  try {
    return pickMap(maps, ref, '');
  } catch {
    return undefined;
  }
}

/** "The map Customers V3 of table accounts" for a key, "The map X" for a bare name. */
export function describeMapRef(ref: string): string {
  const at = ref.indexOf(' - ');
  return at > 0 ? `The map ${ref.slice(at + 3)} of table ${ref.slice(0, at)} (${ref})` : `The map ${ref}`;
}
