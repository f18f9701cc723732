import { findEntityMap } from './catalog/entityMapCatalog';
import {
  DUAL_WRITE_APP_IDS,
  DUAL_WRITE_CORE_SOLUTION,
  MIN_PLATFORM_VERSION,
  PROSPECT_TO_CASH_SOLUTION,
  compareVersions,
} from './catalog/solutions';
import type { PlannedStep, PreflightFinding } from './model';
import type { DataverseEnvironment, FinanceOpsEnvironment, Platform } from './ports';
import { environmentsOf, nameFromUrl, sameUrl } from './scenarios/environments';
import type { SetupInput } from './scenarios/scenarioInput';
import { paramsOfStep, type StepParams } from './stepParams';

// Pre-flight: the prerequisite checks (docs/domain.md §3) and the initial sync volume rules (docs/domain.md §5) that
// can be read before anything runs, each as a warning or a blocking error with the advice an admin
// needs. Environments that do not exist yet are checked again by the run's own steps.

export const INITIAL_SYNC_MAX_ROWS = 500_000;
export const SINGLE_THREADED_MAX_ROWS = 70_000;
export const INITIAL_SYNC_MAX_LEGAL_ENTITIES = 40;

export async function preflight(
  input: SetupInput,
  steps: PlannedStep[],
  platform: Platform,
): Promise<PreflightFinding[]> {
  const findings: PreflightFinding[] = [];
  const add = (code: string, severity: PreflightFinding['severity'], message: string, advice: string) =>
    findings.push({ code, severity, message, advice });
  const unreadable = (what: string, error: unknown) =>
    add(
      'check_unavailable',
      'warning',
      `Could not check ${what}: ${error instanceof Error ? error.message : String(error)}.`,
      'The run checks it again before it links the environments.',
    );
  const envs = environmentsOf(input);

  // --- environments ---
  let foEnv: FinanceOpsEnvironment | null = null;
  let dvEnv: DataverseEnvironment | null = null;
  let foUrl: string | undefined;
  let dvUrl: string | undefined;
  try {
    if (envs.financeOps.kind === 'new') {
      foEnv = await platform.lifecycle.findFinanceOps(envs.financeOps.name);
      if (foEnv) {
        add(
          'financeops_exists',
          'warning',
          `Lifecycle Services already has an environment named "${envs.financeOps.name}" (${foEnv.state}).`,
          'The run will use that environment instead of deploying a new one; choose another name if it is not meant for this setup.',
        );
        if (foEnv.state === 'deployed') foUrl = foEnv.url;
      }
    } else {
      foUrl = envs.financeOps.url;
      const candidate = await platform.lifecycle.findFinanceOps(nameFromUrl(foUrl)).catch(() => null);
      foEnv = candidate && sameUrl(candidate.url, foUrl) ? candidate : null;
    }
  } catch (error) {
    unreadable('the Finance and Operations environment in Lifecycle Services', error);
  }
  try {
    if (envs.dataverse.kind === 'new') {
      dvEnv = await platform.powerPlatform.findDataverse(envs.dataverse.name);
      if (dvEnv) {
        add(
          'dataverse_exists',
          'warning',
          `Power Platform already has an environment named "${envs.dataverse.name}" (${dvEnv.state}).`,
          'The run will use it instead of creating one; choose another name if it is not meant for this setup.',
        );
        if (dvEnv.state === 'ready') dvUrl = dvEnv.url;
      }
    } else {
      dvUrl = envs.dataverse.url;
      const candidate = await platform.powerPlatform.findDataverse(nameFromUrl(dvUrl)).catch(() => null);
      dvEnv = candidate && sameUrl(candidate.url, dvUrl) ? candidate : null;
      if (!dvEnv) {
        add(
          'dataverse_not_listed',
          'warning',
          `The Power Platform admin API does not list ${dvUrl}.`,
          'Check the URL. The dual-write packages can only be installed automatically into an environment the admin API lists.',
        );
      }
    }
  } catch (error) {
    unreadable('the Dataverse environment in Power Platform', error);
  }

  if (foEnv && compareVersions(foEnv.platformVersion, MIN_PLATFORM_VERSION) < 0) {
    add(
      'platform_version',
      'blocking',
      `Finance and Operations is at ${foEnv.platformVersion}; dual-write needs ${MIN_PLATFORM_VERSION} (platform update 33) or later.`,
      'Apply a newer service update to the environment in Lifecycle Services, then start again.',
    );
  }
  if (foEnv && dvEnv && foEnv.tenantId.toLowerCase() !== dvEnv.tenantId.toLowerCase()) {
    add(
      'tenant_mismatch',
      'blocking',
      'The Finance and Operations and Dataverse environments are in different Microsoft Entra tenants.',
      'Dual-write links environments of one tenant only: pick a Dataverse environment of the F&O tenant.',
    );
  }

  // --- existing Finance and Operations: the legal entities to link ---
  if (input.scenario === 'existing-existing' && foUrl) {
    try {
      const present = new Set(
        (await platform.financeOps(foUrl).listLegalEntities()).map((e) => e.id.toUpperCase()),
      );
      const missing = input.legalEntities.filter((code) => !present.has(code));
      if (missing.length) {
        add(
          'legal_entity_missing',
          'blocking',
          `Finance and Operations has no legal entity ${missing.join(', ')}.`,
          `Pick from: ${[...present].sort().join(', ') || 'none found'}.`,
        );
      }
    } catch (error) {
      add(
        'financeops_unreachable',
        'blocking',
        `Finance and Operations at ${foUrl} did not answer: ${error instanceof Error ? error.message : String(error)}.`,
        "Check the URL and that the bot's app registration is allowed in F&O (System administration > Microsoft Entra ID applications).",
      );
    }
  }

  // --- existing Dataverse: solutions and app users ---
  if (dvUrl) {
    try {
      const dataverse = platform.dataverse(dvUrl);
      const [solutions, appUsers] = await Promise.all([
        dataverse.listSolutions(),
        dataverse.listApplicationUserIds(),
      ]);
      const names = new Set(solutions.map((s) => s.uniqueName.toLowerCase()));
      if (names.has(PROSPECT_TO_CASH_SOLUTION.toLowerCase())) {
        add(
          'prospect_to_cash',
          'blocking',
          'The Prospect-to-Cash solution is installed in Dataverse.',
          'Uninstall Prospect-to-Cash first: it and dual-write cannot run side by side.',
        );
      }
      if (!names.has(DUAL_WRITE_CORE_SOLUTION.toLowerCase())) {
        add(
          'core_solution_missing',
          'warning',
          'The dual-write core solution is not installed in Dataverse yet.',
          'The run installs it with the orchestration packages before linking.',
        );
      }
      const users = new Set(appUsers.map((id) => id.toLowerCase()));
      const missing = DUAL_WRITE_APP_IDS.filter((id) => !users.has(id));
      if (missing.length) {
        add(
          'app_users_missing',
          'warning',
          `The dual-write apps ${missing.join(', ')} are not application users in Dataverse yet.`,
          'Linking fails with DW9003 without them: add them in the Power Platform admin center (Application users) before the prerequisite check runs.',
        );
      }
    } catch (error) {
      add(
        'dataverse_unreachable',
        'blocking',
        `Dataverse at ${dvUrl} did not answer: ${error instanceof Error ? error.message : String(error)}.`,
        'Check the URL and that the bot may sign in to it.',
      );
    }
  }

  // --- initial sync: legal entities, circular references, volumes ---
  const syncStep = steps.find((step) => step.kind === 'initialSync');
  const sync = syncStep && paramsOfStep(syncStep, 'initialSync');
  if (sync) {
    const legalEntities = sync.legalEntities;
    if (legalEntities.length > INITIAL_SYNC_MAX_LEGAL_ENTITIES) {
      add(
        'too_many_legal_entities',
        'blocking',
        `The initial sync covers ${legalEntities.length} legal entities; dual-write takes at most ${INITIAL_SYNC_MAX_LEGAL_ENTITIES} in one initial sync.`,
        'Split the companies over several runs of at most 40 each.',
      );
    }
    for (const deferred of sync.deferred) {
      add(
        'circular_reference',
        'warning',
        `${deferred.map} and ${deferred.lookupTo} refer to each other; ${deferred.map} syncs first, so its lookups to ${deferred.lookupTo} stay empty until that map has synced.`,
        `This is Microsoft's documented workaround (sync in stages). If those lookups matter, re-run the initial sync of ${deferred.map} once ${deferred.lookupTo} runs.`,
      );
    }
    await volumeFindings(input, sync, platform, { foUrl, dvUrl }, add, unreadable);
  }
  return findings;
}

