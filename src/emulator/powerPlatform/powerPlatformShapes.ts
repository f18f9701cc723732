import { createHash } from 'node:crypto';
import {
  DATAVERSE_SOLUTION_VERSION,
  type PackageDefinition,
  type PackageOperationRow,
  type PowerPlatformEnvironmentRow,
  type PowerPlatformService,
} from './powerPlatformService';
import { LOCATION_AZURE_REGIONS } from '../microsoft/unifiedEnvironments';
import type { UnifiedEnvironments } from './unifiedEnvironments';

// The JSON the emulated Power Platform APIs answer with, in the documented shapes
// (docs/dynamics-apis.md, "Power Platform"; test/fixtures/microsoft holds the examples they are held to).

export const LIFECYCLE_OPERATIONS = '/providers/Microsoft.BusinessAppPlatform/lifecycleOperations';

/** The poll's answer: `status` and `operationId`, no `id` (the documented example). */
export function toOperation(op: PackageOperationRow): Record<string, unknown> {
  return {
    status: op.status,
    createdDateTime: new Date(op.created_at).toISOString(),
    lastActionDateTime: op.status === 'Running' ? null : new Date(op.ready_at).toISOString(),
    error: op.error ? { code: 'InstallFailed', message: op.error } : null,
    statusMessage: op.error,
    operationId: op.id,
  };
}

/** The install's answer: the package instance, its `id`, and `lastOperation.operationId`. */
export function toPackageInstance(op: PackageOperationRow, pkg: PackageDefinition): Record<string, unknown> {
  const instanceId = packageId(`instance:${op.environment_id}:${pkg.uniqueName}`);
  return {
    id: instanceId,
    packageId: packageId(pkg.uniqueName),
    applicationId: packageId(`app:${pkg.uniqueName}`),
    applicationName: pkg.uniqueName,
    applicationDescription: '',
    singlePageApplicationUrl: '',
    publisherName: 'Microsoft Dynamics 365',
    publisherId: '255953fd-9ab8-4146-bfa1-859aae326ae9',
    packageUniqueName: pkg.uniqueName,
    packageVersion: pkg.version,
    localizedDescription: pkg.localizedName,
    localizedName: pkg.localizedName,
    learnMoreUrl: 'https://go.microsoft.com/fwlink/?linkid=2098901',
    // Terms of service of the package [inferred URL].
    termsOfServiceBlobUris: ['https://go.microsoft.com/fwlink/?linkid=2098901'],
    applicationVisibility: 'All',
    lastOperation: {
      state: 'InstallRequested',
      createdOn: new Date(op.created_at).toISOString(),
      modifiedOn: null,
      errorDetails: null,
      statusMessage: null,
      instancePackageId: instanceId,
      operationId: op.id,
    },
    customHandleUpgrade: false,
  };
}

/** A lifecycle operation (the shape terraform-provider-power-platform's test fixtures record). */
export function toLifecycleOperation(row: PowerPlatformEnvironmentRow): Record<string, unknown> {
  const state = row.state === 'Creating' ? 'Running' : row.state;
  const started = new Date(row.created_at).toISOString();
  const last = new Date(Math.min(row.ready_at, Date.now())).toISOString();
  const stage = (id: string, stageState: string) => ({
    id,
    name: id,
    state: { id: stageState },
    firstActionDateTime: started,
    lastActionDateTime: last,
  });
  return {
    id: row.id,
    links: {
      self: { path: `${LIFECYCLE_OPERATIONS}/${row.id}` },
      // The environment's path once the operation has Succeeded; '' before (TF's recorded Failed
      // operation has `"path": ""`, and TF reads the path only once Succeeded) [inferred while Running].
      environment: {
        path:
          row.state === 'Succeeded' ? `/providers/Microsoft.BusinessAppPlatform/environments/${row.id}` : '',
      },
    },
    type: { id: 'Create' },
    typeDisplayName: 'Create',
    state: { id: state },
    createdDateTime: started,
    lastActionDateTime: last,
    // The emulator does not know who asked: it reports a user [inferred].
    requestedBy: { id: row.tenant_id, displayName: 'Admin', type: 'User', tenantId: row.tenant_id },
    stages: [
      stage('Validate', 'Succeeded'),
      stage('Prepare', 'Succeeded'),
      stage('Run', state === 'Running' ? 'Running' : state),
    ],
  };
}

/** A stable GUID-shaped id for a name (package and application ids are GUIDs in the real catalog). */
export function packageId(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function toBapEnvironment(
  row: PowerPlatformEnvironmentRow,
  service: PowerPlatformService,
  unified: UnifiedEnvironments,
): Record<string, unknown> {
  // F&O's URL of a unified environment, as terraform-provider-power-platform reads it
  // (`linkedAppMetadata.url`, type "Internal" in its test fixtures).
  const app = unified.of(row.id);
  const financeOpsUrl = app ? unified.financeOpsUrl(app) : undefined;
  const url = `${service.orgUrl(row.org)}/`;
  return {
    id: `/providers/Microsoft.BusinessAppPlatform/environments/${row.id}`,
    type: 'Microsoft.BusinessAppPlatform/scopes/environments',
    location: row.location,
    name: row.id,
    properties: {
      tenantId: row.tenant_id,
      // The first Azure region of the location (unified-environment-types-and-templates.md) [inferred].
      ...(LOCATION_AZURE_REGIONS[row.location]
        ? { azureRegion: LOCATION_AZURE_REGIONS[row.location][0] }
        : {}),
      displayName: row.display_name,
      createdTime: new Date(row.created_at).toISOString(),
      environmentSku: row.sku,
      ...(financeOpsUrl
        ? { linkedAppMetadata: { type: 'Internal', id: app!.fo_env, url: `${financeOpsUrl}/` } }
        : {}),
      provisioningState: row.state,
      states: { management: { id: row.state === 'Succeeded' ? 'Ready' : 'NotReady' } },
      databaseType: 'CommonDataService',
      linkedEnvironmentMetadata: {
        type: 'Dynamics365Instance',
        resourceId: row.id,
        friendlyName: row.display_name,
        uniqueName: row.org,
        domainName: row.org,
        version: DATAVERSE_SOLUTION_VERSION,
        instanceUrl: url,
        instanceApiUrl: url,
        baseLanguage: 1033,
        instanceState: row.state === 'Succeeded' ? 'Ready' : 'NotReady',
        createdTime: new Date(row.created_at).toISOString(),
      },
    },
  };
}
