import { awaitActingAdmin, continueAsMeCommand } from '../../src/engine/actingAdmin';
import type { Run, StepState } from '../../src/engine/model';

/** The pure transitions of "Continue as me" (src/engine/actingAdmin.ts) on a stored run. */
const X = { id: 'x', name: 'Xavier' };
const Y = { id: 'y', name: 'Yasmin' };
const AT = '2026-12-07T18:00:00.000Z';

function runWith(step: Partial<StepState>): Run {
  return {
    id: 'run-00000001',
    status: 'running',
    rev: 3,
    requestedBy: X,
    steps: [
      { id: 's1', kind: 'enableEntityMaps', title: 'Run the maps', status: 'pending', attempts: 0, ...step },
    ],
  } as unknown as Run;
}

it('an approved step that acts as the admin waits for them when it is reached, then runs on their click', () => {
  const run = runWith({
    status: 'awaiting_approval',
    approval: { requestedAt: AT, expiresAt: AT, summary: {}, decision: { approved: true, by: Y, at: AT } },
  });
  const waiting = awaitActingAdmin('s1').apply(run, AT);
  expect(waiting?.run.steps[0]).toMatchObject({ status: 'awaiting_manual', actAs: { admin: X, since: AT } });
  expect(waiting?.run.status).toBe('waiting');
  const refused = continueAsMeCommand(waiting!.run, 's1', { actor: Y, at: AT, fourEyes: true });
  expect(refused).toEqual({
    kind: 'refuse',
    code: 'forbidden',
    message:
      'Only Xavier, who linked, can act for this step: the dual-write service lets only that user change maps.',
  });
  const continued = continueAsMeCommand(waiting!.run, 's1', { actor: X, at: AT, fourEyes: true });
  expect(continued).toMatchObject({ kind: 'change', audit: [{ actor: X, action: 'act_as.continued' }] });
  expect(waiting!.run.steps[0]).toMatchObject({ status: 'running' });
  expect(waiting!.run.steps[0].actAs).toBeUndefined();
});

it('linking may be continued by any admin, who becomes the one the later steps act as', () => {
  const run = runWith({ kind: 'linkEnvironments', title: 'Link' });
  const waiting = awaitActingAdmin('s1').apply(run, AT)!.run;
  expect(waiting.steps[0].actAs?.admin).toBeUndefined();
  expect(continueAsMeCommand(waiting, 's1', { actor: Y, at: AT, fourEyes: true }).kind).toBe('change');
  expect(waiting.actingAdmin).toEqual(Y);
});
