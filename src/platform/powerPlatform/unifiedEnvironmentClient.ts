import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import type { ErpTemplate, UnifiedEnvironment, UnifiedEnvironmentType } from '../../engine/ports';
import { followableNextLink } from '../http/nextLink';
import { lifecycleHint, pollHint, retryAfterMsOf } from '../http/pollHint';
import { PlatformError, trimUrl } from '../platformError';
import { environmentSchema } from './powerPlatformAnswers';

// Unified environments through the same two APIs (docs/dynamics-apis.md, "Unified environments"):
// create = the BAP environments API with an ERP template in `linkedEnvironmentMetadata.templates` and
// `templateMetadata.PostProvisioningPackages` (tutorial-deploy-new-environment-with-ERP-template.md; the
// body as terraform-provider-power-platform sends it), 202 + Location of a lifecycle operation; the F&O
// URL is `properties.linkedAppMetadata.url` once the provisioning app is in (terraform's model); into an
// existing environment = the application packages API: platform tools, then the provisioning app
// (tutorial-install-finance-operations-provisioning-app.md). Passing DemoDataEnabled to that install
// through a `parameters` field is [inferred]: the install API documents no options.

export const PROVISIONING_APP = 'msdyn_FinanceAndOperationsProvisioningAppAnchor';
export const PLATFORM_TOOLS_APP = 'msprov_fnouploadersolution';
const SKU: Record<UnifiedEnvironmentType, string> = {
  sandbox: 'Sandbox',
  production: 'Production',
  // A unified developer environment is a Sandbox with developer tools (unified-environment-types-and-templates.md).
  developer: 'Sandbox',
};

