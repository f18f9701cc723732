import { ENTITY_MAP_CATALOG } from '../engine/catalog/entityMapCatalog';
import {
  compareVersions,
  DUAL_WRITE_CORE_SOLUTION,
  DUAL_WRITE_ORCHESTRATION_PACKAGES,
  DUAL_WRITE_PLUGIN_ASSEMBLIES,
  FINANCE_OPS_ENTRA_APP_IDS,
  MIN_PLATFORM_VERSION,
  missingApplicationUsers,
  PROSPECT_TO_CASH_SOLUTIONS,
} from '../engine/catalog/solutions';
import type {
  DataverseEnvironment,
  FinanceOpsEnvironment,
  Platform,
  UnifiedEnvironment,
} from '../engine/ports';

// The doctor's checks of one environment pair: each reads, none writes. What an admin runs before the
// first setup, and what tells us where the real services differ from the record.

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when the check fails ('' when it passed). */
  fix: string;
}

export interface DoctorTarget {
  /** F&O environment name in LCS, or its URL. */
  financeOps: string;
  /** Dataverse environment name in the Power Platform admin center, or its org URL. */
  dataverse: string;
}

/** Initial sync limits (docs/dynamics-apis.md): per table per legal entity, and the single-threaded rule. */
export const INITIAL_SYNC_ROW_LIMIT = 500_000;
export const SINGLE_THREADED_ROW_LIMIT = 70_000;

const isUrl = (value: string) => /^https?:\/\//i.test(value);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function runDoctorChecks(platform: Platform, target: DoctorTarget): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const pass = (name: string, detail: string) => checks.push({ name, ok: true, detail, fix: '' });
  const fail = (name: string, detail: string, fix: string) => checks.push({ name, ok: false, detail, fix });

  // --- Lifecycle Services: the F&O environment ---
  let foEnv: FinanceOpsEnvironment | null = null;
  let foUrl = isUrl(target.financeOps) ? target.financeOps : '';
  try {
    foEnv = await platform.lifecycle.findFinanceOps(
      isUrl(target.financeOps) ? hostName(target.financeOps) : target.financeOps,
    );
    if (!foEnv) {
      pass(
        'lcs.environment',
        `LCS lists no environment ${target.financeOps} (a unified environment is not in LCS).`,
      );
    } else {
      foUrl ||= foEnv.url;
      pass('lcs.environment', `${foEnv.name}: ${foEnv.state} at ${foEnv.url}.`);
      if (compareVersions(foEnv.platformVersion, MIN_PLATFORM_VERSION) < 0)
        fail(
          'financeops.version',
          `F&O is at ${foEnv.platformVersion}.`,
          `Update to ${MIN_PLATFORM_VERSION} (platform update 33) or later in LCS.`,
        );
      else
        pass(
          'financeops.version',
          `F&O ${foEnv.platformVersion} (dual-write needs ${MIN_PLATFORM_VERSION} or later).`,
        );
    }
  } catch (error) {
    // Not a failure of the environment when LCS is simply not reachable with these credentials.
    pass('lcs.environment', `Not checked: ${message(error)}`);
  }

  // --- LCS or unified: where this F&O is managed ---
  if (foEnv) {
    pass('financeops.home', 'Lifecycle Services (an LCS project environment).');
  } else {
    try {
      const unified = await findUnified(platform, target.financeOps);
      if (unified) {
        foUrl ||= unified.financeOpsUrl;
        pass(
          'financeops.home',
          `Unified environment "${unified.name}" in the Power Platform admin center (no LCS): F&O ${unified.financeOpsUrl || 'not provisioned yet'}, Dataverse ${unified.dataverseUrl}.`,
        );
      } else if (foUrl) {
        pass('financeops.home', 'Neither LCS nor the Power Platform lists this F&O: checked by URL only.');
      } else {
        fail(
          'financeops.home',
          `Neither LCS nor the Power Platform knows an F&O environment ${target.financeOps}.`,
          'Check the name (the LCS environment name, or the unified environment name in the Power Platform admin center), or pass the F&O URL.',
        );
      }
    } catch (error) {
      pass('financeops.home', `Not checked: ${message(error)}`);
    }
  }

  // --- Power Platform: the Dataverse environment ---
  let dvEnv: DataverseEnvironment | null = null;
  let dvUrl = isUrl(target.dataverse) ? target.dataverse : '';
  try {
    const name = isUrl(target.dataverse) ? hostName(target.dataverse) : target.dataverse;
    dvEnv = await platform.powerPlatform.findDataverse(name);
    if (dvEnv) {
      dvUrl ||= dvEnv.url;
      pass('token.powerPlatform', `The Power Platform admin API lists ${dvEnv.name} (${dvEnv.state}).`);
    } else if (dvUrl) {
      pass('token.powerPlatform', `The Power Platform admin API answered; it lists no environment ${name}.`);
    } else {
      fail(
        'token.powerPlatform',
        `No Dataverse environment ${name}.`,
        'Check the name, or pass the org URL.',
      );
    }
  } catch (error) {
    fail(
      'token.powerPlatform',
      message(error),
      'Grant the bot Power Platform administrator access (or sign in as one).',
    );
  }

  if (dvUrl) await dataverseChecks(platform, dvUrl, pass, fail);
  if (foUrl) await financeOpsChecks(platform, foUrl, dvUrl, pass, fail);
  return checks;
}

