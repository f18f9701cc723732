import { z } from 'zod';
import type { ApplicationPackage, DataverseEnvironment } from '../../engine/ports';
import { trimUrl } from '../platformError';

// The BAP environment and application package answers as powerPlatformClient.ts reads them
// (docs/dynamics-apis.md, "Power Platform"): `location` is the environment's location code
// (terraform-provider-power-platform's environment DTO; the create body's `location`).

export const environmentSchema = z.object({
  name: z.string(),
  location: z.string().optional(),
  properties: z
    .object({
      displayName: z.string().optional(),
      tenantId: z.string().optional(),
      provisioningState: z.string().optional(),
      environmentSku: z.string().optional(),
      linkedEnvironmentMetadata: z
        .object({ instanceUrl: z.string().optional() })
        .passthrough()
        .nullable()
        .optional(),
      // A unified environment's finance and operations app (unifiedEnvironmentClient.ts).
      linkedAppMetadata: z
        .object({ type: z.string().optional(), id: z.string().optional(), url: z.string().optional() })
        .passthrough()
        .nullable()
        .optional(),
    })
    .passthrough(),
});
export const environmentListSchema = z.object({ value: z.array(environmentSchema) });

export const packageSchema = z
  .object({
    uniqueName: z.string(),
    localizedName: z.string().nullable().optional(),
    applicationName: z.string().nullable().optional(),
    version: z.string().nullable().optional(),
    state: z.string().nullable().optional(),
  })
  .passthrough();

export function toEnvironment(env: z.infer<typeof environmentSchema>): DataverseEnvironment {
  const provisioning = (env.properties.provisioningState ?? '').toLowerCase();
  const url = env.properties.linkedEnvironmentMetadata?.instanceUrl;
  return {
    id: env.name,
    name: env.properties.displayName ?? env.name,
    url: url ? trimUrl(url) : '',
    state:
      provisioning === 'failed' ? 'failed' : provisioning === 'succeeded' && url ? 'ready' : 'provisioning',
    tenantId: env.properties.tenantId ?? '',
    ...(env.location ? { location: env.location } : {}),
    failureReason:
      provisioning === 'failed' ? 'Creating the environment failed in the Power Platform.' : undefined,
    ...(env.properties.provisioningState ? { serviceState: env.properties.provisioningState } : {}),
  };
}

export function toPackage(pkg: z.infer<typeof packageSchema>): ApplicationPackage {
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
