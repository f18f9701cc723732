// The lease handover of a "Continue as me" click (docs/engine.md, "State machine", the obo
// paragraph), on both stores: a real SQLite file and a real PostgreSQL (jest's global setup).
import { FencedWriteError } from '../../src/engine/runLeasePort';
import { run } from './support/runFixture';
import { STORE_KITS, type StoreHandle, type StoreKit } from './support/storeKits';

describe.each(STORE_KITS)('the lease handover on %s', (_name, openKit) => {
  let kit: StoreKit;
  let other: StoreHandle;
  beforeEach(async () => {
    kit = await openKit();
    other = await kit.replica();
  });
  afterEach(async () => kit?.close());

  it('takes a live lease with a higher epoch; the old holder can no longer write, renew or release', async () => {
    await kit.runs.create(run('handed', 'fo=h|dv=h'), 'key-handed', []);
    const a = (await kit.leases.acquire('handed', 'replica-a', 60_000))!;
    expect(await other.leases.acquire('handed', 'replica-b', 60_000)).toBeNull();

    const b = await other.leases.handOver('handed', 'replica-b', 60_000);
    expect(b).toMatchObject({ runId: 'handed', owner: 'replica-b', epoch: a.epoch + 1 });
    expect(await kit.leases.current('handed')).toEqual(b);

    const before = await kit.runs.fencedWrites();
    await expect(
      Promise.resolve().then(() =>
        kit.runs.update('handed', (r) => ({ run: { ...r, status: 'failed' } }), a),
      ),
    ).rejects.toBeInstanceOf(FencedWriteError);
    expect(await kit.runs.fencedWrites()).toBe(before + 1);
    expect(await kit.leases.renew('handed', a, 60_000)).toBeNull();
    expect(await kit.leases.acquire('handed', 'replica-a', 60_000)).toBeNull();
    await kit.leases.release('handed', a); // the old fence matches nothing: B keeps the run
    expect(await kit.leases.current('handed')).toEqual(b);
    expect(await other.runs.update('handed', (r) => ({ run: { ...r, status: 'running' } }), b)).toMatchObject(
      { changed: true, run: { status: 'running' } },
    );
  });

  it('keeps the epoch of a holder that hands itself the lease, and takes a free or new run', async () => {
    const a = (await kit.leases.acquire('own', 'replica-a', 60_000))!;
    const again = await kit.leases.handOver('own', 'replica-a', 90_000);
    expect(again).toMatchObject({ owner: 'replica-a', epoch: a.epoch });
    expect(again.expiresAt).toBeGreaterThan(a.expiresAt);

    expect(await other.leases.handOver('fresh', 'replica-b', 60_000)).toMatchObject({
      owner: 'replica-b',
      epoch: 1,
    });
    await kit.leases.release('own', again);
    expect(await other.leases.handOver('own', 'replica-b', 60_000)).toMatchObject({
      owner: 'replica-b',
      epoch: a.epoch + 1,
    });
  });
});
