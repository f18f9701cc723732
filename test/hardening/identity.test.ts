import { randomUUID } from 'node:crypto';
import type { Run } from '../../src/engine/model';
import { contosoUrl } from '../support/scenarioDriver';
import { BOT, newConversation, user, type TeamsUser } from '../support/teamsClient';
import { LocalBotFrameworkKeys, OfflineBotCredentials } from './support/botFrameworkKeys';
import { startLoggedHarness, type LoggedHarness } from './support/hardeningHarness';

/**
 * Identity with BOT_ID set, attacked with tokens botbuilder really validates (signed by a local key
 * server the bot is pointed at: support/botFrameworkKeys.ts). A valid Bot Framework token proves
 * which service sent an activity, not who the user is:
 * - on Direct Line the client picks `from.id`, so an invoke with `from.id` = an approver's object id
 *   was accepted as that approver (access took `from.aadObjectId ?? from.id`);
 * - botbuilder's "emulator" path accepts any Entra token whose `appid` is the bot's app id, whatever
 *   its audience: a token the bot's app obtained for Dynamics 365 passed as a bot request.
 * Each attack below reaches no handler: 403/401, the run not moved, nothing sent, nothing stored.
 */
const BOT_ID = '6f1d1c6e-55a4-4c8e-9d7b-0c2f4f1e7a11';
const TENANT = '9a8b7c6d-1111-4222-8333-444455556666';
const requester = user('Alex Admin');
const approver = user('Priya Approver');

