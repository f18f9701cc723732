import { ENTITY_MAP_CATALOG, type EntityMapDefinition } from '../catalog/entityMapCatalog';
import { keyOf } from '../catalog/mapIdentity';
import type { DualWriteConnection } from '../ports';
import { unreadable, verdict, type PairCheck } from './pairCheck';

// The link's published maps against the catalog (docs/domain.md §5): the run names maps as the
// catalog does, so a catalog map that an applied package does not publish cannot run (map_not_found).
// Maps of packages not applied yet are Apply Solution's to publish.

const APPLY = 'applySolution' as const;

export const publishedMapsCheck: PairCheck = {
  name: 'dualWrite.maps',
  async run({ platform, financeOpsUrl, dataverseUrl, reads }) {
    if (!financeOpsUrl || !dataverseUrl) return [];
    let link: DualWriteConnection | null;
    try {
      link = await reads.connection();
    } catch (error) {
      return [unreadable(this.name, 'the dual-write link', error)];
    }
    if (!link?.solutionApplied)
      return [
        verdict(
          this.name,
          'setup-will-do',
          link
            ? 'The solutions are not applied yet: no maps to compare.'
            : 'No maps published yet: compared with the catalog once Apply Solution publishes them.',
          'The setup applies the solutions.',
          { code: 'maps_not_applied', doneBy: APPLY },
        ),
      ];
    let published: Set<string>;
    try {
      published = new Set(
        (await platform.dualWrite.listMaps(link.id)).map((map) => keyOf(map).toLowerCase()),
      );
    } catch (error) {
      return [unreadable(this.name, 'the maps', error)];
    }
    const isPublished = (map: EntityMapDefinition) => published.has(map.key.toLowerCase());
    const missing = ENTITY_MAP_CATALOG.filter((map) => !isPublished(map));
    // A package none of whose maps is published is not applied yet; one with some maps missing differs.
    const appliedPackages = new Set(ENTITY_MAP_CATALOG.filter(isPublished).map((map) => map.package));
    const differing = missing.filter((map) => appliedPackages.has(map.package)).map((map) => map.key);
    const notApplied = [
      ...new Set(missing.filter((map) => !appliedPackages.has(map.package)).map((map) => map.package)),
    ];
    if (differing.length)
      return [
        verdict(
          this.name,
          'blocker',
          `The link publishes no map ${differing.join(', ')}, though their package is applied.`,
          "Apply the package's solution again (Data management > Dual-write > Apply solution), then Refresh tables; a map renamed by a package update needs the bot's catalog updated.",
          { code: 'maps_missing' },
        ),
      ];
    if (notApplied.length)
      return [
        verdict(
          this.name,
          'setup-will-do',
          `Published maps match the catalog; not applied yet: ${notApplied.join(', ')}.`,
          'The setup applies them.',
          { code: 'maps_not_applied', doneBy: APPLY },
        ),
      ];
    return [
      verdict(this.name, 'ok', `Every map of the catalog (${ENTITY_MAP_CATALOG.length}) is published.`),
    ];
  },
};
