import type { RunningEmulator } from '../../src/emulator';
import { NOT_LINK_OWNER } from '../../src/emulator/dualWrite/linkOwner';
import {
  ENTRA_CLIENT_ID as CLIENT_ID,
  GATEWAY_SCOPE,
  USER_X as X,
  USER_Y as Y,
  api,
  claimsOf,
  control,
  emulatorPerCase,
  installCorePackages,
  ssoTokenOf,
  testPlatform,
  type TestBody,
} from './emulatorTestKit';

/**
 * The emulated Entra and Bot Framework token service (docs/fidelity.md, "Entra: on-behalf-of and Teams
 * SSO"), over real HTTP: the OBO grant and its documented refusals, the token exchange and its
 * no-consent answer, LCS and the gateway taking user tokens only, and map changes only by the user
 * who linked.
 */
let emulator: RunningEmulator;
emulatorPerCase((rig) => ({ emulator } = rig));

const ssoToken = (oid: string, audience?: string, expiresInSeconds?: number) =>
  ssoTokenOf(emulator, oid, audience, expiresInSeconds);

async function obo(assertion: string, scope = GATEWAY_SCOPE): Promise<{ status: number; body: TestBody }> {
  const response = await fetch(`${emulator.url}/contoso.onmicrosoft.com/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      client_id: CLIENT_ID,
      client_secret: 'secret',
      assertion,
      scope,
      requested_token_use: 'on_behalf_of',
    }),
  });
  return { status: response.status, body: await response.json() };
}

describe('the on-behalf-of grant (v2-oauth2-on-behalf-of-flow)', () => {
  it('answers a token for the asked resource with the user, the delegated scope and the audience', async () => {
    const answer = await obo(await ssoToken(X));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      token_type: 'Bearer',
      scope: GATEWAY_SCOPE,
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: expect.stringMatching(/^emulator\./),
    });
    expect(claimsOf(answer.body.access_token)).toMatchObject({
      aud: 'https://IntegratorApp.com',
      oid: X,
      scp: 'user_impersonation',
      idtyp: 'user',
    });
  });

  it('refuses an assertion issued to another app: invalid_grant AADSTS50013', async () => {
    const answer = await obo(await ssoToken(X, 'api://someone-else'));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_grant');
    expect(answer.body.error_codes).toEqual([50013]);
    expect(answer.body.error_description).toMatch(/^AADSTS50013: /);
  });

  it('refuses an expired assertion: invalid_grant AADSTS500133', async () => {
    const answer = await obo(await ssoToken(X, `api://${CLIENT_ID}`, -60));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_grant', error_codes: [500133] });
  });

  it('answers interaction_required with a claims challenge for the user the control API names', async () => {
    await control(emulator, 'PUT', 'settings', {
      identity: { interactionRequired: { oid: X, code: 50079 } },
    });
    const refused = await obo(await ssoToken(X));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'interaction_required', error_codes: [50079] });
    expect(JSON.parse(refused.body.claims)).toEqual({
      access_token: { polids: { essential: true, values: [expect.any(String)] } },
    });
    expect((await obo(await ssoToken(Y))).status).toBe(200);
  });
});

describe('the Bot Framework token exchange (bot-sso-code)', () => {
  const exchange = (token: string) =>
    fetch(
      `${emulator.url}/botframework/api/usertoken/exchange?userId=29:x&connectionName=DynamicsSso&channelId=msteams`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) },
    );

  it("exchanges a Teams SSO token for the connection's audience, the same user", async () => {
    const response = await exchange(await ssoToken(X, 'api://botid-b0'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as TestBody;
    expect(body).toMatchObject({ channelId: 'msteams', connectionName: 'DynamicsSso' });
    expect(claimsOf(body.token)).toMatchObject({ oid: X, aud: emulator.settings.identity.exchangeAudience });
  });

  it('answers 404 without a token when the user has not consented (the bot answers 412)', async () => {
    await control(emulator, 'PUT', 'settings', { identity: { exchangeRefused: true } });
    const response = await exchange(await ssoToken(X, 'api://botid-b0'));
    expect(response.status).toBe(404);
    expect(((await response.json()) as TestBody).token).toBeUndefined();
  });
});

describe('LCS and the gateway with user tokens', () => {
  async function userToken(oid: string, scope: string): Promise<string> {
    return (await obo(await ssoToken(oid), scope)).body.access_token;
  }

  it('refuses an app token on LCS and the gateway when delegated-only is on, and takes a user token', async () => {
    await control(emulator, 'PUT', 'settings', { identity: { delegatedOnly: true } });
    const route = '/dualwrite/api/DualWriteManagement/1.0/Environments?targetType=AX&identifier=x';
    const app = await api(emulator, route);
    expect(app.status).toBe(401);
    const lcs = await api(emulator, '/lcs/environmentinfo/v1/detail/project/1/', {
      headers: { 'x-ms-version': '2017-09-15' },
    });
    expect(lcs.status).toBe(401);
    const user = await api(emulator, route, {
      headers: { Authorization: `Bearer ${await userToken(X, GATEWAY_SCOPE)}` },
    });
    expect(user.status).toBe(200);
  });

  it('lets only the user who linked add maps: anyone else, the app included, gets the documented 401', async () => {
    const { fo, dv } = await installCorePackages(testPlatform(emulator.url));
    const as = async (oid: string) => ({ Authorization: `Bearer ${await userToken(oid, GATEWAY_SCOPE)}` });
    const linked = await api(emulator, '/dualwrite/emulator/link', {
      method: 'POST',
      headers: await as(X),
      body: JSON.stringify({ financeOpsUrl: fo.url, dataverseUrl: dv.url, legalEntities: ['USMF'] }),
    });
    expect(linked.status).toBe(201);
    const cid = String(linked.body.cid ?? linked.body.id);
    const restore = (headers: Record<string, string>) =>
      api(emulator, `/dualwrite/api/DualWriteManagement/1.0/SolutionAware/${cid}/RestoreTemplates`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          action: '2',
          solutions: [{ criteria: { uniquename: 'msdyn_DualWriteAppCoreMaps' } }],
        }),
      });
    const byY = await restore(await as(Y));
    expect(byY.status).toBe(401);
    expect(byY.body.error.message).toBe(NOT_LINK_OWNER);
    expect((await restore({})).status).toBe(401);
    const start = await api(emulator, '/dualwrite/api/DualWriteManagement/1.0/Start', {
      method: 'POST',
      headers: await as(Y),
      body: JSON.stringify({
        action: '1',
        details: [{ tid: 't', cid, parameters: { skipInitialSync: true } }],
      }),
    });
    expect(start.status).toBe(401);
    expect((await restore(await as(X))).status).toBe(200);
  });
});
