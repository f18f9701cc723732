import { awaitActingAdmin, continueAsMeCommand } from '../../src/engine/actingAdmin';
import type { Run, StepState } from '../../src/engine/model';

/** The pure transitions of "Continue as me" (src/engine/actingAdmin.ts) on a stored run. */
const X = { id: 'x', name: 'Xavier' };
const Y = { id: 'y', name: 'Yasmin' };
const AT = '2026-12-07T18:00:00.000Z';

function runWith(step: Partial<StepState>, run: Partial<Run> = { actingAdmin: X }): Run {
  return {
    id: 'run-00000001',
    status: 'running',
    rev: 3,
    requestedBy: X,
    ...run,
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

it('before anyone linked, a step needing an admin waits for the requester, and says so to another', () => {
  const run = runWith({ kind: 'provisionFinanceOps', title: 'Deploy F&O' }, {});
  const waiting = awaitActingAdmin('s1').apply(run, AT)!.run;
  expect(waiting.steps[0].actAs?.admin).toEqual(X);
  expect(continueAsMeCommand(waiting, 's1', { actor: Y, at: AT, fourEyes: true })).toEqual({
    kind: 'refuse',
    code: 'forbidden',
    message:
      'Only Xavier, who asked for this setup, can act for this step until an admin links the environments.',
  });
});

it("a manual step whose check needs an admin waits after Done; Continue as me is the admin's Done", () => {
  const run = runWith({
    kind: 'provisionFinanceOps',
    title: 'Deploy F&O',
    mode: 'manual',
    status: 'awaiting_manual',
    confirmation: { by: Y, at: AT },
  });
  const waiting = awaitActingAdmin('s1').apply(run, AT)!.run;
  expect(waiting.steps[0]).toMatchObject({ status: 'awaiting_manual', actAs: { admin: X } });
  expect(waiting.steps[0].confirmation).toBeUndefined();
  const continued = continueAsMeCommand(waiting, 's1', { actor: X, at: AT, fourEyes: true });
  expect(continued.kind).toBe('change');
  // Still a manual step waiting for its check, now confirmed by X (the check reads with X's rights).
  expect(waiting.steps[0]).toMatchObject({ status: 'awaiting_manual', confirmation: { by: X, at: AT } });
  expect(waiting.steps[0].actAs).toBeUndefined();
});

it('keeps the claims challenge of a sign-in asked again on the wait', () => {
  const run = runWith({ status: 'running' });
  const claims = '{"access_token":{"polids":{"essential":true,"values":["p"]}}}';
  const waiting = awaitActingAdmin('s1', 'sign in again', claims).apply(run, AT)!.run;
  expect(waiting.steps[0].actAs).toEqual({ admin: X, reason: 'sign in again', claims, since: AT });
});
