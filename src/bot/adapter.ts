import {
  CallerIdConstants,
  ConfigurationServiceClientCredentialFactory,
  MemoryStorage,
  MessageFactory,
  TeamsSSOTokenExchangeMiddleware,
  type TurnContext,
} from 'botbuilder';
import {
  AuthenticationConfiguration,
  AuthenticationConstants,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Config } from '../config';
import type { Logger } from '../log';
import { channelTokenClaimsValidator } from './channelTokenClaims';

// The Bot Framework adapter. With BOT_ID set, every request to /api/messages must carry a valid Bot
// Framework token (the adapter answers 401 otherwise, before any handler). Without it the bot runs
// unauthenticated for local use, and config.ts has already made sure it only listens on loopback.

/** Where the Bot Framework's tokens come from; empty: the Azure Bot Service's public cloud. */
export interface BotFrameworkEndpoints {
  /** Where the signing keys of channel (and "emulator") tokens are published. */
  channelOpenIdMetadataUrl?: string;
  emulatorOpenIdMetadataUrl?: string;
  /** The authority the bot's own token comes from (`ToChannelFromBotLoginUrl`). */
  loginUrl?: string;
  /** The Bot Framework token service the user-token client calls. */
  tokenServiceUrl?: string;
  /** The bot's outbound credentials. */
  credentialsFactory?: ServiceClientCredentialsFactory;
}

/** Tests only (never read from the environment): a local key server and offline outbound credentials. */
export type BotAuthenticationOverrides = Pick<
  BotFrameworkEndpoints,
  'channelOpenIdMetadataUrl' | 'emulatorOpenIdMetadataUrl' | 'credentialsFactory'
>;

/**
 * `endpoints` come from the composition root: the emulator's Bot Connector and token service in
 * emulator mode (src/composition/botFrameworkEndpoints.ts), a test's key server; without them, the
 * public cloud's (https://api.botframework.com).
 */
export function createAdapter(
  config: Config,
  logger: Logger,
  endpoints: BotFrameworkEndpoints = {},
): TeamsAdapter {
  const adapter = new TeamsAdapter(
    Object.values(endpoints).some(Boolean) ? publicCloudWith(endpoints) : {},
    endpoints.credentialsFactory ??
      new ConfigurationServiceClientCredentialFactory({
        MicrosoftAppId: config.BOT_ID,
        MicrosoftAppPassword: config.BOT_PASSWORD,
        MicrosoftAppType: config.BOT_TYPE,
        MicrosoftAppTenantId: config.BOT_TENANT_ID,
      }),
    // Channel tokens only (channelTokenClaims.ts); without BOT_ID nothing is validated at all.
    config.BOT_ID
      ? new AuthenticationConfiguration([], channelTokenClaimsValidator(config.BOT_ID))
      : undefined,
  );
  // Teams SSO (Learn https://learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-code):
  // botbuilder's middleware exchanges the token of a `signin/tokenExchange` invoke through the token
  // service and answers 412 with the failure detail when it cannot, so Teams shows the sign-in card;
  // it lets one exchange per id through to the bot (signIn.ts answers 200). The de-duplication store is
  // this process's memory: a second replica may let the same exchange through once more, which is
  // harmless (the exchange is idempotent).
  adapter.use(new TeamsSSOTokenExchangeMiddleware(new MemoryStorage(), config.SSO_CONNECTION_NAME));
  // teams-ai's app.error() only works with its own adapter wiring; set the handler here.
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error.message, activityType: context.activity.type }, 'turn failed');
    if (context.activity.type === 'message') {
      await context.sendActivity(
        MessageFactory.text('Sorry, something went wrong on my side. Nothing was changed; please try again.'),
      );
    }
  };
  return adapter;
}

/**
 * botframework-connector takes either no endpoints (the public cloud's) or all of them: the public
 * cloud's, with those `endpoints` names put elsewhere.
 */
function publicCloudWith(endpoints: BotFrameworkEndpoints): Record<string, string | boolean | undefined> {
  return {
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: endpoints.loginUrl ?? AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: endpoints.tokenServiceUrl ?? AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl:
      endpoints.channelOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl:
      endpoints.emulatorOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}
