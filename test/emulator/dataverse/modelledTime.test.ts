import axios from 'axios';
import { startEmulatedDataverse, type EmulatedDataverse } from './emulatorHarness';

/**
 * The emulator's durations are the modelled ones: its own work on a request (SQLite, here made slow
 * on purpose) runs within the modelled round trip, not on top of it. The two cases told apart are
 * 1000 and 1700 ms; the upper bound leaves 400 ms for a machine loaded with other test processes.
 */
describe('emulated Dataverse: modelled time', () => {
  let dv: EmulatedDataverse;
  beforeAll(async () => {
    dv = await startEmulatedDataverse({ roundTripMs: 1000, executionMsPerOperation: 0, timeScale: 1 });
    dv.store.createOrg('timed');
  });
  afterAll(() => dv.close());

  test("a request's own 700 ms of emulator work is inside its 1000 ms round trip", async () => {
    const transaction = dv.store.transaction.bind(dv.store);
    dv.store.transaction = <T>(work: () => T): T =>
      transaction(() => {
        const until = performance.now() + 700;
        while (performance.now() < until); // the emulator's thread busy, as a slow SQLite would hold it
        return work();
      });
    const started = performance.now();
    const answer = await axios.get(`${dv.orgUrl('timed')}/api/data/v9.2/WhoAmI`, {
      headers: { Authorization: 'Bearer emulator.timed' },
    });
    const roundTrip = performance.now() - started;
    expect(answer.status).toBe(200);
    expect(roundTrip).toBeGreaterThanOrEqual(990);
    expect(roundTrip).toBeLessThan(1400);
  });
});