type Pass = (name: string, detail: string) => void;
type Fail = (name: string, detail: string, fix: string) => void;

async function dataverseChecks(platform: Platform, dvUrl: string, pass: Pass, fail: Fail): Promise<void> {
  const dataverse = platform.dataverse(dvUrl);
  let solutions: Array<{ uniqueName: string; version: string }>;
  try {
    solutions = await dataverse.listSolutions();
    pass('token.dataverse', `Dataverse at ${dvUrl} answered (${solutions.length} solutions).`);
  } catch (error) {
    fail(
      'token.dataverse',
      message(error),
      'Add the bot as an application user in Dataverse with the System administrator role.',
    );
    return;
  }
  const names = new Map(solutions.map((s) => [s.uniqueName.toLowerCase(), s.version]));
  const p2c = PROSPECT_TO_CASH_SOLUTIONS.filter((name) => names.has(name.toLowerCase()));
  if (p2c.length)
    fail(
      'dataverse.prospectToCash',
      `Installed: ${p2c.join(', ')}.`,
      'Uninstall Prospect to cash before dual-write.',
    );
  else pass('dataverse.prospectToCash', 'Prospect to cash is not installed.');
  const core = names.get(DUAL_WRITE_CORE_SOLUTION.toLowerCase());
  if (core === undefined)
    fail(
      'dataverse.coreSolution',
      `${DUAL_WRITE_CORE_SOLUTION} is not installed.`,
      'Install the DualWriteCoreAnchor package (the setup run does it).',
    );
  else pass('dataverse.coreSolution', `${DUAL_WRITE_CORE_SOLUTION} ${core}.`);
  const missingPackages = DUAL_WRITE_ORCHESTRATION_PACKAGES.filter((pkg) =>
    pkg.solutions.some((solution) => !names.has(solution.toLowerCase())),
  );
  if (missingPackages.length)
    fail(
      'dataverse.orchestrationPackages',
      `Not (fully) installed: ${missingPackages.map((pkg) => pkg.uniqueName).join(', ')}.`,
      'Install them in the documented order (application core, finance, HR common, HR, supply chain); the setup run does it.',
    );
  else pass('dataverse.orchestrationPackages', 'Every dual-write orchestration package is installed.');
  try {
    const missing = missingApplicationUsers(await dataverse.listApplicationUserIds());
    if (missing.length)
      fail(
        'dataverse.applicationUsers',
        `Missing application users: ${missing.join('; ')}.`,
        `Add them in the Power Platform admin center (Application users) with the System administrator role. (${FINANCE_OPS_ENTRA_APP_IDS.join(', ')} belong in F&O, Microsoft Entra applications.)`,
      );
    else pass('dataverse.applicationUsers', 'The dual-write application users exist.');
  } catch (error) {
    fail('dataverse.applicationUsers', message(error), 'Give the bot read access to system users.');
  }
  if (dataverse.listPluginAssemblies && core !== undefined) {
    try {
      const assemblies = new Set((await dataverse.listPluginAssemblies()).map((name) => name.toLowerCase()));
      const missing = DUAL_WRITE_PLUGIN_ASSEMBLIES.filter((name) => !assemblies.has(name.toLowerCase()));
      if (missing.length)
        fail(
          'dataverse.pluginAssemblies',
          `Missing: ${missing.join(', ')}.`,
          'Import the latest Dual-write core solution.',
        );
      else
        pass('dataverse.pluginAssemblies', `${DUAL_WRITE_PLUGIN_ASSEMBLIES.join(' and ')} are registered.`);
    } catch (error) {
      fail('dataverse.pluginAssemblies', message(error), 'Give the bot read access to plug-in assemblies.');
    }
  }
  try {
    const accounts = await dataverse.countRowsWithoutCompany('accounts');
    if (accounts > SINGLE_THREADED_ROW_LIMIT)
      fail(
        'volumes.dataverse',
        `${accounts} accounts have no company.`,
        `Customers V3 is single-threaded: above ${SINGLE_THREADED_ROW_LIMIT} rows migrate the data outside initial sync and skip it.`,
      );
    else
      pass(
        'volumes.dataverse',
        `${accounts} accounts without a company (limit for initial sync ${SINGLE_THREADED_ROW_LIMIT}).`,
      );
  } catch (error) {
    pass('volumes.dataverse', `Not counted: ${message(error)}`);
  }
}

