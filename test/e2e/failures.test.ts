import { startHarness, findCard, type Harness } from '../support/botHarness';
import { cardOf, noticeTextOf } from '../support/localConnector';
import { contosoUrl, reachConfirmation } from '../support/scenarioDriver';
import { responseCard, textOf, user, type Conversation } from '../support/teamsClient';

/**
 * When things go wrong: a failed step is announced with its reason (a documented error with
 * Microsoft's cause, fix and page) and the run card offers Retry, Skip and Cancel; Retry after the cause is fixed finishes the run and announces that too. An
 * approval nobody decides gets a reminder, then expires with a notice, and its card loses its buttons.
 */
const admin = user('Alex Admin');
const approver = user('Priya Approver');

async function putSettings(h: Harness, body: unknown): Promise<void> {
  const response = await fetch(`${h.bot.emulatorUrl}/_emulator/settings`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

function notices(h: Harness, conversation: Conversation): string[] {
  return h.connector
    .inConversation(conversation.id)
    .map((m) => noticeTextOf(m.activity))
    .filter((text) => text.includes(`<at>${admin.name}</at>`));
}

async function start(h: Harness, inputs: Record<string, string>, scenario: string) {
  const reached = await reachConfirmation(h, { scenario, requester: admin, inputs });
  const run = responseCard(
    await h.client.click(admin, reached.conversation, reached.confirm, reached.cardId, 'setup.start'),
  );
  return { ...reached, runId: String(/"runId":"([0-9a-f-]{36})"/.exec(textOf(run))?.[1]) };
}

describe('failures and expiries', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('announces a failed initial sync, then Retry from the run card finishes the run', async () => {
    h = await startHarness({ APPROVERS: approver.aadObjectId });
    await putSettings(h, { failures: { initialSyncHttpError: 400 } });
    const { conversation, cardId, runId } = await start(
      h,
      {
        financeOpsName: 'fail-fo',
        dataverseName: 'fail-dv',
        demoLegalEntities: 'USMF',
        initialSyncEntities: 'Customers V3',
      },
      'new-demo-new',
    );
    await h.connector.waitFor(
      () => (notices(h, conversation).length > 0 ? true : undefined),
      60_000,
      'the failure notice',
    );
    expect(notices(h, conversation)[0]).toContain('failed');
    const runCard = await h.connector.waitFor(
      () => {
        const card = cardOf(h.connector.messages.get(cardId)?.activity);
        return card && textOf(card).includes('run.retry') ? card : undefined;
      },
      10_000,
      'a run card with Retry',
    );
    expect(textOf(runCard)).toContain('400');
    // The documented error (troubleshooting initial sync): its cause, fix and page on the card.
    expect(textOf(runCard)).toContain('AX export encountered an error');
    expect(textOf(runCard)).toContain('Data import export framework service');
    expect(textOf(runCard)).toContain('dual-write-troubleshooting-initial-sync');
    expect(textOf(runCard)).toContain('run.skip');
    expect(textOf(runCard)).toContain('run.cancel');
    expect((await h.bot.engine.get(runId))?.status).toBe('failed');

    await putSettings(h, { failures: { initialSyncHttpError: 0 } });
    const retried = textOf(
      responseCard(await h.client.click(admin, conversation, runCard, cardId, 'run.retry')),
    );
    expect(retried).not.toContain('run.retry');
    await h.connector.waitFor(
      () => (notices(h, conversation).length > 1 ? true : undefined),
      60_000,
      'the success notice',
    );
    expect(notices(h, conversation)[1]).toContain('completed');
    expect((await h.bot.engine.get(runId))?.status).toBe('succeeded');
    expect(
      (await h.bot.engine.audit(runId)).some(
        (e) => /retry/i.test(e.action) && e.actor?.id === admin.aadObjectId,
      ),
    ).toBe(true);
  });

  it('reminds before an approval expires, then announces the expiry and removes the buttons', async () => {
    h = await startHarness({
      APPROVERS: approver.aadObjectId,
      APPROVAL_TIMEOUT_MINUTES: '0.05',
      APPROVAL_REMINDER_MINUTES: '0.03',
    });
    const dataverseUrl = await contosoUrl(h);
    const { conversation, runId } = await start(
      h,
      { financeOpsName: 'exp-fo', dataverseUrl, companyCode: 'EXP', companyName: 'Expiry Co' },
      'new-existing',
    );
    const approval = await h.connector.waitFor(
      (m) => findCard(m, conversation.id, 'Approval needed'),
      60_000,
      'the approval card',
    );
    // Priya's own view while the approval is open (Teams refreshes it for her), kept for a late click.
    const mine = await h.client.personalCard(approver, conversation, approval.card, approval.id);
    const texts = () => h.connector.inConversation(conversation.id).map((m) => noticeTextOf(m.activity));
    await h.connector.waitFor(() => texts().find((t) => t.startsWith('Reminder:')), 30_000, 'the reminder');
    await h.connector.waitFor(
      () => texts().find((t) => t.includes('expired without a decision')),
      30_000,
      'the expiry notice',
    );
    await h.connector.waitFor(
      () => {
        const card = cardOf(h.connector.messages.get(approval.id)?.activity);
        return card && !textOf(card).includes('run.approve') ? true : undefined;
      },
      10_000,
      'the approval card without buttons',
    );
    // A late click changes nothing.
    const late = textOf(
      responseCard(await h.client.click(approver, conversation, mine, approval.id, 'run.approve')),
    );
    expect(late).not.toContain('Approved by');
    const bootstrap = (await h.bot.engine.get(runId))!.steps.find((s) => s.kind === 'bootstrapCompanyData')!;
    expect(bootstrap.approval?.decision?.approved).not.toBe(true);
    expect(bootstrap.status).not.toBe('succeeded');
  });
});
