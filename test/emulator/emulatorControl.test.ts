import { startEmulator, type RunningEmulator } from '../../src/emulator';
import {
  DUAL_WRITE_CORE_PACKAGE,
  DUAL_WRITE_ORCHESTRATION_PACKAGES,
} from '../../src/engine/catalog/solutions';
import type { Platform } from '../../src/engine/ports';
import { createPlatform } from '../../src/platform/createPlatform';
import { api, control, pollUntil, startTestEmulator, tempDataFile } from './emulatorTestKit';

/** Control API, failure modes of DOMAIN section 6, persistence across restarts, reset. */
let emulator: RunningEmulator;
let platform: Platform;

beforeAll(async () => {
  emulator = await startTestEmulator();
  platform = createPlatform({
    mode: 'emulator',
    emulatorUrl: emulator.url,
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
  });
});
afterAll(async () => {
  await emulator.close();
});

async function deployed(name: string) {
  const env = await platform.lifecycle.deployFinanceOps({ name, demoData: true });
  return pollUntil(
    () => platform.lifecycle.getFinanceOps(env.id),
    (e) => e.state !== 'deploying',
  );
}

async function readyDataverse(name: string) {
  const env = await platform.powerPlatform.createDataverse({ name, crmPrime: true });
  return pollUntil(
    () => platform.powerPlatform.getDataverse(env.id),
    (e) => e.state === 'ready',
  );
}

/** Every dual-write package (not the provisioning app: it would make the environment a unified one). */
async function installAll(envId: string) {
  const dualWrite = [
    DUAL_WRITE_CORE_PACKAGE,
    ...DUAL_WRITE_ORCHESTRATION_PACKAGES.map((pkg) => pkg.uniqueName),
  ];
  for (const pkg of (await platform.powerPlatform.listPackages(envId)).filter((p) =>
    dualWrite.includes(p.uniqueName),
  )) {
    const op = await platform.powerPlatform.installPackage(envId, pkg.uniqueName);
    await pollUntil(
      () => platform.powerPlatform.getPackageOperation(envId, op.id),
      (o) => o.status !== 'running',
    );
  }
}

async function withFailures<T>(failures: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  await control(emulator, 'PUT', 'settings', { failures });
  try {
    return await work();
  } finally {
    const off = Object.fromEntries(
      Object.entries(failures).map(([key, value]) => [key, typeof value === 'boolean' ? false : 0]),
    );
    await control(emulator, 'PUT', 'settings', { failures: off });
  }
}

describe('control API', () => {
  it('reports health and a state snapshot with the demo data', async () => {
    expect((await control(emulator, 'GET', 'health')).body).toEqual({ status: 'ok' });
    const { body } = await control(emulator, 'GET', 'state');
    expect(body.financeOps.map((env: { name: string }) => env.name)).toContain('contoso-fo');
    expect(body.dataverse.map((env: { name: string }) => env.name)).toContain('contoso');
  });

  it('validates settings patches with zod and applies valid ones live', async () => {
    const roundTripMs = emulator.dataverseSettings.roundTripMs;
    expect((await control(emulator, 'PUT', 'settings', { failures: { dw9003: 'yes' } })).status).toBe(400);
    expect((await control(emulator, 'PUT', 'settings', { nonsense: 1 })).status).toBe(400);
    const ok = await control(emulator, 'PUT', 'settings', {
      http: { latencyMs: 1 },
      dataverse: { roundTripMs: 0 },
    });
    expect(ok.status).toBe(200);
    expect(emulator.settings.http.latencyMs).toBe(1);
    expect(emulator.dataverseSettings.roundTripMs).toBe(0);
    await control(emulator, 'PUT', 'settings', { http: { latencyMs: 0 }, dataverse: { roundTripMs } });
  });
});

