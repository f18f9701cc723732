import type { TokenCredential } from '@azure/identity';
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import type { FinanceOpsEnvironment, LifecyclePort } from '../../engine/ports';
import type { Logger } from '../../log';
import { defaultScope } from '../http/credentials';
import { createHttpClient, type RetryOptions } from '../http/httpPolicy';
import { PlatformError, toPlatformError, trimUrl } from '../platformError';
import { pollHint, retryAfterMsOf } from '../http/pollHint';

// LifecyclePort over the LCS Environment API (`GET /environmentinfo/v1/detail/project/{projectId}/`,
// header `x-ms-version: 2017-09-15`; docs/dynamics-apis.md, "Lifecycle Services"). The API answers 200
// with an `IsSuccess` envelope, takes delegated (user_impersonation) tokens only and allows 6 calls
// per project per minute (429 + Retry-After, retried by the HTTP policy). The real LCS API cannot
// deploy an environment: `canDeploy` is true only against the emulator, whose deploy endpoint exists
// for the local sandbox.
export interface LifecycleClientOptions {
  baseUrl: string;
  projectId: string;
  credential: TokenCredential;
  canDeploy: boolean;
  /** Token scope; defaults to the `.default` scope of baseUrl. */
  scope?: string;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
}

/** The documented properties the bot reads; any of them may be null ("If a value is not available"). */
export const lcsEnvironmentSchema = z
  .object({
    EnvironmentId: z.string(),
    EnvironmentName: z.string(),
    EnvironmentEndpointBaseUrl: z.string().nullable().optional(),
    DeploymentState: z.string().nullable().optional(),
    DeploymentStatusDisplay: z.string().nullable().optional(),
    TopologyDisplayName: z.string().nullable().optional(),
    CurrentApplicationReleaseName: z.string().nullable().optional(),
  })
  .passthrough();
const metadataSchema = lcsEnvironmentSchema;

export const lcsEnvelopeSchema = z.object({
  IsSuccess: z.boolean(),
  ErrorMessage: z.string().nullable().optional(),
  Data: z.array(metadataSchema).nullable().optional(),
});

const deployResponseSchema = z.object({ Data: metadataSchema });

export function createLifecycleClient(options: LifecycleClientOptions): LifecyclePort {
  const http: AxiosInstance = createHttpClient({
    service: 'lcs',
    baseURL: trimUrl(options.baseUrl),
    scope: options.scope ?? defaultScope(options.baseUrl),
    credential: options.credential,
    logger: options.logger,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
    headers: { 'x-ms-version': '2017-09-15' },
  });
  const project = encodeURIComponent(options.projectId);

  // A 200 of this API documents no Retry-After (only its 429 does, retried by the HTTP policy); one
  // sent anyway is passed on as the poll hint.
  async function query(params: Record<string, string>, what: string): Promise<FinanceOpsEnvironment[]> {
    try {
      const response = await http.get(`/environmentinfo/v1/detail/project/${project}/`, { params });
      const body = lcsEnvelopeSchema.parse(response.data);
      if (!body.IsSuccess)
        throw new PlatformError('failed', `${what} failed: ${body.ErrorMessage ?? 'LCS reported an error.'}`);
      const hint = pollHint(retryAfterMsOf(response));
      return (body.Data ?? []).map((data) => ({ ...toEnvironment(data), ...hint }));
    } catch (error) {
      throw toPlatformError(error, what);
    }
  }

  return {
    async findFinanceOps(name) {
      const found = await query({ environmentName: name }, `Looking up F&O environment ${name} in LCS`);
      return found.find((env) => env.name.toLowerCase() === name.toLowerCase()) ?? null;
    },
    async deployFinanceOps(request) {
      if (!options.canDeploy) {
        throw new PlatformError(
          'not_supported',
          'Deploying a Finance and Operations environment is done in the LCS portal; the LCS API cannot deploy.',
        );
      }
      try {
        const response = await http.post(
          `/environment/v1/deploy/project/${project}`,
          { EnvironmentName: request.name, DemoData: request.demoData },
          { idempotent: false },
        );
        return toEnvironment(deployResponseSchema.parse(response.data).Data);
      } catch (error) {
        throw toPlatformError(error, `Deploying F&O environment ${request.name}`);
      }
    },
    async getFinanceOps(id) {
      const found = await query({ environmentId: id }, `Reading F&O environment ${id} from LCS`);
      const env = found.find((candidate) => candidate.id === id);
      if (!env) throw new PlatformError('not_found', `LCS has no environment with id ${id}.`, 404);
      return env;
    },
  };
}

export function toEnvironment(data: z.infer<typeof metadataSchema>): FinanceOpsEnvironment {
  // Deployed is `DeploymentStatusDisplay: "Deployed"`; `DeploymentState` is the last operation's
  // state ("Finished"), not the environment's.
  const status = (data.DeploymentStatusDisplay ?? '').toLowerCase();
  const failed = status.includes('fail');
  const version = /\d+\.\d+\.\d+/.exec(data.CurrentApplicationReleaseName ?? '')?.[0] ?? '';
  return {
    id: data.EnvironmentId,
    name: data.EnvironmentName,
    url: trimUrl(data.EnvironmentEndpointBaseUrl ?? ''),
    state: failed ? 'failed' : status === 'deployed' ? 'deployed' : 'deploying',
    // No documented field says so; a demo topology's display name does [inferred].
    demoData: /demo/i.test(data.TopologyDisplayName ?? ''),
    platformVersion: version,
    // LCS does not report the tenant: empty means unknown, and tenant checks skip it.
    tenantId: '',
    failureReason: failed ? `LCS shows the environment as ${data.DeploymentStatusDisplay}.` : undefined,
    ...(data.DeploymentStatusDisplay ? { serviceState: data.DeploymentStatusDisplay } : {}),
  };
}
