// One contract, two stores: every test runs against a real SQLite file and a real PostgreSQL
// (TEST_DATABASE_URL or the embedded server of jest's global setup; no server is a failure).
// The run store: runs, reviews and the limits on active runs.
import type { Run } from '../../src/engine/model';
import { run } from './support/runFixture';
import { STORE_KITS, openPair, type StoreHandle, type StoreKit } from './support/storeKits';

describe.each(STORE_KITS)('the run store contract on %s', (_name, openKit) => {
  // Each case gets its own database (a SQLite file, a PostgreSQL schema) and makes the rows it needs.
  let kit: StoreKit;
  let other: StoreHandle;
  beforeEach(async () => ({ kit, other } = await openPair(openKit)));
  afterEach(async () => kit?.close());

  /** r1 (started, one audit entry) holds fo=a and dv=x; r4 holds fo=c and dv=y. */
  async function startR1AndR4(): Promise<void> {
    for (const created of [
      await kit.runs.create(run('r1', 'fo=a|dv=x'), 'key-1', [
        { at: 'now', actor: null, action: 'run.started' },
      ]),
      await kit.runs.create(run('r4', 'fo=c|dv=y'), 'key-4', []),
    ]) {
      expect(created).toMatchObject({ ok: true, created: true });
    }
  }

  describe('runs', () => {
    it('creates a run once per request key and refuses a second active run on either environment', async () => {
      expect(
        await kit.runs.create(run('r1', 'fo=a|dv=x'), 'key-1', [
          { at: 'now', actor: null, action: 'run.started' },
        ]),
      ).toMatchObject({ ok: true, created: true });
      expect(await kit.runs.create(run('r1b', 'fo=a|dv=x'), 'key-1', [])).toMatchObject({
        ok: true,
        created: false,
        run: { id: 'r1' },
      });
      expect(await other.runs.create(run('r2', 'fo=b|dv=x'), 'key-2', [])).toMatchObject({
        ok: false,
        reason: 'locked',
        holder: { id: 'r1' },
      });
      expect(await kit.runs.get('r2')).toBeNull();
      expect(await kit.runs.create(run('r4', 'fo=c|dv=y'), 'key-4', [])).toMatchObject({ ok: true });
    });

    it('finds the run a request key created, from any replica; an unknown key finds nothing', async () => {
      await startR1AndR4();
      expect((await kit.runs.startContext('key-1')).run).toMatchObject({ id: 'r1', rev: 1 });
      expect((await other.runs.startContext('key-4')).run).toMatchObject({ id: 'r4' });
      expect((await kit.runs.startContext('key-2')).run).toBeNull();
    });

    it('lists the runs of one tenant: scoped runs of that tenant only, newest first', async () => {
      const scoped = (id: string, tenantId: string, minute: number): Run => ({
        // Finished runs: none of them is running.
        ...run(id, `fo=${id}|dv=${id}`, 'succeeded'),
        createdAt: `2025-01-06T10:0${minute}:00.000Z`,
        scope: { tenantId, conversationId: `19:${id}@thread.tacv2` },
      });
      await kit.runs.create(scoped('t1', 'tenant-contoso', 1), 'k-t1', []);
      await other.runs.create(scoped('t2', 'tenant-fabrikam', 2), 'k-t2', []);
      await kit.runs.create(scoped('t3', 'tenant-contoso', 3), 'k-t3', []);
      await kit.runs.create(run('unscoped', 'fo=legacy|dv=legacy', 'succeeded'), 'k-unscoped', []);
      expect((await kit.runs.list({ tenantId: 'tenant-contoso' })).map((r) => r.id)).toEqual(['t3', 't1']);
      expect((await other.runs.list({ tenantId: 'tenant-fabrikam' })).map((r) => r.id)).toEqual(['t2']);
      expect(await kit.runs.list({ tenantId: 'tenant-nobody' })).toEqual([]);
      expect(
        (await kit.runs.list({ tenantId: 'tenant-contoso', status: ['running'] })).map((r) => r.id),
      ).toEqual([]);
      expect((await kit.runs.get('t1'))?.scope).toEqual({
        tenantId: 'tenant-contoso',
        conversationId: '19:t1@thread.tacv2',
      });
      expect((await kit.runs.list()).map((r) => r.id)).toEqual(
        expect.arrayContaining(['t1', 't2', 't3', 'unscoped']),
      );
    });

    it('updates in one transaction with a rev bump and audit, and frees the lock when the run ends', async () => {
      await startR1AndR4();
      const result = await kit.runs.update('r1', (current) => ({
        run: { ...current, status: 'cancelled' },
        audit: [{ at: 'later', actor: { id: 'bob', name: 'Bob' }, action: 'cancel' }],
      }));
      expect(result).toMatchObject({ changed: true, run: { rev: 2, status: 'cancelled' } });
      expect(await other.runs.update('r1', () => null)).toMatchObject({ changed: false, run: { rev: 2 } });
      expect(await kit.runs.update('missing', () => null)).toBeNull();
      const audit = await other.runs.audit('r1');
      expect(audit.map((a) => a.action)).toEqual(['run.started', 'cancel']);
      expect(audit[1].actor).toEqual({ id: 'bob', name: 'Bob' });
      expect(await kit.runs.create(run('r3', 'fo=b|dv=x'), 'key-3', [])).toMatchObject({
        ok: true,
        created: true,
      });
      expect((await kit.runs.listUnfinished()).map((r) => r.id).sort()).toEqual(['r3', 'r4']);
      expect((await kit.runs.list({ status: ['cancelled'] })).map((r) => r.id)).toEqual(['r1']);
      await kit.runs.appendAudit('r3', [
        { at: 'x', actor: null, action: 'refused', stepId: 's1', detail: 'no' },
      ]);
      expect(await other.runs.audit('r3')).toEqual([
        { runId: 'r3', at: 'x', actor: null, action: 'refused', stepId: 's1', detail: 'no' },
      ]);
    });

    it('a failed mutation rolls back', async () => {
      expect(await kit.runs.create(run('r3', 'fo=b|dv=x'), 'key-3', [])).toMatchObject({ ok: true });
      await expect(
        Promise.resolve().then(() =>
          kit.runs.update('r3', () => {
            throw new Error('boom');
          }),
        ),
      ).rejects.toThrow('boom');
      expect(await other.runs.get('r3')).toMatchObject({ rev: 1, status: 'running' });
    });

    it("keeps a run's trace context through every write, for the replica that takes it over", async () => {
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await kit.runs.create({ ...run('traced', 'fo=t|dv=t'), trace: { traceparent } }, 'key-traced', []);
      await kit.runs.update('traced', (r) => ({ run: { ...r, status: 'waiting' } }));
      expect((await other.runs.get('traced'))?.trace).toEqual({ traceparent });
      expect((await other.runs.listUnfinished()).find((r) => r.id === 'traced')?.trace).toEqual({
        traceparent,
      });
    });

    it('two replicas starting runs on the same environment at once: exactly one wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : kit).runs.create(run(`race-${i}`, `fo=race-${i}|dv=race`), `race-key-${i}`, []),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('concurrent updates from two replicas lose nothing', async () => {
      await kit.runs.create(run('counter', 'fo=n|dv=n'), 'key-counter', []);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : kit).runs.update('counter', (current) => ({
            run: { ...current, steps: [...current.steps, { id: `s${i}` } as Run['steps'][number]] },
          })),
        ),
      );
      const counted = await kit.runs.get('counter');
      expect(counted?.rev).toBe(11);
      expect(counted?.steps).toHaveLength(10);
    });

    it('keeps a Review by its token and forgets reviews older than asked', async () => {
      await kit.runs.recordReview(
        { token: 'old', inputKey: 'k-old', reviewedAt: '2025-01-05T08:00:00.000Z' },
        '2025-01-04T09:00:00.000Z',
      );
      expect((await other.runs.startContext('old')).review).toEqual({
        token: 'old',
        inputKey: 'k-old',
        reviewedAt: '2025-01-05T08:00:00.000Z',
      });
      await other.runs.recordReview(
        { token: 'new', inputKey: 'k-new', reviewedAt: '2025-01-06T09:00:00.000Z' },
        '2025-01-05T09:00:00.000Z',
      );
      expect((await kit.runs.startContext('old')).review).toBeNull();
      expect((await kit.runs.startContext('new')).review).toMatchObject({ inputKey: 'k-new' });
      expect((await kit.runs.startContext('unknown')).review).toBeNull();
    });

    it('refuses a run past the limit of its requester or its tenant; finished runs do not count', async () => {
      const of = (id: string, by: string, tenantId: string, status: Run['status'] = 'running'): Run => ({
        ...run(id, `fo=${id}|dv=${id}`, status),
        requestedBy: { id: by, name: by },
        scope: { tenantId, conversationId: `19:${id}@thread.tacv2` },
      });
      const limits = { perRequester: 2, perTenant: 3 };
      expect(await kit.runs.create(of('a1', 'alice', 't1'), 'k-a1', [], limits)).toMatchObject({ ok: true });
      expect(await kit.runs.create(of('a0', 'alice', 't1', 'succeeded'), 'k-a0', [], limits)).toMatchObject({
        ok: true,
      });
      expect(await other.runs.create(of('a2', 'alice', 't1'), 'k-a2', [], limits)).toMatchObject({
        ok: true,
      });
      expect(await kit.runs.create(of('a3', 'alice', 't1'), 'k-a3', [], limits)).toEqual({
        ok: false,
        reason: 'limit',
        of: 'requester',
        limit: 2,
      });
      expect(await kit.runs.create(of('b1', 'bob', 't1'), 'k-b1', [], limits)).toMatchObject({ ok: true });
      expect(await other.runs.create(of('b2', 'bob', 't1'), 'k-b2', [], limits)).toEqual({
        ok: false,
        reason: 'limit',
        of: 'tenant',
        limit: 3,
      });
      // Another tenant has its own count; a repeated request key still answers its run.
      expect(await kit.runs.create(of('c1', 'carol', 't2'), 'k-c1', [], limits)).toMatchObject({ ok: true });
      expect(await kit.runs.create(of('a1', 'alice', 't1'), 'k-a1', [], limits)).toMatchObject({
        ok: true,
        created: false,
      });
      expect(await kit.runs.get('a3')).toBeNull();
      expect(await kit.runs.get('b2')).toBeNull();
    });

    it('concurrent starts from two handles never pass the limit together', async () => {
      const limits = { perRequester: 3, perTenant: 100 };
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? other : kit).runs.create(
            {
              ...run(`p${i}`, `fo=p${i}|dv=p${i}`),
              scope: { tenantId: 't1', conversationId: `19:p${i}@thread.tacv2` },
            },
            `k-p${i}`,
            [],
            limits,
          ),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      expect((await kit.runs.listUnfinished()).length).toBe(3);
    });
  });
});
