import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { Run } from '../../engine/engineApi';
import type { BotServices } from '../botServices';
import { parseCommand } from '../commands';
import type { AdaptiveCard } from '../cards/renderCard';
import { cardOfRun } from '../views/cardOfMessage';
import { messageCard } from '../views/messageView';
import { helpCard } from '../views/helpView';
import { formatTime, shortId } from '../views/format';
import { RUN_STATUS } from '../views/statusText';
import { SCENARIO_TEXT } from '../views/scenarioView';
import { dispatch } from '../verbDispatch';
import { visibleRun, visibleRuns } from '../guard';

// Typed commands: help, setup, runs, status, cancel, retry, audit. Unknown text gets help. Commands
// that change something go through the verb table (verbTable.ts) like the card buttons.

export async function handleMessage(services: BotServices, context: TurnContext): Promise<void> {
  const command = parseCommand(context.activity.text);
  const reply = async (card: AdaptiveCard) => {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  };
  switch (command.name) {
    case 'help':
      return reply(helpCard());
    case 'unknown':
      return reply(helpCard(command.text ? `I did not understand "${command.text}".` : ''));
    case 'setup':
      return reply(await dispatch(services, context, 'setup.begin', {}));
    case 'runs':
      return reply(runsCard(await visibleRuns(services, context, 10)));
    case 'status': {
      const run = command.runId
        ? await visibleRun(services, context, command.runId, true)
        : (await visibleRuns(services, context, 1))[0];
      if (!run)
        return reply(
          messageCard(
            'No such run',
            command.runId
              ? `No run matches "${command.runId}".`
              : 'No setup has run yet. Say "setup" to start one.',
            'Attention',
          ),
        );
      const response = await context.sendActivity(
        // A new message everyone reads: the shared copy (admins get theirs through refresh).
        MessageFactory.attachment(
          CardFactory.adaptiveCard(
            cardOfRun(run, {
              kind: 'run',
              view: await services.perspectives.shared(context, run, 'run'),
              nowMs: services.clock.now().getTime(),
            }),
          ),
        ),
      );
      // The latest status card also follows the run from now on: one per run and conversation (the
      // newest replaces the older one), or every "status" would add a card to each later update.
      if (response?.id)
        await services.conversations.bindStatusCard(run.id, context.activity.conversation.id, response.id);
      return;
    }
    case 'cancel':
    case 'retry': {
      // The same route as the card's Cancel / Retry button: one validation, guard and answer.
      const run = await visibleRun(services, context, command.runId, true);
      if (!run) return reply(messageCard('No such run', `No run matches "${command.runId}".`, 'Attention'));
      return reply(await dispatch(services, context, `run.${command.name}`, { runId: run.id }));
    }
    case 'audit': {
      const run = await visibleRun(services, context, command.runId, true);
      if (!run) return reply(messageCard('No such run', `No run matches "${command.runId}".`, 'Attention'));
      const entries = (await services.engine.audit(run.id)).slice(-40);
      return reply(
        messageCard(
          `Audit of run ${shortId(run.id)}`,
          entries.length ? '' : 'Nothing recorded yet.',
          'Default',
          entries.map((entry) => ({
            title: formatTime(entry.at),
            value: `${entry.actor?.name ?? 'engine'}: ${entry.action}${entry.stepId ? ` (${entry.stepId})` : ''}${entry.detail ? ` · ${entry.detail}` : ''}`,
          })),
        ),
      );
    }
  }
}

function runsCard(runs: Run[]): AdaptiveCard {
  return messageCard(
    'Recent setups',
    runs.length
      ? 'Say "status" and a run id for its run card.'
      : 'No setup has run yet. Say "setup" to start one.',
    'Default',
    runs.map((run) => ({
      title: shortId(run.id),
      value: `${RUN_STATUS[run.status].text} · ${SCENARIO_TEXT[run.scenario].title} · ${run.requestedBy.name} · ${formatTime(run.createdAt)}`,
    })),
  );
}