describe('identity: Teams users of allowed tenants only, channel tokens only', () => {
  let keys: LocalBotFrameworkKeys;
  let h: LoggedHarness;
  let run: Run;
  let stepId: string;

  const post = (activity: Record<string, unknown>, token?: string) =>
    fetch(`${h.bot.url}/api/messages`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token ?? keys.channelToken(BOT_ID, h.connector.url)}`,
      },
      body: JSON.stringify(activity),
    });

  /** An approve click on the waiting step, as the channel would deliver it. */
  const approveInvoke = (overrides: {
    channelId?: string;
    from: Record<string, unknown>;
    tenantId?: string;
  }): Record<string, unknown> => {
    const conversation = newConversation();
    const tenantId = overrides.tenantId ?? TENANT;
    return {
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: randomUUID(),
      channelId: overrides.channelId ?? 'msteams',
      serviceUrl: h.connector.url,
      timestamp: new Date().toISOString(),
      from: overrides.from,
      recipient: BOT,
      conversation: { id: conversation.id, conversationType: 'channel', tenantId },
      channelData: { tenant: { id: tenantId } },
      value: {
        action: {
          type: 'Action.Execute',
          verb: 'run.approve',
          data: { runId: run.id, stepId, rev: run.rev },
        },
        trigger: 'manual',
      },
    };
  };

  const expectNothingHappened = async (before: string) => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await h.bot.engine.get(run.id))?.steps.find((s) => s.id === stepId)?.status).toBe(
      'awaiting_approval',
    );
    expect(h.connector.calls).toHaveLength(0);
    expect(h.storeSnapshot()).toBe(before);
  };

  beforeAll(async () => {
    keys = await new LocalBotFrameworkKeys().start();
    h = await startLoggedHarness(
      {
        BOT_ID,
        BOT_PASSWORD: 'unused-offline',
        HOST: '127.0.0.1',
        BOT_TENANT_ID: TENANT,
        ADMINS: requester.aadObjectId,
        APPROVERS: approver.aadObjectId,
        DYNAMICS_MODE: 'emulator',
      },
      'info',
      {
        start: {
          botAuthentication: {
            channelOpenIdMetadataUrl: keys.metadataUrl,
            emulatorOpenIdMetadataUrl: keys.metadataUrl,
            credentialsFactory: new OfflineBotCredentials(BOT_ID),
          },
        },
      },
    );
    // The run the attacker wants approved: a new-existing setup waiting for its bootstrap approval.
    const dataverseUrl = await contosoUrl(h);
    const input = {
      scenario: 'new-existing',
      financeOpsName: 'identity-fo',
      dataverseUrl,
      companyCode: 'IDNT',
      companyName: 'Identity Ltd',
      initialSyncEntities: [],
    };
    const started = await h.bot.engine.start(
      input,
      { id: requester.aadObjectId, name: requester.name },
      (await h.bot.engine.preview(input)).reviewToken ?? '',
    );
    if (!started.ok) throw new Error(started.message);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const current = (await h.bot.engine.get(started.run.id))!;
      const waiting = current.steps.find((s) => s.status === 'awaiting_approval');
      // The approval is asked at Start while other steps work: wait until the run stands at it alone.
      if (waiting && current.status === 'waiting' && !current.steps.some((s) => s.status === 'running')) {
        run = current;
        stepId = waiting.id;
        break;
      }
      if (Date.now() > deadline) throw new Error('The run never asked for approval');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Proactive sends so far (the approval card) are not the attacks' doing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    h.connector.calls.length = 0;
  }, 90_000);

  afterAll(async () => {
    await h?.close();
    await keys?.close();
  });

  it('the rig accepts a genuine Teams request: a real token and a Teams user of the tenant reach the bot', async () => {
    const conversation = newConversation();
    const response = await post({
      type: 'message',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: requester.id, name: requester.name, aadObjectId: requester.aadObjectId },
      recipient: BOT,
      conversation: { id: conversation.id, conversationType: 'channel', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      text: 'help',
    });
    expect(response.status).toBe(200);
    await h.connector.waitFor((m) => (m.length > 0 ? true : undefined), 10_000, 'the reply');
    h.connector.calls.length = 0;
  });

  it('Direct Line: an approve click with from.id set to the approver object id is refused', async () => {
    const before = h.storeSnapshot();
    const response = await post(
      approveInvoke({ channelId: 'directline', from: { id: approver.aadObjectId, name: approver.name } }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'forbidden' });
    await expectNothingHappened(before);
  });

  it.each<[string, (a: TeamsUser) => Record<string, unknown>, string | undefined]>([
    [
      'Teams without aadObjectId, from.id = the approver object id',
      (a) => ({ id: a.aadObjectId, name: a.name }),
      undefined,
    ],
    [
      'Teams from another tenant, with the approver object id',
      (a) => ({ id: a.id, name: a.name, aadObjectId: a.aadObjectId }),
      randomUUID(),
    ],
  ])('%s: refused', async (_name, from, tenantId) => {
    const before = h.storeSnapshot();
    const response = await post(approveInvoke({ from: from(approver), tenantId }));
    expect(response.status).toBe(403);
    await expectNothingHappened(before);
  });

  it("a token the bot's app obtained for Dynamics 365 (emulator path: right appid, wrong audience) is refused", async () => {
    const before = h.storeSnapshot();
    const now = Math.floor(Date.now() / 1000);
    const dynamicsToken = keys.sign({
      iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/',
      ver: '1.0',
      appid: BOT_ID,
      aud: 'https://contoso.crm.dynamics.com',
      tid: 'd6d49420-f39b-4df7-a1dc-d59a935871db',
      nbf: now - 60,
      exp: now + 3600,
    });
    const response = await post(
      approveInvoke({ from: { id: approver.id, name: approver.name, aadObjectId: approver.aadObjectId } }),
      dynamicsToken,
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'unauthorized' });
    await expectNothingHappened(before);
    expect(h.logs.join('\n')).not.toContain(dynamicsToken);
  });

  it('a channel-issued token for another bot is refused', async () => {
    const before = h.storeSnapshot();
    const response = await post(
      approveInvoke({ from: { id: approver.id, name: approver.name, aadObjectId: approver.aadObjectId } }),
      keys.channelToken(randomUUID(), h.connector.url),
    );
    expect(response.status).toBe(401);
    await expectNothingHappened(before);
  });
});
