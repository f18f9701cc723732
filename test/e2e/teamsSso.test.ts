import { randomUUID } from 'node:crypto';
import { startHarness, type Harness } from '../support/botHarness';
import { newConversation, user } from '../support/teamsClient';
import { emulatorControl, teamsSsoToken } from './support/emulatorControl';

/**
 * Teams SSO through the bot over real HTTP (Learn
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-code): Teams
 * posts `signin/tokenExchange` with the user's SSO token; the bot exchanges it at the token service
 * (the emulator's) and answers 200, or 412 with the failure detail so Teams shows the sign-in card.
 */
const admin = user('Alex Admin');

describe('Teams SSO: signin/tokenExchange', () => {
  let h: Harness;
  const conversation = newConversation();

  const control = (method: string, route: string, body: unknown) => emulatorControl(h, method, route, body);
  const exchange = async (connectionName = 'DynamicsSso') => {
    const id = randomUUID();
    const answer = await h.client.signIn(admin, conversation, 'signin/tokenExchange', {
      id,
      connectionName,
      token: await teamsSsoToken(h, admin),
    });
    return { id, ...answer };
  };

  beforeAll(async () => {
    h = await startHarness({ ADMINS: admin.aadObjectId });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 200 when the token service exchanges the SSO token', async () => {
    const { id, status, body } = await exchange();
    expect(status).toBe(200);
    expect(body).toEqual({ id, connectionName: 'DynamicsSso' });
  });

  it('answers 412 with the failure detail when the token service has no consent (404)', async () => {
    await control('PUT', 'settings', { identity: { exchangeRefused: true } });
    try {
      const { id, status, body } = await exchange();
      expect(status).toBe(412);
      expect(body).toEqual({
        id,
        connectionName: 'DynamicsSso',
        failureDetail: 'The bot is unable to exchange token. Proceed with regular login.',
      });
    } finally {
      await control('PUT', 'settings', { identity: { exchangeRefused: false } });
    }
  });

  it("refuses an exchange for a connection other than the bot's", async () => {
    const { status } = await exchange('SomeoneElsesConnection');
    expect(status).toBe(400);
  });
});

describe('Teams SSO: signin/verifyState (the sign-in card)', () => {
  let h: Harness;
  const conversation = newConversation();

  const magicCode = async (userId: string): Promise<string> => {
    const response = await fetch(`${h.bot.emulatorUrl}/_emulator/entra/signInCode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        userId,
        connectionName: 'DynamicsSso',
        oid: admin.aadObjectId,
        name: admin.name,
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { code: string }).code;
  };

  beforeAll(async () => {
    h = await startHarness({ ADMINS: admin.aadObjectId });
  });
  afterAll(async () => {
    await h.close();
  });

  it("answers 200 when the token service redeems the card's magic code", async () => {
    const state = await magicCode(admin.id);
    const answer = await h.client.signIn(admin, conversation, 'signin/verifyState', { state });
    expect(answer.status).toBe(200);
  });

  it('answers 404 for a code the token service does not hold for this user', async () => {
    const state = await magicCode('29:someone-else');
    const answer = await h.client.signIn(admin, conversation, 'signin/verifyState', { state });
    expect(answer.status).toBe(404);
  });
});
