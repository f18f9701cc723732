import type { RunningEmulator } from '../../src/emulator/index';
import type { CallerCounts } from '../../src/emulator/entra/callerLog';
import type { Actor, Run, StepState } from '../../src/engine/model';
import type { RunStore } from '../../src/engine/runStorePort';
import { createSetupEngine, type SetupEngine } from '../../src/engine/setupEngine';
import { systemClock } from '../../src/engine/systemClock';
import { createPlatform } from '../../src/platform/createPlatform';
import { control } from '../emulator/emulatorTestKit';
import { openPostgresKit, type StoreHandle, type StoreKit } from '../store/support/storeKits';
import { startRigEmulator } from './emulatorRig';
import { bob, reviewed } from './engineHarness';
import { contosoExistingExisting, platformActingAs, adminSsoToken, waitingForAdmin } from './actingAdminKit';

/**
 * AZURE_AUTH=obo on two replicas of one PostgreSQL, against the emulator over HTTP (its LCS and gateway
 * take user tokens only). Replica A holds the run's lease when the step waits for X; X's "Continue as
 * me" lands on replica B, whose memory alone holds the click's token: B takes the lease over and runs
 * the step as X, and A writes nothing from then on. The next click lands on A, which takes it back.
 */
const X: Actor = { id: '00000000-0000-4000-8000-0000000000a1', name: 'Xavier' };

let emu: RunningEmulator;
let kit: StoreKit | undefined;
const engines: SetupEngine[] = [];

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  await kit?.close();
  await emu?.close();
});

const platformAs = (assertion: string) => platformActingAs(emu, assertion);

const ssoToken = (oid: string) => adminSsoToken(emu, oid);

const WRITES = new Set(['create', 'update', 'appendAudit']);

/** A replica whose run-store writes (its executor's and its commands') are counted while `counting` is on. */
function replica(handle: StoreHandle, owner: string) {
  const writes = { counting: false, count: 0 };
  const store = new Proxy(handle.runs as RunStore, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (writes.counting && WRITES.has(String(name))) writes.count += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const engine = createSetupEngine({
    platform: createPlatform({
      mode: 'emulator',
      emulatorUrl: emu.url,
      obo: 'app',
      retry: { baseDelayMs: 20 },
    }),
    store,
    clock: systemClock,
    approvalTimeoutMs: 24 * 3600_000,
    approvalReminderMs: 3600_000,
    fourEyes: true,
    pollIntervalMs: 20,
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
    actAs: platformAs,
    // Leases outlast the test and no heartbeat runs in it: only a handover moves a run.
    replicas: { leases: handle.leases, signals: handle.signals, owner, ttlMs: 600_000, heartbeatMs: 600_000 },
  });
  engine.on('approval.requested', ({ run, step }) => void engine.approve(run.id, step.id, bob, run.rev));
  engines.push(engine);
  return { engine, writes };
}

/** The run once `done` holds (or it finished), read from the store. */
async function until(engine: SetupEngine, runId: string, done: (run: Run) => boolean): Promise<Run> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = (await engine.get(runId)) as Run;
    if (done(run) || ['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`still ${run.status}: ${JSON.stringify(run.steps)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('a Continue-as-me click on the replica without the lease runs its step there, as the admin', async () => {
  emu = await startRigEmulator();
  await control(emu, 'PUT', 'settings', { identity: { delegatedOnly: true } });
  kit = await openPostgresKit();
  const a = replica(kit, 'replica-a');
  const b = replica(await kit.replica(), 'replica-b');
  await a.engine.resume();
  await b.engine.resume();

  const input = contosoExistingExisting(emu.url);
  const started = await a.engine.start(input, X, await reviewed(a.engine, input));
  if (!started.ok) throw new Error(started.message);
  const runId = started.run.id;

  // A drives the run: the prerequisites' LCS read waits for X, who asked, once the rest is done.
  await until(a.engine, runId, (r) => waitingForAdmin(r) !== undefined);
  await a.engine.whenIdle();
  let run = (await a.engine.get(runId)) as Run;
  const prerequisites = waitingForAdmin(run) as StepState;
  expect(prerequisites).toMatchObject({ kind: 'checkPrerequisites', actAs: { admin: X } });
  expect(await kit.leases.current(runId)).toMatchObject({ owner: 'replica-a' });
  const fencedBefore = await kit.runs.fencedWrites();

  // X's click lands on B: B takes the lease, runs the step as X, and the run goes on to linking.
  a.writes.counting = true;
  const clicked = await b.engine.continueAsMe(runId, prerequisites.id, X, run.rev, await ssoToken(X.id));
  expect(clicked).toMatchObject({ ok: true, changed: true });
  const clickRev = clicked.ok ? clicked.run.rev : run.rev;
  run = await until(b.engine, runId, (r) => r.rev > clickRev && waitingForAdmin(r) !== undefined);
  expect(run.steps.find((s) => s.id === prerequisites.id)).toMatchObject({ status: 'succeeded', actedAs: X });
  expect(waitingForAdmin(run)?.kind).toBe('linkEnvironments');
  expect(await kit.leases.current(runId)).toMatchObject({ owner: 'replica-b', epoch: 2 });
  // A wrote nothing after the handover: none attempted, none refused.
  expect(a.writes.count).toBe(0);
  expect(await kit.runs.fencedWrites()).toBe(fencedBefore);
  const { callers } = (await control(emu, 'GET', 'state')).body as { callers: Record<string, CallerCounts> };
  expect(callers.lcs).toEqual({ app: 0, users: { [X.id]: expect.any(Number) } });

  // X links with a click on A: A takes the run back, links as X, and B writes nothing.
  a.writes.counting = false;
  b.writes.counting = true;
  const link = waitingForAdmin(run) as StepState;
  const linked = await a.engine.continueAsMe(runId, link.id, X, run.rev, await ssoToken(X.id));
  expect(linked).toMatchObject({ ok: true, changed: true });
  const linkRev = linked.ok ? linked.run.rev : run.rev;
  run = await until(a.engine, runId, (r) => r.rev > linkRev && waitingForAdmin(r) !== undefined);
  expect(run.steps.find((s) => s.id === link.id)).toMatchObject({ status: 'succeeded', actedAs: X });
  expect(run.actingAdmin).toEqual(X);
  expect(waitingForAdmin(run)?.actAs?.admin).toEqual(X);
  expect(await kit.leases.current(runId)).toMatchObject({ owner: 'replica-a', epoch: 3 });
  expect(b.writes.count).toBe(0);
  expect(await kit.runs.fencedWrites()).toBe(fencedBefore);
});
