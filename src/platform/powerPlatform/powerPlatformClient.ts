import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import type {
  ApplicationPackage,
  DataverseEnvironment,
  PackageOperation,
  PowerPlatformPort,
} from '../../engine/ports';
import type { Logger } from '../../log';
import { defaultScope } from '../http/credentials';
import { createHttpClient, type RetryOptions } from '../http/httpPolicy';
import { PlatformError, toPlatformError, trimUrl } from '../platformError';

/**
 * PowerPlatformPort over two documented APIs: the BAP admin environments API (list, create, get) and
 * the Power Platform API's application packages (list, install by unique name, poll the operation).
 */
export interface PowerPlatformClientOptions {
  bapApiUrl: string;
  powerPlatformApiUrl: string;
  credential: TokenCredential;
  /** Token scopes; default to the `.default` scope of each URL. */
  bapScope?: string;
  powerPlatformScope?: string;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
}

export const BAP_API_VERSION = '2020-10-01';
export const APP_MANAGEMENT_API_VERSION = '2022-03-01-preview';
/** Template that gives a new environment the Dynamics 365 apps (and with them the CRM base solutions). [inferred] */
export const DYNAMICS_365_APPS_TEMPLATE = 'D365_Sales';

const ADMIN_ENVIRONMENTS = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments';

const environmentSchema = z.object({
  name: z.string(),
  properties: z
    .object({
      displayName: z.string().optional(),
      tenantId: z.string().optional(),
      provisioningState: z.string().optional(),
      linkedEnvironmentMetadata: z
        .object({ instanceUrl: z.string().optional() })
        .passthrough()
        .nullable()
        .optional(),
    })
    .passthrough(),
});
const environmentListSchema = z.object({ value: z.array(environmentSchema) });

const packageSchema = z
  .object({
    uniqueName: z.string(),
    localizedName: z.string().nullable().optional(),
    applicationName: z.string().nullable().optional(),
    version: z.string().nullable().optional(),
    state: z.string().nullable().optional(),
  })
  .passthrough();
const packageListSchema = z.object({ value: z.array(packageSchema) });

const operationSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    error: z
      .union([z.object({ message: z.string().optional() }).passthrough(), z.string()])
      .nullable()
      .optional(),
    statusMessage: z.string().nullable().optional(),
  })
  .passthrough();

export function createPowerPlatformClient(options: PowerPlatformClientOptions): PowerPlatformPort {
  const bap = createHttpClient({
    baseURL: trimUrl(options.bapApiUrl),
    scope: options.bapScope ?? defaultScope(options.bapApiUrl),
    credential: options.credential,
    logger: options.logger,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  });
  const api = createHttpClient({
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

  const port: PowerPlatformPort = {
    findDataverse: (name) =>
      call(`Looking up Dataverse environment ${name}`, async () => {
        const response = await bap.get(ADMIN_ENVIRONMENTS, { params: { 'api-version': BAP_API_VERSION } });
        const found = environmentListSchema
          .parse(response.data)
          .value.find((env) => (env.properties.displayName ?? '').toLowerCase() === name.toLowerCase());
        return found ? toEnvironment(found) : null;
      }),

    createDataverse: (request) =>
      call(`Creating Dataverse environment ${request.name}`, async () => {
        const response = await bap.post(
          '/providers/Microsoft.BusinessAppPlatform/environments',
          {
            location: 'unitedstates',
            properties: {
              displayName: request.name,
              environmentSku: 'Sandbox',
              databaseType: 'CommonDataService',
              linkedEnvironmentMetadata: {
                baseLanguage: 1033,
                currency: { code: 'USD' },
                domainName: request.name.toLowerCase().replace(/[^a-z0-9]/g, ''),
                templates: request.crmPrime ? [DYNAMICS_365_APPS_TEMPLATE] : [],
              },
            },
          },
          { params: { 'api-version': BAP_API_VERSION }, idempotent: false },
        );
        const parsed = environmentSchema.safeParse(response.data);
        if (parsed.success) return toEnvironment(parsed.data);
        // Some API versions answer 202 without a body: find the new environment by name.
        const found = await port.findDataverse(request.name);
        if (!found)
          throw new PlatformError(
            'failed',
            `The environment ${request.name} was accepted but cannot be found yet.`,
          );
        return found;
      }),

    getDataverse: (id) =>
      call(`Reading Dataverse environment ${id}`, async () => {
        const response = await bap.get(`${ADMIN_ENVIRONMENTS}/${encodeURIComponent(id)}`, {
          params: { 'api-version': BAP_API_VERSION },
        });
        return toEnvironment(environmentSchema.parse(response.data));
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
        return toOperation(operationSchema.parse(response.data));
      }),

    getPackageOperation: (environmentId, operationId) =>
      call('Reading the package installation', async () => {
        const response = await api.get(
          `${packagesPath(environmentId)}/operations/${encodeURIComponent(operationId)}`,
          {
            params: { 'api-version': APP_MANAGEMENT_API_VERSION },
          },
        );
        return toOperation(operationSchema.parse(response.data));
      }),
  };
  return port;
}

function toEnvironment(env: z.infer<typeof environmentSchema>): DataverseEnvironment {
  const provisioning = (env.properties.provisioningState ?? '').toLowerCase();
  const url = env.properties.linkedEnvironmentMetadata?.instanceUrl;
  return {
    id: env.name,
    name: env.properties.displayName ?? env.name,
    url: url ? trimUrl(url) : '',
    state:
      provisioning === 'failed' ? 'failed' : provisioning === 'succeeded' && url ? 'ready' : 'provisioning',
    tenantId: env.properties.tenantId ?? '',
    failureReason:
      provisioning === 'failed' ? 'Creating the environment failed in the Power Platform.' : undefined,
  };
}

function toPackage(pkg: z.infer<typeof packageSchema>): ApplicationPackage {
  const state = (pkg.state ?? '').toLowerCase();
  return {
    uniqueName: pkg.uniqueName,
    name: pkg.localizedName ?? pkg.applicationName ?? pkg.uniqueName,
    state:
      state === 'installed'
        ? 'installed'
        : state === 'installing'
          ? 'installing'
          : state === 'installfailed'
            ? 'install_failed'
            : 'not_installed',
    version: pkg.version ?? undefined,
  };
}

function toOperation(op: z.infer<typeof operationSchema>): PackageOperation {
  const status = op.status.toLowerCase();
  const failed = status === 'failed' || status === 'canceled' || status === 'cancelled';
  const error = typeof op.error === 'string' ? op.error : op.error?.message;
  return {
    id: op.id,
    status: status === 'succeeded' ? 'succeeded' : failed ? 'failed' : 'running',
    error: failed ? (error ?? op.statusMessage ?? 'The installation failed.') : undefined,
  };
}