const packagesSchema = z.object({
  value: z.array(z.object({ uniqueName: z.string(), state: z.string().nullable().optional() }).passthrough()),
});
const lifecycleSchema = z
  .object({
    state: z.object({ id: z.string() }).passthrough(),
    links: z
      .object({ environment: z.object({ path: z.string().nullable().optional() }).passthrough().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

export interface UnifiedApis {
  /** Location code of new environments (POWER_PLATFORM_REGION). */
  region: string;
  bap: AxiosInstance;
  api: AxiosInstance;
  bapVersion: string;
  appVersion: string;
  /** Lifecycle operation of each environment created here (its `Retry-After` is the poll hint). */
  operations: Map<string, string>;
}

/** A lifecycle operation as followableNextLink gives it: relative to the BAP API's root. */
const LIFECYCLE_OPERATION_PATH =
  /^providers\/Microsoft\.BusinessAppPlatform\/lifecycleOperations\/[A-Za-z0-9-]+(\?[A-Za-z0-9=&.-]*)?$/;
const ADMIN_ENVIRONMENTS = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments';

export function provisioningParameters(devTools: boolean, demoData: boolean): string {
  return `DevToolsEnabled=${devTools}|DemoDataEnabled=${demoData}`;
}

export async function createUnifiedEnvironment(
  apis: UnifiedApis,
  request: {
    name: string;
    template: ErpTemplate;
    type: UnifiedEnvironmentType;
    demoData: boolean;
    location?: string;
  },
): Promise<UnifiedEnvironment> {
  const response = await apis.bap.post(
    '/providers/Microsoft.BusinessAppPlatform/environments',
    {
      location: request.location ?? apis.region,
      properties: {
        displayName: request.name,
        environmentSku: SKU[request.type],
        databaseType: 'CommonDataService',
        linkedEnvironmentMetadata: {
          baseLanguage: 1033,
          currency: { code: 'USD' },
          templates: [request.template],
          templateMetadata: {
            PostProvisioningPackages: [
              {
                applicationUniqueName: PROVISIONING_APP,
                parameters: provisioningParameters(request.type === 'developer', request.demoData),
              },
            ],
          },
        },
      },
    },
    { params: { 'api-version': apis.bapVersion }, idempotent: false },
  );
  const location = response.headers?.location as string | undefined;
  if (!location)
    throw new PlatformError(
      'failed',
      'The Power Platform accepted the environment without a lifecycle operation to follow.',
    );
  // Followed inside the BAP API only, as a relative path (the client refuses absolute URLs).
  const operation = followableNextLink(String(apis.bap.defaults.baseURL), location);
  const pending: UnifiedEnvironment = {
    id: '',
    name: request.name,
    dataverseUrl: '',
    financeOpsUrl: '',
    state: 'provisioning',
    environmentSku: SKU[request.type],
    tenantId: '',
    operation,
  };
  const followed = await followUnifiedCreation(apis, operation);
  if (followed.state === 'failed')
    throw new PlatformError(
      'failed',
      `Creating the environment ${request.name} failed in the Power Platform.`,
    );
  return followed.id ? followed : { ...pending, ...pollHint(followed.retryAfterMs) };
}

/**
 * The create's lifecycle operation, read as terraform-provider-power-platform reads it
 * (`api_environment.go` CreateEnvironment, `internal/api/lifecycle.go` DoWaitForLifecycleOperationStatus):
 * the environment id is the last segment of `links.environment.path` once `state.id` is `Succeeded`,
 * never before; `Failed` ends it; anything else is still running (its `Retry-After` the poll hint).
 */
export async function followUnifiedCreation(
  apis: UnifiedApis,
  operation: string,
): Promise<UnifiedEnvironment> {
  // A checkpointed value is followed only as a lifecycle operation of the BAP API (the HTTP client
  // refuses absolute URLs as well).
  if (!LIFECYCLE_OPERATION_PATH.test(operation))
    throw new PlatformError('invalid', 'The lifecycle operation to follow is not one of the admin API.');
  const response = await apis.bap.get(operation);
  const op = lifecycleSchema.parse(response.data);
  const state = op.state.id.toLowerCase();
  const base = {
    name: '',
    dataverseUrl: '',
    financeOpsUrl: '',
    environmentSku: '',
    tenantId: '',
    operation,
  };
  if (state === 'failed')
    return {
      ...base,
      id: '',
      state: 'failed',
      failureReason:
        'Creating the environment failed in the Power Platform (its lifecycle operation failed).',
    };
  if (state !== 'succeeded')
    return { ...base, id: '', state: 'provisioning', ...pollHint(retryAfterMsOf(response)) };
  const id = op.links?.environment?.path?.split('/').filter(Boolean).pop()?.split('?')[0];
  if (!id) throw new PlatformError('failed', 'The lifecycle operation succeeded but names no environment.');
  apis.operations.set(decodeURIComponent(id), operation);
  return getUnifiedEnvironment(apis, decodeURIComponent(id));
}

export async function getUnifiedEnvironment(apis: UnifiedApis, id: string): Promise<UnifiedEnvironment> {
  const response = await apis.bap.get(`${ADMIN_ENVIRONMENTS}/${encodeURIComponent(id)}`, {
    params: { 'api-version': apis.bapVersion },
  });
  const env = environmentSchema.parse(response.data);
  const p = env.properties;
  const provisioning = (p.provisioningState ?? '').toLowerCase();
  const dataverseUrl = p.linkedEnvironmentMetadata?.instanceUrl
    ? trimUrl(p.linkedEnvironmentMetadata.instanceUrl)
    : '';
  const financeOpsUrl = p.linkedAppMetadata?.url ? trimUrl(p.linkedAppMetadata.url) : '';
  let failureReason =
    provisioning === 'failed' ? 'Creating the environment failed in the Power Platform.' : undefined;
  if (!failureReason && provisioning === 'succeeded' && !financeOpsUrl) {
    const app = await packageState(apis, env.name, PROVISIONING_APP);
    if (app === 'installfailed')
      failureReason = 'The Finance and Operations provisioning app failed to install.';
  }
  const state = failureReason
    ? 'failed'
    : provisioning === 'succeeded' && dataverseUrl && financeOpsUrl
      ? 'ready'
      : 'provisioning';
  // Still being created: the lifecycle operation's Retry-After says when to look again.
  const hint =
    provisioning !== 'succeeded' && state === 'provisioning'
      ? await lifecycleHint(apis, env.name, retryAfterMsOf(response))
      : undefined;
  if (provisioning === 'succeeded') apis.operations.delete(env.name);
  return {
    id: env.name,
    name: p.displayName ?? env.name,
    dataverseUrl,
    financeOpsUrl,
    state,
    ...pollHint(hint),
    environmentSku: p.environmentSku ?? '',
    tenantId: p.tenantId ?? '',
    ...(env.location ? { location: env.location } : {}),
    failureReason,
  };
}

/** Platform tools first, then the provisioning app; each install only when not installed or installing. */
export async function installFinanceOpsApp(
  apis: UnifiedApis,
  environmentId: string,
  options: { demoData: boolean },
): Promise<UnifiedEnvironment> {
  const tools = await packageState(apis, environmentId, PLATFORM_TOOLS_APP);
  if (tools !== 'installed') {
    if (tools !== 'installing') await install(apis, environmentId, PLATFORM_TOOLS_APP);
    return getUnifiedEnvironment(apis, environmentId);
  }
  const app = await packageState(apis, environmentId, PROVISIONING_APP);
  if (app !== 'installed' && app !== 'installing')
    await install(apis, environmentId, PROVISIONING_APP, {
      parameters: provisioningParameters(false, options.demoData),
    });
  return getUnifiedEnvironment(apis, environmentId);
}

export async function findUnifiedEnvironment(
  apis: UnifiedApis,
  financeOpsUrl: string,
): Promise<UnifiedEnvironment | null> {
  const list = z
    .object({ value: z.array(environmentSchema) })
    .parse(
      (await apis.bap.get(ADMIN_ENVIRONMENTS, { params: { 'api-version': apis.bapVersion } })).data,
    ).value;
  const want = trimUrl(financeOpsUrl).toLowerCase();
  const found = list.find(
    (env) => trimUrl(env.properties.linkedAppMetadata?.url ?? '').toLowerCase() === want,
  );
  return found ? getUnifiedEnvironment(apis, found.name) : null;
}

async function packageState(apis: UnifiedApis, environmentId: string, uniqueName: string): Promise<string> {
  const response = await apis.api.get(
    `/appmanagement/environments/${encodeURIComponent(environmentId)}/applicationPackages`,
    {
      params: { 'api-version': apis.appVersion },
    },
  );
  const pkg = packagesSchema
    .parse(response.data)
    .value.find((candidate) => candidate.uniqueName === uniqueName);
  return (pkg?.state ?? 'none').toLowerCase();
}

async function install(
  apis: UnifiedApis,
  environmentId: string,
  uniqueName: string,
  body?: object,
): Promise<void> {
  await apis.api.post(
    `/appmanagement/environments/${encodeURIComponent(environmentId)}/applicationPackages/${encodeURIComponent(uniqueName)}/install`,
    body,
    { params: { 'api-version': apis.appVersion }, idempotent: false },
  );
}
