import { FakeDynamics } from './fakes/fakePlatform';
import { ManualClock } from './fakes/manualClock';
import { alice, createHarness, reviewed, type Harness } from './engineHarness';
import type { Run } from '../../src/engine/model';

// Decisions that stay decided (docs/reliability.md): an approval past its expiry takes no decision
// whoever is asked and whether or not the driver's timer has fired; the first decision is final.

const newExisting = {
  scenario: 'new-existing',
  financeOpsName: 'fo-decide',
  dataverseUrl: 'https://contoso.crm.fake',
  companyCode: 'ctso',
  companyName: 'Contoso',
  initialSyncEntities: ['Customers V3'],
};
const priya = { id: 'priya', name: 'Priya Approver' };
const quinn = { id: 'quinn', name: 'Quinn Approver' };
const DAY = 24 * 3600_000;

function bootstrap(run: Run) {
  const step = run.steps.find((s) => s.kind === 'bootstrapCompanyData');
  if (!step) throw new Error('no bootstrap step');
  return step;
}

describe('approval decisions', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function waitingForApproval(dyn: FakeDynamics, clock: ManualClock): Promise<Run> {
    h = createHarness(dyn.platform(), clock, { pollIntervalMs: 0 });
    const started = await h.engine.start(newExisting, alice, await reviewed(h.engine, newExisting));
    if (!started.ok) throw new Error(started.message);
    await h.engine.whenIdle();
    const run = (await h.engine.get(started.run.id)) as Run;
    expect(bootstrap(run).status).toBe('awaiting_approval');
    return run;
  }

  it('a late approve, reject or skip is refused once the approval expired, before the timer fires', async () => {
    const dyn = new FakeDynamics();
    const clock = new ManualClock();
    const run = await waitingForApproval(dyn, clock);
    const id = bootstrap(run).id;
    clock.pass(DAY + 3_000); // 3 s past the expiry; the driver's timer has not fired yet

    for (const late of [
      await h!.engine.approve(run.id, id, priya, run.rev),
      await h!.engine.reject(run.id, id, priya, run.rev, 'too late'),
      await h!.engine.skip(run.id, id, alice, run.rev),
    ]) {
      expect(late).toMatchObject({
        ok: false,
        code: 'expired',
        message: expect.stringContaining('expired at 2025-01-07 09:00 UTC'),
      });
    }
    const stored = (await h!.engine.get(run.id)) as Run;
    expect(bootstrap(stored).status).toBe('awaiting_approval');
    expect(bootstrap(stored).approval?.decision).toBeUndefined();

    clock.advance(0); // the timer fires
    await h!.engine.whenIdle();
    const expired = (await h!.engine.get(run.id)) as Run;
    expect(bootstrap(expired).error?.code).toBe('approval_expired');
    expect(dyn.count('stamp:accounts')).toBe(0);
    expect(await h!.engine.approve(run.id, id, priya, expired.rev)).toMatchObject({ code: 'expired' });
    const refusals = (await h!.engine.audit(run.id)).filter((a) => a.action === 'refused (expired)');
    expect(refusals).toHaveLength(4);
  });

  it('after a restart, an approve that arrives before resume() is refused once expired', async () => {
    const dyn = new FakeDynamics();
    const clock = new ManualClock();
    const run = await waitingForApproval(dyn, clock);
    const file = h!.file;
    await h!.close();
    clock.pass(DAY + 3_000); // down past the expiry

    // The restarted process answers requests from `listen`; its engine resumes a moment later.
    h = createHarness(dyn.platform(), clock, { pollIntervalMs: 0 }, file);
    const early = await h.engine.approve(run.id, bootstrap(run).id, priya, run.rev);
    expect(early).toMatchObject({ ok: false, code: 'expired' });
    expect(bootstrap((await h.engine.get(run.id)) as Run).approval?.decision).toBeUndefined();

    await h.engine.resume();
    await h.engine.whenIdle();
    const after = (await h.engine.get(run.id)) as Run;
    expect(bootstrap(after).status).toBe('failed');
    expect(bootstrap(after).error?.code).toBe('approval_expired');
    expect(dyn.count('stamp:accounts')).toBe(0);
  });

  it('a reject from the same card after an approval is refused with who decided and when; the step is not failed', async () => {
    const dyn = new FakeDynamics();
    dyn.capabilities.createLegalEntity = false; // the company is a manual step: bootstrap waits for it
    const clock = new ManualClock();
    const run = await waitingForApproval(dyn, clock);
    const id = bootstrap(run).id;

    expect(await h!.engine.approve(run.id, id, priya, run.rev)).toMatchObject({ ok: true, changed: true });
    clock.pass(60_000);
    const stale = await h!.engine.reject(run.id, id, quinn, run.rev, 'not this company');
    expect(stale).toMatchObject({
      ok: false,
      code: 'decided',
      message: `"${bootstrap(run).title}" was already approved by Priya Approver at 2025-01-06 09:00 UTC; a decision is final.`,
    });
    await h!.engine.whenIdle();
    let current = (await h!.engine.get(run.id)) as Run;
    expect(current.status).not.toBe('failed');
    expect(bootstrap(current).status).toBe('awaiting_approval');
    expect(bootstrap(current).approval?.decision).toMatchObject({ approved: true, by: priya });

    // The approval holds: once the company exists the bootstrap stamps the rows.
    const company = current.steps.find((s) => s.kind === 'createCompany')!;
    dyn.fo.get('fo-decide')?.legalEntities.add('CTSO');
    await h!.engine.confirmManual(run.id, company.id, alice, current.rev);
    await h!.engine.whenIdle();
    current = (await h!.engine.get(run.id)) as Run;
    expect(bootstrap(current).status).toBe('succeeded');
    expect(dyn.count('stamp:accounts')).toBe(30);
  });
});
