import type { RunningEmulator } from '../../src/emulator';
import { startTestEmulator } from '../emulator/emulatorTestKit';

/** Every Dynamics 365 service the platform clients call refuses a request without a bearer token. */
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(async () => {
  await emulator.close();
});

describe('without a bearer token', () => {
  it.each([
    '/fo/contoso-fo/data/LegalEntities',
    '/lcs/environmentinfo/v1/detail/project/1/',
    '/bap/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2020-10-01',
    '/dualwrite/api/DualWriteManagement/1.0/Environments',
    '/orgs/contoso/api/data/v9.2/accounts',
  ])('GET %s answers 401 with a Bearer challenge', async (route) => {
    const response = await fetch(`${emulator.url}${route}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });
});
