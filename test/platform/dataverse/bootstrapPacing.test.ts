import { createDataverseClient } from '../../../src/platform/dataverse/dataverseClient';
import { parseCount, ServiceHints } from '../../../src/platform/dataverse/serviceHints';
import { EmulatorCredential } from '../../../src/platform/http/credentials';
import { startEmulatedDataverse, type EmulatedDataverse } from '../../emulator/dataverse/emulatorHarness';

/**
 * The service's hints over real HTTP: the emulated Dataverse writes the three documented headers on
 * its answers, and the bootstrap's pacing follows them (dop hint as the bound on batches in flight,
 * the remaining execution time as the brake before the limit).
 */
describe('Dataverse limit hints and the paced bootstrap', () => {
  let dv: EmulatedDataverse;
  /** The settings the emulator started with: every case gets them back, passed or failed. */
  let initialSettings: EmulatedDataverse['settings'];
  const credential = new EmulatorCredential();
  const token = async () => (await credential.getToken(`${dv.baseUrl}/.default`)).token;

  beforeAll(async () => {
    // Real execution cost per operation (so the budget moves), at a tenth of real time.
    dv = await startEmulatedDataverse({ roundTripMs: 20, executionMsPerOperation: 10, timeScale: 0.1 });
    initialSettings = { ...dv.settings };
  });
  afterAll(() => dv.close());
  afterEach(() => {
    Object.assign(dv.settings, initialSettings);
    dv.protection.reset();
    dv.stats.peakConcurrent = 0;
    dv.stats.throttled = {};
  });

  function seed(org: string, accounts: number): string {
    dv.store.seedExisting(org, { accounts, contacts: 0 });
    return String(dv.store.insert(org, 'cdm_companies', { cdm_companycode: 'USMF' }).cdm_companyid);
  }

  test('every answer carries x-ms-dop-hint and the remaining requests and execution time, written as Dataverse writes them', async () => {
    seed('headers', 3);
    Object.assign(dv.settings, { dopHint: 7 });
    const get = async () =>
      fetch(`${dv.orgUrl('headers')}/api/data/v9.2/accounts?$select=accountid`, {
        headers: { Authorization: `Bearer ${await token()}` },
      });
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ms-dop-hint')).toBe('7');
    expect(first.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')).toBe('5999');
    // 1,200 s of execution per window, minus the 10 ms this request cost: "1,199.99".
    expect(first.headers.get('x-ms-ratelimit-time-remaining-xrm-requests')).toBe('1,199.99');
    const second = await get();
    expect(second.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')).toBe('5998');
    expect(parseCount(second.headers.get('x-ms-ratelimit-time-remaining-xrm-requests'))).toBe(1199.98);
  });

  test('the client reads the hints of every answer, a 429 included', () => {
    const hints = new ServiceHints();
    hints.observe({
      status: 200,
      headers: {
        'x-ms-dop-hint': '48',
        'x-ms-ratelimit-burst-remaining-xrm-requests': '5993',
        'x-ms-ratelimit-time-remaining-xrm-requests': '1,199.46',
      },
      sentAt: 1,
    });
    expect(hints.dop).toBe(48);
    expect(hints.latest).toMatchObject({ requests: 5993, executionSeconds: 1199.46, sentAt: 1 });
    // An answer to an earlier request does not replace the reading of a later one.
    hints.observe({
      status: 200,
      headers: { 'x-ms-ratelimit-time-remaining-xrm-requests': '5.00' },
      sentAt: 0,
    });
    expect(hints.latest?.executionSeconds).toBe(1199.46);
    const before = performance.now();
    hints.observe({ status: 429, headers: { 'retry-after': '2' }, sentAt: 2 });
    expect(hints.throttled).toBe(1);
    expect(hints.throttledUntil).toBeGreaterThanOrEqual(before + 2000);
    expect(parseCount('not a number')).toBeUndefined();
  });

  test('the dop hint bounds the batches in flight', async () => {
    const companyId = seed('dop', 600);
    Object.assign(dv.settings, { dopHint: 2 });
    const client = createDataverseClient(dv.orgUrl('dop'), {
      credential,
      bootstrap: { batchSize: 20, concurrency: 12 },
    });
    expect(await client.stampRowsWithCompany('accounts', companyId, {})).toEqual({ stamped: 600 });
    expect(dv.stats.peakConcurrent).toBeLessThanOrEqual(2);
    expect(dv.store.stampCounts('dop', 'accounts')).toMatchObject({ rowsStamped: 600, stampedTwice: 0 });
  });

  test('at a tight limit the bootstrap slows down before it, instead of running into 429s', async () => {
    const companyId = seed('tight', 15_000);
    // 750 operations (7.5 s of execution) per 5 s window, requests out of the way: 15,000 rows need
    // about twenty windows, so the budget runs out again and again. The window (0.5 s here) must
    // outlast the bootstrap's start (metadata reads, first page, first round: 0.2-0.3 s in a cold,
    // busy process): with a shorter one those reads leave the window during the first round, whose
    // drop then understates what an operation costs, and the pacer overspends every window
    // (firstRound.ts; against Dataverse's 300 s window the start is a rounding error).
    Object.assign(dv.settings, {
      windowMs: 5_000,
      maxExecutionMsPerWindow: 7_500,
      maxRequestsPerWindow: 10_000,
    });
    const client = createDataverseClient(dv.orgUrl('tight'), {
      credential,
      bootstrap: { batchSize: 25, concurrency: 8 },
    });
    expect(await client.stampRowsWithCompany('accounts', companyId, {})).toEqual({ stamped: 15_000 });
    const throttled = Object.values(dv.stats.throttled).reduce((a, b) => a + b, 0);
    // Without the brake this run meets the limit more than once per window (33 times over 6,000 rows
    // in 2 s windows, measured by disabling it); paced, the budget's edge is read, not hit. A late reading on a busy machine
    // may still cross it now and then, so the bound is a quarter of the windows.
    expect(throttled).toBeLessThanOrEqual(5);
    expect(dv.store.stampCounts('tight', 'accounts')).toMatchObject({ rowsStamped: 15_000, stampedTwice: 0 });
    expect(dv.store.count('tight', 'accounts', (r) => r._msdyn_company_value === null)).toBe(0);
  });
});
