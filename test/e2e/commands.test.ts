import { startHarness, findCard, type Harness } from '../support/botHarness';
import { cardOf, noticeTextOf } from '../support/localConnector';
import { eventually } from '../support/eventually';
import { openScenarioCard, reachConfirmation } from '../support/scenarioDriver';
import { BOT, newConversation, responseCard, textOf, user } from '../support/teamsClient';

/**
 * The conversation around a run: the welcome on install, typed commands (anchored, case-insensitive,
 * mention-stripped), help for anything else, "help me choose", server-side validation of the details,
 * cancel/runs/status/audit, and proactive sends that survive connector throttling.
 */
const admin = user('Alex Admin');
const approver = user('Priya Approver');

describe('commands and wizard paths', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ APPROVERS: approver.aadObjectId });
  });
  afterAll(async () => {
    await h?.close();
  });

  const lastCardText = async (conversationId: string, what: string | RegExp) =>
    textOf((await h.connector.waitFor((m) => findCard(m, conversationId, what), 10_000, String(what))).card);

  it('welcomes the team when the bot is added', async () => {
    const conversation = newConversation();
    const status = await h.client.post({
      type: 'conversationUpdate',
      id: 'cu-1',
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: admin.id, name: admin.name, aadObjectId: admin.aadObjectId },
      recipient: BOT,
      conversation: {
        id: conversation.id,
        conversationType: 'channel',
        isGroup: true,
        tenantId: conversation.tenantId,
      },
      membersAdded: [BOT],
      channelData: {
        tenant: { id: conversation.tenantId },
        team: { id: conversation.teamId },
        eventType: 'teamMemberAdded',
      },
    });
    expect(status.status).toBe(200);
    expect(await lastCardText(conversation.id, 'Dual-write setup, step by step')).toContain('setup.begin');
  });

  it.each([
    ['HELP', 'What I can do'],
    ['  Runs ', 'Recent setups'],
    ['please run setup', 'I did not understand'],
    ['status nope-nope', 'No such run'],
  ])('"%s" answers with %s', async (text, expected) => {
    const conversation = newConversation();
    await h.client.say(admin, conversation, text);
    expect(await lastCardText(conversation.id, expected)).toContain(expected);
  });

  it('"help me choose" asks where F&O lives and the three questions, and recommends new-existing', async () => {
    const conversation = newConversation();
    const scenario = await openScenarioCard(h, admin, conversation);
    const chooser = responseCard(
      await h.client.click(admin, conversation, scenario.card, scenario.id, 'setup.chooser'),
    );
    expect(textOf(chooser)).toContain('A few questions');
    const missing = responseCard(
      await h.client.click(admin, conversation, chooser, scenario.id, 'setup.recommend'),
    );
    expect(textOf(missing)).toContain('Answer whether');
    const recommended = responseCard(
      await h.client.click(admin, conversation, chooser, scenario.id, 'setup.recommend', {
        inputs: { financeOpsIsNew: 'yes', financeOpsHasDemoData: 'no', dataverseIsNew: 'no' },
      }),
    );
    const good = (recommended.body as Array<Record<string, unknown>>).filter((item) => item.style === 'good');
    expect(good).toHaveLength(1);
    expect(textOf(good[0])).toContain('New Finance and Operations, existing Dataverse with data');
    expect(textOf(good[0])).toContain('Recommended for you');
  });

  it('re-renders the details card with the admin values kept and messages at the fields', async () => {
    const conversation = newConversation();
    const scenario = await openScenarioCard(h, admin, conversation);
    const details = responseCard(
      await h.client.click(admin, conversation, scenario.card, scenario.id, 'setup.scenario', {
        match: (d) => d.scenario === 'new-existing',
      }),
    );
    const again = textOf(
      responseCard(
        await h.client.click(admin, conversation, details, scenario.id, 'setup.review', {
          inputs: {
            financeOpsName: 'good-name',
            dataverseUrl: 'not a url',
            companyCode: 'TOOLONG',
            companyName: 'Contoso',
          },
        }),
      ),
    );
    expect(again).toContain('Some values need a second look.');
    expect(again).toContain('"value":"good-name"');
    expect(again).toContain('"value":"TOOLONG"');
    expect(again).toContain('A company code is 1 to 4 letters or digits');
    expect(again).toContain('Enter the full URL');
  });

  it('cancels a run from the run card, lists it, shows its status and its audit trail', async () => {
    const contosoUrl = `${h.bot.emulatorUrl}/orgs/contoso`;
    const reached = await reachConfirmation(h, {
      scenario: 'new-existing',
      requester: admin,
      inputs: {
        financeOpsName: 'cancel-fo',
        dataverseUrl: contosoUrl,
        companyCode: 'CAN',
        companyName: 'Cancel Co',
      },
    });
    const run = responseCard(
      await h.client.click(admin, reached.conversation, reached.confirm, reached.cardId, 'setup.start'),
    );
    const runId = String(/"runId":"([0-9a-f-]{36})"/.exec(textOf(run))?.[1]);
    const cancelled = textOf(
      responseCard(await h.client.click(admin, reached.conversation, run, reached.cardId, 'run.cancel')),
    );
    expect(cancelled).toMatch(/Cancell/);
    await eventually(
      async () => (await h.bot.engine.get(runId))?.status === 'cancelled',
      30_000,
      'the run to stop',
    );

    await h.client.say(admin, reached.conversation, 'runs');
    expect(await lastCardText(reached.conversation.id, 'Recent setups')).toContain(runId.slice(0, 8));
    await h.client.say(admin, reached.conversation, `status ${runId.slice(0, 8)}`);
    expect(
      await lastCardText(reached.conversation.id, new RegExp(`Run ${runId.slice(0, 8)}.*Cancelled`)),
    ).toContain('Cancelled');
    await h.client.say(admin, reached.conversation, `audit ${runId.slice(0, 8)}`);
    const audit = await lastCardText(reached.conversation.id, `Audit of run ${runId.slice(0, 8)}`);
    expect(audit).toContain('Alex Admin');
    expect(audit).toMatch(/cancel/i);
    // A cancelled run's completion notice is announced too.
    await h.connector.waitFor(
      (m) =>
        m.find(
          (x) =>
            x.conversationId === reached.conversation.id && noticeTextOf(x.activity).includes('cancelled'),
        ),
      10_000,
      'the cancellation notice',
    );
  });

  it('delivers the run card and the notice although the connector throttles proactive sends', async () => {
    const reached = await reachConfirmation(h, {
      scenario: 'new-new',
      requester: admin,
      inputs: { financeOpsName: 'thr-fo', dataverseName: 'thr-dv' },
    });
    await h.client.click(admin, reached.conversation, reached.confirm, reached.cardId, 'setup.start');
    h.connector.failNext = { count: 6, status: 429 };
    const notice = await h.connector.waitFor(
      (m) =>
        m.find(
          (x) =>
            x.conversationId === reached.conversation.id &&
            noticeTextOf(x.activity).includes('<at>Alex Admin</at>'),
        ),
      60_000,
      'the completion notice',
    );
    expect(noticeTextOf(notice.activity)).toContain('completed');
    expect(h.connector.failNext.count).toBe(0);
    const refused = h.connector.calls.filter((c) => c.conversationId === reached.conversation.id);
    expect(refused.length).toBeGreaterThan(6);
    await h.connector.waitFor(
      () => {
        const card = cardOf(h.connector.messages.get(reached.cardId)?.activity);
        return card && textOf(card).includes('Completed') ? true : undefined;
      },
      10_000,
      'the final run card',
    );
  });
});
