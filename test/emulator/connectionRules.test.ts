import type { RunningEmulator } from '../../src/emulator';
import type { DualWriteConnection, Platform } from '../../src/engine/ports';
import { api, control, emulatorPerCase, linkContoso, pollUntil, type TestBody } from './emulatorTestKit';

/**
 * What the emulated dual-write service does to a link (docs/fidelity.md, "Links, Reset and legal
 * entities"): one F&O to one Dataverse, the Power Platform integration environment, Reset that needs
 * every map stopped and wipes the link's maps, and Add legal entity that keeps them. Each case starts
 * its own emulator: no case depends on another's state.
 */
let emulator: RunningEmulator;
let platform: Platform;

const replaceEmulator = emulatorPerCase((rig) => ({ emulator, platform } = rig));

const GATEWAY = '/dualwrite';
const cidOf = (connection: DualWriteConnection) => connection.id.split(':')[0];
const LEGAL = 'cdm_companies - Legal entities';
const CURRENCIES = 'transactioncurrencies - Currencies';
const keyOf = (map: { table: string; name: string }) => `${map.table} - ${map.name}`;

async function effects(kind: string): Promise<TestBody[]> {
  return (await control(emulator, 'GET', `effects?kind=${encodeURIComponent(kind)}`)).body.value;
}

async function publishAndRun(connection: DualWriteConnection, maps: string[]): Promise<void> {
  await platform.dualWrite.applySolution(connection.id);
  for (const map of maps) await platform.dualWrite.runMap(connection.id, map, { initialSync: false });
  await pollUntil(
    () => platform.dualWrite.listMaps(connection.id),
    (all) => maps.every((key) => all.find((map) => keyOf(map) === key)?.state === 'Running'),
  );
}

async function newDataverse(name: string): Promise<string> {
  const created = await platform.powerPlatform.createDataverse({ name, crmPrime: true });
  const ready = await pollUntil(
    () => platform.powerPlatform.getDataverse(created.id),
    (env) => env.state === 'ready',
  );
  return ready.url;
}

async function integrationDetails(org: string) {
  return api(emulator, `/orgs/${org}/api/data/v9.2/RetrieveFinanceAndOperationsIntegrationDetails`);
}

describe('Power Platform integration (enable-power-platform-integration.md)', () => {
  it('answers the documented error for a Dataverse without integration, and the F&O once linked', async () => {
    const before = await integrationDetails('contoso');
    expect(before.status).toBe(400);
    expect(before.body.error).toEqual({
      code: '0x80048d0b',
      message: "Dataverse instance isn't integrated with finance and operations.",
    });
    const fo = (await platform.lifecycle.findFinanceOps('contoso-fo'))!;
    await linkContoso(platform);
    const after = await integrationDetails('contoso');
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ Url: fo.url, TenantId: expect.any(String), Id: fo.id });
  });
});

describe('what the clients read of a link before one is made', () => {
  it("reads the integration environment and the F&O environment's link, null before the link", async () => {
    const fo = (await platform.lifecycle.findFinanceOps('contoso-fo'))!;
    const dv = (await platform.powerPlatform.findDataverse('contoso'))!;
    expect(await platform.dataverse(dv.url).integrationDetails!()).toBeNull();
    expect(await platform.dualWrite.linkedDataverse!(fo.url)).toBeNull();
    await linkContoso(platform);
    expect(await platform.dataverse(dv.url).integrationDetails!()).toEqual({
      financeOpsUrl: fo.url,
      financeOpsEnvironmentId: fo.id,
      tenantId: expect.any(String),
    });
    expect(await platform.dualWrite.linkedDataverse!(fo.url)).toBe(dv.url);
  });
});

