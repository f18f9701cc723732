import { randomUUID } from 'node:crypto';
import { cardOf } from '../support/localConnector';
import { contosoUrl, driveScenario } from '../support/scenarioDriver';
import { newConversation, textOf, user, type Conversation, type TeamsUser } from '../support/teamsClient';
import { startLoggedHarness, type LoggedHarness } from './support/hardeningHarness';

/**
 * Each run belongs to its tenant and conversation. A run is started by Contoso's admin in a Contoso
 * channel; people of another tenant (Fabrikam: an admin and a plain user) try every way in: `runs`,
 * `status <id>` (which would also bind a card to every later update), `audit <id>`, the run card's
 * refresh and Cancel. Each gets exactly what an unknown id gets (no existence leak), the run and its
 * audit do not move, and not one update of the run reaches a Fabrikam conversation. Before, a
 * non-admin of another tenant saw the run, its audit, and got every later update.
 */
const CONTOSO = 'tenant-contoso';
const FABRIKAM = 'tenant-fabrikam';
const adminA = user('Alex Admin');
const approverA = user('Priya Approver');
const memberA = user('Casey Contoso');
const adminB = user('Bea Fabrikam Admin');
const strangerB = user('Mallory Fabrikam');

const inTenant = (tenantId: string): Conversation => ({ ...newConversation(), tenantId });

