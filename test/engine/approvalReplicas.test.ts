import { FakeDynamics } from './fakes/fakePlatform';
import { ManualClock } from './fakes/manualClock';
import { alice, reviewed } from './engineHarness';
import type { Run } from '../../src/engine/model';
import type { RunStore } from '../../src/engine/runStorePort';
import { createSetupEngine, type SetupEngine } from '../../src/engine/setupEngine';
import { openPostgresKit, type StoreHandle, type StoreKit } from '../store/support/storeKits';

// Two replicas on one PostgreSQL (the tests' server, a fresh schema). Replica A holds the run's lease
// and is frozen: its clock stands still, so its expiry timer never fires. Replica B, whose clock is
// 3 s past the approval's expiry, receives the approve. Nothing may be decided, nor stamped.

const DAY = 24 * 3600_000;
const priya = { id: 'priya', name: 'Priya Approver' };
const input = {
  scenario: 'new-existing',
  financeOpsName: 'fo-replicas',
  dataverseUrl: 'https://contoso.crm.fake',
  companyCode: 'ctso',
  companyName: 'Contoso',
  initialSyncEntities: ['Customers V3'],
};

function replica(handle: StoreHandle, dyn: FakeDynamics, clock: ManualClock, owner: string): SetupEngine {
  return createSetupEngine({
    platform: dyn.platform(),
    store: handle.runs as RunStore,
    clock,
    approvalTimeoutMs: DAY,
    approvalReminderMs: 0,
    fourEyes: true,
    pollIntervalMs: 0,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    // Leases outlast the test and no heartbeat runs in it: A keeps the run throughout.
    replicas: { leases: handle.leases, signals: handle.signals, owner, ttlMs: 600_000, heartbeatMs: 600_000 },
  });
}

describe('an expired approval across two replicas', () => {
  let kit: StoreKit | undefined;
  const engines: SetupEngine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
    await kit?.close();
  });

  it('an approve sent to the other replica after expiry is refused and nothing is stamped', async () => {
    kit = await openPostgresKit();
    const dyn = new FakeDynamics();
    const clockA = new ManualClock();
    const clockB = new ManualClock();
    const a = replica(kit, dyn, clockA, 'replica-a');
    const b = replica(await kit.replica(), dyn, clockB, 'replica-b');
    engines.push(a, b);
    await a.resume();
    await b.resume();

    const started = await a.start(input, alice, await reviewed(a, input));
    if (!started.ok) throw new Error(started.message);
    await a.whenIdle();
    const run = (await a.get(started.run.id)) as Run;
    const step = run.steps.find((s) => s.kind === 'bootstrapCompanyData')!;
    expect(step.status).toBe('awaiting_approval');
    expect(dyn.count('stamp:accounts')).toBe(0);

    clockB.pass(DAY + 3_000); // A is frozen: its clock (and expiry timer) stands still
    const late = await b.approve(run.id, step.id, priya, run.rev);
    expect(late).toMatchObject({ ok: false, code: 'expired' });
    const stored = (await b.get(run.id)) as Run;
    expect(stored.steps.find((s) => s.id === step.id)?.approval?.decision).toBeUndefined();

    // A thaws: its timer fires and expires the request; the rows stay as they were.
    clockA.advance(DAY + 3_000);
    await a.whenIdle();
    const after = (await a.get(run.id)) as Run;
    expect(after.steps.find((s) => s.id === step.id)?.error?.code).toBe('approval_expired');
    expect(dyn.count('stamp:accounts')).toBe(0);
    expect(dyn.count('stamp:contacts')).toBe(0);
    expect((await a.audit(run.id)).map((e) => e.action)).toContain('refused (expired)');
  });
});
