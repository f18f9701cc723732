import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { RunningEmulator } from '../../src/emulator';
import { verifyWithJwks } from '../support/botConnectorAuth';
import { control, startTestEmulator } from './emulatorTestKit';

/**
 * The emulator as the Bot Connector's authentication (Learn
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication):
 * the OpenID metadata and keys a bot checks channel tokens with, the channel tokens themselves, and
 * Entra's client-credentials grant a bot gets its own token from.
 */
const BOT_ID = '7d2f9a40-1c1e-4c55-8d0e-0b5b6c7d8e9f';
const SERVICE_URL = 'http://127.0.0.1:4999/';
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

const tokenGrant = (fields: Record<string, string>) =>
  fetch(`${emu.url}/botframework.com/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

describe('channel tokens', () => {
  it('publishes the metadata document and an RS256 key endorsed for msteams', async () => {
    const metadata = (await (
      await fetch(`${emu.url}/botframework/v1/.well-known/openidconfiguration`)
    ).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: 'https://api.botframework.com',
      jwks_uri: `${emu.url}/botframework/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const { keys } = (await (await fetch(String(metadata.jwks_uri))).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(keys).toEqual([
      expect.objectContaining({ kty: 'RSA', use: 'sig', endorsements: ['msteams'], kid: expect.any(String) }),
    ]);
  });

  it('signs a channel token for a bot and a serviceUrl that its keys verify', async () => {
    const { status, body } = await control(emu, 'POST', 'botframework/channelToken', {
      botId: BOT_ID,
      serviceUrl: SERVICE_URL,
    });
    expect(status).toBe(200);
    const claims = await verifyWithJwks(body.token, `${emu.url}/botframework/v1/.well-known/keys`, {
      issuer: 'https://api.botframework.com',
      audience: BOT_ID,
    });
    expect(claims).toMatchObject({ serviceurl: SERVICE_URL });
    expect(Number(claims.exp) - Number(claims.nbf)).toBe(3600);
  });

  it('signs an expired one on demand, and refuses a request without a bot', async () => {
    const expired = await control(emu, 'POST', 'botframework/channelToken', {
      botId: BOT_ID,
      serviceUrl: SERVICE_URL,
      expiresInSeconds: -600,
    });
    await expect(
      verifyWithJwks(expired.body.token, `${emu.url}/botframework/v1/.well-known/keys`, {
        issuer: 'https://api.botframework.com',
        audience: BOT_ID,
      }),
    ).rejects.toThrow('jwt expired');
    const refused = await control(emu, 'POST', 'botframework/channelToken', { serviceUrl: SERVICE_URL });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'InvalidRequest',
      message: expect.stringContaining('botId'),
    });
  });

  it('a token signed with another key does not verify against the published keys', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const { keys } = (await (await fetch(`${emu.url}/botframework/v1/.well-known/keys`)).json()) as {
      keys: Array<{ kid: string }>;
    };
    const forged = jwt.sign({ iss: 'https://api.botframework.com', aud: BOT_ID }, stranger, {
      algorithm: 'RS256',
      keyid: keys[0].kid,
    });
    await expect(
      verifyWithJwks(forged, `${emu.url}/botframework/v1/.well-known/keys`, {
        issuer: 'https://api.botframework.com',
        audience: BOT_ID,
      }),
    ).rejects.toThrow('invalid signature');
  });
});

describe("the bot's own token (client credentials)", () => {
  it("answers a signed app token for https://api.botframework.com, checked with Entra's keys", async () => {
    const response = await tokenGrant({
      grant_type: 'client_credentials',
      client_id: BOT_ID,
      client_secret: 'bot-password',
      scope: 'https://api.botframework.com/.default',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    const metadata = (await (
      await fetch(`${emu.url}/botframework.com/v2.0/.well-known/openid-configuration`)
    ).json()) as { issuer: string; jwks_uri: string };
    // The metadata names https endpoints (MSAL's rule); the keys are served on the loopback origin.
    const jwks = metadata.jwks_uri.replace(/^https:/, 'http:');
    const claims = await verifyWithJwks(String(body.access_token), jwks, {
      issuer: metadata.issuer,
      audience: 'https://api.botframework.com',
    });
    expect(claims).toMatchObject({ azp: BOT_ID, idtyp: 'app', tid: 'botframework.com', ver: '2.0' });
  });

  it('refuses a grant without a secret, and a scope that is not /.default', async () => {
    const noSecret = await tokenGrant({
      grant_type: 'client_credentials',
      client_id: BOT_ID,
      scope: 'https://api.botframework.com/.default',
    });
    expect(noSecret.status).toBe(401);
    expect(await noSecret.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
    const badScope = await tokenGrant({
      grant_type: 'client_credentials',
      client_id: BOT_ID,
      client_secret: 'bot-password',
      scope: 'https://api.botframework.com',
    });
    expect(badScope.status).toBe(400);
    expect(await badScope.json()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
  });
});

describe("the token service takes the bot's own token", () => {
  const exchange = (authorization?: string) =>
    fetch(
      `${emu.url}/botframework/api/usertoken/exchange?userId=29:x&connectionName=DynamicsSso&channelId=msteams`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body: JSON.stringify({ token: 'not-an-sso-token' }),
      },
    );

  it('refuses a token it did not issue with 401, and takes a client-credentials one', async () => {
    expect((await exchange('Bearer forged.token.value')).status).toBe(401);
    const grant = (await (
      await tokenGrant({
        grant_type: 'client_credentials',
        client_id: BOT_ID,
        client_secret: 'bot-password',
        scope: 'https://api.botframework.com/.default',
      })
    ).json()) as { access_token: string };
    // No consent for that (invalid) SSO token: the documented 404, past the bot's token check.
    expect((await exchange(`Bearer ${grant.access_token}`)).status).toBe(404);
  });
});

describe('the control routes refuse an invalid body the same way', () => {
  it.each([['entra/ssoToken'], ['entra/signInCode']])('%s', async (route) => {
    const { status, body } = await control(emu, 'POST', route, { unexpected: true });
    expect(status).toBe(400);
    expect(body.error.code).toBe('InvalidRequest');
    expect(body.error.message).toMatch(/oid: Required/);
  });
});
