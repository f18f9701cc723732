import type { CallerCounts } from '../../src/emulator/entra/callerLog';
import type { RunningEmulator } from '../../src/emulator/index';
import type { Actor, Run, StepState } from '../../src/engine/model';
import type { Platform } from '../../src/engine/ports';
import { systemClock } from '../../src/engine/systemClock';
import { createPlatform } from '../../src/platform/createPlatform';
import { onBehalfOfCredential } from '../../src/platform/http/onBehalfOf';
import { control } from '../emulator/emulatorTestKit';
import { createHarness, reviewed, type Harness } from './engineHarness';
import { CLIENT_ID, adminSsoToken } from './actingAdminKit';
import { startRigEmulator } from './emulatorRig';

/**
 * AZURE_AUTH=obo and Lifecycle Services, whose API takes delegated tokens only (Learn
 * lifecycle-services/lcs-aad-app-reg.md): the bot's own platform never calls it, so the F&O deployment
 * (automatic on the emulator) and its check (manual in live mode) wait for "Continue as me" of the
 * admin who asked, and LCS sees that admin's token, never the app's.
 */
const X: Actor = { id: '00000000-0000-4000-8000-0000000000b1', name: 'Xavier' };
const Y: Actor = { id: '00000000-0000-4000-8000-0000000000b2', name: 'Yasmin' };
const RETRY = { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 200 };

let emu: RunningEmulator;
let h: Harness | undefined;

const ssoToken = (oid: string) => adminSsoToken(emu, oid);

const oboSettings = () => ({
  tenantId: 'organizations',
  clientId: CLIENT_ID,
  clientSecret: 'secret',
  emulatorOrigin: emu.url,
});

/** `manualDeploy`: as in live mode, where the LCS API cannot deploy and the admin deploys by hand. */
function engineFor(manualDeploy: boolean): Harness {
  const live = (platform: Platform): Platform =>
    manualDeploy
      ? { ...platform, capabilities: { ...platform.capabilities, deployFinanceOps: false } }
      : platform;
  const app = createPlatform({ mode: 'emulator', emulatorUrl: emu.url, obo: 'app', retry: RETRY });
  return createHarness(live(app), systemClock, {
    pollIntervalMs: 20,
    actAs: (assertion) =>
      live(
        createPlatform({
          mode: 'emulator',
          emulatorUrl: emu.url,
          obo: 'admin',
          credential: onBehalfOfCredential(oboSettings(), assertion),
          retry: RETRY,
        }),
      ),
  });
}

beforeEach(async () => {
  emu = await startRigEmulator();
  await control(emu, 'PUT', 'settings', { identity: { delegatedOnly: true } });
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  await emu?.close();
});

