import type { RunningEmulator } from '../../src/emulator';
import { DUAL_WRITE_CORE_PACKAGE } from '../../src/engine/catalog/solutions';
import type { Clock, Platform } from '../../src/engine/ports';
import {
  POLL_HINT_MAX_FACTOR,
  POLL_HINT_MIN_FACTOR,
  nextPollDelay,
  pollUntil,
} from '../../src/engine/steps/stepContext';
import { createPlatform } from '../../src/platform/createPlatform';
import { TOKEN, startTestEmulator } from '../emulator/emulatorTestKit';

/**
 * Polling follows the services' hints: the real platform clients over real HTTP against the
 * emulator, the engine's `pollUntil` with a clock that records every wait instead of sleeping. At
 * time scale 0.5 the emulator's operations run for minutes, so every read finds them still running
 * and each answer carries a Retry-After (read raw below, and compared with the wait it caused).
 */
const POLL_INTERVAL_MS = 5_000;
let emulator: RunningEmulator;
let platform: Platform;

/** A clock whose `sleep` records the wait and moves time on at once. */
function recordingClock(): Clock & { waits: number[] } {
  let now = Date.UTC(2026, 10, 27);
  const waits: number[] = [];
  return {
    waits,
    now: () => new Date(now),
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

/** Polls `read` through the engine's pollUntil for `reads` reads; returns the recorded waits. */
async function waitsOf<T>(read: () => Promise<T>, reads = 3): Promise<number[]> {
  const clock = recordingClock();
  let count = 0;
  await pollUntil(
    { clock, signal: new AbortController().signal, pollIntervalMs: POLL_INTERVAL_MS },
    async () => {
      count++;
      return read();
    },
    () => count >= reads,
    { timeoutMs: 24 * 3600_000, what: 'the test operation' },
  );
  return clock.waits;
}

beforeAll(async () => {
  emulator = await startTestEmulator({ timeScale: 0.5 });
  platform = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url, retry: { baseDelayMs: 10 } });
});

afterAll(async () => {
  await emulator.close();
});

describe('a status read with Retry-After makes the next poll wait that long', () => {
  it('application package install: the operation GET answers Retry-After, the engine waits it', async () => {
    const env = await platform.powerPlatform.findDataverse('contoso');
    expect(env?.state).toBe('ready');
    const operation = await platform.powerPlatform.installPackage(env!.id, DUAL_WRITE_CORE_PACKAGE);

    const raw = await fetch(
      `${emulator.url}/powerplatform/appmanagement/environments/${env!.id}/operations/${operation.id}?api-version=2022-03-01-preview`,
      { headers: TOKEN },
    );
    expect(raw.status).toBe(200);
    const header = Number(raw.headers.get('retry-after'));
    // 300 modelled seconds to go, capped at 60, times the time scale 0.5.
    expect(header).toBe(30);

    const read = await platform.powerPlatform.getPackageOperation(env!.id, operation.id);
    expect(read).toMatchObject({ status: 'running', retryAfterMs: header * 1000 });
    expect(await waitsOf(() => platform.powerPlatform.getPackageOperation(env!.id, operation.id))).toEqual([
      header * 1000,
      header * 1000,
    ]);
  });

  it('environment create: the lifecycle operation behind Location gives the hint of each environment read', async () => {
    const created = await platform.powerPlatform.createDataverse({ name: 'hinted', crmPrime: false });
    expect(created.state).toBe('provisioning');
    expect(created.retryAfterMs).toBe(30_000);
    expect(await waitsOf(() => platform.powerPlatform.getDataverse(created.id))).toEqual([30_000, 30_000]);
  });
});

describe('no hint: the configured interval', () => {
  it('LCS environment reads carry no Retry-After on 200, so the engine polls at its own interval', async () => {
    const started = await platform.lifecycle.deployFinanceOps({ name: 'fo-unhinted', demoData: false });
    expect(started.state).toBe('deploying');
    const read = await platform.lifecycle.getFinanceOps(started.id);
    expect(read.retryAfterMs).toBeUndefined();
    expect(await waitsOf(() => platform.lifecycle.getFinanceOps(started.id))).toEqual([
      POLL_INTERVAL_MS,
      POLL_INTERVAL_MS,
    ]);
  });

  it('an environment another client created (no lifecycle operation known) falls back too', async () => {
    const created = await platform.powerPlatform.createDataverse({ name: 'other-client', crmPrime: false });
    const fresh = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url });
    const read = await fresh.powerPlatform.getDataverse(created.id);
    expect(read.state).toBe('provisioning');
    expect(read.retryAfterMs).toBeUndefined();
    expect(await waitsOf(() => fresh.powerPlatform.getDataverse(created.id))).toEqual([
      POLL_INTERVAL_MS,
      POLL_INTERVAL_MS,
    ]);
  });
});

describe('the hint is bounded', () => {
  it('below by a tenth of the interval, above by sixty intervals; garbage is no hint', () => {
    expect(nextPollDelay({ retryAfterMs: 0 }, 1_000)).toBe(1_000 * POLL_HINT_MIN_FACTOR);
    expect(nextPollDelay({ retryAfterMs: 7_000 }, 1_000)).toBe(7_000);
    expect(nextPollDelay({ retryAfterMs: 10 * 3600_000 }, 1_000)).toBe(1_000 * POLL_HINT_MAX_FACTOR);
    expect(nextPollDelay({ retryAfterMs: -5 }, 1_000)).toBe(1_000);
    expect(nextPollDelay({ retryAfterMs: Number.NaN }, 1_000)).toBe(1_000);
    expect(nextPollDelay([{ retryAfterMs: 50 }], 1_000)).toBe(1_000);
    expect(nextPollDelay(null, 1_000)).toBe(1_000);
  });
});
