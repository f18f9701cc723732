import type { RunningEmulator } from '../../src/emulator';
import { ENTITY_MAP_CATALOG } from '../../src/engine/catalog/entityMapCatalog';
import {
  CRM_PRIME_SOLUTION,
  DUAL_WRITE_APP_IDS,
  DUAL_WRITE_CORE_PACKAGE,
  DUAL_WRITE_CORE_SOLUTION,
} from '../../src/engine/catalog/solutions';
import type { Platform } from '../../src/engine/ports';
import { PlatformError } from '../../src/platform/platformError';
import { api, control, emulatorPerCase, pollUntil } from '../emulator/emulatorTestKit';
import { PACKAGES, walkTo } from './support/newDemoNewPath';

/**
 * Every operation the engine uses on the new-demo-new path, through createPlatform, over real HTTP
 * against the emulator. Each case gets its own emulator; a case on the path walks it through the
 * steps before it (walkTo).
 */
let emulator: RunningEmulator;
let platform: Platform;

emulatorPerCase((rig) => ({ emulator, platform } = rig));

describe('the new-demo-new path through the clients', () => {
  it('deploys an F&O environment with demo data and polls it to deployed', async () => {
    const started = await platform.lifecycle.deployFinanceOps({ name: 'fo-demo', demoData: true });
    expect(started.state).toBe('deploying');
    const done = await pollUntil(
      () => platform.lifecycle.getFinanceOps(started.id),
      (env) => env.state !== 'deploying',
    );
    expect(done).toMatchObject({ state: 'deployed', name: 'fo-demo', platformVersion: '10.0.38' });
    expect(done.url).toBe(`${emulator.url}/fo/fo-demo`);
    // LCS does not report the tenant (no TenantId in the documented metadata).
    expect(done.tenantId).toBe('');
    expect((await platform.lifecycle.findFinanceOps('FO-DEMO'))?.id).toBe(started.id);
    expect(await platform.lifecycle.findFinanceOps('no-such-env')).toBeNull();
    await expect(
      platform.lifecycle.deployFinanceOps({ name: 'fo-demo', demoData: false }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('reads legal entities in upper case and counts rows per company', async () => {
    const { foUrl } = await walkTo(platform, 'deployed');
    const fo = platform.financeOps(foUrl);
    const ids = (await fo.listLegalEntities()).map((entity) => entity.id);
    expect(ids).toEqual(expect.arrayContaining(['USMF', 'DEMF', 'USRT', 'GBSI']));
    expect(await fo.countRows('CustomersV3', 'usmf')).toBe(5);
    expect(await fo.countRows('VendorsV2', 'DEMF')).toBe(3);
  });

  it('creates a legal entity once; a second create is refused', async () => {
    const { foUrl } = await walkTo(platform, 'deployed');
    const fo = platform.financeOps(foUrl);
    await fo.createLegalEntity({ id: 'ab1', name: 'Alpine Bikes' });
    expect((await fo.listLegalEntities()).filter((entity) => entity.id === 'AB1')).toHaveLength(1);
    const error = await fo.createLegalEntity({ id: 'AB1', name: 'Again' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).message).toMatch(/already exists/);
  });

  it('creates a Dataverse environment with the CRM prime solution and polls it to ready', async () => {
    const started = await platform.powerPlatform.createDataverse({ name: 'dv-new', crmPrime: true });
    // The client follows the lifecycle operation first: at this time scale creation may be done already.
    expect(['provisioning', 'ready']).toContain(started.state);
    const ready = await pollUntil(
      () => platform.powerPlatform.getDataverse(started.id),
      (env) => env.state === 'ready',
    );
    expect(ready.url).toBe(`${emulator.url}/orgs/dvnew`);
    const dvUrl = ready.url;
    const dvId = ready.id;
    expect((await platform.powerPlatform.findDataverse('DV-NEW'))?.id).toBe(dvId);
    expect((await platform.powerPlatform.findDataverse('contoso'))?.state).toBe('ready');
    const dataverse = platform.dataverse(dvUrl);
    expect((await dataverse.listSolutions()).map((s) => s.uniqueName)).toContain(CRM_PRIME_SOLUTION);
    expect(await dataverse.listApplicationUserIds()).toEqual(expect.arrayContaining([...DUAL_WRITE_APP_IDS]));
  });

  it('installs the dual-write packages and sees their solutions in Dataverse', async () => {
    const { dvUrl, dvId } = await walkTo(platform, 'dataverse');
    const before = await platform.powerPlatform.listPackages(dvId);
    expect(before.find((p) => p.uniqueName === DUAL_WRITE_CORE_PACKAGE)?.state).toBe('not_installed');
    const names = PACKAGES;
    for (const name of names) {
      const op = await platform.powerPlatform.installPackage(dvId, name);
      const done = await pollUntil(
        () => platform.powerPlatform.getPackageOperation(dvId, op.id),
        (o) => o.status !== 'running',
      );
      expect(done.status).toBe('succeeded');
    }
    const after = await platform.powerPlatform.listPackages(dvId);
    expect(after.filter((p) => names.includes(p.uniqueName)).every((p) => p.state === 'installed')).toBe(
      true,
    );
    const solutions = (await platform.dataverse(dvUrl).listSolutions()).map((s) => s.uniqueName);
    expect(solutions).toEqual(expect.arrayContaining([DUAL_WRITE_CORE_SOLUTION, 'Dynamics365Company']));
  });

  it('links the environments; maps are blank until Apply Solution publishes them', async () => {
    const { foUrl, dvUrl } = await walkTo(platform, 'packages');
    expect(await platform.dualWrite.findConnection(foUrl, dvUrl)).toBeNull();
    const conn = await platform.dualWrite.createConnection({
      financeOpsUrl: foUrl,
      dataverseUrl: `${dvUrl}/`,
      legalEntities: ['usmf'],
    });
    expect(conn).toMatchObject({ legalEntities: ['USMF'], solutionApplied: false, dataverseUrl: dvUrl });
    const connectionId = conn.id;
    expect((await platform.dualWrite.findConnection(`${foUrl}/`, dvUrl))?.id).toBe(connectionId);
    expect(await platform.dualWrite.listMaps(connectionId)).toEqual([]);
    await platform.dualWrite.applySolution(connectionId);
    const maps = await platform.dualWrite.listMaps(connectionId);
    // Every catalog map, known by its table and name (the gateway publishes more than the catalog runs).
    const keys = maps.map((m) => `${m.table} - ${m.name}`);
    expect(keys).toEqual(expect.arrayContaining(ENTITY_MAP_CATALOG.map((m) => m.key)));
    expect(maps.every((m) => m.state === 'NotRunning')).toBe(true);
    expect((await platform.dualWrite.findConnection(foUrl, dvUrl))?.solutionApplied).toBe(true);
  });

  it('fails an initial sync whose prerequisite maps are not running, with the lookup error', async () => {
    const { connectionId } = await walkTo(platform, 'linked');
    await platform.dualWrite.runMap(connectionId, 'accounts - Customers V3', {
      initialSync: true,
      master: 'financeOps',
    });
    const maps = await pollUntil(
      () => platform.dualWrite.listMaps(connectionId),
      (all) => all.find((m) => m.table === 'accounts' && m.name === 'Customers V3')?.state !== 'InitialSync',
    );
    const customers = maps.find((m) => m.table === 'accounts' && m.name === 'Customers V3');
    expect(customers?.state).toBe('NotRunning');
    expect(customers?.lastError).toMatch(/Couldn't resolve the guid for the field.*lookup was not found/);
  });

  it('creates companies when Legal entities runs and when a company is added, each exactly once', async () => {
    const { connectionId, dvUrl } = await walkTo(platform, 'linked');
    await platform.dualWrite.runMap(connectionId, 'cdm_companies - Legal entities', { initialSync: false });
    const dataverse = platform.dataverse(dvUrl);
    expect(await dataverse.findCompany('USMF')).toMatchObject({ code: 'USMF' });
    expect(await dataverse.findCompany('DEMF')).toBeNull();
    const added = await platform.dualWrite.addLegalEntities(connectionId, ['DEMF', 'usmf']);
    expect(added.legalEntities).toEqual(['USMF', 'DEMF']);
    expect(await dataverse.findCompany('DEMF')).toMatchObject({ code: 'DEMF' });
    await platform.dualWrite.runMap(connectionId, 'cdm_companies - Legal entities', { initialSync: false });
    const { body } = await control(emulator, 'GET', 'state');
    expect(body.effects.bySubject['dv.company.create dvnew/USMF']).toBe(1);
    expect(body.effects.bySubject['dv.company.create dvnew/DEMF']).toBe(1);
    expect(
      body.effects.bySubject[`gw.map.start ${connectionId.split(':')[0]}/cdm_companies - Legal entities`],
    ).toBe(2);
  });

  it('copies F&O customers to Dataverse on an F&O-master initial sync, stamped per company', async () => {
    const { connectionId, dvUrl } = await walkTo(platform, 'companies');
    const prerequisites =
      ENTITY_MAP_CATALOG.find((m) => m.key === 'accounts - Customers V3')?.dependsOn ?? [];
    for (const name of prerequisites.filter((n) => n !== 'cdm_companies - Legal entities')) {
      await platform.dualWrite.runMap(connectionId, name, { initialSync: false });
    }
    await platform.dualWrite.runMap(connectionId, 'accounts - Customers V3', {
      initialSync: true,
      master: 'financeOps',
      legalEntities: ['USMF', 'DEMF'],
    });
    await pollUntil(
      () => platform.dualWrite.listMaps(connectionId),
      (all) => all.find((m) => m.table === 'accounts' && m.name === 'Customers V3')?.state === 'Running',
    );
    const dataverse = platform.dataverse(dvUrl);
    const usmf = await dataverse.findCompany('USMF');
    const demf = await dataverse.findCompany('DEMF');
    expect(await dataverse.countRowsOfCompany('accounts', usmf?.id ?? '')).toBe(5);
    expect(await dataverse.countRowsOfCompany('accounts', demf?.id ?? '')).toBe(5);
    const { body } = await control(emulator, 'GET', 'state');
    expect(
      body.effects.bySubject[`gw.initialSync.run ${connectionId.split(':')[0]}/accounts - Customers V3`],
    ).toBe(1);
  });

  it('live-syncs a Dataverse account stamped with a connected company to F&O', async () => {
    const { foUrl, dvUrl } = await walkTo(platform, 'customers');
    const usmf = await platform.dataverse(dvUrl).findCompany('USMF');
    const created = await api(emulator, '/orgs/dvnew/api/data/v9.2/accounts', {
      method: 'POST',
      headers: { 'OData-Version': '4.0' },
      body: JSON.stringify({ name: 'Fabrikam', 'msdyn_company@odata.bind': `/cdm_companies(${usmf?.id})` }),
    });
    expect(created.status).toBe(204);
    await control(emulator, 'POST', 'tick');
    expect(await platform.financeOps(foUrl).countRows('CustomersV3', 'USMF')).toBe(6);
    await control(emulator, 'POST', 'tick');
    expect(await platform.financeOps(foUrl).countRows('CustomersV3', 'USMF')).toBe(6);
  });

  it('fails an initial sync over the legal-entity limit with the partition map error', async () => {
    // The connection holds USMF and DEMF.
    const { connectionId } = await walkTo(platform, 'companies');
    await control(emulator, 'PUT', 'settings', { failures: { maxLegalEntitiesPerInitialSync: 1 } });
    try {
      await platform.dualWrite.runMap(connectionId, 'Vendors V2', {
        initialSync: true,
        master: 'financeOps',
      });
      const vendors = (await platform.dualWrite.listMaps(connectionId)).find((m) => m.name === 'Vendors V2');
      expect(vendors?.state).toBe('NotRunning');
      expect(vendors?.lastError).toMatch(/partition map has 2 legal entities/);
    } finally {
      await control(emulator, 'PUT', 'settings', { failures: { maxLegalEntitiesPerInitialSync: 40 } });
    }
  });
});
