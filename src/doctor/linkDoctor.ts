import { ENTITY_MAP_CATALOG } from '../engine/catalog/entityMapCatalog';
import type { DualWriteConnection, Platform } from '../engine/ports';
import { message, type DoctorReport } from './doctorCheck';

// The dual-write link of the pair as F&O (or the gateway) shows it: linked or not, the companies'
// cdm_company rows and the rows per company for initial sync (docs/dynamics-apis.md). The published
// maps against the catalog's are a pair check (src/engine/pairChecks/mapChecks.ts). What the setup does
// itself (link, apply, run maps) is "the setup will do it".

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
    return null;
  }
  report.add(
    'dualWrite.link',
    'ok',
    `Linked for ${link.legalEntities.join(', ') || 'no companies'}; solution ${link.solutionApplied ? 'applied' : 'not applied'}.`,
  );
  await companyRows(platform, dvUrl, link, report);
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
