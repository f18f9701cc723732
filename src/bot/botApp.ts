import { ActivityTypes, CardFactory, MessageFactory, TurnContext, type CloudAdapter } from 'botbuilder';
import { Application, type TurnState } from '@microsoft/teams-ai';
import { ACTION_SCHEMAS, MAX_ACTION_BYTES, VERBS, type ActionData, type Verb } from './cardActions';
import type { BotServices } from './botServices';
import { renderCard, type AdaptiveCard } from './cards/renderCard';
import { messageCard } from './views/messageView';
import { handleMessage, helpCard } from './handlers/commandHandlers';
import * as wizard from './handlers/wizardActions';
import * as runActions from './handlers/runActions';

/**
 * The teams-ai Application: routes for every card verb, the welcome on install, and the typed
 * commands. No AI planner. Handlers validate first (zod), answer fast, and never throw a stack at
 * the user.
 */
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

  // Every turn refreshes the conversation reference the notifier sends through.
  app.turn('beforeTurn', async (context) => {
    await services.conversations.saveReference(TurnContext.getConversationReference(context.activity));
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
      const started = Date.now();
      try {
        return await dispatch(services, context, verb, data);
      } catch (error) {
        services.logger.error({ verb, err: (error as Error).message }, 'card action failed');
        return messageCard(
          'Something went wrong',
          'That action could not be completed. Nothing was changed; try again.',
          'Attention',
        );
      } finally {
        services.logger.debug({ verb, ms: Date.now() - started }, 'card action');
      }
    });
  }

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

/** Validates the action data of a verb and calls its handler. */
export async function dispatch(
  services: BotServices,
  context: TurnContext,
  verb: Verb,
  rawData: unknown,
): Promise<AdaptiveCard> {
  const size = JSON.stringify(rawData ?? {}).length;
  if (size > MAX_ACTION_BYTES) {
    return messageCard(
      'Card data too large',
      `That card action carried ${size} characters; at most ${MAX_ACTION_BYTES} are accepted. Nothing was changed.`,
      'Attention',
    );
  }
  const parsed = ACTION_SCHEMAS[verb].safeParse(rawData ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (verb === 'setup.recommend') return renderCard('chooser', { notice: issue.message });
    return messageCard(
      'That card action was not understood',
      `${issue.path.join('.') || 'data'}: ${issue.message}. Nothing was changed.`,
      'Attention',
    );
  }
  const data = parsed.data;
  switch (verb) {
    case 'help.show':
      return helpCard();
    case 'setup.begin':
      return wizard.begin(services, context);
    case 'setup.chooser':
      return wizard.chooser();
    case 'setup.recommend':
      return wizard.recommend(data as ActionData<'setup.recommend'>);
    case 'setup.scenario':
      return wizard.chooseScenario(data as ActionData<'setup.scenario'>);
    case 'setup.review':
      return wizard.review(services, context, data as ActionData<'setup.review'>);
    case 'setup.edit':
      return wizard.edit(data as ActionData<'setup.edit'>);
    case 'setup.start':
      return wizard.start(services, context, data as ActionData<'setup.start'>);
    case 'setup.abandon':
      return wizard.abandon();
    case 'run.refresh':
      return runActions.refresh(services, data as ActionData<'run.refresh'>);
    case 'run.cancel':
    case 'run.retry':
    case 'run.skip':
      return runActions.control(services, context, verb, data as ActionData<'run.skip'>);
    case 'run.approve':
    case 'run.reject':
      return runActions.decide(services, context, verb, data as ActionData<'run.reject'>);
    case 'run.verify':
      return runActions.verify(services, context, data as ActionData<'run.verify'>);
  }
}
