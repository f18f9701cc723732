import type { RunningEmulator } from '../../src/emulator/index';
import type { Actor, Run, StepState } from '../../src/engine/model';
import { systemClock } from '../../src/engine/systemClock';
import { createPlatform } from '../../src/platform/createPlatform';
import type { CallerCounts } from '../../src/emulator/entra/callerLog';
import { control } from '../emulator/emulatorTestKit';
import { bob, createHarness, reviewed, type Harness } from './engineHarness';
import { emulatorState, startRigEmulator } from './emulatorRig';
import { contosoExistingExisting, platformActingAs, adminSsoToken, waitingForAdmin } from './actingAdminKit';

/**
 * AZURE_AUTH=obo against the emulator over HTTP, its LCS and gateway taking user tokens only: the bot's
 * own platform is the app's (it never sends LCS or the gateway its token), so every step that reads or
 * changes them waits for "Continue as me" and runs with the on-behalf-of token of the admin who linked
 * (the emulator's own linked_by check is what lets the maps through); another admin's click is
 * refused, and Entra's interaction_required becomes a new wait that the admin's next click resumes.
 */
const X: Actor = { id: '00000000-0000-4000-8000-0000000000a1', name: 'Xavier' };
const Y: Actor = { id: '00000000-0000-4000-8000-0000000000a2', name: 'Yasmin' };

let emu: RunningEmulator;
let h: Harness;

const ssoToken = (oid: string) => adminSsoToken(emu, oid);

const platformAs = (assertion: string) => platformActingAs(emu, assertion);

beforeEach(async () => {
  emu = await startRigEmulator();
  await control(emu, 'PUT', 'settings', { identity: { delegatedOnly: true } });
  const app = createPlatform({
    mode: 'emulator',
    emulatorUrl: emu.url,
    obo: 'app',
    retry: { baseDelayMs: 20 },
  });
  h = createHarness(app, systemClock, {
    pollIntervalMs: 20,
    actAs: platformAs,
  });
  h.engine.on('approval.requested', ({ run, step }) => void h.engine.approve(run.id, step.id, bob, run.rev));
});

afterEach(async () => {
  await h?.close();
  await emu?.close();
});