async function financeOpsChecks(
  platform: Platform,
  foUrl: string,
  dvUrl: string,
  pass: Pass,
  fail: Fail,
): Promise<void> {
  const financeOps = platform.financeOps(foUrl);
  let companies: string[];
  try {
    companies = (await financeOps.listLegalEntities()).map((entity) => entity.id);
    pass('token.financeOps', `F&O at ${foUrl} answered: legal entities ${companies.join(', ') || 'none'}.`);
  } catch (error) {
    fail(
      'token.financeOps',
      message(error),
      "Register the bot's app in F&O, System administration > Setup > Microsoft Entra applications.",
    );
    return;
  }
  if (!dvUrl) return;
  try {
    const link = await platform.dualWrite.findConnection(foUrl, dvUrl);
    if (!link) {
      pass('dualWrite.link', 'Not linked yet (no published maps for this Dataverse environment).');
      return;
    }
    pass(
      'dualWrite.link',
      `Linked for ${link.legalEntities.join(', ') || 'no companies'}; solution ${link.solutionApplied ? 'applied' : 'not applied'}.`,
    );
    const dataverse = platform.dataverse(dvUrl);
    const missing: string[] = [];
    for (const code of link.legalEntities) if (!(await dataverse.findCompany(code))) missing.push(code);
    if (missing.length)
      fail(
        'dataverse.companies',
        `No cdm_company row for ${missing.join(', ')}.`,
        'Run the Legal entities map (live) before bootstrapping.',
      );
    else pass('dataverse.companies', `Every linked company has its cdm_company row.`);
    const customers = ENTITY_MAP_CATALOG.find((map) => map.name === 'Customers V3')!;
    for (const code of link.legalEntities) {
      const rows = await financeOps.countRows(
        customers.financeOpsEntitySet,
        code,
        customers.financeOpsCompanyField,
      );
      if (rows > INITIAL_SYNC_ROW_LIMIT)
        fail(
          'volumes.financeOps',
          `${code}: ${rows} customers.`,
          `Initial sync takes at most ${INITIAL_SYNC_ROW_LIMIT} rows per table and company: migrate the rest separately.`,
        );
    }
    pass('volumes.financeOps', `Customers per linked company are within ${INITIAL_SYNC_ROW_LIMIT}.`);
  } catch (error) {
    fail(
      'dualWrite.link',
      message(error),
      'Check that the bot may read DualWriteProjectConfigurations in F&O (the dual-write entity sets).',
    );
  }
}

/** The unified environment of an F&O given by URL or by environment name. */
async function findUnified(platform: Platform, financeOps: string): Promise<UnifiedEnvironment | null> {
  const pp = platform.powerPlatform;
  if (isUrl(financeOps)) return (await pp.findUnifiedEnvironment?.(financeOps)) ?? null;
  const env = await pp.findDataverse(financeOps);
  if (!env || !pp.getUnifiedEnvironment) return null;
  const unified = await pp.getUnifiedEnvironment(env.id);
  return unified.financeOpsUrl ? unified : null;
}

function hostName(url: string): string {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter(Boolean);
  return segments.length ? decodeURIComponent(segments[segments.length - 1]) : parsed.hostname.split('.')[0];
}
