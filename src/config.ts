import { ConfigError, redactedValue } from './config/configError';
import {
  LOOPBACK,
  OBO_NEEDS_BOT_ID,
  refuseEmulatedBotAuthOutsideEmulator,
  refuseOpenLocalMode,
  refuseWeakProduction,
} from './config/configRefusals';
import { configSchema, type ParsedConfig } from './config/configSchema';

// The only reader of `process.env`: the one schema (src/config/configSchema.ts, one settings file per
// concept, mirrored by `.env.sample`), then the combinations it refuses (src/config/configRefusals.ts).

export { ConfigError, redactedValue } from './config/configError';
export { configSchema } from './config/configSchema';

export type Config = Omit<ParsedConfig, 'DYNAMICS_MODE'> & {
  DYNAMICS_MODE: 'emulator' | 'live';
  /** Resolved listen address: loopback unless Bot Framework auth is on. */
  listenHost: string;
  /** Tenants whose activities are accepted with BOT_ID: ALLOWED_TENANTS, else BOT_TENANT_ID. */
  allowedTenants: string[];
};

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
