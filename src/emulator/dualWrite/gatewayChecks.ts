import { findEntityMap, type EntityMapDefinition } from '../../engine/catalog/entityMapCatalog';
import {
  DUAL_WRITE_APP_IDS,
  DUAL_WRITE_CORE_SOLUTION,
  MIN_PLATFORM_VERSION,
  PROSPECT_TO_CASH_SOLUTION,
} from '../../engine/catalog/solutions';
import type { LifecycleService } from '../lcs/lifecycleService';
import type { PowerPlatformService } from '../powerPlatform/powerPlatformService';
import type { EmulatorContext } from '../shell/emulatorContext';
import { lookupNotFoundMessage } from './entitySync';
import { GatewayError, type ConnectionRow, type MapRow } from './gatewayService';

/**
 * What the gateway checks before it links environments (the prerequisites of DOMAIN 2, reported as
 * DW9003 like the real link) and before an initial sync (the limits and failures of DOMAIN 4 and 6).
 */
export function initialSyncRefusal(
  ctx: EmulatorContext,
  mapOf: (connectionId: string, name: string) => MapRow | undefined,
  conn: ConnectionRow,
  definition: EntityMapDefinition,
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
  const notRunning = definition.dependsOn.filter((dep) => mapOf(conn.id, dep)?.state !== 'Running');
  if (failures.lookupNotFound || notRunning.length) {
    const dep = findEntityMap(notRunning[0] ?? 'Legal entities') as EntityMapDefinition;
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
      `DW9003 Failed to connect to CRM/AX: Finance and Operations is on ${env.platform_version}; dual-write needs ${MIN_PLATFORM_VERSION} (platform update 33) or later.`,
    );
  }
  const installed = powerPlatform.installedSolutions(dvOrg);
  if (installed.has(PROSPECT_TO_CASH_SOLUTION)) {
    throw new GatewayError(
      400,
      'DW9003',
      'DW9003 Failed to connect to CRM/AX: uninstall the Prospect to cash solution first.',
    );
  }
  if (!installed.has(DUAL_WRITE_CORE_SOLUTION)) {
    throw new GatewayError(
      400,
      'DW9003',
      `DW9003 Failed to connect to CRM/AX: the ${DUAL_WRITE_CORE_SOLUTION} solution is not installed in Dataverse.`,
    );
  }
  const users = new Set(
    ctx.dataverse.list(dvOrg, 'systemusers').map((user) => String(user.applicationid ?? '')),
  );
  const missingUser = DUAL_WRITE_APP_IDS.find((id) => !users.has(id));
  if (missingUser) {
    throw new GatewayError(
      400,
      'DW9003',
      `DW9003 Failed to connect to CRM/AX: application user ${missingUser} is missing in Dataverse.`,
    );
  }
}
