import { findEntityMap, type EntityMapDefinition } from '../catalog/entityMapCatalog';
import type { StepParams } from '../stepParams';
import type { PreflightCheck, PreflightFacts } from './preflightCheck';

// The initial sync rules (docs/domain.md §5): how many rows one initial sync takes, and the circular
// references it syncs in stages (its 40 legal entities: pairChecks/companyChecks.ts). Only plans with an initial sync have them.

export const INITIAL_SYNC_MAX_ROWS = 500_000;
export const SINGLE_THREADED_MAX_ROWS = 70_000;

export const circularReferencesCheck: PreflightCheck = {
  name: 'circular references synced in stages',
  run({ initialSync }, report) {
    for (const deferred of initialSync?.deferred ?? []) {
      report.add(
        'circular_reference',
        'warning',
        `${deferred.map} and ${deferred.lookupTo} refer to each other; ${deferred.map} syncs first, so its lookups to ${deferred.lookupTo} stay empty until that map has synced.`,
        `This is Microsoft's documented workaround (sync in stages). If those lookups matter, re-run the initial sync of ${deferred.map} once ${deferred.lookupTo} runs.`,
      );
    }
  },
};

export const initialSyncVolumeCheck: PreflightCheck = {
  name: 'rows per table of the initial sync',
  async run(facts, report) {
    const sync = facts.initialSync;
    if (!sync) return;
    for (const name of sync.maps) {
      const map = findEntityMap(name);
      if (!map) continue;
      let rows: number | undefined;
      try {
        rows = await rowsToSync(facts, sync, map);
      } catch (error) {
        report.unreadable(`the rows of ${name}`, error);
        continue;
      }
      if (rows === undefined) continue;
      if (rows > INITIAL_SYNC_MAX_ROWS) {
        report.add(
          'initial_sync_volume',
          'blocking',
          `${name} has ${rows.toLocaleString('en-US')} rows for one legal entity; initial sync handles at most ${INITIAL_SYNC_MAX_ROWS.toLocaleString('en-US')}.`,
          `Migrate ${name} separately (data management packages or Azure Data Factory), then leave it out of the initial sync.`,
        );
      } else if (sync.master === 'dataverse' && map.singleThreaded && rows > SINGLE_THREADED_MAX_ROWS) {
        report.add(
          'single_threaded_volume',
          'warning',
          `${name} has ${rows.toLocaleString('en-US')} rows; its initial sync from Dataverse runs single-threaded and times out after 24 hours above about ${SINGLE_THREADED_MAX_ROWS.toLocaleString('en-US')}.`,
          `Migrate ${name} outside initial sync and run its map with "skip initial sync".`,
        );
      }
    }
  },
};

/** The most rows one legal entity sends through a map's initial sync; undefined when not countable. */
async function rowsToSync(
  { input, platform, financeOps, dataverse }: PreflightFacts,
  { master, legalEntities }: StepParams<'initialSync'>,
  map: EntityMapDefinition,
): Promise<number | undefined> {
  if (master === 'financeOps' && financeOps.url) {
    let rows = 0;
    for (const code of legalEntities)
      rows = Math.max(
        rows,
        await platform
          .financeOps(financeOps.url)
          .countRows(map.financeOpsEntitySet, code, map.financeOpsCompanyField),
      );
    return rows;
  }
  if (master === 'dataverse' && dataverse.url && map.companySpecific) {
    // Rows that will carry the company: the company-less ones, when bootstrap stamps this table.
    const bootstrapTables = 'bootstrapTables' in input ? input.bootstrapTables : [];
    return bootstrapTables.includes(map.dataverseEntitySet)
      ? platform.dataverse(dataverse.url).countRowsWithoutCompany(map.dataverseEntitySet)
      : undefined;
  }
  return undefined;
}
