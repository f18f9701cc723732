import { ActivityTypes, CardFactory, MessageFactory, TurnContext, type CloudAdapter } from 'botbuilder';
import { Application, type TurnState } from '@microsoft/teams-ai';
import { VERBS } from './cardActions';
import type { BotServices } from './botServices';
import { renderCard, type AdaptiveCard } from './cards/renderCard';
import { messageCard } from './views/messageView';
import { handleMessage } from './handlers/commandHandlers';
import { handleSignIn, isSignInInvoke } from './handlers/signIn';
import { dispatch } from './verbDispatch';
import { referenceSaver } from './referenceSaver';
import { sendLoginRequest, takeSsoAssertion, VERBS_NEEDING_SSO } from './cardSignIn';

// The teams-ai Application: a route for every card verb of the verb table (verbTable.ts), the
// welcome on install, and the typed commands. No AI planner. Handlers validate first (zod), answer
// fast, and never throw a stack at the user.

export function createBotApp(
  services: BotServices,
  adapter: CloudAdapter,
  botAppId: string,
): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter: adapter as never,
    botAppId,
    startTypingTimer: false,
    removeRecipientMention: true,
    longRunningMessages: false,
  });

  // Every turn refreshes the conversation reference the notifier sends through (when it changed).
  const saveReference = referenceSaver(services.conversations);
  app.turn('beforeTurn', async (context) => {
    await saveReference(TurnContext.getConversationReference(context.activity));
    return true;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const added = context.activity.membersAdded ?? [];
    if (!added.some((member) => member.id === botId)) return;
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(welcomeCard(services))));
  });

  for (const verb of VERBS) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const started = services.clock.now().getTime();
      // A button that acts with the clicker's rights needs their SSO token: without one, Teams' login request.
      if (VERBS_NEEDING_SSO.has(verb) && !(await takeSsoAssertion(services, context))) {
        await sendLoginRequest(services, context, botAppId);
        return '';
      }
      let card: AdaptiveCard;
      try {
        card = await dispatch(services, context, verb, data);
      } catch (error) {
        services.logger.error({ verb, err: (error as Error).message }, 'card action failed');
        card = messageCard(
          'Something went wrong',
          'That action could not be completed. Nothing was changed; try again.',
          'Attention',
        );
      }
      try {
        // The answer goes to the clicker only. teams-ai would turn a returned card that carries
        // `refresh` into an update of the message for everyone (REPLACE_FOR_ALL), showing one
        // person's buttons to all: so the invoke response is sent here, and teams-ai sends none.
        await context.sendActivity({
          type: ActivityTypes.InvokeResponse,
          value: {
            status: 200,
            body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card },
          },
        });
        return card;
      } finally {
        services.logger.debug({ verb, ms: services.clock.now().getTime() - started }, 'card action');
      }
    });
  }

  // Teams SSO: signin/tokenExchange (after the exchange middleware, adapter.ts) and signin/verifyState.
  app.addRoute(
    async (context) => isSignInInvoke(context),
    async (context) => handleSignIn(services, context),
    true,
  );

  // After the verb routes: a card action they did not take (unknown verb, no Action.Execute, a verb
  // that is not a string) gets the "not understood" card, and any other invoke a plain 400, instead
  // of the adapter's 501 for an unhandled invoke.
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke,
    async (context) => {
      const cardAction = context.activity.name === 'adaptiveCard/action';
      if (cardAction) services.logger.debug({ name: context.activity.name }, 'card action not understood');
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: cardAction
          ? {
              status: 200,
              body: {
                statusCode: 200,
                type: 'application/vnd.microsoft.card.adaptive',
                value: messageCard(
                  'That card action was not understood',
                  'This button is not one of mine, or its data was damaged. Nothing was changed.',
                  'Attention',
                ),
              },
            }
          : { status: 400, body: { error: 'unsupported invoke' } },
      });
    },
    true,
  );

  // Last: every other message is a typed command (or gets help).
  app.activity(ActivityTypes.Message, async (context) => {
    await handleMessage(services, context);
  });

  return app;
}

export function welcomeCard(services: BotServices): AdaptiveCard {
  return renderCard('welcome', { mode: services.modeDescription });
}
