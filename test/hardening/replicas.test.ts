import { runSoak } from './support/soakRig';
import { createTestSchema, type TestSchema } from '../support/postgres/testDatabase';

/**
 * Two bot processes on one PostgreSQL (the run's TEST_DATABASE_URL or embedded server): 10
 * new-existing setups started through either replica under light faults, while one replica is
 * SIGKILLed mid-run (and stays down past its leases) and the other is SIGSTOPped past its leases and
 * then SIGCONTed. Every run succeeds, every effect happens exactly once (emulator effects log and row
 * stamps), every notice exactly once, no in-place update is sent twice, no conversation goes over
 * Teams' limits, and the frozen replica, woken, wrote nothing (its writes were fenced).
 */
describe('two replicas on one PostgreSQL', () => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await createTestSchema('replicas');
  });
  afterAll(async () => schema?.drop());

  it('10 setups, one replica killed and one frozen: every run once, nothing twice', async () => {
    const report = await runSoak({
      runs: 10,
      restarts: 2,
      maxRestarts: 2,
      // Both disruptions must fall inside the runs (about 35 s on an idle machine since plans run
      // steps side by side): the kill 3-4.5 s in, the freeze the same time after the restart.
      killEveryMs: [3_000, 4_500],
      deadlineMs: 300_000,
      accountsPerOrg: 10,
      contactsPerOrg: 5,
      replicas: 2,
      databaseUrl: schema.url,
      leaseTtlSeconds: 6,
      faults: {
        http: {
          latencyMs: 10,
          timeoutRate: 0,
          throttleRate: 0.02,
          retryAfterSeconds: 0,
          errorRate: 0.03,
          hangMs: 2500,
        },
        dataverse: { errorRate: 0.03, hangRate: 0, hangMs: 1_250_000, addedLatencyMs: 10, throttleBurst: 2 },
      },
      log: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`replicas: ${JSON.stringify(report)}\n`);
    expect(report.failures).toEqual([]);
    expect(report.replicas).toBe(2);
    expect(report.restarts).toBe(2);
    expect(report.succeeded).toBe(10);
    expect(report.effects_duplicated).toBe(0);
    expect(report.effects_lost).toBe(0);
    expect(report.notices_missing).toBe(0);
    expect(report.notices_duplicated).toBe(0);
    expect(report.card_updates_repeated).toBe(0);
    expect(report.teams_limit_breaches).toBe(0);
    expect(report.takeovers).toBeGreaterThan(0);
  }, 420_000);
});
