import { runSoak } from './support/soakRig';

/**
 * The soak in small (npm run soak is the full one: 20 runs, 5+ restarts): 3 new-existing setups at once
 * under a lighter fault mix while the bot is SIGKILLed and restarted twice. Every run succeeds, no
 * effect is lost or applied twice, every run has its completion notice.
 */
describe('soak (small)', () => {
  it('3 setups, 2 bot kills, faults: all succeed, nothing lost or repeated', async () => {
    const report = await runSoak({
      runs: 3,
      restarts: 2,
      maxRestarts: 2,
      killEveryMs: [4_000, 8_000],
      deadlineMs: 100_000,
      accountsPerOrg: 20,
      contactsPerOrg: 10,
      faults: {
        http: {
          latencyMs: 10,
          timeoutRate: 0.01,
          throttleRate: 0.03,
          retryAfterSeconds: 0,
          errorRate: 0.05,
          hangMs: 2500,
        },
        dataverse: {
          errorRate: 0.06,
          hangRate: 0.03,
          hangMs: 1_250_000,
          addedLatencyMs: 10,
          throttleBurst: 2,
        },
      },
    });
    process.stdout.write(`soak (small): ${JSON.stringify(report)}\n`);
    expect(report.failures).toEqual([]);
    expect(report.restarts).toBe(2);
    expect(report.succeeded).toBe(3);
    expect(report.effects_duplicated).toBe(0);
    expect(report.effects_lost).toBe(0);
    expect(report.notices_missing).toBe(0);
    expect(report.faults_injected.http_5xx + report.faults_injected.dataverse_503).toBeGreaterThan(0);
  }, 150_000);
});
