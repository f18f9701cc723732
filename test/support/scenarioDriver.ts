import { findCard, getJson, type Harness } from './botHarness';
import { eventually } from './eventually';
import { cardOf, noticeTextOf } from './localConnector';
import { newConversation, responseCard, textOf, type Conversation, type TeamsUser } from './teamsClient';

/**
 * Drives a setup through the cards as an admin would: "setup", pick the scenario, fill the details,
 * review, Start; a second person approves each approval card; returns when the completion notice
 * arrives. Every click carries the card's own action data.
 */
export interface DriveOptions {
  /** Called before each action: a person's think time between reading a card and clicking. */
  pause?: () => Promise<void>;
  scenario: string;
  inputs: Record<string, string>;
  requester: TeamsUser;
  approver?: TeamsUser;
  conversation?: Conversation;
  timeoutMs?: number;
}

export interface DriveResult {
  conversation: Conversation;
  runId: string;
  runCardId: string;
  noticeText: string;
  noticeCard: Record<string, unknown>;
  approvals: number;
}

/** Says "setup" in the conversation and returns the scenario card the bot answers with. */
export async function openScenarioCard(
  h: Harness,
  requester: TeamsUser,
  conversation: Conversation,
): Promise<{ id: string; card: Record<string, unknown> }> {
  await h.client.say(requester, conversation, 'setup');
  return h.connector.waitFor(
    () => findCard(h.connector.inConversation(conversation.id), conversation.id, 'Which setup is yours?'),
    10_000,
    'the scenario card',
  );
}

export async function reachConfirmation(
  h: Harness,
  options: DriveOptions,
): Promise<{ conversation: Conversation; cardId: string; confirm: Record<string, unknown> }> {
  const conversation = options.conversation ?? newConversation();
  const { requester } = options;
  await options.pause?.();
  const scenario = await openScenarioCard(h, requester, conversation);
  await options.pause?.();
  const details = responseCard(
    await h.client.click(requester, conversation, scenario.card, scenario.id, 'setup.scenario', {
      match: (d) => d.scenario === options.scenario,
    }),
  );
  await options.pause?.();
  const inputs = withFinanceOpsHome(options.scenario, options.inputs);
  const reviewed = await h.client.click(requester, conversation, details, scenario.id, 'setup.review', {
    inputs,
  });
  let confirm = responseCard(reviewed);
  // Entities for initial sync without a conflict winner: the card asks it, with Dataverse preselected.
  if (textOf(confirm).includes('One more question')) {
    confirm = responseCard(
      await h.client.click(requester, conversation, confirm, scenario.id, 'setup.review', { inputs }),
    );
  }
  if (!textOf(confirm).includes('Review the plan') && textOf(confirm).includes('Checking the plan')) {
    confirm = await h.connector.waitFor(
      () => {
        const card = cardOf(h.connector.messages.get(scenario.id)?.activity);
        return card && !textOf(card).includes('Checking the plan') && textOf(card) !== textOf(scenario.card)
          ? card
          : undefined;
      },
      // A Review reads both environments; ten at once next to running setups (hardening/runLimits)
      // took over 15 s on a loaded CI machine.
      45_000,
      'the confirmation card',
    );
  }
  return { conversation, cardId: scenario.id, confirm };
}

/**
 * The details card preselects a unified environment for a new F&O (LCS can't create new projects
 * since 2026-02-16). These walk-throughs were written for, and still check, the Lifecycle Services
 * path, so they choose it unless a test picks `financeOpsHome` itself; the card's default is tested
 * in test/bot/cards.test.ts.
 */
function withFinanceOpsHome(scenario: string, inputs: Record<string, string>): Record<string, string> {
  return scenario === 'existing-existing' ? inputs : { financeOpsHome: 'lcs', ...inputs };
}