describe('tenancy: a run is seen and touched only in its conversation or by its tenant’s admins', () => {
  let h: LoggedHarness;
  let runId: string;
  let home: Conversation;

  /** Says `text` and returns the text of the card the bot answers with. */
  async function ask(from: TeamsUser, conversation: Conversation, text: string): Promise<string> {
    const before = h.connector.inConversation(conversation.id).length;
    expect(await h.client.say(from, conversation, text)).toBe(200);
    const reply = await h.connector.waitFor(
      () => h.connector.inConversation(conversation.id)[before],
      10_000,
      `the answer to "${text}"`,
    );
    return textOf(cardOf(reply.activity) ?? { text: reply.activity.text });
  }

  /** The answer with the id asked about replaced, so answers about two ids compare. */
  const anonymous = (text: string, ...ids: string[]) =>
    ids.reduce((t, id) => t.split(id).join('<id>'), text).replace(/"id":"[^"]*"/g, '');

  beforeAll(async () => {
    h = await startLoggedHarness(
      {
        ADMINS: `${adminA.aadObjectId},${adminB.aadObjectId}`,
        APPROVERS: approverA.aadObjectId,
      },
      'info',
    );
    const dataverseUrl = await contosoUrl(h);
    home = inTenant(CONTOSO);
    // Started, run to its approval, approved by Contoso's approver, finished: every update it makes
    // after the attacks below must stay in Contoso.
    const driven = driveScenario(h, {
      scenario: 'new-existing',
      requester: adminA,
      approver: approverA,
      conversation: home,
      inputs: {
        financeOpsName: 'tenancy-fo',
        dataverseUrl,
        companyCode: 'TNCY',
        companyName: 'Tenancy Ltd',
        initialSyncEntities: '',
      },
    });
    // The attacks run while the run is in progress (so updates follow them).
    const deadline = Date.now() + 30_000;
    while (!(await h.bot.engine.list()).length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    runId = (await h.bot.engine.list())[0].id;
    attacksDone = (async () => {
      await attacks();
    })();
    await attacksDone;
    await driven;
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  // Collected while the run is live, asserted below.
  const outcomes: Record<string, { attack: string; unknown: string }> = {};
  let auditBefore = '';
  let attacksDone: Promise<void>;
  const fabrikamConversations: Conversation[] = [];

  async function attacks(): Promise<void> {
    auditBefore = JSON.stringify((await h.bot.engine.audit(runId)).filter((e) => /refused/.test(e.action)));
    for (const [who, person] of [
      ['stranger', strangerB],
      ['admin', adminB],
    ] as const) {
      const there = inTenant(FABRIKAM);
      fabrikamConversations.push(there);
      const unknown = randomUUID();
      const short = runId.slice(0, 8);
      outcomes[`${who} runs`] = { attack: await ask(person, there, 'runs'), unknown: '' };
      for (const command of ['status', 'audit', 'cancel', 'retry']) {
        outcomes[`${who} ${command}`] = {
          attack: anonymous(await ask(person, there, `${command} ${runId}`), runId),
          unknown: anonymous(await ask(person, there, `${command} ${unknown}`), unknown),
        };
        outcomes[`${who} ${command} (short id)`] = {
          attack: anonymous(await ask(person, there, `${command} ${short}`), short),
          unknown: anonymous(
            await ask(person, there, `${command} ${unknown.slice(0, 8)}`),
            unknown.slice(0, 8),
          ),
        };
      }
      for (const verb of ['run.refresh', 'run.cancel', 'run.retry']) {
        const attack = await h.client.invoke(person, there, verb, { runId }, randomUUID());
        const probe = await h.client.invoke(person, there, verb, { runId: unknown }, randomUUID());
        outcomes[`${who} ${verb}`] = {
          attack: anonymous(JSON.stringify(attack.body), runId),
          unknown: anonymous(JSON.stringify(probe.body), unknown),
        };
      }
    }
  }

  it.each([
    'stranger status',
    'stranger status (short id)',
    'stranger audit',
    'stranger audit (short id)',
    'stranger cancel',
    'stranger cancel (short id)',
    'stranger retry',
    'stranger retry (short id)',
    'stranger run.refresh',
    'stranger run.cancel',
    'stranger run.retry',
    'admin status',
    'admin status (short id)',
    'admin audit',
    'admin audit (short id)',
    'admin cancel',
    'admin cancel (short id)',
    'admin retry',
    'admin retry (short id)',
    'admin run.refresh',
    'admin run.cancel',
    'admin run.retry',
  ])('%s from another tenant: the same answer as for an unknown id', (name) => {
    expect(outcomes[name].attack).toBe(outcomes[name].unknown);
  });

  it('`runs` in another tenant does not list the run', () => {
    expect(outcomes['stranger runs'].attack).not.toContain(runId.slice(0, 8));
    expect(outcomes['admin runs'].attack).not.toContain(runId.slice(0, 8));
  });

  it('the run finished undisturbed, with no refusal entries from the other tenant in its audit', async () => {
    const run = (await h.bot.engine.get(runId))!;
    expect(run.status).toBe('succeeded');
    expect(JSON.stringify((await h.bot.engine.audit(runId)).filter((e) => /refused/.test(e.action)))).toBe(
      auditBefore,
    );
  });

  it('not one update of the run reached a conversation of the other tenant', () => {
    for (const conversation of fabrikamConversations) {
      const updates = h.connector.calls.filter(
        (c) => c.conversationId === conversation.id && c.method === 'PUT',
      );
      expect(updates).toHaveLength(0);
      // Every message there is an answer to a command (echoing the id typed); none carries the run's
      // card, its buttons or its notice.
      for (const message of h.connector.inConversation(conversation.id)) {
        const text = JSON.stringify(message.activity);
        expect(text).not.toContain(`Run ${runId.slice(0, 8)}`);
        expect(text).not.toContain(`"runId":"${runId}"`);
        expect(text).not.toContain(adminA.name);
      }
    }
  });

  it('in its own conversation a member sees it; a Contoso admin sees it from another conversation', async () => {
    expect(await ask(memberA, home, `status ${runId}`)).toContain(`Run ${runId.slice(0, 8)}`);
    expect(await ask(adminA, inTenant(CONTOSO), `status ${runId}`)).toContain(`Run ${runId.slice(0, 8)}`);
    expect(await ask(adminA, inTenant(CONTOSO), 'runs')).toContain(runId.slice(0, 8));
  });

  it('a Contoso member in another conversation does not', async () => {
    const elsewhere = inTenant(CONTOSO);
    const unknown = randomUUID();
    expect(anonymous(await ask(memberA, elsewhere, `status ${runId}`), runId)).toBe(
      anonymous(await ask(memberA, elsewhere, `status ${unknown}`), unknown),
    );
  });
});