describe('failure modes', () => {
  it('DW9003: the LCS deployment fails (LCS shows it as Failed, with no message)', async () => {
    const env = await withFailures({ dw9003: true }, () => deployed('fo-dw9003'));
    expect(env.state).toBe('failed');
    expect(env.failureReason).toMatch(/Failed/);
  });

  it('version too old: the environment reports 10.0.8 and linking is refused', async () => {
    const fo = await withFailures({ versionTooOld: true }, () => deployed('fo-old'));
    expect(fo.platformVersion).toBe('10.0.8');
    const dv = await readyDataverse('dv-old');
    await installAll(dv.id);
    await expect(
      platform.dualWrite.createConnection({
        financeOpsUrl: fo.url,
        dataverseUrl: dv.url,
        legalEntities: ['USMF'],
      }),
    ).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/10\.0\.9/) });
  });

  it('missing app users and core solution missing show in Dataverse and block the link', async () => {
    const dv = await withFailures({ missingAppUsers: true }, () => readyDataverse('dv-nousers'));
    expect(await platform.dataverse(dv.url).listApplicationUserIds()).toEqual([]);
    const op = await withFailures({ coreSolutionMissing: true }, async () => {
      const started = await platform.powerPlatform.installPackage(dv.id, DUAL_WRITE_CORE_PACKAGE);
      return pollUntil(
        () => platform.powerPlatform.getPackageOperation(dv.id, started.id),
        (o) => o.status !== 'running',
      );
    });
    expect(op.status).toBe('failed');
    expect(op.error).toMatch(/DualWriteCore/);
    const fo = await platform.lifecycle.findFinanceOps('contoso-fo');
    await expect(
      platform.dualWrite.createConnection({
        financeOpsUrl: fo?.url ?? '',
        dataverseUrl: dv.url,
        legalEntities: ['USMF'],
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/DW9003/) });
  });

  // Each case links a pair of its own: they start, fail and stop the same maps.
  let pairs = 0;
  async function linkedPair(): Promise<string> {
    pairs += 1;
    const fo = await deployed(`fo-faults-${pairs}`);
    const dv = await readyDataverse(`dv-faults-${pairs}`);
    await installAll(dv.id);
    const connection = await platform.dualWrite.createConnection({
      financeOpsUrl: fo.url,
      dataverseUrl: dv.url,
      legalEntities: ['USMF'],
    });
    return connection.id;
  }

  it('blank map list: Apply Solution publishes nothing', async () => {
    const connectionId = await linkedPair();
    await withFailures({ blankMapList: true }, () => platform.dualWrite.applySolution(connectionId));
    expect(await platform.dualWrite.listMaps(connectionId)).toEqual([]);
    await platform.dualWrite.applySolution(connectionId);
    expect((await platform.dualWrite.listMaps(connectionId)).length).toBeGreaterThan(0);
  });

  describe('on a linked pair with its maps published', () => {
    let connectionId = '';
    beforeEach(async () => {
      connectionId = await linkedPair();
      await platform.dualWrite.applySolution(connectionId);
    });

    const stateOf = async (name: string) =>
      pollUntil(
        async () =>
          (await platform.dualWrite.listMaps(connectionId)).find((m) => `${m.table} - ${m.name}` === name),
        (m) => m?.state !== 'InitialSync',
      );

    it('plug-ins disabled: a map does not start', async () => {
      await withFailures({ pluginsDisabled: true }, () =>
        platform.dualWrite.runMap(connectionId, 'transactioncurrencies - Currencies', { initialSync: false }),
      );
      const map = await stateOf('transactioncurrencies - Currencies');
      expect(map).toMatchObject({
        state: 'NotRunning',
        lastError: expect.stringMatching(/plug-ins are disabled/),
      });
    });

    it.each([
      [400, /\(400\) Bad Request/],
      [403, /\(403\) Forbidden/],
    ])('initial sync %s', async (status, message) => {
      await withFailures({ initialSyncHttpError: status }, async () => {
        await platform.dualWrite.runMap(connectionId, 'cdm_companies - Legal entities', {
          initialSync: true,
        });
        const map = await stateOf('cdm_companies - Legal entities');
        expect(map).toMatchObject({ state: 'NotRunning', lastError: expect.stringMatching(message) });
      });
    });

    it('lookup not found, even with prerequisites running', async () => {
      await withFailures({ lookupNotFound: true }, async () => {
        await platform.dualWrite.runMap(connectionId, 'transactioncurrencies - Currencies', {
          initialSync: true,
        });
        expect(await stateOf('transactioncurrencies - Currencies')).toMatchObject({
          state: 'NotRunning',
          lastError: expect.stringMatching(/lookup was not found/),
        });
      });
    });

    it('pause, resume and stop move the map between states', async () => {
      await platform.dualWrite.runMap(connectionId, 'cdm_companies - Legal entities', { initialSync: true });
      expect((await stateOf('cdm_companies - Legal entities'))?.state).toBe('Running');
      // Over raw HTTP, in the tool's shapes (DWMapEngine.startStopMap / checkRequestResponseStatus).
      const cid = connectionId.split(':')[0];
      const GW = '/dualwrite/api/DualWriteManagement/1.0';
      const entities = await api(emulator, `${GW}/Entities?targetType=AX&cid=${cid}`);
      const map = (
        entities.body as Array<{ detail: { tName: string; pid: string; template: { id: string } } }>
      ).find((m) => m.detail.tName === 'cdm_companies - Legal entities');
      for (const [action, state] of [
        ['5', 'Paused'],
        ['6', 'Running'],
        ['4', 'Stopped'],
      ] as const) {
        const started = await api(emulator, `${GW}/Start`, {
          method: 'POST',
          body: JSON.stringify({
            action,
            details: [{ tid: map?.detail.template.id, pid: map?.detail.pid, cid }],
          }),
        });
        expect(started.status).toBe(200);
        const requestId = (started.body as { requestId: string }).requestId;
        const status = await api(emulator, `${GW}/Status/${requestId}`);
        const requests = (
          status.body as Array<{
            detail: { lastRequests: Array<{ requestId: string; state: string; action: string }> };
          }>
        )[0].detail.lastRequests;
        expect(requests.find((r) => r.requestId === requestId)).toMatchObject({ state: '2', action });
        expect((await stateOf('cdm_companies - Legal entities'))?.state).toBe(state);
      }
    });
  });
});

