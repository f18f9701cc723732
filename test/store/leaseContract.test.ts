// One contract, two stores: every test runs against a real SQLite file and a real PostgreSQL
// (TEST_DATABASE_URL or the embedded server of jest's global setup; no server is a failure).
// Leases: who drives a run, and the fence that refuses a former holder's writes.
import { run } from './support/runFixture';
import { FencedWriteError } from '../../src/engine/runLeasePort';
import { STORE_KITS, openPair, type StoreHandle, type StoreKit } from './support/storeKits';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(STORE_KITS)('the lease contract on %s', (_name, openKit) => {
  // Each case gets its own database (a SQLite file, a PostgreSQL schema) and makes the rows it needs.
  let kit: StoreKit;
  let other: StoreHandle;
  beforeEach(async () => ({ kit, other } = await openPair(openKit)));
  afterEach(async () => kit?.close());

  describe('leases and fenced writes', () => {
    it('one holder at a time; a new holder gets a higher epoch; release frees the run at once', async () => {
      const a = await kit.leases.acquire('lease-1', 'replica-a', 60_000);
      expect(a).toMatchObject({ runId: 'lease-1', owner: 'replica-a', epoch: 1 });
      expect(await other.leases.acquire('lease-1', 'replica-b', 60_000)).toBeNull();
      expect(await kit.leases.acquire('lease-1', 'replica-a', 60_000)).toMatchObject({ epoch: 1 });
      const renewed = await kit.leases.renew('lease-1', a!, 90_000);
      expect(renewed!.expiresAt).toBeGreaterThan(a!.expiresAt);
      await kit.leases.release('lease-1', a!);
      const b = await other.leases.acquire('lease-1', 'replica-b', 60_000);
      expect(b).toMatchObject({ owner: 'replica-b', epoch: 2 });
      expect(await kit.leases.renew('lease-1', a!, 60_000)).toBeNull();
      expect(await kit.leases.current('lease-1')).toMatchObject({ owner: 'replica-b', epoch: 2 });
    });

    it('takes an expired lease over, and the old holder can no longer write or renew', async () => {
      await kit.runs.create(run('fenced', 'fo=f|dv=f'), 'key-fenced', []);
      const a = (await kit.leases.acquire('fenced', 'replica-a', 300))!;
      const written = await kit.runs.update('fenced', (r) => ({ run: { ...r, status: 'waiting' } }), a);
      expect(written).toMatchObject({ changed: true, run: { rev: 2 } });
      expect(await other.leases.acquire('fenced', 'replica-b', 60_000)).toBeNull();
      await sleep(400);
      const b = (await other.leases.acquire('fenced', 'replica-b', 60_000))!;
      expect(b.epoch).toBe(a.epoch + 1);

      const before = await kit.runs.fencedWrites();
      await expect(
        Promise.resolve().then(() =>
          kit.runs.update('fenced', (r) => ({ run: { ...r, status: 'failed' } }), a),
        ),
      ).rejects.toBeInstanceOf(FencedWriteError);
      expect(await kit.runs.fencedWrites()).toBe(before + 1);
      expect(await kit.leases.renew('fenced', a, 60_000)).toBeNull();
      expect(await other.runs.get('fenced')).toMatchObject({ rev: 2, status: 'waiting' });
      // The new holder writes; an admin's command (no fence) is never refused.
      expect(
        await other.runs.update('fenced', (r) => ({ run: { ...r, status: 'running' } }), b),
      ).toMatchObject({
        run: { rev: 3 },
      });
      expect(await kit.runs.update('fenced', (r) => ({ run: { ...r, status: 'cancelled' } }))).toMatchObject({
        run: { rev: 4 },
      });
    });

    it('an expired lease nobody took refuses writes until renewed', async () => {
      await kit.runs.create(run('lapsed', 'fo=l|dv=l'), 'key-lapsed', []);
      const a = (await kit.leases.acquire('lapsed', 'replica-a', 100))!;
      await sleep(200);
      await expect(
        Promise.resolve().then(() =>
          kit.runs.update('lapsed', (r) => ({ run: { ...r, status: 'waiting' } }), a),
        ),
      ).rejects.toBeInstanceOf(FencedWriteError);
      expect(await kit.leases.renew('lapsed', a, 60_000)).toMatchObject({ epoch: a.epoch });
      expect(await kit.runs.update('lapsed', (r) => ({ run: { ...r, status: 'waiting' } }), a)).toMatchObject(
        {
          changed: true,
        },
      );
    });
  });
});
