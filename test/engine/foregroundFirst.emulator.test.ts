import diagnosticsChannel from 'node:diagnostics_channel';
import type { RunningEmulator } from '../../src/emulator/index';
import { asForeground } from '../../src/foreground';
import { createSetupEngine, type SetupEngine } from '../../src/engine/setupEngine';
import type { RunStore } from '../../src/engine/runStorePort';
import { systemClock } from '../../src/engine/systemClock';
import { openDatabase, type Db } from '../../src/store/database';
import { SqliteRunStore } from '../../src/store/sqliteRunStore';
import { alice, bob, reviewed, tempDbFile } from './engineHarness';
import { emulatorPlatform, startRigEmulator } from './emulatorRig';
import { expectSucceeded } from './emulatorRuns';

// Card actions never wait behind the engine (src/foreground.ts): while a click is in flight, a run
// in the middle of its steps sends Dynamics 365 (the emulator, over HTTP) no request and makes no
// store call; when the click ends, the run goes on to its end.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the engine while a click is in flight', () => {
  let emu: RunningEmulator;
  let db: Db;
  let engine: SetupEngine;
  let requests = 0;
  let storeCalls = 0;
  const countRequest = () => (requests += 1);

  beforeAll(async () => {
    emu = await startRigEmulator();
    diagnosticsChannel.subscribe('http.server.request.start', countRequest);
    db = openDatabase(tempDbFile());
    const store = new SqliteRunStore(db);
    // The executor's store, counted: every call it makes.
    const counted = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          storeCalls += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as RunStore;
    engine = createSetupEngine({
      platform: emulatorPlatform(emu.url),
      store,
      executorStore: counted,
      clock: systemClock,
      approvalTimeoutMs: 3600_000,
      approvalReminderMs: 3600_000,
      fourEyes: true,
      pollIntervalMs: 20,
      retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
    });
    engine.on('approval.requested', ({ run, step }) => void engine.approve(run.id, step.id, bob, run.rev));
  });
  afterAll(async () => {
    diagnosticsChannel.unsubscribe('http.server.request.start', countRequest);
    await engine?.close();
    db?.close();
    await emu?.close();
  });

  it('parks the run while a click is in flight, and the run then finishes', async () => {
    const input = { scenario: 'new-new', financeOpsName: 'fg-fo', dataverseName: 'fg-dv' };
    const started = await engine.start(input, alice, await reviewed(engine, input));
    if (!started.ok) throw new Error(started.message);
    const runId = started.run.id;

    // Unheld, the run talks to Dynamics and the store all the time (so the check below can fail).
    await sleep(50);
    const before = { requests, storeCalls };
    await sleep(150);
    expect(requests).toBeGreaterThan(before.requests);
    expect(storeCalls).toBeGreaterThan(before.storeCalls);
    expect((await engine.get(runId))?.status).toBe('running');

    let release!: () => void;
    const click = asForeground(() => new Promise<void>((resolve) => (release = resolve)));
    // What was already on its way when the click came lands; then nothing more goes out.
    await sleep(40);
    const held = { requests, storeCalls };
    await sleep(150);
    expect({ requests, storeCalls }).toEqual(held);

    release();
    await click;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = await engine.get(runId);
      if (run && ['succeeded', 'failed', 'cancelled'].includes(run.status)) {
        expectSucceeded(run);
        break;
      }
      if (Date.now() > deadline) throw new Error(`run still ${run?.status}`);
      await sleep(50);
    }
    expect(requests).toBeGreaterThan(held.requests);
  });
});
