import { DATAVERSE_APPLICATION_USERS, MIN_FINANCE_OPS_VERSION } from '../microsoft/appIds';
import { LEGAL_ENTITIES_KEY, findMapFact, type MapFact } from '../microsoft/entityMaps';
import {
  DATA_FAILURE_TEXTS,
  DOCUMENTED_FAILURES,
  failureText,
  type DocumentedFailure,
  type FailurePoint,
} from '../microsoft/documentedFailures';
import { packageFact, PROSPECT_TO_CASH_SOLUTIONS } from '../microsoft/packages';
import type { LifecycleService } from '../lcs/lifecycleService';
import type { PowerPlatformService } from '../powerPlatform/powerPlatformService';
import type { EmulatorContext } from '../shell/emulatorContext';
import { lookupNotFoundMessage } from './entitySync';
import { GatewayError, type ConnectionRow, type MapRow } from './gatewayTypes';

// What the gateway checks before it links environments (the health check of
// requirements-and-prerequisites.md, a missing application user reported as DW9003 like the real link),
// before it starts a map and before an initial sync (the limits and failures in docs/dynamics-apis.md),
// with the documented failures switched on by name (microsoft/documentedFailures.ts).

/** More legal entities than this on one link fail a map's start (about 250: troubleshooting initial setup). */
export const MAX_LINKED_LEGAL_ENTITIES = 250;

/** The first documented failure switched on at this point, if any. */
export function switchedOn(ctx: EmulatorContext, at: FailurePoint): DocumentedFailure | undefined {
  const on = new Set<string>(ctx.settings.failures.documented);
  return DOCUMENTED_FAILURES.find((failure) => failure.at === at && on.has(failure.name));
}

/** A map's start: a documented failure switched on, or too many legal entities on the link. */
export function mapStartRefusal(ctx: EmulatorContext, conn: ConnectionRow, pid: string): string | undefined {
  const failure = switchedOn(ctx, 'mapStart');
  if (failure) return failureText(failure, { dataverseUrl: conn.dv_url });
  const linked = ctx.db
    .prepare('SELECT COUNT(*) AS n FROM gw_legal_entities WHERE connection_id = ?')
    .get(conn.id) as { n: number };
  if (linked.n > MAX_LINKED_LEGAL_ENTITIES)
    return DATA_FAILURE_TEXTS.partitions.text.replaceAll('{project}', `DWM-${conn.id}-${pid}`);
  return undefined;
}

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
  const documented =
    switchedOn(ctx, 'initialSync') ??
    DOCUMENTED_FAILURES.find(
      (failure) => failure.at === 'initialSync' && failure.status === failures.initialSyncHttpError,
    );
  if (documented)
    return { immediate: false, message: failureText(documented, { dataverseUrl: conn.dv_url }) };
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
  const users = new Set(
    ctx.dataverse.list(dvOrg, 'systemusers').map((user) => String(user.applicationid ?? '')),
  );
  const missingUser = DATAVERSE_APPLICATION_USERS.find(
    (check) => !check.anyOf.some((id) => users.has(id)),
  )?.anyOf.join(' or ');
  if (missingUser)
    throw new GatewayError(
      400,
      'DW9003',
      `${DATA_FAILURE_TEXTS.dw9003.text} (App user with id ${missingUser})`,
    );
  const env = lifecycle.findByName(foEnv);
  if (env && !lifecycle.isVersionSupported(env))
    throw new GatewayError(
      400,
      'HealthCheckFailed',
      `${DATA_FAILURE_TEXTS.appVersion.text} (this environment: ${env.platform_version}; at least ${MIN_FINANCE_OPS_VERSION}).`,
    );
  const installed = powerPlatform.installedSolutions(dvOrg);
  if (PROSPECT_TO_CASH_SOLUTIONS.some((name) => installed.has(name)))
    throw new GatewayError(400, 'HealthCheckFailed', DATA_FAILURE_TEXTS.prospectToCash.text);
  if (!installed.has(CORE_SOLUTION))
    throw new GatewayError(
      400,
      'HealthCheckFailed',
      `${DATA_FAILURE_TEXTS.coreSolution.text} (${CORE_SOLUTION}).`,
    );
  checkCompanyNames(ctx, dvOrg);
  const failure = switchedOn(ctx, 'link');
  if (failure)
    throw new GatewayError(
      failure.status,
      failure.code,
      failureText(failure, { financeOpsHost: env ? new URL(lifecycle.financeOpsUrl(env.name)).host : foEnv }),
    );
}

/** Saving the connection set keys the companies by name: a blank or repeated cdm_name fails it. */
function checkCompanyNames(ctx: EmulatorContext, dvOrg: string): void {
  const seen = new Set<string>();
  for (const row of ctx.dataverse.list(dvOrg, 'cdm_companies')) {
    const name = String(row.cdm_name ?? '').trim();
    if (!name || seen.has(name.toLowerCase()))
      throw new GatewayError(400, 'SavingConnectionSetFailed', DATA_FAILURE_TEXTS.sameKey.text);
    seen.add(name.toLowerCase());
  }
}
