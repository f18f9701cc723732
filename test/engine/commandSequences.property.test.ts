import fc from 'fast-check';
import { FakeDynamics } from './fakes/fakePlatform';
import { instantClock } from './fakes/manualClock';
import { alice, bob, createHarness, reviewed } from './engineHarness';
import type { Run, StepStatus } from '../../src/engine/model';
import { ALLOWED_STEP_TRANSITIONS, deriveRunStatus, unmetNeeds } from '../../src/engine/runStateMachine';
import { DEFAULT_PARALLEL_STEPS } from '../../src/engine/setupEngine';

/**
 * Random sequences of admin commands (approve, reject, cancel, retry, skip, confirm a manual step),
 * repeated, out of order, with stale revs and the wrong people, interleaved with faults and with the
 * admin doing the manual work. After every command: no illegal state, no illegal transition, no
 * effect applied twice, and no approval decision changed by a later approve or reject.
 */
type Cmd =
  | {
      type: 'approve' | 'reject' | 'skip' | 'confirm';
      stepIndex: number;
      who: 'alice' | 'bob';
      staleRev: boolean;
    }
  | { type: 'retry' | 'cancel'; who: 'alice' | 'bob'; staleRev: boolean }
  | { type: 'fault'; op: 'createConnection' | 'runMap' | 'stampRowsWithCompany'; permanent: boolean }
  | { type: 'adminCreatesCompany' };

const who = fc.constantFrom<'alice' | 'bob'>('alice', 'bob');
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({
    type: fc.constantFrom<'approve' | 'reject' | 'skip' | 'confirm'>('approve', 'reject', 'skip', 'confirm'),
    stepIndex: fc.nat(12),
    who,
    staleRev: fc.boolean(),
  }),
  fc.record({ type: fc.constantFrom<'retry' | 'cancel'>('retry', 'cancel'), who, staleRev: fc.boolean() }),
  fc.record({
    type: fc.constant<'fault'>('fault'),
    op: fc.constantFrom<'createConnection' | 'runMap' | 'stampRowsWithCompany'>(
      'createConnection',
      'runMap',
      'stampRowsWithCompany',
    ),
    permanent: fc.boolean(),
  }),
  fc.record({ type: fc.constant<'adminCreatesCompany'>('adminCreatesCompany') }),
);

function reachable(from: StepStatus, to: StepStatus): boolean {
  const seen = new Set<StepStatus>([from]);
  const queue: StepStatus[] = [from];
  while (queue.length) {
    const current = queue.shift() as StepStatus;
    if (current === to) return true;
    for (const next of ALLOWED_STEP_TRANSITIONS[current]) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

function checkInvariants(run: Run, previous: Run | undefined, dyn: FakeDynamics): void {
  expect(run.status).toBe(deriveRunStatus(run));
  // A plan is a graph: a step acts only once every step it needs is done (succeeded or skipped); only
  // an approval may be asked (and decided or refused) before that.
  for (const step of run.steps) {
    const refusedApproval = ['rejected', 'approval_expired'].includes(step.error?.code ?? '');
    const acted =
      ['running', 'succeeded', 'awaiting_manual'].includes(step.status) ||
      (step.status === 'failed' && !refusedApproval);
    if (acted) expect([step.id, unmetNeeds(run, step).map((s) => s.id)]).toEqual([step.id, []]);
  }
  expect(run.steps.filter((s) => s.status === 'running').length).toBeLessThanOrEqual(DEFAULT_PARALLEL_STEPS);
  if (run.status !== 'cancelled') expect(run.steps.some((s) => s.status === 'cancelled')).toBe(false);
  if (run.status === 'succeeded' || run.status === 'cancelled') {
    expect(run.steps.some((s) => s.status === 'running')).toBe(false);
  }
  for (const step of run.steps) {
    if (step.status === 'succeeded' && step.needsApproval)
      expect(step.approval?.decision?.approved).toBe(true);
    if (step.approval?.decision?.approved) expect(step.approval.decision.by.id).not.toBe(run.requestedBy.id);
  }
  if (previous) {
    if (previous.status === 'succeeded' || previous.status === 'cancelled')
      expect(run.status).toBe(previous.status);
    for (const [index, step] of run.steps.entries()) {
      expect(reachable(previous.steps[index].status, step.status)).toBe(true);
    }
  }
  // Every effect at most once.
  for (const [op, count] of dyn.effects) {
    if (op.startsWith('stamp:')) continue;
    expect([op, count]).toEqual([op, 1]);
  }
  expect(dyn.count('stamp:accounts')).toBeLessThanOrEqual(30);
  expect(dyn.count('stamp:contacts')).toBeLessThanOrEqual(10);
}

describe('random command sequences (property)', () => {
  it('never reach an illegal state nor run a step twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 18 }), async (commands) => {
        const dyn = new FakeDynamics();
        dyn.capabilities.createLegalEntity = false; // one manual-with-verification step
        const h = createHarness(dyn.platform(), instantClock, {
          retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
        });
        try {
          const input = {
            scenario: 'new-existing',
            financeOpsName: 'fo-p',
            dataverseUrl: 'https://contoso.crm.fake',
            companyCode: 'CTSO',
            companyName: 'C',
            initialSyncEntities: ['Customers V3'],
          };
          const started = await h.engine.start(input, alice, await reviewed(h.engine, input));
          if (!started.ok) throw new Error(started.message);
          const runId = started.run.id;
          await h.engine.whenIdle();
          let previous = (await h.engine.get(runId)) as Run;
          checkInvariants(previous, undefined, dyn);
          for (const c of commands) {
            const run = (await h.engine.get(runId)) as Run;
            const actor = 'who' in c ? (c.who === 'alice' ? alice : bob) : bob;
            const rev = 'staleRev' in c && c.staleRev ? Math.max(0, run.rev - 3) : run.rev;
            const stepId = 'stepIndex' in c ? run.steps[c.stepIndex % run.steps.length].id : '';
            switch (c.type) {
              case 'approve':
              case 'reject': {
                // A decision is final: neither command changes one already made.
                const decided = run.steps.find((s) => s.id === stepId)?.approval?.decision;
                if (c.type === 'approve') await h.engine.approve(runId, stepId, actor, rev);
                else await h.engine.reject(runId, stepId, actor, rev, 'no');
                const after = ((await h.engine.get(runId)) as Run).steps.find((s) => s.id === stepId);
                if (decided) expect(after?.approval?.decision).toEqual(decided);
                break;
              }
              case 'skip':
                await h.engine.skip(runId, stepId, actor, rev);
                break;
              case 'confirm':
                await h.engine.confirmManual(runId, stepId, actor, rev);
                break;
              case 'retry':
                await h.engine.retry(runId, actor, rev);
                break;
              case 'cancel':
                await h.engine.cancel(runId, actor, rev);
                break;
              case 'fault':
                dyn.faults.push({
                  op: c.op,
                  errors: [Object.assign(new Error('boom'), { status: c.permanent ? 400 : 503 })],
                });
                break;
              case 'adminCreatesCompany':
                dyn.fo.get('fo-p')?.legalEntities.add('CTSO');
                break;
            }
            await h.engine.whenIdle();
            const current = (await h.engine.get(runId)) as Run;
            checkInvariants(current, previous, dyn);
            previous = current;
          }
        } finally {
          await h.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