/** The run once `done` holds (or it finished), read from the store. */
async function until(runId: string, done: (run: Run) => boolean): Promise<Run> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = (await h.engine.get(runId)) as Run;
    if (done(run) || ['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`still ${run.status}: ${JSON.stringify(run.steps)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('runs the dual-write steps as the admin who linked, refuses another, and asks again on interaction_required', async () => {
  const input = contosoExistingExisting(emu.url);
  const started = await h.engine.start(input, X, await reviewed(h.engine, input));
  if (!started.ok) throw new Error(started.message);
  const runId = started.run.id;

  // The prerequisites read F&O's version from LCS: they wait for X, who asked, and read as X.
  let run = await until(runId, (r) => waitingForAdmin(r) !== undefined);
  let waiting = waitingForAdmin(run) as StepState;
  expect(waiting).toMatchObject({ kind: 'checkPrerequisites', actAs: { admin: X } });
  expect(await h.engine.continueAsMe(runId, waiting.id, X, run.rev, await ssoToken(X.id))).toMatchObject({
    ok: true,
  });

  // Linking waits for an admin; X continues and becomes the run's acting admin.
  run = await until(runId, (r) => waitingForAdmin(r)?.kind === 'linkEnvironments');
  waiting = waitingForAdmin(run) as StepState;
  expect(waiting).toMatchObject({ kind: 'linkEnvironments', status: 'awaiting_manual' });
  expect(run.status).toBe('waiting');
  expect(await h.engine.continueAsMe(runId, waiting.id, X, run.rev, await ssoToken(X.id))).toMatchObject({
    ok: true,
  });

  // The next gateway step waits for X alone: Y's click is refused with the reason, and nothing runs.
  run = await until(runId, (r) => waitingForAdmin(r)?.kind === 'applySolution');
  waiting = waitingForAdmin(run) as StepState;
  expect(run.actingAdmin).toEqual(X);
  expect(waiting.actAs?.admin).toEqual(X);
  const refused = await h.engine.continueAsMe(runId, waiting.id, Y, run.rev, await ssoToken(Y.id));
  expect(refused).toMatchObject({
    ok: false,
    code: 'forbidden',
    message:
      'Only Xavier, who linked, can act for this step: the dual-write service lets only that user change maps.',
  });
  expect((await h.engine.get(runId))?.steps.find((s) => s.id === waiting.id)?.status).toBe('awaiting_manual');

  // Entra asks X to sign in again: the step waits for X once more, with the reason.
  await control(emu, 'PUT', 'settings', { identity: { interactionRequired: { oid: X.id, code: 50076 } } });
  await h.engine.continueAsMe(runId, waiting.id, X, run.rev, await ssoToken(X.id));
  run = await until(runId, (r) => waitingForAdmin(r)?.actAs?.reason !== undefined);
  const again = waitingForAdmin(run) as StepState;
  expect(again).toMatchObject({ id: waiting.id, actedAs: X, actAs: { admin: X } });
  expect(again.actAs?.reason).toContain('asks you to sign in again');
  expect(again.actAs?.reason).toContain('AADSTS50076');
  // Entra's claims challenge stays with the wait, for the new sign-in to pass on.
  expect(JSON.parse(again.actAs?.claims as string)).toHaveProperty('access_token.polids.essential', true);

  // Signed in again: X continues this and every later step, and the run succeeds.
  await control(emu, 'PUT', 'settings', { identity: { interactionRequired: null } });
  for (;;) {
    const current = await until(runId, (r) => waitingForAdmin(r) !== undefined);
    const step = waitingForAdmin(current);
    if (!step) break;
    const result = await h.engine.continueAsMe(runId, step.id, X, current.rev, await ssoToken(X.id));
    expect(result).toMatchObject({ ok: true });
  }
  run = (await h.engine.get(runId)) as Run;
  expect(run.steps.find((s) => s.status === 'failed')?.error).toBeUndefined();
  expect(run.status).toBe('succeeded');
  const [connection] = (await emulatorState(emu.url)).connections;
  expect(connection.maps.some((m) => m.state === 'Running')).toBe(true);
  // The gateway holds X as the one who linked: a map change with anyone else's token is its 401.
  const linked = run.steps.find((s) => s.kind === 'linkEnvironments')?.output?.connectionId as string;
  const asY = platformAs(await ssoToken(Y.id));
  await expect(
    asY.dualWrite.runMap(linked, 'cdm_companies - Legal entities', { initialSync: false }),
  ).rejects.toMatchObject({ status: 401, message: expect.stringContaining('Only the user who set up') });

  // Every LCS and gateway call of the run went with X's token: none with the app's, none with Y's
  // but the refused map change above (its read and its write). The verification read as X too.
  const { callers } = (await control(emu, 'GET', 'state')).body as { callers: Record<string, CallerCounts> };
  expect(callers.lcs).toEqual({ app: 0, users: { [X.id]: expect.any(Number) } });
  expect(callers.gateway).toEqual({
    app: 0,
    users: { [X.id]: expect.any(Number), [Y.id]: expect.any(Number) },
  });
  expect(run.steps.find((s) => s.kind === 'verifySetup')?.actedAs).toEqual(X);

  // The audit says whose rights each gateway step used, and who was refused.
  const audit = await h.engine.audit(runId);
  for (const kind of [
    'checkPrerequisites',
    'linkEnvironments',
    'applySolution',
    'enableEntityMaps',
  ] as const) {
    const step = run.steps.find((s) => s.kind === kind) as StepState;
    expect(step.actedAs).toEqual(X);
    expect(
      audit.some(
        (e) =>
          e.stepId === step.id &&
          /^step\.(started|resumed)$/.test(e.action) &&
          e.detail === 'with the rights of Xavier (on-behalf-of)',
      ),
    ).toBe(true);
  }
  expect(audit).toContainEqual(
    expect.objectContaining({
      actor: Y,
      action: 'refused (forbidden)',
      detail: refused.ok ? '' : refused.message,
    }),
  );
});
