import { z } from 'zod';

// The one schema for every environment variable, and the only reader of `process.env`.
// `.env.sample` documents each variable line by line; keep the two in step.

import {
  bool,
  port,
  positiveNumber,
  wholeNumber,
  duration,
  optionalString,
  optionalUrl,
  idList,
  otlpHeaders,
} from './configValues';

export const configSchema = z.object({
  // --- HTTP server and Bot Framework ---
  PORT: port(3978),
  HOST: optionalString,
  BOT_ID: optionalString.pipe(z.string().uuid("must be the bot's Microsoft app id (a GUID)").optional()),
  BOT_PASSWORD: optionalString,
  BOT_TENANT_ID: optionalString,
  /** Entra tenant ids whose Teams activities the bot accepts (with BOT_ID); default BOT_TENANT_ID. */
  ALLOWED_TENANTS: idList,
  BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  /**
   * The Azure Bot's OAuth connection (AAD v2, token exchange URL api://botid-{BOT_ID}) the bot exchanges
   * Teams SSO tokens through (docs/deploy.md "Teams SSO").
   */
  SSO_CONNECTION_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (the OAuth connection name of the Azure Bot)')
    .default('DynamicsSso'),
  /**
   * Who signs the Bot Framework tokens the bot checks and asks for: `azure` (the Azure Bot Service) or
   * `emulator` (the emulator's Bot Connector keys and Entra, docs/emulator.md: emulator mode with BOT_ID,
   * on loopback only).
   */
  BOT_FRAMEWORK_AUTH: z.enum(['azure', 'emulator']).default('azure'),
  TEAMS_APP_ID: optionalString.pipe(z.string().uuid('must be a GUID').optional()),
  BOT_NAME: z.string().min(1).max(30).default('Dual-write Setup'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `production` requires BOT_ID: a production host never runs the unauthenticated local mode. */
  NODE_ENV: optionalString,
  /**
   * Local mode (no BOT_ID) against real Dynamics 365: identity is whatever a request says there, so
   * approvals and four eyes mean nothing. Refused unless this names that risk explicitly.
   */
  LIVE_WITHOUT_BOT_AUTH: bool(false),

  // --- Telemetry (docs/operations.md): nothing is exported unless one of these is set ---
  /** Application Insights: traces and metrics through the Azure Monitor OpenTelemetry distro. */
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalString.pipe(
    z
      .string()
      .regex(/InstrumentationKey=/i, 'must be an Application Insights connection string')
      .optional(),
  ),
  /** Any other OpenTelemetry backend over OTLP/HTTP: the base URL (/v1/traces, /v1/metrics are added). */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: optionalUrl,
  /** Headers of every OTLP request, `key=value,key2=value2` (an API key, say). */
  OTEL_EXPORTER_OTLP_HEADERS: optionalString.transform((value) => otlpHeaders(value)),
  OTEL_SERVICE_NAME: z.string().min(1).default('dualwrite-setup-bot'),
  /** How often metrics are exported, ms. */
  OTEL_METRIC_EXPORT_INTERVAL: duration(60_000, 24 * 3600_000, 'ms'),

  // --- Local chat: the Microsoft 365 Agents Playground (local mode only, started by `npm start`) ---
  /** Start the Playground next to the bot when there is no BOT_ID. */
  PLAYGROUND: bool(true),
  /** Port of the Playground page; when taken, a free one is picked. 0 picks a free one. */
  PLAYGROUND_PORT: port(56150),

  // --- Store ---
  DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL (production, several replicas); empty: SQLite under DATA_DIR. */
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  /** password: the URL's; managed-identity: a Microsoft Entra token of the host's managed identity. */
  DATABASE_AUTH: z.enum(['password', 'managed-identity']).default('password'),
  /** Client id of a user-assigned managed identity for DATABASE_AUTH=managed-identity; empty: system-assigned. */
  DATABASE_IDENTITY_CLIENT_ID: optionalString,
  /** This replica's name in run leases; empty: host name and process id. */
  REPLICA_ID: optionalString.pipe(z.string().max(100, 'must be at most 100 characters').optional()),
  /** A replica that stops renewing its runs' leases loses them after this many seconds. */
  LEASE_TTL_SECONDS: duration(15, 3600, 'seconds'),
  /** How often a replica renews its leases and looks for runs to take over. */
  LEASE_HEARTBEAT_SECONDS: duration(5, 1800, 'seconds'),

  // --- Who may do what ---
  /** Entra object ids (users or groups) allowed to start setups; empty means everyone in the conversation. */
  ADMINS: idList,
  /** Entra object ids (users or groups) allowed to approve risky steps; empty means any admin. */
  APPROVERS: idList,
  /** Microsoft Graph, asked which ADMINS/APPROVERS entries are groups and who is in them (live mode). */
  GRAPH_API_URL: z.string().url('must be a URL').default('https://graph.microsoft.com'),
  FOUR_EYES: bool(true),
  /** At most 30 days: a longer wait is a forgotten run. */
  APPROVAL_TIMEOUT_MINUTES: duration(24 * 60, 30 * 24 * 60, 'minutes'),
  APPROVAL_REMINDER_MINUTES: duration(60, 30 * 24 * 60, 'minutes'),
  /** Unfinished setups (running, waiting or failed) one admin may have at once: each provisions environments. */
  MAX_ACTIVE_RUNS_PER_ADMIN: wholeNumber(5, 1, 1000),
  /** Unfinished setups one Entra tenant may have at once, whoever started them. */
  MAX_ACTIVE_RUNS_PER_TENANT: wholeNumber(20, 1, 10000),

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
});

export type Config = Omit<z.infer<typeof configSchema>, 'DYNAMICS_MODE'> & {
  DYNAMICS_MODE: 'emulator' | 'live';
  /** Resolved listen address: loopback unless Bot Framework auth is on. */
  listenHost: string;
  /** Tenants whose activities are accepted with BOT_ID: ALLOWED_TENANTS, else BOT_TENANT_ID. */
  allowedTenants: string[];
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Variables never echoed in an error, not even in part. */
const SECRET_VARIABLES = new Set(['BOT_PASSWORD', 'AZURE_CLIENT_SECRET']);

/** The value as an error may show it: a URL's password and secret-looking query values masked. */
export function redactedValue(name: string, value: string | undefined): string {
  if (value === undefined || value === '') return '';
  if (SECRET_VARIABLES.has(name)) return '***';
  return value
    .replace(/(^|\/\/)([^/@\s:]*):[^/\s]*@/g, '$1$2:***@')
    .replace(/((?:^|[?&;\s])(?:password|pwd|secret|sig|token|key|code)=)[^&;\s]*/gi, '$1***');
}

/** URLs that carry a token to Microsoft: https with BOT_ID, unless they name this machine. */
const TOKEN_URLS = [
  'GRAPH_API_URL',
  'POWER_PLATFORM_API_URL',
  'BAP_API_URL',
  'LCS_API_URL',
  'DUALWRITE_GATEWAY_URL',
] as const;

const isLoopbackUrl = (url: URL) => LOOPBACK.has(url.hostname);

/** Parses the environment; throws ConfigError with one line naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'configuration');
    throw new ConfigError(
      `Invalid environment variable ${name}: ${issue.message} (got "${redactedValue(name, env[name])}")`,
    );
  }
  const config = parsed.data;
  const authOn = Boolean(config.BOT_ID);
  const emulatedBotAuth = config.BOT_FRAMEWORK_AUTH === 'emulator';
  const listenHost = config.HOST ?? (authOn && !emulatedBotAuth ? '0.0.0.0' : '127.0.0.1');
  if (!authOn && !LOOPBACK.has(listenHost)) {
    throw new ConfigError(
      `Invalid environment variable HOST: without BOT_ID the bot accepts unsigned requests, so it only listens on loopback (127.0.0.1); set BOT_ID and BOT_PASSWORD to listen on ${listenHost}`,
    );
  }
  refuseOpenLocalMode(config, authOn);
  if (authOn) refuseWeakProduction(config);
  if (authOn && config.BOT_TYPE !== 'UserAssignedMSI' && !config.BOT_PASSWORD) {
    throw new ConfigError('Invalid environment variable BOT_PASSWORD: required when BOT_ID is set');
  }
  // Production (BOT_ID set) fails closed: nothing open by default, nothing guessed.
  if (authOn) {
    for (const name of ['ADMINS', 'APPROVERS'] as const) {
      if (config[name].length === 0) {
        throw new ConfigError(
          `Invalid environment variable ${name}: required when BOT_ID is set (Entra object ids, comma-separated); empty would let anyone ${name === 'ADMINS' ? 'start a setup' : 'approve'}`,
        );
      }
    }
    if (!config.DYNAMICS_MODE) {
      throw new ConfigError(
        'Invalid environment variable DYNAMICS_MODE: required when BOT_ID is set (live, or emulator for a demo)',
      );
    }
    if (config.AZURE_CLIENT_ID && config.AZURE_CLIENT_ID.toLowerCase() === config.BOT_ID!.toLowerCase()) {
      throw new ConfigError(
        "Invalid environment variable AZURE_CLIENT_ID: must not be the bot's app id (BOT_ID); give Dynamics 365 an app registration of its own",
      );
    }
  }
  const allowedTenants = config.ALLOWED_TENANTS.length
    ? config.ALLOWED_TENANTS
    : config.BOT_TENANT_ID
      ? [config.BOT_TENANT_ID]
      : [];
  if (authOn && allowedTenants.length === 0) {
    throw new ConfigError(
      'Invalid environment variable ALLOWED_TENANTS: required when BOT_ID is set without BOT_TENANT_ID (the Entra tenant ids whose Teams users may talk to the bot)',
    );
  }
  const mode = config.DYNAMICS_MODE ?? 'emulator';
  if (mode === 'live' && (config.AZURE_AUTH === 'client-secret' || config.AZURE_AUTH === 'obo')) {
    for (const name of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] as const) {
      const why = `required when AZURE_AUTH=${config.AZURE_AUTH}`;
      if (!config[name]) throw new ConfigError(`Invalid environment variable ${name}: ${why}`);
    }
  }
  if (config.AZURE_AUTH === 'obo' && !config.BOT_ID) throw new ConfigError(OBO_NEEDS_BOT_ID);
  if (emulatedBotAuth) refuseEmulatedBotAuthOutsideEmulator(mode, authOn, listenHost);
  if (config.DATABASE_AUTH === 'managed-identity' && !config.DATABASE_URL) {
    throw new ConfigError(
      'Invalid environment variable DATABASE_URL: required when DATABASE_AUTH=managed-identity',
    );
  }
  if (config.LEASE_HEARTBEAT_SECONDS <= 0 || config.LEASE_HEARTBEAT_SECONDS * 2 > config.LEASE_TTL_SECONDS) {
    throw new ConfigError(
      'Invalid environment variable LEASE_HEARTBEAT_SECONDS: must be above 0 and at most half of LEASE_TTL_SECONDS',
    );
  }
  return { ...config, DYNAMICS_MODE: mode, listenHost, allowedTenants };
}

type ParsedConfig = z.infer<typeof configSchema>;

/** AZURE_AUTH=obo acts as the admin who linked, with their Teams SSO token (src/engine/actingAdmin.ts). */
const OBO_NEEDS_BOT_ID = `Invalid environment variable AZURE_AUTH: obo acts with the admin's Teams single sign-on token, which needs BOT_ID (docs/deploy.md, "Teams single sign-on")`;

/**
 * BOT_FRAMEWORK_AUTH=emulator trusts the emulator's keys, and the emulator signs a channel token for
 * anyone on this machine who asks: only against the emulator, with tokens checked, on loopback.
 */
function refuseEmulatedBotAuthOutsideEmulator(mode: string, authOn: boolean, listenHost: string): void {
  const why =
    mode !== 'emulator'
      ? "emulator is for DYNAMICS_MODE=emulator only (live mode takes the Azure Bot Service's tokens alone)"
      : !authOn
        ? 'emulator needs BOT_ID (without it no Bot Framework token is checked or sent)'
        : !LOOPBACK.has(listenHost)
          ? `emulator listens on loopback only (the emulator signs channel tokens for anyone on this machine); got HOST ${listenHost}`
          : undefined;
  if (why) throw new ConfigError(`Invalid environment variable BOT_FRAMEWORK_AUTH: ${why}`);
}

/** Without BOT_ID anyone who reaches the bot is whoever they claim: never in production, never live by accident. */
function refuseOpenLocalMode(config: ParsedConfig, authOn: boolean): void {
  if (authOn) return;
  if (config.NODE_ENV?.toLowerCase() === 'production') {
    throw new ConfigError(
      'Invalid environment variable NODE_ENV: production requires BOT_ID (without it the bot accepts unsigned requests from anyone who reaches it)',
    );
  }
  if (config.DYNAMICS_MODE === 'live' && !config.LIVE_WITHOUT_BOT_AUTH) {
    throw new ConfigError(
      'Invalid environment variable DYNAMICS_MODE: live requires BOT_ID (without it identity is whatever a request says, so approvals and four eyes mean nothing); set LIVE_WITHOUT_BOT_AUTH=true to accept that risk on this machine',
    );
  }
}

/** With BOT_ID: four eyes stay on and tokens never travel in clear. */
function refuseWeakProduction(config: ParsedConfig): void {
  if (!config.FOUR_EYES) {
    throw new ConfigError(
      'Invalid environment variable FOUR_EYES: must stay true when BOT_ID is set (a requester would approve their own run)',
    );
  }
  for (const name of TOKEN_URLS) {
    const value = config[name];
    if (!value) continue;
    const url = new URL(value);
    if (url.protocol !== 'https:' && !isLoopbackUrl(url)) {
      throw new ConfigError(
        `Invalid environment variable ${name}: must be https when BOT_ID is set (the bot sends access tokens there; got "${redactedValue(name, value)}")`,
      );
    }
  }
}
