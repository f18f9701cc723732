import {
  CallerIdConstants,
  ConfigurationServiceClientCredentialFactory,
  MessageFactory,
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

export interface BotAuthenticationOverrides {
  /** Where the signing keys of channel (and "emulator") tokens are published. */
  channelOpenIdMetadataUrl?: string;
  emulatorOpenIdMetadataUrl?: string;
  /** The bot's outbound credentials (Entra cannot be reached offline). */
  credentialsFactory?: ServiceClientCredentialsFactory;
}

/**
 * `overrides` exist for tests only (never read from the environment): they point token validation at
 * a local key server and replace the outbound credentials, so real JWT validation runs offline.
 */
export function createAdapter(
  config: Config,
  logger: Logger,
  overrides: BotAuthenticationOverrides = {},
): TeamsAdapter {
  const adapter = new TeamsAdapter(
    overrides.channelOpenIdMetadataUrl ? publicCloudWithKeysAt(overrides) : {},
    overrides.credentialsFactory ??
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
 * cloud's, with the signing keys looked up at the test's key server.
 */
function publicCloudWithKeysAt(
  overrides: BotAuthenticationOverrides,
): Record<string, string | boolean | undefined> {
  return {
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: overrides.channelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl:
      overrides.emulatorOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}
