import { ConfigurationServiceClientCredentialFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Config } from '../config';
import type { Logger } from '../log';

// The Bot Framework adapter. With BOT_ID set, every request to /api/messages must carry a valid Bot
// Framework token (the adapter answers 401 otherwise, before any handler). Without it the bot runs
// unauthenticated for local use, and config.ts has already made sure it only listens on loopback.

export function createAdapter(config: Config, logger: Logger): TeamsAdapter {
  const adapter = new TeamsAdapter(
    {},
    new ConfigurationServiceClientCredentialFactory({
      MicrosoftAppId: config.BOT_ID,
      MicrosoftAppPassword: config.BOT_PASSWORD,
      MicrosoftAppType: config.BOT_TYPE,
      MicrosoftAppTenantId: config.BOT_TENANT_ID,
    }),
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
