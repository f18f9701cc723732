// One contract, two stores: every test runs against a real SQLite file and a real PostgreSQL
// (TEST_DATABASE_URL or the embedded server of jest's global setup; no server is a failure).
// Signals: a command recorded on one replica wakes the replica driving the run.
import { STORE_KITS, openPair, type StoreHandle, type StoreKit } from './support/storeKits';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(STORE_KITS)('the signal contract on %s', (_name, openKit) => {
  // Each case gets its own database (a SQLite file, a PostgreSQL schema).
  let kit: StoreKit;
  let other: StoreHandle;
  beforeEach(async () => ({ kit, other } = await openPair(openKit)));
  afterEach(async () => kit?.close());

  describe('signals', () => {
    it("a command recorded on one replica reaches the other's listener at once", async () => {
      const heard: Array<{ runId: string; at: number }> = [];
      const stop = kit.signals.listen((runId) => heard.push({ runId, at: Date.now() }));
      const sentAt = Date.now();
      await other.signals.notify('run-42');
      for (let i = 0; i < 50 && heard.length === 0; i += 1) await sleep(10);
      stop();
      expect(heard.map((h) => h.runId)).toEqual(['run-42']);
      expect(heard[0].at - sentAt).toBeLessThan(500);
      await other.signals.notify('run-43');
      await sleep(100);
      expect(heard).toHaveLength(1);
    });
  });
});
