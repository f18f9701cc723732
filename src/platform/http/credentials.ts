import {
  ClientSecretCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  ManagedIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';
import { emulatorAuthorityOptions } from './emulatorAuthority';

/**
 * How the platform clients authenticate. Real tenants: Entra ID through @azure/identity (client
 * secret, managed identity or the default chain). Emulator: a local credential whose tokens the
 * emulator accepts; it never leaves this machine.
 */
export type CredentialSettings =
  | { kind: 'emulator' }
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'managed-identity'; clientId?: string }
  | { kind: 'default'; tenantId?: string; clientId?: string }
  /**
   * A person signs in on another device (`npm run doctor -- --as-me`): `clientId` must allow public
   * client flows; `emulatorOrigin` points it at the emulator's Entra.
   */
  | {
      kind: 'device-code';
      tenantId: string;
      clientId: string;
      prompt: (message: string) => void;
      emulatorOrigin?: string;
    };

/** The token prefix the emulator accepts. */
export const EMULATOR_TOKEN_PREFIX = 'emulator.';

export class EmulatorCredential implements TokenCredential {
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? scopes[0] : scopes;
    return {
      token: `${EMULATOR_TOKEN_PREFIX}${Buffer.from(scope).toString('base64url')}`,
      expiresOnTimestamp: Date.now() + 3600_000,
    };
  }
}

export function createCredential(settings: CredentialSettings): TokenCredential {
  switch (settings.kind) {
    case 'emulator':
      return new EmulatorCredential();
    case 'client-secret':
      return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret);
    case 'managed-identity':
      return settings.clientId
        ? new ManagedIdentityCredential({ clientId: settings.clientId })
        : new ManagedIdentityCredential();
    case 'default':
      return new DefaultAzureCredential({
        tenantId: settings.tenantId,
        managedIdentityClientId: settings.clientId,
      });
    case 'device-code':
      return new DeviceCodeCredential({
        tenantId: settings.tenantId,
        clientId: settings.clientId,
        userPromptCallback: (info) => settings.prompt(info.message),
        ...(settings.emulatorOrigin ? emulatorAuthorityOptions(settings.emulatorOrigin) : {}),
      });
  }
}

/** The `.default` scope of a resource URL, e.g. `https://contoso.crm.dynamics.com/.default`. */
export function defaultScope(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  return `${url.protocol}//${url.host}/.default`;
}
