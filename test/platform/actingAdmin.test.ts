import type { RunningEmulator } from '../../src/emulator';
import type { Platform } from '../../src/engine/ports';
import { createPlatform } from '../../src/platform/createPlatform';
import { onBehalfOfCredential, SignInNeededError } from '../../src/platform/http/onBehalfOf';
import { PlatformError } from '../../src/platform/platformError';
import {
  ENTRA_CLIENT_ID as CLIENT_ID,
  USER_X as X,
  USER_Y as Y,
  control,
  linkContoso,
  pollUntil,
  startTestEmulator,
} from '../emulator/emulatorTestKit';

/**
 * The platform clients as one admin (on-behalf-of tokens from the admin's SSO token) against an
 * emulator whose LCS and gateway take user tokens only: the admin who links is the one whose maps run;
 * another admin's map change is refused with the documented 401; an interaction_required comes back as
 * a sign-in-needed outcome and the same call goes through once the admin has signed in again.
 */
let emulator: RunningEmulator;

beforeEach(async () => {
  emulator = await startTestEmulator();
  await control(emulator, 'PUT', 'settings', { identity: { delegatedOnly: true } });
});

afterEach(async () => {
  await emulator.close();
});

const LEGAL = 'cdm_companies - Legal entities';

async function platformAs(oid: string): Promise<Platform> {
  const sso = await control(emulator, 'POST', 'entra/ssoToken', { oid, audience: `api://${CLIENT_ID}` });
  const credential = onBehalfOfCredential(
    { tenantId: 'organizations', clientId: CLIENT_ID, clientSecret: 'secret', emulatorOrigin: emulator.url },
    sso.body.token,
  );
  return createPlatform({
    mode: 'emulator',
    emulatorUrl: emulator.url,
    credential,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
  });
}

const appPlatform = () =>
  createPlatform({ mode: 'emulator', emulatorUrl: emulator.url, retry: { baseDelayMs: 10, maxDelayMs: 50 } });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

it("refuses the bot's own app token on LCS: only an admin's delegated token reads it", async () => {
  const refused = await failure(appPlatform().lifecycle.findFinanceOps('contoso-fo'));
  expect(refused).toBeInstanceOf(PlatformError);
  expect(refused).toMatchObject({ code: 'unauthorized' });
  expect(await (await platformAs(X)).lifecycle.findFinanceOps('contoso-fo')).toMatchObject({
    name: 'contoso-fo',
  });
});

it('runs the maps as the admin who linked; another admin gets the documented 401', async () => {
  const asX = await platformAs(X);
  const connection = await linkContoso(asX);
  await asX.dualWrite.applySolution(connection.id);
  const asY = await platformAs(Y);
  const refused = await failure(asY.dualWrite.runMap(connection.id, LEGAL, { initialSync: false }));
  expect(refused).toMatchObject({ code: 'unauthorized', status: 401 });
  expect((refused as Error).message).toContain(
    'Only the user who set up the dual-write connection can add new table maps',
  );
  await asX.dualWrite.runMap(connection.id, LEGAL, { initialSync: false });
  await pollUntil(
    () => asX.dualWrite.listMaps(connection.id),
    (maps) => maps.some((map) => `${map.table} - ${map.name}` === LEGAL && map.state === 'Running'),
  );
});

it('turns interaction_required into a sign-in-needed outcome, and goes through after a new sign-in', async () => {
  const asX = await platformAs(X);
  const connection = await linkContoso(asX);
  await control(emulator, 'PUT', 'settings', { identity: { interactionRequired: { oid: X, code: 50076 } } });
  // A fresh SSO token (a new platform) so no token cached before the policy applies.
  const challenged = await failure((await platformAs(X)).dualWrite.applySolution(connection.id));
  expect(challenged).toBeInstanceOf(SignInNeededError);
  expect(challenged).toMatchObject({ code: 'sign_in_needed', reason: 'interaction_required', aadsts: 50076 });
  await control(emulator, 'PUT', 'settings', { identity: { interactionRequired: null } });
  await (await platformAs(X)).dualWrite.applySolution(connection.id);
  expect((await asX.dualWrite.listMaps(connection.id)).length).toBeGreaterThan(0);
});

it("under obo the bot's own platform sends LCS and the gateway nothing: admin_needed, with why", async () => {
  const app = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url, obo: 'app' });
  const calls = [
    app.lifecycle.findFinanceOps('contoso-fo'),
    app.dualWrite.findConnection(`${emulator.url}/fo/contoso-fo`, `${emulator.url}/orgs/contoso`),
    app.dualWrite.listMaps('any'),
  ];
  for (const refused of await Promise.all(calls.map(failure)))
    expect(refused).toMatchObject({
      code: 'admin_needed',
      message: expect.stringContaining('not checkable until an admin acts'),
    });
  // Other services still take the app's token.
  expect((await app.powerPlatform.findDataverse('contoso'))?.url).toBeDefined();
  const { callers } = (await control(emulator, 'GET', 'state')).body;
  expect(callers).toEqual({ lcs: { app: 0, users: {} }, gateway: { app: 0, users: {} } });
});
