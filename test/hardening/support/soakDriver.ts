import { findCard } from '../../support/botHarness';
import { cardOf, noticeTextOf, type LocalConnector } from '../../support/localConnector';
import {
  responseCard,
  textOf,
  type Conversation,
  type TeamsClient,
  type TeamsUser,
} from '../../support/teamsClient';

/**
 * One setup driven through the cards as people would, while the bot may be down at any moment: every
 * request that fails (connection refused, a lost answer) is simply made again. The wizard is
 * stateless, so a broken wizard starts over; Start is clicked again on the same confirmation card
 * (same request key: the engine returns the run it already created); approval cards are clicked by
 * the second person until the approval holds; the run ends with its completion notice.
 */
export interface SoakRunSpec {
  index: number;
  scenario: string;
  inputs: Record<string, string>;
  requester: TeamsUser;
  approver: TeamsUser;
  conversation: Conversation;
}

export interface SoakRunOutcome {
  index: number;
  runId?: string;
  notice?: string;
  approvals: number;
  wizardAttempts: number;
  startClicks: number;
  error?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function driveSoakRun(
  client: TeamsClient,
  connector: LocalConnector,
  spec: SoakRunSpec,
  deadline: number,
): Promise<SoakRunOutcome> {
  const outcome: SoakRunOutcome = { index: spec.index, approvals: 0, wizardAttempts: 0, startClicks: 0 };
  const { conversation, requester } = spec;
  const mine = () => connector.inConversation(conversation.id);
  try {
    // 1. The wizard, up to a confirmation card with Start.
    let confirm: { cardId: string; card: Record<string, unknown> } | undefined;
    while (!confirm) {
      if (Date.now() > deadline) throw new Error('no confirmation card before the deadline');
      outcome.wizardAttempts += 1;
      try {
        confirm = await wizard(client, connector, spec);
      } catch {
        await sleep(500);
      }
    }
    // 2. Start, until the answer is a run card.
    while (!outcome.runId) {
      if (Date.now() > deadline) throw new Error('Start never answered with a run card');
      outcome.startClicks += 1;
      try {
        const answer = await client.click(
          requester,
          conversation,
          confirm.card,
          confirm.cardId,
          'setup.start',
        );
        const text = answer.status === 200 ? textOf(responseCard(answer)) : '';
        const runId = /"runId":"([0-9a-f-]{36})"/.exec(text)?.[1];
        if (runId) outcome.runId = runId;
        else if (text.includes('did not start')) throw new Error(`refused: ${text.slice(0, 300)}`);
      } catch (error) {
        if (String(error).includes('refused:')) throw error;
      }
      if (!outcome.runId) await sleep(500);
    }
    // 3. Approvals by the second person, until the completion notice.
    const approved = new Set<string>();
    for (;;) {
      const notice = mine().find((m) => noticeTextOf(m.activity).includes(`<at>${requester.name}</at>`));
      if (notice) {
        outcome.notice = noticeTextOf(notice.activity);
        return outcome;
      }
      if (Date.now() > deadline) throw new Error('no completion notice before the deadline');
      for (const message of mine()) {
        if (approved.has(message.id)) continue;
        const shared = cardOf(message.activity);
        if (!shared || !textOf(shared).includes('Approval needed')) continue;
        try {
          // The approver's own view (Teams refreshes it for them): the buttons are there.
          const card = await client.personalCard(spec.approver, conversation, shared, message.id);
          if (!textOf(card).includes('run.approve')) continue;
          const answer = await client.click(spec.approver, conversation, card, message.id, 'run.approve');
          if (answer.status === 200 && textOf(responseCard(answer)).includes('Approved by')) {
            approved.add(message.id);
            outcome.approvals += 1;
          }
        } catch {
          /* the bot is down: click again next time */
        }
      }
      await sleep(300);
    }
  } catch (error) {
    outcome.error = (error as Error).message;
    return outcome;
  }
}

async function wizard(
  client: TeamsClient,
  connector: LocalConnector,
  spec: SoakRunSpec,
): Promise<{ cardId: string; card: Record<string, unknown> }> {
  const { conversation, requester } = spec;
  const before = new Set(connector.inConversation(conversation.id).map((m) => m.id));
  if ((await client.say(requester, conversation, 'setup')) !== 200) throw new Error('setup not accepted');
  const scenario = await connector.waitFor(
    () => {
      const fresh = connector.inConversation(conversation.id).filter((m) => !before.has(m.id));
      return findCard(fresh, conversation.id, 'Which setup is yours?');
    },
    10_000,
    'the scenario card',
  );
  const details = responseCard(
    await client.click(requester, conversation, scenario.card, scenario.id, 'setup.scenario', {
      match: (d) => d.scenario === spec.scenario,
    }),
  );
  let confirm = responseCard(
    await client.click(requester, conversation, details, scenario.id, 'setup.review', {
      inputs: spec.inputs,
    }),
  );
  if (textOf(confirm).includes('Checking the plan')) {
    // The preview was slow: the card is updated in place when it is ready (or never, if the bot died).
    confirm = await connector.waitFor(
      () => {
        const card = cardOf(connector.messages.get(scenario.id)?.activity);
        return card && textOf(card).includes('setup.start') ? card : undefined;
      },
      30_000,
      'the confirmation card',
    );
  }
  if (!textOf(confirm).includes('setup.start')) throw new Error(`no Start: ${textOf(confirm).slice(0, 300)}`);
  return { cardId: scenario.id, card: confirm };
}
