import type { RunningEmulator } from '../../src/emulator';
import { runDoctorChecks, type DoctorCheck } from '../../src/doctor/doctorChecks';
import { parseDoctorArgs } from '../../src/doctor/runDoctor';
import { createPlatform } from '../../src/platform/createPlatform';
import { control, startTestEmulator } from '../emulator/emulatorTestKit';

// The doctor's arguments, and the doctor under AZURE_AUTH=obo against the emulator over real HTTP.

const check = (checks: DoctorCheck[], name: string) => checks.find((c) => c.name === name);

let emulator: RunningEmulator;
beforeEach(async () => {
  emulator = await startTestEmulator();
});
afterEach(async () => {
  await emulator?.close();
});

describe('doctor arguments', () => {
  it('validates its arguments', () => {
    expect(parseDoctorArgs(['--json'])).toEqual({
      json: true,
      asMe: false,
      financeOps: 'contoso-fo',
      dataverse: 'contoso',
    });
    expect(
      parseDoctorArgs(['--fo', 'https://x.operations.dynamics.com', '--dv', 'y', '--linker', 'a@b.com']),
    ).toMatchObject({
      financeOps: 'https://x.operations.dynamics.com',
      linkingUser: 'a@b.com',
    });
    expect(() => parseDoctorArgs(['--bogus'])).toThrow(/Unknown option --bogus/);
    expect(() => parseDoctorArgs(['--fo', ' '])).toThrow(/--fo needs/);
  });
});

describe('npm run doctor with AZURE_AUTH=obo', () => {
  it('sends LCS and the gateway no app token: not checkable until an admin acts, no blocker', async () => {
    await control(emulator, 'PUT', 'settings', { identity: { delegatedOnly: true } });
    const app = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url, obo: 'app' });
    const checks = await runDoctorChecks(app, {
      financeOps: `${emulator.url}/fo/contoso-fo`,
      dataverse: `${emulator.url}/orgs/contoso`,
    });
    for (const name of ['lcs.environment', 'dualWrite.link'])
      expect(check(checks, name)).toMatchObject({
        state: 'not-checkable',
        detail: expect.stringContaining('not checkable until an admin acts'),
      });
    expect(checks.filter((c) => c.state === 'blocker')).toEqual([]);
    const { callers } = (await control(emulator, 'GET', 'state')).body;
    expect(callers).toEqual({ lcs: { app: 0, users: {} }, gateway: { app: 0, users: {} } });
  });
});
