import { catalogFix } from '../engine/pairChecks/pairCheck';
import { runPairChecks } from '../engine/pairChecks/pairChecks';
import type { Platform } from '../engine/ports';
import { DoctorReport, message, type DoctorCheck, type DoctorTarget } from './doctorCheck';
import { dataverseDoctor, financeOpsDoctor } from './environmentDoctor';
import { linkDoctor, SINGLE_THREADED_ROW_LIMIT } from './linkDoctor';

// The doctor's checks of one environment pair: each reads, none writes. What an admin runs before the
// first setup; the checks of the pair itself are the pre-flight's own (src/engine/pairChecks), so the
// doctor and every plan agree. Each check ends ok, "the setup will do it", blocker or not checkable.

export type { DoctorCheck, DoctorTarget } from './doctorCheck';

export async function runDoctorChecks(platform: Platform, target: DoctorTarget): Promise<DoctorCheck[]> {
  const report = new DoctorReport();
  const { foUrl, foEnv } = await financeOpsDoctor(platform, target, report);
  const { dvUrl, dvEnv } = await dataverseDoctor(platform, target, report);

  let foReachable = false;
  if (foUrl) {
    try {
      const companies = (await platform.financeOps(foUrl).listLegalEntities()).map((entity) => entity.id);
      foReachable = true;
      report.add(
        'token.financeOps',
        'ok',
        `F&O at ${foUrl} answered: ${companies.length} legal entities (${companies.slice(0, 10).join(', ') || 'none'}${companies.length > 10 ? ', …' : ''}).`,
      );
    } catch (error) {
      report.add(
        'token.financeOps',
        'blocker',
        message(error),
        "Register the bot's app in F&O, System administration > Setup > Microsoft Entra applications.",
      );
    }
  }
  const link = foReachable && dvUrl ? await linkDoctor(platform, foUrl, dvUrl, report) : undefined;
  report.addVerdicts(
    await runPairChecks({
      platform,
      financeOpsUrl: foReachable ? foUrl : undefined,
      dataverseUrl: dvUrl || undefined,
      dataverseEnvironmentId: dvEnv?.id,
      financeOpsEnvironment: foEnv,
      dataverseEnvironment: dvEnv,
      // Linked: its companies; not yet: every one F&O has (the doctor does not know which the setup links).
      legalEntitiesToLink: link?.legalEntities.length ? link.legalEntities : undefined,
    }),
  );
  if (dvUrl) {
    await linkingUserLicence(platform, dvUrl, target.linkingUser, report);
    await dataverseVolumes(platform, dvUrl, report);
  }
  return report.checks;
}

/** The person who links creates Power Apps connections: without a licence, 403 (troubleshooting-initial-setup). */
async function linkingUserLicence(
  platform: Platform,
  dvUrl: string,
  user: string | undefined,
  report: DoctorReport,
) {
  const read = platform.dataverse(dvUrl).findUserLicence;
  if (!user || !read) {
    report.add(
      'dataverse.linkingUserLicence',
      'not-checkable',
      'Not checkable: the doctor signs in as the bot and does not know who will link; pass --linker <user principal name> to read that user.',
      'The user who links needs a Power Apps licence, or creating the connections fails with 403 (Forbidden).',
    );
    return;
  }
  try {
    const found = await read(user);
    if (found?.licensed && !found.disabled)
      report.add(
        'dataverse.linkingUserLicence',
        'ok',
        `${user} is a licensed, enabled user of this environment.`,
      );
    else
      report.add(
        'dataverse.linkingUserLicence',
        'blocker',
        !found
          ? `${user} is not a user of this environment.`
          : found.disabled
            ? `${user} is disabled in this environment.`
            : `${user} has no licence in this environment.`,
        catalogFix('connection-403-licence'),
      );
  } catch (error) {
    report.add(
      'dataverse.linkingUserLicence',
      'not-checkable',
      `Could not read the user: ${message(error)}.`,
    );
  }
}

async function dataverseVolumes(platform: Platform, dvUrl: string, report: DoctorReport) {
  try {
    const accounts = await platform.dataverse(dvUrl).countRowsWithoutCompany('accounts');
    report.add(
      'volumes.dataverse',
      'ok',
      accounts > SINGLE_THREADED_ROW_LIMIT
        ? `${accounts} accounts have no company: above ${SINGLE_THREADED_ROW_LIMIT} Customers V3 (single-threaded) cannot sync them from Dataverse in initial sync; migrate them outside it and skip its initial sync.`
        : `${accounts} accounts without a company (limit for initial sync ${SINGLE_THREADED_ROW_LIMIT}).`,
    );
  } catch (error) {
    report.add('volumes.dataverse', 'not-checkable', `Could not count accounts: ${message(error)}.`);
  }
}