describe('one link per environment (dual-write-faq.md, reset.md)', () => {
  it('refuses to link an already linked Dataverse to another F&O, and changes nothing', async () => {
    await linkContoso(platform);
    const deployed = await platform.lifecycle.deployFinanceOps({ name: 'fabrikam-fo', demoData: false });
    const other = await pollUntil(
      () => platform.lifecycle.getFinanceOps(deployed.id),
      (env) => env.state === 'deployed',
    );
    const dv = (await platform.powerPlatform.findDataverse('contoso'))!;
    const connectionsBefore = (await effects('gw.connection.create')).length;
    const refused = await api(emulator, `${GATEWAY}/emulator/link`, {
      method: 'POST',
      body: JSON.stringify({ financeOpsUrl: other.url, dataverseUrl: dv.url, legalEntities: ['DAT'] }),
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/already linked for dual-write/);
    expect(await effects('gw.connection.create')).toHaveLength(connectionsBefore);
  });

  it('refuses to link an already linked F&O to another Dataverse', async () => {
    const fo = (await platform.lifecycle.findFinanceOps('contoso-fo'))!;
    await linkContoso(platform);
    const fresh = await newDataverse('fresh');
    const refused = await api(emulator, `${GATEWAY}/emulator/link`, {
      method: 'POST',
      body: JSON.stringify({ financeOpsUrl: fo.url, dataverseUrl: fresh, legalEntities: ['USMF'] }),
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/Finance and Operations environment is already linked/);
  });

  it("refuses an F&O and a Dataverse that are not each other's integration environment", async () => {
    await replaceEmulator({ seed: { existingFinanceOps: { integratedWith: 'contoso' } } });
    const fo = (await platform.lifecycle.findFinanceOps('contoso-fo'))!;
    const fresh = await newDataverse('fresh');
    const toFresh = await api(emulator, `${GATEWAY}/emulator/link`, {
      method: 'POST',
      body: JSON.stringify({ financeOpsUrl: fo.url, dataverseUrl: fresh, legalEntities: ['USMF'] }),
    });
    expect(toFresh.status).toBe(400);
    expect(toFresh.body.error.message).toMatch(
      /only to the Dataverse environment of its Power Platform integration/,
    );

    const deployed = await platform.lifecycle.deployFinanceOps({ name: 'fabrikam-fo', demoData: false });
    const other = await pollUntil(
      () => platform.lifecycle.getFinanceOps(deployed.id),
      (env) => env.state === 'deployed',
    );
    const dv = (await platform.powerPlatform.findDataverse('contoso'))!;
    const toContoso = await api(emulator, `${GATEWAY}/emulator/link`, {
      method: 'POST',
      body: JSON.stringify({ financeOpsUrl: other.url, dataverseUrl: dv.url, legalEntities: ['DAT'] }),
    });
    expect(toContoso.status).toBe(400);
    expect(toContoso.body.error.message).toMatch(
      /is the Power Platform integration environment of contoso-fo/,
    );
    expect((await integrationDetails('contoso')).body.Url).toBe(fo.url);
  });
});

describe('Reset (reset.md)', () => {
  it('is refused while a map runs, and wipes maps, history and legal entities once all are stopped', async () => {
    const connection = await linkContoso(platform);
    await publishAndRun(connection, [LEGAL]);
    const set = await api(
      emulator,
      `${GATEWAY}/api/ConnectionSet/${encodeURIComponent(connection.id.split(':')[1])}`,
    );
    const environments = Object.values(set.body.environments) as TestBody[];
    const body = {
      powerAppsEnvironmentName: environments[0].powerAppsEnvironment,
      environments: environments.map((env: TestBody) => ({
        targetType: env.targetType,
        name: env.name,
        displayName: env.environmentDisplayName,
        id: env.powerAppsEnvironment,
        directUrl: env.directUrl,
      })),
      legalEntities: ['USMF'],
    };
    const url = `${GATEWAY}/api/ConnectionSet/${cidOf(connection)}/Reset?targetType=AX`;
    const refused = await api(emulator, url, { method: 'POST', body: JSON.stringify(body) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/Stop every table map/);
    expect((await platform.dualWrite.listMaps(connection.id)).length).toBeGreaterThan(0);

    const stop = await api(
      emulator,
      `${GATEWAY}/api/DualWriteManagement/1.0/Entities?targetType=AX&cid=${cidOf(connection)}`,
    );
    const legal = stop.body.find((map: TestBody) => map.detail.tName === LEGAL);
    await api(emulator, `${GATEWAY}/api/DualWriteManagement/1.0/Start`, {
      method: 'POST',
      body: JSON.stringify({
        action: '4',
        details: [{ tid: legal.detail.tid, pid: legal.detail.pid, cid: cidOf(connection) }],
      }),
    });
    const reset = await api(emulator, url, { method: 'POST', body: JSON.stringify(body) });
    expect(reset.status).toBe(200);
    expect(await platform.dualWrite.listMaps(connection.id)).toEqual([]);
    const after = await platform.dualWrite.findConnection(connection.financeOpsUrl, connection.dataverseUrl);
    expect(after?.solutionApplied).toBe(false);
    expect(await effects('gw.connection.reset')).toHaveLength(1);
  });
});

describe('Add legal entity (edit-legal-entity.md)', () => {
  it('keeps every running map and its history, writes the new company, and never posts Reset', async () => {
    const connection = await linkContoso(platform);
    await publishAndRun(connection, [LEGAL, CURRENCIES]);
    const mapsBefore = await platform.dualWrite.listMaps(connection.id);
    const startsBefore = (await effects('gw.map.start')).length;

    const added = await platform.dualWrite.addLegalEntities(connection.id, ['DEMF']);
    expect(added.legalEntities).toEqual(['USMF', 'DEMF']);
    expect(await platform.dualWrite.listMaps(connection.id)).toEqual(mapsBefore);
    expect(await effects('gw.map.start')).toHaveLength(startsBefore);
    expect(await effects('gw.connection.reset')).toHaveLength(0);
    const companies = await api(
      emulator,
      "/orgs/contoso/api/data/v9.2/cdm_companies?$filter=cdm_companycode eq 'DEMF'",
    );
    expect(companies.body.value).toHaveLength(1);
    expect((await effects('gw.initialWrites')).map((e: TestBody) => e.subject)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Legal entities$/)]),
    );
    // Adding it again changes nothing.
    await platform.dualWrite.addLegalEntities(connection.id, ['DEMF']);
    expect(await effects('gw.legalEntity.add')).toHaveLength(1);
  });

  it('skips the initial writes when asked', async () => {
    const connection = await linkContoso(platform);
    await publishAndRun(connection, [LEGAL]);
    await platform.dualWrite.addLegalEntities(connection.id, ['DEMF'], { skipInitialWrites: true });
    expect(await effects('gw.initialWrites')).toHaveLength(0);
    const companies = await api(
      emulator,
      "/orgs/contoso/api/data/v9.2/cdm_companies?$filter=cdm_companycode eq 'DEMF'",
    );
    expect(companies.body.value).toHaveLength(0);
  });

  it('is refused while a map is in Initial writes', async () => {
    const connection = await linkContoso(platform);
    await publishAndRun(connection, [LEGAL]);
    await control(emulator, 'PUT', 'settings', { timeScale: 1 });
    await platform.dualWrite.runMap(connection.id, CURRENCIES, {
      initialSync: true,
      master: 'financeOps',
      legalEntities: ['USMF'],
    });
    const maps = await platform.dualWrite.listMaps(connection.id);
    expect(maps.find((map) => keyOf(map) === CURRENCIES)?.state).toBe('InitialSync');
    await expect(platform.dualWrite.addLegalEntities(connection.id, ['DEMF'])).rejects.toThrow(
      /can't be added while a table map is in the Initial writes state/,
    );
  });
});