async function until(runId: string, done: (run: Run) => boolean): Promise<Run> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = (await h!.engine.get(runId)) as Run;
    if (done(run) || ['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`still ${run.status}: ${JSON.stringify(run.steps)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const deployStep = (run: Run) => run.steps.find((s) => s.kind === 'provisionFinanceOps') as StepState;
const lcsCallers = async () =>
  ((await control(emu, 'GET', 'state')).body as { callers: Record<string, CallerCounts> }).callers.lcs;

const input = { scenario: 'new-new', financeOpsName: 'obo-fo', dataverseName: 'obo-dv' };

async function startNewFinanceOps(): Promise<string> {
  const started = await h!.engine.start(input, X, await reviewed(h!.engine, input));
  if (!started.ok) throw new Error(started.message);
  return started.run.id;
}

it('deploys F&O in LCS as the admin who asked, after their Continue as me; Y is refused', async () => {
  h = engineFor(false);
  // The plan's pre-flight, before any admin acted, cannot ask LCS: it says so, and does not fail.
  const preview = await h.engine.preview(input);
  expect(preview.findings).toContainEqual(
    expect.objectContaining({
      code: 'check_unavailable',
      severity: 'warning',
      message: expect.stringContaining('not checkable until an admin acts'),
    }),
  );
  const runId = await startNewFinanceOps();
  let run = await until(runId, (r) => deployStep(r).actAs !== undefined);
  const step = deployStep(run);
  expect(step).toMatchObject({ status: 'awaiting_manual', actAs: { admin: X } });
  expect(await lcsCallers()).toEqual({ app: 0, users: {} });

  const refused = await h.engine.continueAsMe(runId, step.id, Y, run.rev, await ssoToken(Y.id));
  expect(refused).toMatchObject({
    ok: false,
    code: 'forbidden',
    message:
      'Only Xavier, who asked for this setup, can act for this step until an admin links the environments.',
  });
  expect(await h.engine.continueAsMe(runId, step.id, X, run.rev, await ssoToken(X.id))).toMatchObject({
    ok: true,
  });

  run = await until(runId, (r) => deployStep(r).status === 'succeeded');
  expect(deployStep(run)).toMatchObject({ status: 'succeeded', actedAs: X });
  const state = (await control(emu, 'GET', 'state')).body as {
    effects: { byKind: Record<string, number> };
    callers: Record<string, CallerCounts>;
  };
  expect(state.effects.byKind['lcs.deploy']).toBe(1);
  // LCS saw X's token (the deploy, then the status polls), never the app's nor Y's.
  expect(state.callers.lcs).toEqual({ app: 0, users: { [X.id]: expect.any(Number) } });
  expect(state.callers.lcs.users[X.id]).toBeGreaterThanOrEqual(2);
  const audit = await h.engine.audit(runId);
  expect(audit).toContainEqual(
    expect.objectContaining({ stepId: step.id, detail: 'with the rights of Xavier (on-behalf-of)' }),
  );
});

it("checks a hand-deployed F&O in LCS with the admin's rights: Done asks for Continue as me", async () => {
  h = engineFor(true);
  const runId = await startNewFinanceOps();
  let run = await until(runId, (r) => deployStep(r).status === 'awaiting_manual');
  const step = deployStep(run);
  expect(step.mode).toBe('manual');

  // The admin deploys in the LCS portal (here: the emulated LCS, as X), then presses Done.
  const asX = createPlatform({
    mode: 'emulator',
    emulatorUrl: emu.url,
    credential: onBehalfOfCredential(oboSettings(), await ssoToken(X.id)),
    retry: RETRY,
  });
  const deployed = await asX.lifecycle.deployFinanceOps({ name: 'obo-fo', demoData: false });
  for (let env = deployed; env.state !== 'deployed'; env = await asX.lifecycle.getFinanceOps(deployed.id))
    await new Promise((resolve) => setTimeout(resolve, 50));
  const before = (await lcsCallers()).users[X.id];
  expect(await h.engine.confirmManual(runId, step.id, X, run.rev)).toMatchObject({ ok: true });

  // The bot cannot read LCS itself: the check waits for X's Continue as me instead of failing.
  run = await until(runId, (r) => deployStep(r).actAs !== undefined);
  expect(deployStep(run)).toMatchObject({ status: 'awaiting_manual', actAs: { admin: X } });
  expect(deployStep(run).verification).toBeUndefined();
  expect(await h.engine.continueAsMe(runId, step.id, X, run.rev, await ssoToken(X.id))).toMatchObject({
    ok: true,
  });

  run = await until(runId, (r) => deployStep(r).status === 'succeeded');
  expect(deployStep(run)).toMatchObject({
    status: 'succeeded',
    actedAs: X,
    output: { financeOpsUrl: deployed.url },
  });
  const callers = await lcsCallers();
  expect(callers.app).toBe(0);
  expect(callers.users[X.id]).toBeGreaterThan(before);
  const audit = await h.engine.audit(runId);
  expect(audit).toContainEqual(
    expect.objectContaining({
      stepId: step.id,
      action: 'manual.verified',
      detail: expect.stringContaining('(with the rights of Xavier, on-behalf-of)'),
    }),
  );
});
