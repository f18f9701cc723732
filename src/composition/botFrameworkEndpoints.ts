import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { ServiceClientCredentialsFactory, type ServiceClientCredentials } from 'botframework-connector';
import type { BotAuthenticationOverrides, BotFrameworkEndpoints } from '../bot/adapter';
import type { Config } from '../config';
import { emulatorAuthorityOptions } from '../platform/http/emulatorAuthority';

// Where the bot's Bot Framework tokens come from, as the configuration says. BOT_FRAMEWORK_AUTH=emulator
// (emulator mode with BOT_ID, loopback only: config.ts) points the whole of botbuilder's authentication
// at the emulator (docs/emulator.md): the channel tokens it checks are verified with the emulator's Bot
// Connector keys, its own token comes from the emulator's Entra by client credentials, and the token
// service is the emulator's. Learn
// https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
// describes the same exchange with the real services.

export function botFrameworkEndpoints(
  config: Config,
  emulatorUrl: string | undefined,
  overrides: BotAuthenticationOverrides = {},
): BotFrameworkEndpoints {
  const tokenServiceUrl = emulatorUrl ? `${emulatorUrl}/botframework` : undefined;
  if (config.BOT_FRAMEWORK_AUTH !== 'emulator' || !emulatorUrl || !config.BOT_ID)
    return { ...overrides, tokenServiceUrl };
  const metadata = `${emulatorUrl}/botframework/v1/.well-known/openidconfiguration`;
  // MSAL takes https authorities only: the emulator's host named https, sent to its loopback origin.
  const tenant =
    config.BOT_TYPE === 'SingleTenant' && config.BOT_TENANT_ID ? config.BOT_TENANT_ID : 'botframework.com';
  return {
    channelOpenIdMetadataUrl: metadata,
    emulatorOpenIdMetadataUrl: metadata,
    loginUrl: `https://${new URL(emulatorUrl).host}/${tenant}`,
    tokenServiceUrl,
    credentialsFactory: new EmulatedBotCredentials(config.BOT_ID, config.BOT_PASSWORD ?? '', emulatorUrl),
  };
}

/**
 * The bot's outbound credentials against the emulator's Entra: the client-credentials grant for
 * `<audience>/.default` (`https://api.botframework.com` to reach the channel), through
 * `@azure/identity` pointed at the emulator (botbuilder's own MSAL client cannot be: it takes https
 * authorities only and has no transport to change). A token is cached by the credential until it expires.
 */
class EmulatedBotCredentials extends ServiceClientCredentialsFactory {
  private readonly byTenant = new Map<string, TokenCredential>();

  constructor(
    private readonly appId: string,
    private readonly password: string,
    private readonly emulatorUrl: string,
  ) {
    super();
  }

  async isValidAppId(appId = ''): Promise<boolean> {
    return appId === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(
    appId: string,
    audience: string | undefined,
    loginEndpoint: string,
  ): Promise<ServiceClientCredentials> {
    if (appId !== this.appId) throw new Error('Invalid appId.');
    const tenant = new URL(loginEndpoint).pathname.split('/').filter(Boolean)[0] ?? 'botframework.com';
    let credential = this.byTenant.get(tenant);
    if (!credential) {
      credential = new ClientSecretCredential(
        tenant,
        this.appId,
        this.password,
        emulatorAuthorityOptions(this.emulatorUrl),
      );
      this.byTenant.set(tenant, credential);
    }
    const scope = `${(audience ?? 'https://api.botframework.com').replace(/\/$/, '')}/.default`;
    const source = credential;
    return {
      async signRequest<R>(request: R): Promise<R> {
        const token = await source.getToken(scope);
        if (!token) throw new Error('The emulated Entra gave the bot no token.');
        (request as { headers: { set(name: string, value: string): void } }).headers.set(
          'Authorization',
          `Bearer ${token.token}`,
        );
        return request;
      },
    } as ServiceClientCredentials;
  }
}
