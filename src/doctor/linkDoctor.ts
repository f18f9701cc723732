import { ENTITY_MAP_CATALOG, type EntityMapDefinition } from '../engine/catalog/entityMapCatalog';
import { keyOf } from '../engine/catalog/mapIdentity';
import type { DualWriteConnection, Platform } from '../engine/ports';
import { message, type DoctorReport } from './doctorCheck';

// The dual-write link of the pair as F&O (or the gateway) shows it: linked or not, the companies'
// cdm_company rows, the published maps against the catalog's, and the rows per company for initial
// sync (docs/dynamics-apis.md). What the setup does itself (link, apply, run maps) is "the setup will do it".

/** Initial sync limits (docs/dynamics-apis.md): per table per legal entity, and the single-threaded rule. */
export const INITIAL_SYNC_ROW_LIMIT = 500_000;
export const SINGLE_THREADED_ROW_LIMIT = 70_000;

/** The link, or null when there is none yet; undefined when it could not be read (a blocker). */
export async function linkDoctor(
  platform: Platform,
  foUrl: string,
  dvUrl: string,
  report: DoctorReport,
): Promise<DualWriteConnection | null | undefined> {
  let link: DualWriteConnection | null;
  try {
    link = await platform.dualWrite.findConnection(foUrl, dvUrl);
  } catch (error) {
    // AZURE_AUTH=obo: the gateway takes an admin's own token, which the doctor does not have.
    if ((error as { code?: unknown }).code === 'admin_needed') {
      report.add('dualWrite.link', 'not-checkable', message(error));
      return undefined;
    }
    // A 404 on DualWriteProjectConfigurations is F&O not serving the set: an error, not "not linked".
    report.add(
      'dualWrite.link',
      'blocker',
      message(error),
      'Check the F&O URL, that it runs a version with dual-write (10.0.9 or later), and that the bot may read DualWriteProjectConfigurations (the dual-write entity sets).',
    );
    return undefined;
  }
  if (!link) {
    report.add(
      'dualWrite.link',
      'setup-will-do',
      'Not linked yet (no published maps for this Dataverse environment).',
      'The setup links them (in live mode: Data management > Dual-write, the bot verifies).',
    );
    report.add(
      'dualWrite.maps',
      'setup-will-do',
      'No maps published yet: compared with the catalog once Apply Solution publishes them.',
      'The setup applies the solutions.',
    );
    return null;
  }
  report.add(
    'dualWrite.link',
    'ok',
    `Linked for ${link.legalEntities.join(', ') || 'no companies'}; solution ${link.solutionApplied ? 'applied' : 'not applied'}.`,
  );
  await companyRows(platform, dvUrl, link, report);
  await mapNames(platform, link, report);
  await volumes(platform, foUrl, link, report);
  return link;
}

async function companyRows(
  platform: Platform,
  dvUrl: string,
  link: DualWriteConnection,
  report: DoctorReport,
) {
  const dataverse = platform.dataverse(dvUrl);
  try {
    const missing: string[] = [];
    for (const code of link.legalEntities) if (!(await dataverse.findCompany(code))) missing.push(code);
    if (missing.length)
      report.add(
        'dataverse.companies',
        'setup-will-do',
        `No cdm_company row for ${missing.join(', ')} yet.`,
        'The setup runs the Legal entities map, which writes them, before bootstrapping.',
      );
    else report.add('dataverse.companies', 'ok', 'Every linked company has its cdm_company row.');
  } catch (error) {
    report.add('dataverse.companies', 'not-checkable', `Could not read cdm_company: ${message(error)}.`);
  }
}

/** The run names maps as the catalog does: a catalog map the link does not publish cannot run. */
async function mapNames(platform: Platform, link: DualWriteConnection, report: DoctorReport) {
  if (!link.solutionApplied) {
    report.add(
      'dualWrite.maps',
      'setup-will-do',
      'The solutions are not applied yet: no maps to compare.',
      'The setup applies them.',
    );
    return;
  }
  try {
    const published = new Set(
      (await platform.dualWrite.listMaps(link.id)).map((map) => keyOf(map).toLowerCase()),
    );
    const isPublished = (map: EntityMapDefinition) => published.has(map.key.toLowerCase());
    const missing = ENTITY_MAP_CATALOG.filter((map) => !isPublished(map));
    // A package none of whose maps is published is not applied yet; one with some maps missing differs.
    const appliedPackages = new Set(ENTITY_MAP_CATALOG.filter(isPublished).map((map) => map.package));
    const differing = missing.filter((map) => appliedPackages.has(map.package)).map((map) => map.key);
    const notApplied = [
      ...new Set(missing.filter((map) => !appliedPackages.has(map.package)).map((map) => map.package)),
    ];
    if (differing.length)
      report.add(
        'dualWrite.maps',
        'blocker',
        `The link publishes no map ${differing.join(', ')}, though their package is applied.`,
        "Apply the package's solution again (Data management > Dual-write > Apply solution), then Refresh tables; a map renamed by a package update needs the bot's catalog updated.",
      );
    else if (notApplied.length)
      report.add(
        'dualWrite.maps',
        'setup-will-do',
        `Published maps match the catalog; not applied yet: ${notApplied.join(', ')}.`,
        'The setup applies them.',
      );
    else
      report.add(
        'dualWrite.maps',
        'ok',
        `Every map of the catalog (${ENTITY_MAP_CATALOG.length}) is published.`,
      );
  } catch (error) {
    report.add('dualWrite.maps', 'not-checkable', `Could not read the maps: ${message(error)}.`);
  }
}

async function volumes(platform: Platform, foUrl: string, link: DualWriteConnection, report: DoctorReport) {
  const customers = ENTITY_MAP_CATALOG.find((map) => map.key === 'accounts - Customers V3')!;
  try {
    for (const code of link.legalEntities) {
      const rows = await platform
        .financeOps(foUrl)
        .countRows(customers.financeOpsEntitySet, code, customers.financeOpsCompanyField);
      if (rows > INITIAL_SYNC_ROW_LIMIT) {
        report.add(
          'volumes.financeOps',
          'blocker',
          `${code}: ${rows} customers.`,
          `Initial sync takes at most ${INITIAL_SYNC_ROW_LIMIT} rows per table and company: migrate the rest separately.`,
        );
        return;
      }
    }
    report.add(
      'volumes.financeOps',
      'ok',
      `Customers per linked company are within ${INITIAL_SYNC_ROW_LIMIT}.`,
    );
  } catch (error) {
    report.add('volumes.financeOps', 'not-checkable', `Could not count customers: ${message(error)}.`);
  }
}
