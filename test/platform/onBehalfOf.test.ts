import type { RunningEmulator } from '../../src/emulator';
import { onBehalfOfCredential, SignInNeededError } from '../../src/platform/http/onBehalfOf';
import {
  ENTRA_CLIENT_ID as CLIENT_ID,
  GATEWAY_SCOPE,
  USER_X as X,
  claimsOf,
  control,
  emulatorPerCase,
  ssoTokenOf,
  type TestBody,
} from '../emulator/emulatorTestKit';

/**
 * @azure/identity's OnBehalfOfCredential against the emulated Entra (its authority over loopback):
 * a delegated token for the asked resource, and every refusal as a typed "sign in again" outcome.
 */
let emulator: RunningEmulator;
emulatorPerCase((rig) => ({ emulator } = rig));

const ssoToken = (audience?: string, expiresInSeconds?: number) =>
  ssoTokenOf(emulator, X, audience, expiresInSeconds);

const credentialFor = (assertion: string) =>
  onBehalfOfCredential(
    {
      tenantId: 'contoso.onmicrosoft.com',
      clientId: CLIENT_ID,
      clientSecret: 'secret',
      emulatorOrigin: emulator.url,
    },
    assertion,
  );

async function refusal(assertion: string): Promise<SignInNeededError> {
  const error = await credentialFor(assertion)
    .getToken(GATEWAY_SCOPE)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(SignInNeededError);
  return error as SignInNeededError;
}

it('gets a delegated gateway token that the delegated-only gateway accepts', async () => {
  await control(emulator, 'PUT', 'settings', { identity: { delegatedOnly: true } });
  const token = await credentialFor(await ssoToken()).getToken(GATEWAY_SCOPE);
  const claims: TestBody = claimsOf(token!.token);
  expect(claims).toMatchObject({ oid: X, aud: 'https://IntegratorApp.com', scp: 'user_impersonation' });
  const response = await fetch(
    `${emulator.url}/dualwrite/api/DualWriteManagement/1.0/Environments?targetType=AX&identifier=contoso-fo`,
    { headers: { Authorization: `Bearer ${token!.token}` } },
  );
  expect(response.status).toBe(200);
});

it('turns interaction_required (AADSTS50079) into a sign-in-needed outcome carrying the claims challenge', async () => {
  await control(emulator, 'PUT', 'settings', { identity: { interactionRequired: { oid: X, code: 50079 } } });
  const error = await refusal(await ssoToken());
  expect(error).toMatchObject({ code: 'sign_in_needed', reason: 'interaction_required', aadsts: 50079 });
  // @azure/identity drops it from its error; the credential reads it off Entra's answer.
  expect(JSON.parse(error.claims as string)).toEqual({
    access_token: { polids: { essential: true, values: ['9ab03e19-ed42-4168-b6b7-7001fb3e933a'] } },
  });
});

it('carries no claims challenge where Entra sent none', async () => {
  const error = await refusal(await ssoToken(`api://${CLIENT_ID}`, -60));
  expect(error.claims).toBeUndefined();
});

it('turns an expired assertion (AADSTS500133) into a sign-in-needed outcome', async () => {
  const error = await refusal(await ssoToken(`api://${CLIENT_ID}`, -60));
  expect(error).toMatchObject({ reason: 'assertion_expired', aadsts: 500133 });
});

it('turns an assertion for another app (AADSTS50013) into a sign-in-needed outcome', async () => {
  const error = await refusal(await ssoToken('api://another-app'));
  expect(error).toMatchObject({ reason: 'assertion_invalid', aadsts: 50013 });
});
