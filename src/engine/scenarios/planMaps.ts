import {
  LEGAL_ENTITIES_MAP,
  catalogOrder,
  dependents,
  orderMaps,
  resolveMapNames,
  withPrerequisites,
} from '../catalog/mapOrdering';
import { ENTITY_MAP_CATALOG } from '../catalog/entityMapCatalog';

export interface MapPlan {
  /** Maps run for live sync only, before any initial sync (Legal entities always among them). */
  enable: string[];
  /** Maps run with initial sync, in stages, with their prerequisites. */
  initialSync: ReturnType<typeof orderMaps>;
  /** Maps that depend on an initially synced map: started live once the initial sync is done. */
  enableAfter: string[];
}

/**
 * Which maps run how. Initial sync takes the chosen maps and, transitively, the maps their lookups
 * need (so the reference rows exist on the other side); every other catalog map runs for live sync.
 * A live map that depends on an initially synced one waits until that initial sync is done.
 * With `bulkTables` (the bootstrap FAQ's order, docs/domain.md §4) only Legal entities runs before the
 * bootstrap; the maps of those tables join the initial sync after it, and every other map follows live.
 */
export function planMaps(initialSyncEntities: readonly string[], bulkTables?: readonly string[]): MapPlan {
  const all = catalogOrder().order;
  const chosen = resolveMapNames(initialSyncEntities);
  // The bootstrap FAQ's order: the maps of the bootstrapped tables sync the stamped rows afterwards.
  const bootstrapped = ENTITY_MAP_CATALOG.filter(
    (map) => map.companySpecific && bulkTables?.includes(map.dataverseEntitySet),
  ).map((map) => map.key);
  const syncSet = withPrerequisites([...new Set([...chosen, ...bootstrapped])]).filter(
    (name) => name !== LEGAL_ENTITIES_MAP,
  );
  const after = new Set(
    bulkTables
      ? all.filter((name) => name !== LEGAL_ENTITIES_MAP && !syncSet.includes(name))
      : dependents(syncSet).filter((name) => !syncSet.includes(name)),
  );
  const enable = all.filter((name) => !syncSet.includes(name) && !after.has(name));
  return {
    enable,
    initialSync: orderMaps(syncSet),
    enableAfter: all.filter((name) => after.has(name)),
  };
}
