import { createDataverseClient } from '../../../src/platform/dataverse/dataverseClient';
import type { BootstrapProgress } from '../../../src/engine/ports';
import { EmulatorCredential } from '../../../src/platform/http/credentials';
import { startEmulatedDataverse, type EmulatedDataverse } from '../../emulator/dataverse/emulatorHarness';

/** stampRowsWithCompany against the emulator: complete, never twice, resumable, fault-tolerant. */
describe('bootstrap (stampRowsWithCompany)', () => {
  let dv: EmulatedDataverse;
  const credential = new EmulatorCredential();

  beforeAll(async () => {
    dv = await startEmulatedDataverse();
  });
  afterAll(() => dv.close());
  afterEach(() =>
    Object.assign(dv.settings, { throttleBurst: 0, errorRate: 0, hangRate: 0, random: Math.random }),
  );

  function seed(org: string, accounts: number): string {
    dv.store.seedExisting(org, { accounts, contacts: 0 });
    return String(dv.store.insert(org, 'cdm_companies', { cdm_companycode: 'USMF' }).cdm_companyid);
  }
  const client = (org: string, extra: Partial<Parameters<typeof createDataverseClient>[1]> = {}) =>
    createDataverseClient(dv.orgUrl(org), {
      credential,
      retry: { baseDelayMs: 1, maxDelayMs: 20 },
      bootstrap: { batchSize: 25, concurrency: 4 },
      ...extra,
    });
  const companyless = (org: string) =>
    dv.store.count(org, 'accounts', (r) => r._msdyn_company_value === null);

  test('stamps every company-less row once, with progress up to done = total', async () => {
    const companyId = seed('plain', 1_000);
    dv.store.insert('plain', 'accounts', {
      name: 'already stamped',
      'msdyn_company@odata.bind': `/cdm_companies(${companyId})`,
    });
    const progress: BootstrapProgress[] = [];
    const result = await client('plain').stampRowsWithCompany('accounts', companyId, {
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({ stamped: 1_000 });
    expect(companyless('plain')).toBe(0);
    expect(dv.store.count('plain', 'accounts', (r) => r._msdyn_company_value === companyId)).toBe(1_001);
    expect(dv.store.stampCounts('plain', 'accounts')).toMatchObject({ rowsStamped: 1_000, stampedTwice: 0 });
    expect(progress[0]).toEqual({ done: 0, total: 1_000 });
    expect(progress.at(-1)).toEqual({ done: 1_000, total: 1_000 });
    expect(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done)).toBe(true);
  });

  test('under 503s, 429 bursts and requests that time out after committing: all stamped, none twice', async () => {
    const companyId = seed('faulty', 2_000);
    // The table's metadata (key, company lookup) is read before the faults start: this test is about the stamps.
    const faulty = client('faulty', { timeoutMs: 250 });
    expect(await faulty.countRowsWithoutCompany('accounts')).toBe(2_000);
    let state = 42;
    Object.assign(dv.settings, {
      random: () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31,
      errorRate: 0.15,
      hangRate: 0.1,
      hangMs: 1_000,
      throttleBurst: 3,
      throttleRetryAfterSeconds: 0.05,
    });
    const result = await faulty.stampRowsWithCompany('accounts', companyId, {});
    expect(dv.stats.injectedErrors + dv.stats.hangs).toBeGreaterThan(0);
    expect(companyless('faulty')).toBe(0);
    const stamps = dv.store.stampCounts('faulty', 'accounts');
    expect(stamps).toEqual({ rowsStamped: 2_000, stampedTwice: 0, stamps: 2_000 });
    // Rows whose batch timed out were stamped by the server but are not counted as ours.
    expect(result.stamped).toBeLessThanOrEqual(2_000);
  });

  test('stops between batches on abort and resumes with the rows still null, never re-sending stamped ones', async () => {
    const companyId = seed('resume', 1_500);
    const controller = new AbortController();
    await expect(
      client('resume').stampRowsWithCompany('accounts', companyId, {
        signal: controller.signal,
        onProgress: (p) => p.done >= 300 && controller.abort(),
      }),
    ).rejects.toBeDefined();
    const left = companyless('resume');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(1_500 - 300 + 1);

    const progress: BootstrapProgress[] = [];
    const resumed = await client('resume').stampRowsWithCompany('accounts', companyId, {
      onProgress: (p) => progress.push(p),
    });
    expect(resumed.stamped).toBe(left);
    expect(progress[0]).toEqual({ done: 0, total: left });
    expect(companyless('resume')).toBe(0);
    expect(dv.store.stampCounts('resume', 'accounts')).toMatchObject({ rowsStamped: 1_500, stampedTwice: 0 });
  });

  test('a row deleted meanwhile is not re-created (If-Match: *)', async () => {
    const companyId = seed('deleted', 200);
    const victims = dv.store
      .list('deleted', 'accounts')
      .slice(0, 5)
      .map((r) => String(r.accountid));
    let deleted = false;
    await client('deleted').stampRowsWithCompany('accounts', companyId, {
      onProgress: () => {
        if (deleted) return;
        deleted = true;
        for (const id of victims) dv.store.delete('deleted', 'accounts', id);
      },
    });
    expect(dv.store.count('deleted', 'accounts')).toBe(195);
    expect(victims.every((id) => dv.store.getRecord('deleted', 'accounts', id) === undefined)).toBe(true);
    expect(companyless('deleted')).toBe(0);
  });

  test('refuses a company that does not exist before touching any row', async () => {
    seed('nocompany', 10);
    await expect(
      client('nocompany').stampRowsWithCompany('accounts', 'ffffffff-0000-4000-8000-000000000000', {}),
    ).rejects.toMatchObject({ status: 404 });
    expect(companyless('nocompany')).toBe(10);
  });
});
