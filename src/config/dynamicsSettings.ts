import { z } from 'zod';
import { bool, duration, idList, optionalString, optionalUrl, port, positiveNumber } from './configValues';

// Dynamics 365: the embedded emulator or the live services' endpoints and credentials
// (docs/dynamics-apis.md, docs/deploy.md). Part of the one configuration schema (configSchema.ts).

export const dynamicsSettings = {
  // --- Dynamics 365: emulator (default without BOT_ID) or live ---
  DYNAMICS_MODE: optionalString.pipe(z.enum(['emulator', 'live']).optional()),
  /** Port of the embedded emulator; 0 picks a free one. */
  EMULATOR_PORT: port(3979),
  /** Multiplies every emulated duration (provisioning, latency, limits' windows). */
  EMULATOR_TIME_SCALE: positiveNumber(0.01).pipe(
    z.number().gt(0, 'must be above 0').max(1000, 'must be at most 1000'),
  ),
  /** Use an emulator that already runs (`npm run emulator`) instead of starting one in-process. */
  EMULATOR_URL: optionalUrl,
  /** Per-request timeout of every Dynamics 365 call, ms (the soak shortens it to provoke timeouts). */
  HTTP_TIMEOUT_MS: duration(30_000, 600_000, 'ms'),

  // --- Live mode: endpoints and credentials ---
  LCS_API_URL: optionalUrl,
  /** LCS project holding the F&O environments (live mode; environment metadata lookups). */
  LCS_PROJECT_ID: optionalString,
  POWER_PLATFORM_API_URL: z.string().url('must be a URL').default('https://api.powerplatform.com'),
  BAP_API_URL: z.string().url('must be a URL').default('https://api.bap.microsoft.com'),
  /**
   * Location of every environment the bot creates in the Power Platform (a new Dataverse, a unified
   * environment): a location code of unified-environment-types-and-templates.md (`unitedstates`,
   * `europe`, `unitedkingdom`, ...). Emulator and live mode alike.
   */
  POWER_PLATFORM_REGION: z
    .string()
    .trim()
    .transform((value) => value.toLowerCase())
    .pipe(z.string().regex(/^[a-z]+$/, 'a location code such as unitedstates or europe'))
    .default('unitedstates'),
  /** Templates of a new Dataverse environment with the Dynamics 365 apps, comma-separated (a Sales template needs a Sales licence). */
  DATAVERSE_APP_TEMPLATES: z
    .string()
    .default('D365_Sales')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9_]+$/, 'template names are letters, digits and _')).min(1)),
  DUALWRITE_GATEWAY_URL: optionalUrl,
  /** The gateway is an internal API: only used when this is on. */
  DUALWRITE_GATEWAY_ENABLED: bool(false),
  AZURE_AUTH: z.enum(['client-secret', 'managed-identity', 'default', 'obo']).default('default'),
  AZURE_TENANT_ID: optionalString,
  AZURE_CLIENT_ID: optionalString,
  AZURE_CLIENT_SECRET: optionalString,
  /** Host suffixes environment URLs may have in live mode; empty: Microsoft's clouds (docs/reliability.md). */
  DYNAMICS_HOST_SUFFIXES: idList,
  /** Also allow `cloudax.dynamics.com`: cloud-hosted development VMs, run in customers' subscriptions. */
  ALLOW_CLOUD_HOSTED_ENVIRONMENTS: bool(false),
};
