import { ENTITY_MAP_CATALOG, findEntityMap, type EntityMapDefinition } from './entityMapCatalog';

// Orders entity maps so that every map runs after the maps its lookups need (docs/domain.md §5), in stages:
// maps are named by key (`accounts - Customers V3`, catalog/mapIdentity.ts) in and out; a bare name is
// taken where one catalog map has it.
// the maps of one stage only depend on earlier stages. Known circular references (`circularWith`,
// Customers V3 <-> Vendors V2 / the contact person maps) are honoured where possible and otherwise broken
// deliberately: the map goes first and the lookup it cannot resolve yet is reported as deferred
// (Microsoft's "sync in stages" workaround). A cycle of hard dependencies (a catalog bug) is broken
// the same way, never by failing.

export interface DeferredLookup {
  /** The map (key) that runs first... */
  map: string;
  /** ...before the map its lookup points to; those lookups fill in on the next stage's sync. */
  lookupTo: string;
  kind: 'circular' | 'dependency';
}

export interface MapOrder {
  /** Every map in run order. */
  order: string[];
  /** Groups that may run together; each only needs maps of earlier groups. */
  stages: string[][];
  deferred: DeferredLookup[];
}

/** The Legal entities map of `cdm_companies` (not the one of `msdyn_internalorganizations`). */
export const LEGAL_ENTITIES_MAP = 'cdm_companies - Legal entities';

export class UnknownMapError extends Error {
  constructor(readonly names: string[]) {
    super(`Unknown entity map${names.length > 1 ? 's' : ''}: ${names.join(', ')}.`);
    this.name = 'UnknownMapError';
  }
}

/**
 * The keys (`<table> - <name>`) of the given maps, each named by key or by a name only one catalog
 * map has; throws UnknownMapError listing every one it cannot tell (unknown, or a name of two maps).
 */
export function resolveMapNames(names: readonly string[], catalog = ENTITY_MAP_CATALOG): string[] {
  const resolve = (ref: string): string | undefined => {
    const wanted = ref.trim().toLowerCase();
    const byKey = catalog.find((map) => map.key.toLowerCase() === wanted);
    if (byKey) return byKey.key;
    const named = catalog.filter((map) => map.name.toLowerCase() === wanted);
    return named.length === 1 ? named[0].key : undefined;
  };
  const unknown = names.filter((name) => !resolve(name));
  if (unknown.length) throw new UnknownMapError(unknown);
  return [...new Set(names.map((name) => resolve(name) as string))];
}

/** The chosen maps plus every map they need, transitively (hard dependencies only). */
export function withPrerequisites(names: readonly string[], catalog = ENTITY_MAP_CATALOG): string[] {
  const byName = indexCatalog(catalog);
  const result = new Set<string>();
  const visit = (name: string) => {
    if (result.has(name)) return;
    result.add(name);
    for (const dependency of byName.get(name)?.dependsOn ?? []) visit(dependency);
  };
  for (const name of resolveMapNames(names, catalog)) visit(name);
  return [...result];
}

/** Maps (of the whole catalog) that depend, transitively, on any of `names`. */
export function dependents(names: readonly string[], catalog = ENTITY_MAP_CATALOG): string[] {
  const roots = new Set(names);
  const result = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const map of catalog) {
      if (roots.has(map.key) || result.has(map.key)) continue;
      if (map.dependsOn.some((dependency) => roots.has(dependency) || result.has(dependency))) {
        result.add(map.key);
        grew = true;
      }
    }
  }
  return catalog.map((map) => map.key).filter((key) => result.has(key));
}

/** Orders exactly the given maps (dependencies outside the set are taken as already running). */
export function orderMaps(names: readonly string[], catalog = ENTITY_MAP_CATALOG): MapOrder {
  const byName = indexCatalog(catalog);
  const members = resolveMapNames(names, catalog);
  const inSet = new Set(members);
  // Edges "a must run before b": hard dependencies and, softly, circular references.
  const hard = new Map<string, Set<string>>();
  const soft = new Map<string, Set<string>>();
  for (const name of members) {
    const map = byName.get(name) as EntityMapDefinition;
    hard.set(name, new Set(map.dependsOn.filter((d) => inSet.has(d) && d !== name)));
    soft.set(name, new Set((map.circularWith ?? []).filter((d) => inSet.has(d) && d !== name)));
  }
  const catalogIndex = new Map(catalog.map((map, index) => [map.key, index]));
  const byCatalogOrder = (a: string, b: string) => (catalogIndex.get(a) ?? 0) - (catalogIndex.get(b) ?? 0);

  const done = new Set<string>();
  const stages: string[][] = [];
  const deferred: DeferredLookup[] = [];
  const waitingOn = (name: string) =>
    [...(hard.get(name) ?? []), ...(soft.get(name) ?? [])].filter((d) => !done.has(d));

  while (done.size < members.length) {
    const remaining = members.filter((name) => !done.has(name)).sort(byCatalogOrder);
    let ready = remaining.filter((name) => waitingOn(name).length === 0);
    if (ready.length === 0) {
      // A cycle: prefer a map held back only by circular references; fall back to fewest waits.
      const onlySoft = remaining.filter((name) => [...(hard.get(name) ?? [])].every((d) => done.has(d)));
      const pool = onlySoft.length ? onlySoft : remaining;
      const chosen = [...pool].sort(
        (a, b) => waitingOn(a).length - waitingOn(b).length || byCatalogOrder(a, b),
      )[0];
      for (const target of waitingOn(chosen)) {
        deferred.push({
          map: chosen,
          lookupTo: target,
          kind: hard.get(chosen)?.has(target) ? 'dependency' : 'circular',
        });
      }
      ready = [chosen];
    }
    stages.push(ready);
    for (const name of ready) done.add(name);
  }
  return { order: stages.flat(), stages, deferred };
}

/** The whole catalog in a valid order. */
export function catalogOrder(catalog = ENTITY_MAP_CATALOG): MapOrder {
  return orderMaps(
    catalog.map((map) => map.key),
    catalog,
  );
}

export function entityMap(name: string): EntityMapDefinition {
  const map = findEntityMap(name);
  if (!map) throw new UnknownMapError([name]);
  return map;
}

function indexCatalog(catalog: readonly EntityMapDefinition[]): Map<string, EntityMapDefinition> {
  return new Map(catalog.map((map) => [map.key, map]));
}
