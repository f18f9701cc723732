import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { findCard, startHarness, type Harness } from '../support/botHarness';
import { SIGNED_BOT_ID as BOT_ID, channelToken, signedBotEnv } from '../support/botConnectorAuth';
import { BOT, newConversation, user } from '../support/teamsClient';

/**
 * BOT_ID set and BOT_FRAMEWORK_AUTH=emulator: botbuilder's own authentication, pointed at the
 * emulator's Bot Connector and Entra (src/composition/botFrameworkEndpoints.ts). Each activity carries a
 * channel token the emulator signed; the bot checks it against the emulator's published keys (issuer,
 * audience, serviceUrl, expiry, signature) and answers through a connector that takes only the bot's own
 * token from the emulator's Entra (Learn
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication).
 */
const admin = user('Alex Admin');
const approver = user('Priya Approver');

describe('Bot Framework authentication against the emulator', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(signedBotEnv([admin.aadObjectId], [approver.aadObjectId]));
  });
  afterAll(async () => {
    await h.close();
  });

  /** A typed message posted with this Authorization header (none: unsigned). */
  const post = (authorization: string | undefined, conversation = newConversation()) =>
    fetch(`${h.bot.url}/api/messages`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body: JSON.stringify({
        type: 'message',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl: h.connector.url,
        from: { id: admin.id, name: admin.name, aadObjectId: admin.aadObjectId },
        recipient: BOT,
        conversation: { id: conversation.id, conversationType: 'channel', tenantId: conversation.tenantId },
        channelData: { tenant: { id: conversation.tenantId } },
        text: 'help',
      }),
    });

  it('takes a signed activity and answers with its own token from the emulated Entra', async () => {
    const conversation = newConversation();
    expect(await h.client.say(admin, conversation, 'setup')).toBe(200);
    const card = await h.connector.waitFor(
      () => findCard(h.connector.inConversation(conversation.id), conversation.id, 'Which setup is yours?'),
      10_000,
      'the scenario card',
    );
    expect(card).toBeDefined();
    expect(h.connector.unauthorized).toBe(0);
    // The connector does check: a token that is not the bot's is refused.
    expect(await h.connector.authorize?.(`Bearer ${forged()}`)).toBe(false);
  });

  it.each([
    ['no token', async () => undefined],
    ['a token of another key', async () => `Bearer ${forged()}`],
    [
      'a token for another serviceUrl',
      async () => `Bearer ${await channelToken(h.bot.emulatorUrl!, BOT_ID, 'http://127.0.0.1:1/')}`,
    ],
    [
      'a token for another bot',
      async () => `Bearer ${await channelToken(h.bot.emulatorUrl!, randomUUID(), h.connector.url)}`,
    ],
    [
      'an expired token',
      async () => `Bearer ${await channelToken(h.bot.emulatorUrl!, BOT_ID, h.connector.url, -900)}`,
    ],
  ])('refuses %s with 401, sending nothing', async (_what, header) => {
    const calls = h.connector.calls.length;
    const response = await post(await header());
    expect(response.status).toBe(401);
    expect(h.connector.calls.length).toBe(calls);
  });

  /** The claims of a good token, signed with a key the emulator never published (its kid copied). */
  function forged(): string {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const now = Math.floor(Date.now() / 1000);
    return jwt.sign(
      {
        iss: 'https://api.botframework.com',
        aud: BOT_ID,
        serviceurl: h.connector.url,
        nbf: now,
        exp: now + 600,
      },
      stranger,
      { algorithm: 'RS256', keyid: 'emulator-forged' },
    );
  }
});
