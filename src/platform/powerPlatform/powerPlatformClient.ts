import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import type { PackageOperation, PowerPlatformPort } from '../../engine/ports';
import type { Logger } from '../../log';
import { defaultScope } from '../http/credentials';
import { createHttpClient, type RetryOptions } from '../http/httpPolicy';
import { PlatformError, toPlatformError, trimUrl } from '../platformError';
import {
  createUnifiedEnvironment,
  followUnifiedCreation,
  findUnifiedEnvironment,
  getUnifiedEnvironment,
  installFinanceOpsApp,
} from './unifiedEnvironmentClient';
import { followableNextLink } from '../http/nextLink';
import { lifecycleHint, pollHint, retryAfterMsOf } from '../http/pollHint';
import {
  environmentListSchema,
  environmentSchema,
  packageSchema,
  toEnvironment,
  toPackage,
} from './powerPlatformAnswers';

export { packageSchema };

// PowerPlatformPort over two APIs (docs/dynamics-apis.md, "Power Platform"): the BAP admin environments
// API (list, create, get; create answers 202 + `Location` of a lifecycle operation, followed here as
// terraform-provider-power-platform does) and the Power Platform API's application packages (list,
// install by unique name: the answer is the package instance with `lastOperation.operationId`; poll
// `operations/{operationId}`: `{status, operationId}`, statuses NotStarted, Running, Succeeded, Failed,
// Canceled). Status reads carry the service's poll hint (`Retry-After`) as `retryAfterMs`: the
// operation GET's own, or, for an environment being created, that of its lifecycle operation (the
// `Location` this client followed; kept in memory, so after a restart the engine's interval applies).
export interface PowerPlatformClientOptions {
  bapApiUrl: string;
  powerPlatformApiUrl: string;
  credential: TokenCredential;
  /** Token scopes; default to the `.default` scope of each URL. */
  bapScope?: string;
  powerPlatformScope?: string;
  /**
   * Templates a new Dataverse environment gets when the plan asks for the Dynamics 365 apps (default
   * `D365_Sales`, which needs a Sales licence in the tenant).
   */
  dynamics365Templates?: readonly string[];
  /**
   * Location code of the environments this client creates (POWER_PLATFORM_REGION, default
   * `unitedstates`); a request's own `location` (that of an existing environment) wins.
   */
  region?: string;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
}

/** The api-version terraform-provider-power-platform uses for environments. */
export const BAP_API_VERSION = '2023-06-01';
export const APP_MANAGEMENT_API_VERSION = '2022-03-01-preview';
/** Default template that gives a new environment the Dynamics 365 apps (needs a Sales licence). */
export const DYNAMICS_365_APPS_TEMPLATE = 'D365_Sales';

/** Location of new environments when POWER_PLATFORM_REGION is not given. */
export const DEFAULT_REGION = 'unitedstates';

const ADMIN_ENVIRONMENTS = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments';

const packageListSchema = z.object({ value: z.array(packageSchema) });

/** The poll of an install: `{status, operationId, error, statusMessage, …}` (no `id`). */
export const packageOperationSchema = z
  .object({
    operationId: z.string(),
    status: z.string(),
    error: z
      .union([z.object({ message: z.string().optional() }).passthrough(), z.string()])
      .nullable()
      .optional(),
    statusMessage: z.string().nullable().optional(),
  })
  .passthrough();
const operationSchema = packageOperationSchema;

/** The answer of an install: the package instance, with the operation to poll. */
export const packageInstanceSchema = z
  .object({
    id: z.string(),
    lastOperation: z
      .object({
        operationId: z.string(),
        state: z.string().nullable().optional(),
        errorDetails: z.unknown().optional(),
        statusMessage: z.string().nullable().optional(),
      })
      .passthrough(),
  })
  .passthrough();

