import { z } from 'zod';
import { bool, duration, idList, optionalString, optionalUrl, otlpHeaders, port } from './configValues';

// The bot's own runtime: its HTTP server and Bot Framework identity, telemetry (docs/operations.md)
// and the local Playground. Part of the one configuration schema (configSchema.ts).

export const botSettings = {
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
};
