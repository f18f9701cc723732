import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readinessCheck } from '../../src/composition/readiness';
import { openStore, type Store } from '../../src/store/openStore';
import { startLoggedHarness, type LoggedHarness } from '../hardening/support/hardeningHarness';

/**
 * `/readyz` for the load balancer: the store answers and the Dynamics 365 endpoints resolve.
 * `/healthz` is liveness only: it stays 200 when they do not.
 */
describe('/readyz', () => {
  describe('a bot over the emulator', () => {
    let h: LoggedHarness;
    beforeAll(async () => {
      h = await startLoggedHarness({}, 'silent');
    });
    afterAll(async () => {
      await h?.close();
    });

    it('is ready, with the details for the local operator', async () => {
      const response = await fetch(`${h.bot.url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'ready',
        store: { ok: true },
        dynamics: { endpoints: [{ host: new URL(h.bot.emulatorUrl as string).host, ok: true }] },
      });
    });

    it('is not ready once the emulator is gone, while /healthz (liveness) stays ok', async () => {
      await h.bot.emulator?.close();
      const response = await fetch(`${h.bot.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'not_ready', store: { ok: true } });
      // A Dynamics outage takes the replica out of the load balancer; nothing should restart it.
      const live = await fetch(`${h.bot.url}/healthz`);
      expect(live.status).toBe(200);
      expect(await live.json()).toMatchObject({ status: 'ok' });
    });
  });

  describe('live mode: the configured hosts resolve', () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'readyz-')) });
    });
    afterEach(async () => {
      await store.close();
    });
    const config = {
      DYNAMICS_MODE: 'live' as const,
      POWER_PLATFORM_API_URL: 'https://api.powerplatform.com',
      BAP_API_URL: 'https://api.bap.microsoft.com',
      LCS_API_URL: undefined,
      DUALWRITE_GATEWAY_URL: undefined,
      GRAPH_API_URL: 'https://graph.microsoft.com',
    };

    it('asks each host once and is ready when all resolve and the store answers', async () => {
      const asked: string[] = [];
      const ready = readinessCheck(config, store, undefined, async (host) => asked.push(host));
      expect(await ready()).toEqual({
        status: 'ready',
        store: { ok: true },
        dynamics: {
          endpoints: [
            { host: 'api.powerplatform.com', ok: true },
            { host: 'api.bap.microsoft.com', ok: true },
            { host: 'graph.microsoft.com', ok: true },
          ],
        },
      });
      expect(asked).toEqual(['api.powerplatform.com', 'api.bap.microsoft.com', 'graph.microsoft.com']);
    });

    it('is not ready when a host does not resolve, or the store does not answer', async () => {
      const nxdomain = readinessCheck(config, store, undefined, async (host) => {
        if (host === 'api.bap.microsoft.com')
          throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
      });
      expect(await nxdomain()).toMatchObject({
        status: 'not_ready',
        dynamics: { endpoints: expect.arrayContaining([{ host: 'api.bap.microsoft.com', ok: false }]) },
      });
      await store.close();
      const storeDown = readinessCheck(config, store, undefined, async () => undefined);
      expect(await storeDown()).toMatchObject({ status: 'not_ready', store: { ok: false } });
      store = await openStore({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'readyz-')) });
    });
  });
});
