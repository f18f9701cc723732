import { FakeDynamics } from './fakes/fakePlatform';
import { ManualClock, instantClock } from './fakes/manualClock';
import { alice, bob, createHarness, newExistingInput, reviewed, type Harness } from './engineHarness';
import type { Run } from '../../src/engine/model';

const newExisting = newExistingInput;

function step(run: Run, kind: string) {
  const found = run.steps.find((s) => s.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found;
}

describe('setup engine commands (fake platform)', () => {
  let h: Harness;
  let dyn: FakeDynamics;
  let token: string;
  afterEach(async () => h?.close());

  async function startAndWaitForApproval() {
    return startAndWaitForApprovalWith(new FakeDynamics());
  }

  async function startAndWaitForApprovalWith(fake: FakeDynamics) {
    dyn = fake;
    h = createHarness(dyn.platform(), instantClock);
    token = await reviewed(h.engine, newExisting);
    const started = await h.engine.start(newExisting, alice, token);
    if (!started.ok) throw new Error(started.message);
    await h.engine.whenIdle();
    const run = (await h.engine.get(started.run.id)) as Run;
    return run;
  }

  it('runs up to the bootstrap approval, shows rows per table, and refuses the requester (four-eyes)', async () => {
    const run = await startAndWaitForApproval();
    expect(run.status).toBe('waiting');
    const bootstrap = step(run, 'bootstrapCompanyData');
    expect(bootstrap.status).toBe('awaiting_approval');
    expect(bootstrap.approval?.summary).toMatchObject({
      companyCode: 'CTSO',
      rowsPerTable: { accounts: 30, contacts: 10 },
      totalRows: 40,
    });
    expect(dyn.count('stamp:accounts')).toBe(0);

    const own = await h.engine.approve(run.id, bootstrap.id, alice, run.rev);
    expect(own).toMatchObject({ ok: false, code: 'four_eyes' });

    const approved = await h.engine.approve(run.id, bootstrap.id, bob, run.rev);
    expect(approved.ok).toBe(true);
    const again = await h.engine.approve(run.id, bootstrap.id, bob, run.rev);
    expect(again).toMatchObject({ ok: true, changed: false });
    await h.engine.whenIdle();

    const done = (await h.engine.get(run.id)) as Run;
    expect(done.status).toBe('succeeded');
    expect(dyn.count('stamp:accounts')).toBe(30);
    expect(dyn.count('stamp:contacts')).toBe(10);
    expect(dyn.count('createLegalEntity')).toBe(1);
    expect(dyn.count('runMap:accounts - Customers V3')).toBe(1);
    expect(dyn.count('initialSync:accounts - Customers V3')).toBe(1);
    expect(step(done, 'bootstrapCompanyData').progress).toEqual({ done: 40, total: 40, unit: 'rows' });
    const actions = (await h.engine.audit(run.id)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'run.started',
        'approval.requested',
        'approved',
        'step.succeeded',
        'run.succeeded',
      ]),
    );
    expect((await h.engine.audit(run.id)).find((a) => a.action === 'approved')?.actor).toEqual(bob);
  });

  it('a repeated start with the same request key returns the same run; another start for the pair is locked', async () => {
    const run = await startAndWaitForApproval();
    const repeat = await h.engine.start(newExisting, alice, token);
    expect(repeat).toMatchObject({ ok: true, changed: false });
    if (repeat.ok) expect(repeat.run.id).toBe(run.id);
    const other = await h.engine.start(newExisting, bob, await reviewed(h.engine, newExisting));
    expect(other).toMatchObject({ ok: false, code: 'locked' });
    if (!other.ok) expect(other.message).toContain('Alice');
    expect((await h.engine.list()).length).toBe(1);
  });

  it('a repeated start answers with its run before planning: the link the run made does not refuse it', async () => {
    dyn = new FakeDynamics();
    // Once the run is under way the Dataverse environment reads as integrated with an F&O that planning
    // does not find by the run's name (as a unified environment the run made is not in LCS): a new
    // plan's pre-flight refuses it (docs/domain.md §6); the run that made it must not be refused.
    let linkedTo: string | null = null;
    const platform = dyn.platform();
    const dataverse = platform.dataverse;
    platform.dataverse = (url) => ({
      ...dataverse(url),
      integrationDetails: async () =>
        linkedTo ? { financeOpsUrl: linkedTo, financeOpsEnvironmentId: 'fo-env', tenantId: 't' } : null,
    });
    h = createHarness(platform, instantClock);
    const token = await reviewed(h.engine, newExisting);
    const started = await h.engine.start(newExisting, alice, token);
    if (!started.ok) throw new Error(started.message);
    await h.engine.whenIdle();
    linkedTo = 'https://fo-test-unified.operations.dynamics.com';
    // A restart: the new engine has no plan previews cached, so a Start plans (and checks) again.
    await h.close();
    h = createHarness(platform, instantClock, {}, h.file);
    const repeat = await h.engine.start(newExisting, alice, token);
    expect(repeat).toMatchObject({ ok: true, changed: false, run: { id: started.run.id } });
    // A new Review of the same input meets the link the run made: its plan cannot start.
    const fresh = await h.engine.preview(newExisting);
    expect(fresh.canStart).toBe(false);
    expect(fresh.reviewToken).toBeUndefined();
    expect(fresh.findings.map((f) => f.message).join(' ')).toContain(
      'Power Platform integration environment',
    );
    expect((await h.engine.list()).length).toBe(1);
  });

  it('reject fails the step with the reason; retry asks again; skip passes over it', async () => {
    const run = await startAndWaitForApproval();
    const id = step(run, 'bootstrapCompanyData').id;
    const rejected = await h.engine.reject(run.id, id, bob, run.rev, 'wrong company');
    expect(rejected.ok).toBe(true);
    let current = (await h.engine.get(run.id)) as Run;
    expect(current.status).toBe('failed');
    expect(step(current, 'bootstrapCompanyData').error).toEqual({
      code: 'rejected',
      message: 'Rejected by Bob: wrong company',
    });
    expect(await h.engine.approve(run.id, id, bob, current.rev)).toMatchObject({
      ok: false,
      code: 'decided',
      message: expect.stringContaining('already rejected by Bob at'),
    });

    await h.engine.retry(run.id, alice, current.rev);
    await h.engine.whenIdle();
    current = (await h.engine.get(run.id)) as Run;
    expect(step(current, 'bootstrapCompanyData').status).toBe('awaiting_approval');
    expect(step(current, 'bootstrapCompanyData').approval?.decision).toBeUndefined();

    // A click from the card of the first request is stale.
    expect(await h.engine.approve(run.id, id, bob, run.rev)).toMatchObject({ ok: false, code: 'stale' });

    await h.engine.skip(run.id, id, alice, current.rev);
    await h.engine.whenIdle();
    current = (await h.engine.get(run.id)) as Run;
    expect(step(current, 'bootstrapCompanyData').status).toBe('skipped');
    expect(current.status).toBe('succeeded');
    expect(dyn.count('stamp:accounts')).toBe(0);
  });

  it('sends a reminder before the approval expires, then fails the step as expired', async () => {
    const clock = new ManualClock();
    dyn = new FakeDynamics();
    h = createHarness(dyn.platform(), clock, { pollIntervalMs: 0 });
    const reminders: string[] = [];
    const expired: string[] = [];
    h.engine.on('approval.reminder', ({ step: s }) => reminders.push(s.id));
    h.engine.on('approval.expired', ({ step: s }) => expired.push(s.id));
    const started = await h.engine.start(newExisting, alice, await reviewed(h.engine, newExisting));
    if (!started.ok) throw new Error(started.message);
    await h.engine.whenIdle();
    expect(step((await h.engine.get(started.run.id)) as Run, 'bootstrapCompanyData').status).toBe(
      'awaiting_approval',
    );

    clock.advance(22 * 3600_000);
    await h.engine.whenIdle();
    expect(reminders).toEqual([]);
    clock.advance(1.5 * 3600_000);
    await h.engine.whenIdle();
    expect(reminders).toHaveLength(1);
    clock.advance(3600_000);
    await h.engine.whenIdle();
    const run = (await h.engine.get(started.run.id)) as Run;
    expect(expired).toHaveLength(1);
    expect(run.status).toBe('failed');
    expect(step(run, 'bootstrapCompanyData').error?.code).toBe('approval_expired');
  });

  it('retries a transient fault (honouring Retry-After) and fails a permanent one with its reason', async () => {
    dyn = new FakeDynamics();
    dyn.faults.push({
      op: 'createLegalEntity',
      errors: [Object.assign(new Error('Too many requests'), { status: 429, retryAfterMs: 1 })],
    });
    h = createHarness(dyn.platform(), instantClock);
    const started = await h.engine.start(newExisting, alice, await reviewed(h.engine, newExisting));
    if (!started.ok) throw new Error(started.message);
    await h.engine.whenIdle();
    let run = (await h.engine.get(started.run.id)) as Run;
    expect(step(run, 'createCompany').status).toBe('succeeded');
    expect(dyn.count('createLegalEntity')).toBe(1);

    // Permanent: a 400 from F&O during a later step.
    await h.close();
    dyn = new FakeDynamics();
    dyn.faults.push({
      op: 'createLegalEntity',
      errors: [Object.assign(new Error('Company name is too long'), { status: 400 })],
    });
    h = createHarness(dyn.platform(), instantClock);
    const second = await h.engine.start(newExisting, alice, await reviewed(h.engine, newExisting));
    if (!second.ok) throw new Error(second.message);
    await h.engine.whenIdle();
    run = (await h.engine.get(second.run.id)) as Run;
    expect(run.status).toBe('failed');
    expect(step(run, 'createCompany').error).toEqual({
      code: 'http_400',
      message: 'Company name is too long',
    });
    await h.engine.retry(run.id, alice);
    await h.engine.whenIdle();
    expect(step((await h.engine.get(run.id)) as Run, 'createCompany').status).toBe('succeeded');
  });

  it('a wait that fails after the gateway accepted Apply Solution is resumed on that request, not applied again', async () => {
    dyn = new FakeDynamics();
    dyn.faults.push({
      op: 'applySolution.wait',
      errors: [Object.assign(new Error('Service unavailable'), { status: 503 })],
    });
    h = createHarness(dyn.platform(), instantClock);
    const started = await h.engine.start(newExisting, alice, await reviewed(h.engine, newExisting));
    if (!started.ok) throw new Error(started.message);
    await h.engine.whenIdle();
    const run = (await h.engine.get(started.run.id)) as Run;
    expect(step(run, 'applySolution').status).toBe('succeeded');
    expect(dyn.faults[0].errors).toHaveLength(0); // the wait did fail once
    expect(dyn.count('applySolution:msdyn_DualWriteAppCoreMaps')).toBe(1);
    expect(dyn.count('applySolution:msdyn_Dynamics365HCMMaps')).toBe(1);
  });

  it('cancel stops the running step through its AbortSignal and starts nothing after it', async () => {
    dyn = new FakeDynamics();
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let sawAbort = false;
    dyn.hooks.set(
      'stampRowsWithCompany',
      (signal) =>
        new Promise<void>((_resolve, reject) => {
          entered();
          signal?.addEventListener('abort', () => {
            sawAbort = true;
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
          });
        }),
    );
    const run0 = await startAndWaitForApprovalWith(dyn);
    await h.engine.approve(run0.id, step(run0, 'bootstrapCompanyData').id, bob, run0.rev);
    await inside;
    const cancelled = await h.engine.cancel(run0.id, bob);
    expect(cancelled.ok).toBe(true);
    await h.engine.whenIdle();
    const run = (await h.engine.get(run0.id)) as Run;
    expect(sawAbort).toBe(true);
    expect(run.status).toBe('cancelled');
    expect(run.steps.filter((s) => s.status === 'running')).toHaveLength(0);
    expect(step(run, 'bootstrapCompanyData').status).toBe('cancelled');
    expect(step(run, 'initialSync').status).toBe('cancelled');
    expect(dyn.count('initialSync:accounts - Customers V3')).toBe(0);
    expect(await h.engine.cancel(run.id, bob)).toMatchObject({ ok: true, changed: false });
    expect((await h.engine.audit(run.id)).map((a) => a.action)).toEqual(
      expect.arrayContaining(['cancel', 'run.cancelled']),
    );
    // The lock is free again.
    const next = await h.engine.start(newExisting, alice, await reviewed(h.engine, newExisting));
    expect(next.ok).toBe(true);
  });

  it('manual steps wait for Done, verify through the APIs, and stay waiting with the reason when not done', async () => {
    dyn = new FakeDynamics();
    dyn.capabilities.createLegalEntity = false;
    h = createHarness(dyn.platform(), instantClock);
    const manual: string[] = [];
    h.engine.on('manual.requested', ({ step: s }) => manual.push(s.id));
    const started = await h.engine.start(newExisting, alice, await reviewed(h.engine, newExisting));
    if (!started.ok) throw new Error(started.message);
    await h.engine.whenIdle();
    let run = (await h.engine.get(started.run.id)) as Run;
    const company = step(run, 'createCompany');
    expect(company.mode).toBe('manual');
    expect(company.status).toBe('awaiting_manual');
    expect(company.instructions).toContain('Legal entities');
    expect(manual).toEqual([company.id]);

    await h.engine.confirmManual(run.id, company.id, alice, run.rev);
    await h.engine.whenIdle();
    run = (await h.engine.get(run.id)) as Run;
    expect(step(run, 'createCompany').status).toBe('awaiting_manual');
    expect(step(run, 'createCompany').verification).toMatchObject({
      ok: false,
      message: expect.stringContaining('CTSO'),
    });

    dyn.fo.get('fo-test')?.legalEntities.add('CTSO'); // the admin creates it in F&O
    await h.engine.confirmManual(run.id, company.id, alice, run.rev);
    await h.engine.whenIdle();
    run = (await h.engine.get(run.id)) as Run;
    expect(step(run, 'createCompany').status).toBe('succeeded');
    expect(step(run, 'bootstrapCompanyData').status).toBe('awaiting_approval');
  });
});