/** A lifecycle operation (the `Location` of an environment create). */
export const lifecycleOperationSchema = z
  .object({
    id: z.string(),
    state: z.object({ id: z.string() }).passthrough(),
    links: z
      .object({ environment: z.object({ path: z.string().nullable().optional() }).passthrough().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

export function createPowerPlatformClient(options: PowerPlatformClientOptions): PowerPlatformPort {
  const bap = createHttpClient({
    service: 'powerPlatformAdmin',
    baseURL: trimUrl(options.bapApiUrl),
    scope: options.bapScope ?? defaultScope(options.bapApiUrl),
    credential: options.credential,
    logger: options.logger,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  });
  const api = createHttpClient({
    service: 'powerPlatform',
    baseURL: trimUrl(options.powerPlatformApiUrl),
    scope: options.powerPlatformScope ?? defaultScope(options.powerPlatformApiUrl),
    credential: options.credential,
    logger: options.logger,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  });
  const packagesPath = (environmentId: string) =>
    `/appmanagement/environments/${encodeURIComponent(environmentId)}`;

  async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toPlatformError(error, what);
    }
  }

  /** Lifecycle operation (relative path) of each environment this client created, for its poll hint. */
  const operations = new Map<string, string>();
  const region = options.region ?? DEFAULT_REGION;
  const unifiedApis = {
    region,
    bap,
    api,
    bapVersion: BAP_API_VERSION,
    appVersion: APP_MANAGEMENT_API_VERSION,
    operations,
  };

  const port: PowerPlatformPort = {
    createUnifiedEnvironment: (request) =>
      call(`Creating the unified environment ${request.name}`, () =>
        createUnifiedEnvironment(unifiedApis, request),
      ),
    installFinanceOpsApp: (environmentId, installOptions) =>
      call('Installing finance and operations into the environment', () =>
        installFinanceOpsApp(unifiedApis, environmentId, installOptions),
      ),
    followUnifiedCreation: (operation) =>
      call('Following the creation of the unified environment', () =>
        followUnifiedCreation(unifiedApis, operation),
      ),
    getUnifiedEnvironment: (environmentId) =>
      call(`Reading the unified environment ${environmentId}`, () =>
        getUnifiedEnvironment(unifiedApis, environmentId),
      ),
    findUnifiedEnvironment: (financeOpsUrl) =>
      call('Looking up a unified environment', () => findUnifiedEnvironment(unifiedApis, financeOpsUrl)),

    findDataverse: (name) =>
      call(`Looking up Dataverse environment ${name}`, async () => {
        const response = await bap.get(ADMIN_ENVIRONMENTS, { params: { 'api-version': BAP_API_VERSION } });
        const found = environmentListSchema
          .parse(response.data)
          .value.find((env) => (env.properties.displayName ?? '').toLowerCase() === name.toLowerCase());
        return found ? toEnvironment(found) : null;
      }),

    findDataverseByUrl: (url) =>
      call(`Looking up the Dataverse environment at ${url}`, async () => {
        const response = await bap.get(ADMIN_ENVIRONMENTS, { params: { 'api-version': BAP_API_VERSION } });
        const want = trimUrl(url).toLowerCase();
        const found = environmentListSchema
          .parse(response.data)
          .value.find(
            (env) =>
              trimUrl(env.properties.linkedEnvironmentMetadata?.instanceUrl ?? '').toLowerCase() === want,
          );
        return found ? toEnvironment(found) : null;
      }),

    createDataverse: (request) =>
      call(`Creating Dataverse environment ${request.name}`, async () => {
        const response = await bap.post(
          '/providers/Microsoft.BusinessAppPlatform/environments',
          {
            location: request.location ?? region,
            properties: {
              displayName: request.name,
              environmentSku: 'Sandbox',
              databaseType: 'CommonDataService',
              linkedEnvironmentMetadata: {
                baseLanguage: 1033,
                currency: { code: 'USD' },
                domainName: request.name.toLowerCase().replace(/[^a-z0-9]/g, ''),
                templates: request.crmPrime
                  ? [...(options.dynamics365Templates ?? [DYNAMICS_365_APPS_TEMPLATE])]
                  : [],
              },
            },
          },
          { params: { 'api-version': BAP_API_VERSION }, idempotent: false },
        );
        // 202 + Location of the lifecycle operation: it names the new environment.
        const location = response.headers?.location as string | undefined;
        let operation: string | undefined;
        if (location) {
          // Followed inside the BAP API only, as a relative path (the client refuses absolute URLs).
          operation = followableNextLink(String(bap.defaults.baseURL), location);
          const op = lifecycleOperationSchema.parse((await bap.get(operation)).data);
          if (op.state.id.toLowerCase() === 'failed')
            throw new PlatformError(
              'failed',
              `Creating the environment ${request.name} failed in the Power Platform.`,
            );
          // The environment's path counts once the operation has Succeeded (TF reads it only then).
          const succeeded = op.state.id.toLowerCase() === 'succeeded';
          const envId = succeeded
            ? /environments\/([^/?#]+)/.exec(op.links?.environment?.path ?? '')?.[1]
            : undefined;
          if (envId) {
            operations.set(decodeURIComponent(envId), operation);
            return port.getDataverse(decodeURIComponent(envId));
          }
        }
        const parsed = environmentSchema.safeParse(response.data);
        if (parsed.success) return toEnvironment(parsed.data);
        const found = await port.findDataverse(request.name);
        if (!found)
          throw new PlatformError(
            'failed',
            `The environment ${request.name} was accepted but cannot be found yet.`,
          );
        if (!operation) return found;
        // Still running: found by its name; its reads take their poll hint from the operation.
        operations.set(found.id, operation);
        return port.getDataverse(found.id);
      }),

    getDataverse: (id) =>
      call(`Reading Dataverse environment ${id}`, async () => {
        const response = await bap.get(`${ADMIN_ENVIRONMENTS}/${encodeURIComponent(id)}`, {
          params: { 'api-version': BAP_API_VERSION },
        });
        const env = toEnvironment(environmentSchema.parse(response.data));
        if (env.state !== 'provisioning') {
          operations.delete(id);
          return env;
        }
        return { ...env, ...pollHint(await lifecycleHint(unifiedApis, id, retryAfterMsOf(response))) };
      }),

    listPackages: (environmentId) =>
      call('Listing application packages', async () => {
        const response = await api.get(`${packagesPath(environmentId)}/applicationPackages`, {
          params: { 'api-version': APP_MANAGEMENT_API_VERSION },
        });
        return packageListSchema.parse(response.data).value.map(toPackage);
      }),

    installPackage: (environmentId, uniqueName) =>
      call(`Installing package ${uniqueName}`, async () => {
        const response = await api.post(
          `${packagesPath(environmentId)}/applicationPackages/${encodeURIComponent(uniqueName)}/install`,
          undefined,
          { params: { 'api-version': APP_MANAGEMENT_API_VERSION }, idempotent: false },
        );
        const instance = packageInstanceSchema.parse(response.data);
        return { id: instance.lastOperation.operationId, status: 'running' } satisfies PackageOperation;
      }),

    getPackageOperation: (environmentId, operationId) =>
      call('Reading the package installation', async () => {
        const response = await api.get(
          `${packagesPath(environmentId)}/operations/${encodeURIComponent(operationId)}`,
          {
            params: { 'api-version': APP_MANAGEMENT_API_VERSION },
          },
        );
        return {
          ...toOperation(operationSchema.parse(response.data)),
          ...pollHint(retryAfterMsOf(response)),
        };
      }),
  };
  return port;
}

function toOperation(op: z.infer<typeof operationSchema>): PackageOperation {
  const status = op.status.toLowerCase();
  const failed = status === 'failed' || status === 'canceled' || status === 'cancelled';
  const error = typeof op.error === 'string' ? op.error : op.error?.message;
  return {
    id: op.operationId,
    status: status === 'succeeded' ? 'succeeded' : failed ? 'failed' : 'running',
    error: failed ? (error ?? op.statusMessage ?? 'The installation failed.') : undefined,
    serviceState: op.status,
  };
}
