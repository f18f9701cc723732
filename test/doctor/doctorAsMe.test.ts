import type { RunningEmulator } from '../../src/emulator';
import { loadConfig } from '../../src/config';
import { checkDelegatedAccess, delegatedResources } from '../../src/doctor/delegatedAccess';
import { parseDoctorArgs, runDoctor } from '../../src/doctor/runDoctor';
import { control, startTestEmulator } from '../emulator/emulatorTestKit';

// `npm run doctor -- --as-me` against the emulator's Entra over real HTTP: a device-code sign-in
// (@azure/identity's DeviceCodeCredential), then one delegated-token check per resource.

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(async () => {
  await emulator.close();
});

const config = () =>
  loadConfig({
    DYNAMICS_MODE: 'emulator',
    EMULATOR_URL: emulator.url,
    DATA_DIR: '/tmp',
  } as NodeJS.ProcessEnv);

it('signs in once with a device code and reports a delegated token per resource, the gateway included', async () => {
  await control(emulator, 'PUT', 'settings', {
    identity: { deviceCodeUser: { oid: '00000000-0000-4000-8000-0000000000a1', name: 'Xavier Admin' } },
  });
  const prompts: string[] = [];
  const dataverse = `${emulator.url}/orgs/contoso`;
  const result = await runDoctor(
    config(),
    { financeOps: 'contoso-fo', dataverse },
    { asMe: true, prompt: (message) => prompts.push(message) },
  );
  expect(prompts).toHaveLength(1);
  expect(prompts[0]).toMatch(/devicelogin/);
  const delegated = result.checks.filter((check) => check.name.startsWith('delegated token: '));
  expect(delegated.map((check) => [check.name, check.ok])).toEqual([
    ['delegated token: Lifecycle Services', true],
    ['delegated token: dual-write gateway', true],
    ['delegated token: Power Platform API', true],
    ['delegated token: Power Platform admin (BAP)', true],
    ['delegated token: Dataverse', true],
  ]);
  expect(delegated[1].detail).toContain('https://IntegratorApp.com/.default');
});

it('names the consent to give, or the sign-in a policy asks for, when Entra refuses', async () => {
  const refusing = {
    getToken: async (scope: string | string[]) => {
      throw new Error(
        String(scope).includes('IntegratorApp')
          ? 'interaction_required: AADSTS50079: you must enroll in multi-factor authentication'
          : 'invalid_grant: AADSTS65001: The user or administrator has not consented to use the application',
      );
    },
  };
  const checks = await checkDelegatedAccess(refusing, delegatedResources('contoso'));
  expect(checks.map((check) => check.ok)).toEqual([false, false, false, false]);
  expect(checks[0].fix).toMatch(/admin consent to Dynamics Lifecycle services: user_impersonation/);
  expect(checks[1].fix).toMatch(/Conditional Access or multi-factor/);
});

it('takes --as-me', () => {
  expect(parseDoctorArgs(['--as-me'])).toMatchObject({ asMe: true, json: false });
});