describe('persistence and reset', () => {
  it('keeps state across a restart on the same file, without seeding twice', async () => {
    const dataFile = tempDataFile();
    const seed = {
      customersPerCompany: 2,
      vendorsPerCompany: 1,
      existingDataverse: { name: 'contoso', accounts: 3, contacts: 1, appUsers: true },
    };
    const first = await startEmulator({ port: 0, dataFile, timeScale: 0.0001, seed });
    const firstPlatform = createPlatform({ mode: 'emulator', emulatorUrl: first.url });
    const env = await firstPlatform.lifecycle.deployFinanceOps({ name: 'fo-keep', demoData: false });
    await first.close();
    const second = await startEmulator({ port: 0, dataFile, timeScale: 0.0001, seed });
    try {
      const secondPlatform = createPlatform({ mode: 'emulator', emulatorUrl: second.url });
      const again = await pollUntil(
        () => secondPlatform.lifecycle.getFinanceOps(env.id),
        (e) => e.state === 'deployed',
      );
      expect(again.url).toBe(`${second.url}/fo/fo-keep`);
      const state = (await control(second, 'GET', 'state')).body;
      expect(state.dataverse.filter((d: { name: string }) => d.name === 'contoso')).toHaveLength(1);
      expect(state.financeOps.filter((f: { name: string }) => f.name === 'contoso-fo')).toHaveLength(1);
      const accounts = await api(second, '/orgs/contoso/api/data/v9.2/accounts?$count=true');
      expect(accounts.body['@odata.count']).toBe(3);

      await control(second, 'POST', 'reset');
      const reset = (await control(second, 'GET', 'state')).body;
      expect(reset.financeOps.map((f: { name: string }) => f.name)).toEqual(['contoso-fo']);
      expect(reset.effects.byKind).toEqual({});
    } finally {
      await second.close();
    }
  });
});
