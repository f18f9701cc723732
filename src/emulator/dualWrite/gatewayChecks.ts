import { DATAVERSE_APPLICATION_USERS, MIN_FINANCE_OPS_VERSION } from '../microsoft/appIds';
import { LEGAL_ENTITIES_KEY, findMapFact, type MapFact } from '../microsoft/entityMaps';
import { packageFact, PROSPECT_TO_CASH_SOLUTIONS } from '../microsoft/packages';
import type { LifecycleService } from '../lcs/lifecycleService';
import type { PowerPlatformService } from '../powerPlatform/powerPlatformService';
import type { EmulatorContext } from '../shell/emulatorContext';
import { lookupNotFoundMessage } from './entitySync';
import { GatewayError, type ConnectionRow, type MapRow } from './gatewayTypes';

// What the gateway checks before it links environments (the health check of
// requirements-and-prerequisites.md, reported as DW9003 like the real link) and before an initial sync
// (the limits and failures in docs/dynamics-apis.md).

const CORE_SOLUTION = packageFact('core').solutions[0];

export function initialSyncRefusal(
  ctx: EmulatorContext,
  mapOf: (connectionId: string, name: string) => MapRow | undefined,
  conn: ConnectionRow,
  definition: MapFact,
  companies: string[],
): { message: string; immediate: boolean } | undefined {
  const failures = ctx.settings.failures;
  if (companies.length > failures.maxLegalEntitiesPerInitialSync) {
    return {
      immediate: true,
      message: `Initial sync failed: the partition map has ${companies.length} legal entities; an initial sync supports at most ${failures.maxLegalEntitiesPerInitialSync}. Run it in batches of legal entities.`,
    };
  }
  if (failures.initialSyncHttpError === 400) {
    return {
      immediate: false,
      message:
        'The remote server returned an error: (400) Bad Request. Check that the Data management import/export service is running in Finance and Operations.',
    };
  }
  if (failures.initialSyncHttpError === 403) {
    return { immediate: false, message: 'The remote server returned an error: (403) Forbidden.' };
  }
  const notRunning = definition.prerequisites.filter((dep) => mapOf(conn.id, dep)?.state !== 'Running');
  if (failures.lookupNotFound || notRunning.length) {
    const dep = findMapFact(notRunning[0] ?? LEGAL_ENTITIES_KEY) as MapFact;
    const column = dep.name === 'Legal entities' ? 'cdm_companycode' : 'msdyn_name';
    const field = `${dep.dataverseEntitySet.replace(/ies$/, 'y').replace(/s$/, '')}.${column}`;
    return {
      immediate: false,
      message: lookupNotFoundMessage(
        field,
        dep.dataverseEntitySet,
        column,
        companies[0] ?? '',
        { dvOrg: conn.dv_org },
        conn.dv_url,
      ),
    };
  }
  return undefined;
}

export function checkLinkHealth(
  ctx: EmulatorContext,
  lifecycle: LifecycleService,
  powerPlatform: PowerPlatformService,
  foEnv: string,
  dvOrg: string,
): void {
  const env = lifecycle.findByName(foEnv);
  if (env && !lifecycle.isVersionSupported(env)) {
    throw new GatewayError(
      400,
      'DW9003',
      `DW9003 Failed to connect to CRM/AX: Finance and Operations is on ${env.platform_version}; dual-write needs ${MIN_FINANCE_OPS_VERSION} (platform update 33) or later.`,
    );
  }
  const installed = powerPlatform.installedSolutions(dvOrg);
  if (PROSPECT_TO_CASH_SOLUTIONS.some((name) => installed.has(name))) {
    throw new GatewayError(
      400,
      'DW9003',
      'DW9003 Failed to connect to CRM/AX: uninstall the Prospect to cash solution first.',
    );
  }
  if (!installed.has(CORE_SOLUTION)) {
    throw new GatewayError(
      400,
      'DW9003',
      `DW9003 Failed to connect to CRM/AX: the ${CORE_SOLUTION} solution is not installed in Dataverse.`,
    );
  }
  const users = new Set(
    ctx.dataverse.list(dvOrg, 'systemusers').map((user) => String(user.applicationid ?? '')),
  );
  const missingUser = DATAVERSE_APPLICATION_USERS.find(
    (check) => !check.anyOf.some((id) => users.has(id)),
  )?.anyOf.join(' or ');
  if (missingUser) {
    throw new GatewayError(
      400,
      'DW9003',
      `DW9003 Failed to connect to CRM/AX: application user ${missingUser} is missing in Dataverse.`,
    );
  }
}