export async function driveScenario(h: Harness, options: DriveOptions): Promise<DriveResult> {
  const { conversation, cardId, confirm } = await reachConfirmation(h, options);
  if (!textOf(confirm).includes('setup.start'))
    throw new Error(`No confirmation card with Start: ${textOf(confirm).slice(0, 3000)}`);
  await options.pause?.();
  const started = responseCard(
    await h.client.click(options.requester, conversation, confirm, cardId, 'setup.start'),
  );
  const runId = String(/"runId":"([0-9a-f-]{36})"/.exec(textOf(started))?.[1] ?? '');
  if (!runId) throw new Error(`Start did not answer with a run card: ${textOf(started).slice(0, 600)}`);

  const approved = new Set<string>();
  const seen = new Map<string, number>();
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const messages = h.connector.inConversation(conversation.id);
    const notice = messages.find((m) =>
      noticeTextOf(m.activity).includes(`<at>${options.requester.name}</at>`),
    );
    if (notice) {
      return {
        conversation,
        runId,
        runCardId: cardId,
        noticeText: noticeTextOf(notice.activity),
        noticeCard: cardOf(notice.activity) ?? {},
        approvals: approved.size,
      };
    }
    // Approve every approval card that still has buttons, as the second person. Only messages that
    // changed since the last look are read again.
    for (const message of messages) {
      if (approved.has(message.id) || seen.get(message.id) === message.versions.length) continue;
      seen.set(message.id, message.versions.length);
      const shared = cardOf(message.activity);
      if (!shared || !textOf(shared).includes('Approval needed')) continue;
      if (!options.approver) throw new Error('An approval card appeared but the test gave no approver');
      // The approver's own view (Teams refreshes it for them): the buttons are there.
      const card = await h.client.personalCard(options.approver, conversation, shared, message.id);
      if (!textOf(card).includes('run.approve')) continue;
      const answer = await h.client.click(options.approver, conversation, card, message.id, 'run.approve');
      if (textOf(responseCard(answer)).includes('Approved by')) approved.add(message.id);
      else seen.delete(message.id);
    }
    if (Date.now() > deadline) {
      const runCard = cardOf(h.connector.messages.get(cardId)?.activity);
      throw new Error(
        `No completion notice in time. Run card: ${runCard ? textOf(runCard).slice(0, 1500) : 'none'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The seeded Dataverse environment `contoso` of the harness's emulator (an existing Dataverse). */
export async function contosoUrl(h: Harness): Promise<string> {
  const state = await getJson<{ dataverse: Array<{ org: string; url: string }> }>(
    `${h.bot.emulatorUrl}/_emulator/state`,
  );
  return state.dataverse.find((e) => e.org === 'contoso')!.url;
}

/** A new-existing setup on `contoso`: its new F&O, its company (default name Contoso Ltd). */
export interface ContosoSetup {
  financeOpsName: string;
  companyCode: string;
  companyName?: string;
  conversation?: Conversation;
}

/** Takes a new-existing setup on `contoso`, without an initial sync, through the cards to its plan. */
export async function reachContosoConfirmation(
  h: Harness,
  requester: TeamsUser,
  setup: ContosoSetup,
): ReturnType<typeof reachConfirmation> {
  return reachConfirmation(h, {
    scenario: 'new-existing',
    requester,
    conversation: setup.conversation,
    inputs: {
      financeOpsName: setup.financeOpsName,
      dataverseUrl: await contosoUrl(h),
      companyCode: setup.companyCode,
      companyName: setup.companyName ?? 'Contoso Ltd',
      initialSyncEntities: '',
    },
  });
}

/**
 * Starts a new-existing setup on `contoso` through the cards and returns once its approval card is
 * posted and the run stands still at it (nothing running): the approval is asked at Start while the
 * other steps work, so a check that a click "changes nothing" can only be about the click.
 */
export async function startRunAtApproval(
  h: Harness,
  requester: TeamsUser,
  setup: ContosoSetup,
): Promise<{
  conversation: Conversation;
  /** The card the setup was started from. */
  cardId: string;
  runId: string;
  approval: { id: string; card: Record<string, unknown> };
}> {
  const reached = await reachContosoConfirmation(h, requester, setup);
  const { conversation } = reached;
  const started = responseCard(
    await h.client.click(requester, conversation, reached.confirm, reached.cardId, 'setup.start'),
  );
  const runId = String(/"runId":"([0-9a-f-]{36})"/.exec(textOf(started))?.[1]);
  const approval = await h.connector.waitFor(
    (m) => findCard(m, conversation.id, 'Approval needed'),
    60_000,
    'the approval card',
  );
  await eventually(
    async () => {
      const run = await h.bot.engine.get(runId);
      return run?.status === 'waiting' && !run.steps.some((s) => s.status === 'running');
    },
    60_000,
    'the run to wait for the approval alone',
  );
  return { conversation, cardId: reached.cardId, runId, approval };
}
