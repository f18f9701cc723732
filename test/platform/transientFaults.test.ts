import type { RunningEmulator } from '../../src/emulator';
import type { Platform } from '../../src/engine/ports';
import { createPlatform } from '../../src/platform/createPlatform';
import { api, control, emulatorPerCase } from '../emulator/emulatorTestKit';

/**
 * The platform clients' HTTP policy over real HTTP against the emulator: 429 with Retry-After,
 * transient 5xx and hung requests are retried; persistent failures surface readably.
 * Each case gets its own emulator (the faults are scripted per emulator).
 */
let emulator: RunningEmulator;
let platform: Platform;

emulatorPerCase((rig) => ({ emulator, platform } = rig));

describe('throttling and transient faults', () => {
  it('answers 429 with Retry-After, and the client retries it to success', async () => {
    const before = (await control(emulator, 'GET', 'state')).body.faults.throttled;
    await control(emulator, 'PUT', 'settings', {
      http: { scripted: [{ pathPrefix: '/fo/', status: 429, retryAfterSeconds: 1, count: 2 }] },
    });
    const raw = await api(emulator, '/fo/contoso-fo/data/LegalEntities');
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    const ids = (await platform.financeOps(`${emulator.url}/fo/contoso-fo`).listLegalEntities()).map(
      (e) => e.id,
    );
    expect(ids).toContain('USMF');
    expect((await control(emulator, 'GET', 'state')).body.faults.throttled).toBe(before + 2);
  });

  it('retries transient 502/503 on reads and surfaces a readable error when they persist', async () => {
    await control(emulator, 'PUT', 'settings', {
      http: { scripted: [{ pathPrefix: '/bap/', status: 503, count: 2 }] },
    });
    expect((await platform.powerPlatform.findDataverse('contoso'))?.name).toBe('contoso');
    await control(emulator, 'PUT', 'settings', {
      http: { scripted: [{ pathPrefix: '/lcs/', status: 502, count: 50 }] },
    });
    const error = await platform.lifecycle.findFinanceOps('contoso-fo').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'unavailable', status: 502 });
    await control(emulator, 'PUT', 'settings', { http: { scripted: [] } });
  });

  it('times out a hung request and retries it', async () => {
    const quick = createPlatform({
      mode: 'emulator',
      emulatorUrl: emulator.url,
      timeoutMs: 300,
      retry: { baseDelayMs: 10, maxDelayMs: 20 },
    });
    await control(emulator, 'PUT', 'settings', {
      http: { hangMs: 2000, scripted: [{ pathPrefix: '/lcs/', status: 'timeout', count: 1 }] },
    });
    expect((await quick.lifecycle.findFinanceOps('contoso-fo'))?.state).toBe('deployed');
    expect((await control(emulator, 'GET', 'state')).body.faults.hung).toBeGreaterThanOrEqual(1);
  });
});
