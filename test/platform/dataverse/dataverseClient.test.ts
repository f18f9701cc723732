import type { AccessToken, TokenCredential } from '@azure/identity';
import { createDataverseClient } from '../../../src/platform/dataverse/dataverseClient';
import { DataverseError } from '../../../src/platform/dataverse/dataverseError';
import { EmulatorCredential } from '../../../src/platform/http/credentials';
import { startEmulatedDataverse, type EmulatedDataverse } from '../../emulator/dataverse/emulatorHarness';

/** The Dataverse client over real HTTP against the emulated Web API. */
describe('createDataverseClient', () => {
  let dv: EmulatedDataverse;
  let companyId: string;
  const credential = new EmulatorCredential();
  const client = (overrides: Partial<Parameters<typeof createDataverseClient>[1]> = {}) =>
    createDataverseClient(dv.orgUrl('contoso'), {
      credential,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      ...overrides,
    });

  beforeAll(async () => {
    dv = await startEmulatedDataverse();
    dv.store.seedExisting('contoso', { accounts: 12_001, contacts: 10 });
    companyId = String(
      dv.store.insert('contoso', 'cdm_companies', { cdm_companycode: 'USMF', cdm_name: 'Contoso USA' })
        .cdm_companyid,
    );
    dv.store.insert('contoso', 'solutions', {
      uniquename: 'Dynamics365Company',
      friendlyname: 'Dual-write core',
      version: '1.0.24.0',
    });
    dv.store.insert('contoso', 'solutions', { uniquename: 'System', version: '9.2.0.1' });
    dv.store.insert('contoso', 'systemusers', {
      fullname: 'Dual-write app',
      applicationid: '33976C19-1DB5-4C02-810E-C243DB79EFDE',
    });
    dv.store.insert('contoso', 'systemusers', { fullname: 'A person', applicationid: null });
  });
  afterAll(() => dv.close());
  afterEach(() => Object.assign(dv.settings, { throttleBurst: 0, errorRate: 0, hangRate: 0 }));

  test('listSolutions and listApplicationUserIds', async () => {
    const solutions = await client().listSolutions();
    expect(solutions).toEqual(
      expect.arrayContaining([
        { uniqueName: 'Dynamics365Company', version: '1.0.24.0' },
        { uniqueName: 'System', version: '9.2.0.1' },
      ]),
    );
    expect(await client().listApplicationUserIds()).toEqual(['33976c19-1db5-4c02-810e-c243db79efde']);
  });

  test('tableDisplayNames reads DisplayCollectionName from the table definitions, once per client', async () => {
    const dataverse = client();
    const before = dv.stats.requests;
    expect(await dataverse.tableDisplayNames!(['accounts', 'msdyn_vendors', 'no_such_tables'])).toEqual({
      accounts: 'Accounts',
      msdyn_vendors: 'Vendors',
    });
    expect(await dataverse.tableDisplayNames!(['contacts'])).toEqual({ contacts: 'Contacts' });
    expect(dv.stats.requests - before).toBe(1);
  });

  test('findCompany is case-insensitive and returns the code upper case; null when absent', async () => {
    expect(await client().findCompany('usmf')).toEqual({ id: companyId, code: 'USMF', name: 'Contoso USA' });
    expect(await client().findCompany('DEMF')).toBeNull();
    await expect(client().findCompany("x' or 1")).rejects.toThrow(DataverseError);
  });

  test('counts follow nextLink across pages (12,001 rows = 3 pages of at most 5000)', async () => {
    const before = dv.stats.requests;
    expect(await client().countRowsWithoutCompany('accounts')).toBe(12_001);
    expect(dv.stats.requests - before).toBe(6); // key + company lookup (2) metadata + 3 pages
    expect(await client().countRowsOfCompany('accounts', companyId)).toBe(0);
    await expect(client().countRowsWithoutCompany('nosuchtables')).rejects.toMatchObject({
      code: 'unknown_table',
    });
  });

  test('429 then success: Retry-After is honoured', async () => {
    dv.settings.throttleBurst = 1;
    dv.settings.throttleRetryAfterSeconds = 0.3;
    const started = performance.now();
    expect(await client({ retry: { baseDelayMs: 1, maxDelayMs: 1000 } }).listSolutions()).toHaveLength(2);
    expect(dv.stats.throttled['0x80072322']).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290); // waited the Retry-After, not the 1-5 ms backoff
  });

  test('401 without a valid token is a typed error', async () => {
    const foreign: TokenCredential = {
      getToken: async (): Promise<AccessToken> => ({
        token: 'eyJ0eXAi.not-for-this-service',
        expiresOnTimestamp: Date.now() + 60_000,
      }),
    };
    await expect(client({ credential: foreign }).listSolutions()).rejects.toMatchObject({
      name: 'DataverseError',
      status: 401,
    });
  });

  test('a request that hangs past the client timeout fails as a timeout', async () => {
    dv.settings.hangRate = 1;
    dv.settings.hangMs = 2_000;
    await expect(client({ timeoutMs: 150, retry: { maxAttempts: 1 } }).listSolutions()).rejects.toMatchObject(
      {
        code: 'timeout',
      },
    );
  });

  test('503s are retried for reads and surface as typed errors when they persist', async () => {
    dv.settings.errorRate = 1;
    await expect(
      client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }).listSolutions(),
    ).rejects.toMatchObject({
      status: 503,
      code: '0x80040216',
    });
  });
});
