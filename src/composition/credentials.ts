import type { TokenCredential } from '@azure/identity';
import type { Config } from '../config';
import { createCredential } from '../platform/http/credentials';

// The credentials the configuration names, built in one place for the bot and `npm run doctor`.

/** The Entra identity of AZURE_AUTH (Dynamics 365 and Microsoft Graph in live mode). */
export function azureCredential(config: Config): TokenCredential {
  return createCredential(
    config.AZURE_AUTH === 'client-secret' || config.AZURE_AUTH === 'obo'
      ? {
          kind: 'client-secret',
          tenantId: config.AZURE_TENANT_ID!,
          clientId: config.AZURE_CLIENT_ID!,
          clientSecret: config.AZURE_CLIENT_SECRET!,
        }
      : config.AZURE_AUTH === 'managed-identity'
        ? { kind: 'managed-identity', clientId: config.AZURE_CLIENT_ID }
        : { kind: 'default', tenantId: config.AZURE_TENANT_ID, clientId: config.AZURE_CLIENT_ID },
  );
}

/** PostgreSQL through Entra (DATABASE_AUTH=managed-identity); none: the password in DATABASE_URL. */
export function databaseCredential(config: Config): TokenCredential | undefined {
  return config.DATABASE_AUTH === 'managed-identity'
    ? createCredential({ kind: 'managed-identity', clientId: config.DATABASE_IDENTITY_CLIENT_ID })
    : undefined;
}

/** The local credential whose tokens only the emulator accepts. */
export function emulatorCredential(): TokenCredential {
  return createCredential({ kind: 'emulator' });
}

/** The Dynamics app's public client in emulator mode without AZURE_CLIENT_ID [inferred: any id works]. */
const EMULATOR_PUBLIC_CLIENT = '00000000-0000-4000-8000-0000000000d1';

/**
 * A person signing in with a device code (`npm run doctor -- --as-me`): the Dynamics app registration
 * (AZURE_CLIENT_ID, public client flows allowed) in AZURE_TENANT_ID; in emulator mode the emulator's Entra.
 */
export function deviceCodeCredential(
  config: Config,
  prompt: (message: string) => void,
  emulatorUrl?: string,
): TokenCredential {
  if (!emulatorUrl && !(config.AZURE_TENANT_ID && config.AZURE_CLIENT_ID))
    throw new Error(
      '--as-me signs in with the Dynamics app registration: set AZURE_TENANT_ID and AZURE_CLIENT_ID (with "Allow public client flows" on).',
    );
  return createCredential({
    kind: 'device-code',
    tenantId: config.AZURE_TENANT_ID ?? 'organizations',
    clientId: config.AZURE_CLIENT_ID ?? EMULATOR_PUBLIC_CLIENT,
    prompt,
    emulatorOrigin: emulatorUrl,
  });
}
