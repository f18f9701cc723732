// One contract, two stores: every test runs against a real SQLite file and a real PostgreSQL
// (TEST_DATABASE_URL or the embedded server of jest's global setup; no server is a failure).
import type { Run } from '../../src/engine/model';
import { run } from './support/runFixture';
import { FencedWriteError } from '../../src/engine/runLeasePort';
import { STORE_KITS, type StoreHandle, type StoreKit } from './support/storeKits';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(STORE_KITS)('the store contract on %s', (_name, openKit) => {
  // Each case gets its own database (a SQLite file, a PostgreSQL schema) and makes the rows it needs.
  let kit: StoreKit;
  let other: StoreHandle;
  beforeEach(async () => {
    kit = await openKit();
    other = await kit.replica();
  });
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
      expect(await kit.runs.findByRequestKey('key-1')).toMatchObject({ id: 'r1', rev: 1 });
      expect(await other.runs.findByRequestKey('key-4')).toMatchObject({ id: 'r4' });
      expect(await kit.runs.findByRequestKey('key-2')).toBeNull();
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
      expect(await other.runs.review('old')).toEqual({
        token: 'old',
        inputKey: 'k-old',
        reviewedAt: '2025-01-05T08:00:00.000Z',
      });
      await other.runs.recordReview(
        { token: 'new', inputKey: 'k-new', reviewedAt: '2025-01-06T09:00:00.000Z' },
        '2025-01-05T09:00:00.000Z',
      );
      expect(await kit.runs.review('old')).toBeNull();
      expect(await kit.runs.review('new')).toMatchObject({ inputKey: 'k-new' });
      expect(await kit.runs.review('unknown')).toBeNull();
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

  describe('conversations', () => {
    it('keeps references, posts each message once across replicas, and finds the run card', async () => {
      await kit.conversations.saveReference({ conversation: { id: 'c1' } as never, serviceUrl: 'http://x' });
      await other.conversations.saveReference({
        conversation: { id: 'c1' } as never,
        serviceUrl: 'http://y',
      });
      expect(await kit.conversations.getReference('c1')).toMatchObject({ serviceUrl: 'http://y' });
      expect(await kit.conversations.getReference('nope')).toBeNull();

      await kit.conversations.bindMessage('run-c', 'run', '', 'c1', 'act-run');
      expect(await other.conversations.conversationOf('run-c')).toBe('c1');
      const claims = await Promise.all([
        kit.conversations.claimMessage('run-c', 'approval', 's1', 'c1'),
        other.conversations.claimMessage('run-c', 'approval', 's1', 'c1'),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      await other.conversations.setActivityId('run-c', 'approval', 's1', 'act-approval');
      await kit.conversations.releaseClaim('run-c', 'approval', 's1'); // sent: not released
      expect(await kit.conversations.claimMessage('run-c', 'manual', 's2', 'c1')).toBe(true);
      await kit.conversations.releaseClaim('run-c', 'manual', 's2'); // never sent: released
      // Same millisecond: the order between them is not part of the contract.
      const messages = await kit.conversations.messagesOf('run-c');
      expect(messages.sort((x, y) => x.kind.localeCompare(y.kind))).toEqual([
        { runId: 'run-c', kind: 'approval', stepId: 's1', conversationId: 'c1', activityId: 'act-approval' },
        { runId: 'run-c', kind: 'run', stepId: '', conversationId: 'c1', activityId: 'act-run' },
      ]);
    });

    it('an unconfirmed claim is taken over by the recovery, and its first claimer then no longer holds it', async () => {
      expect(await kit.conversations.claimMessage('run-t', 'completion', 'succeeded@9', 'c1', 'r1')).toBe(
        true,
      );
      expect(await kit.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r1')).toBe(true);
      expect(await other.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r2')).toBe(false);
      // r2 restarts and recovers: it takes the claim over; r1, slow but alive, finds it gone.
      expect(await other.conversations.takeOverClaim('run-t', 'completion', 'succeeded@9', 'r2')).toBe(true);
      expect(await kit.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r1')).toBe(false);
      expect(await other.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r2')).toBe(true);
      // Once sent (confirmed), nobody holds or takes it any more.
      await other.conversations.setActivityId('run-t', 'completion', 'succeeded@9', 'act-done');
      expect(await kit.conversations.takeOverClaim('run-t', 'completion', 'succeeded@9', 'r1')).toBe(false);
      expect(await other.conversations.holdsClaim('run-t', 'completion', 'succeeded@9', 'r2')).toBe(false);
      expect(await kit.conversations.takeOverClaim('run-t', 'completion', 'never', 'r1')).toBe(false);
    });

    it('keeps one status card per run and conversation, the newest, apart from the posted messages', async () => {
      await kit.conversations.bindStatusCard('run-s', 'c1', 'status-1');
      await other.conversations.bindStatusCard('run-s', 'c2', 'status-2');
      await sleep(5);
      await kit.conversations.bindStatusCard('run-s', 'c1', 'status-3');
      expect(await other.conversations.statusCardsOf('run-s')).toEqual([
        { runId: 'run-s', conversationId: 'c2', activityId: 'status-2' },
        { runId: 'run-s', conversationId: 'c1', activityId: 'status-3' },
      ]);
      expect(await kit.conversations.messagesOf('run-s')).toEqual([]);
      expect(await kit.conversations.conversationOf('run-s')).toBeNull();
    });
  });

  describe('the send budget and card updates, for the bot as a whole', () => {
    it('allows no more sends per conversation than the limits, counting both replicas', async () => {
      const limits = [{ ms: 1_000, max: 7 }];
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : kit).conversations.reserveSend('busy', limits, `r${i % 2}`),
        ),
      );
      expect(answers.filter((wait) => wait === 0)).toHaveLength(7);
      const waits = answers.filter((wait) => wait > 0);
      expect(waits).toHaveLength(3);
      waits.forEach((wait) => expect(wait).toBeLessThanOrEqual(1_001));
      expect(await kit.conversations.reserveSend('quiet', limits, 'r0')).toBe(0);
      await sleep(Math.max(...waits));
      expect(await other.conversations.reserveSend('busy', limits, 'r1')).toBe(0);
    });

    it('an update of one card version is claimed by one replica only, and never after a newer one', async () => {
      const results = await Promise.all([
        kit.conversations.claimCardUpdate('run-x:run:', 3, 'a'),
        other.conversations.claimCardUpdate('run-x:run:', 3, 'b'),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const [winner, loser] = results[0] ? [kit, other] : [other, kit];
      const [winnerName, loserName] = results[0] ? ['a', 'b'] : ['b', 'a'];
      // The winner may retry its own send; the other replica may not send that version.
      expect(await winner.conversations.claimCardUpdate('run-x:run:', 3, winnerName)).toBe(true);
      expect(await loser.conversations.claimCardUpdate('run-x:run:', 3, loserName)).toBe(false);
      expect(await kit.conversations.claimCardUpdate('run-x:run:', 2, 'a')).toBe(false);
      expect(await other.conversations.claimCardUpdate('run-x:run:', 4, 'b')).toBe(true);
      expect(await kit.conversations.claimCardUpdate('run-y:run:', 1, 'a')).toBe(true);
    });
  });
});