async function volumeFindings(
  input: SetupInput,
  sync: StepParams<'initialSync'>,
  platform: Platform,
  urls: { foUrl?: string; dvUrl?: string },
  add: (code: string, severity: PreflightFinding['severity'], message: string, advice: string) => void,
  unreadable: (what: string, error: unknown) => void,
): Promise<void> {
  const { master, legalEntities } = sync;
  const bootstrapTables = 'bootstrapTables' in input ? input.bootstrapTables : [];
  for (const name of sync.maps) {
    const map = findEntityMap(name);
    if (!map) continue;
    let rows: number | undefined;
    try {
      if (master === 'financeOps' && urls.foUrl) {
        rows = 0;
        for (const code of legalEntities)
          rows = Math.max(
            rows,
            await platform.financeOps(urls.foUrl).countRows(map.financeOpsEntitySet, code),
          );
      } else if (master === 'dataverse' && urls.dvUrl && map.companySpecific) {
        // Rows that will carry the company: the company-less ones, when bootstrap stamps this table.
        rows = bootstrapTables.includes(map.dataverseEntitySet)
          ? await platform.dataverse(urls.dvUrl).countRowsWithoutCompany(map.dataverseEntitySet)
          : undefined;
      }
    } catch (error) {
      unreadable(`the rows of ${name}`, error);
      continue;
    }
    if (rows === undefined) continue;
    if (rows > INITIAL_SYNC_MAX_ROWS) {
      add(
        'initial_sync_volume',
        'blocking',
        `${name} has ${rows.toLocaleString('en-US')} rows for one legal entity; initial sync handles at most ${INITIAL_SYNC_MAX_ROWS.toLocaleString('en-US')}.`,
        `Migrate ${name} separately (data management packages or Azure Data Factory), then leave it out of the initial sync.`,
      );
    } else if (master === 'dataverse' && map.singleThreaded && rows > SINGLE_THREADED_MAX_ROWS) {
      add(
        'single_threaded_volume',
        'warning',
        `${name} has ${rows.toLocaleString('en-US')} rows; its initial sync from Dataverse runs single-threaded and times out after 24 hours above about ${SINGLE_THREADED_MAX_ROWS.toLocaleString('en-US')}.`,
        `Migrate ${name} outside initial sync and run its map with "skip initial sync".`,
      );
    }
  }
}
