import type { RunningEmulator } from '../../src/emulator/index';
import { bob, type Harness } from './engineHarness';
import { catalogMaps, dataverseRows, emulatorState, financeOpsRows, startRigEmulator } from './emulatorRig';
import { approvingHarness, expectSucceeded, runUntilFinished } from './emulatorRuns';

/**
 * Each of the five seed scenarios runs to completion against the real emulator over HTTP; the
 * assertions read the emulator's own APIs (control state, Dataverse Web API, F&O OData). Each case
 * has its own emulator and store, so it passes alone and in any order.
 */
describe('the five scenarios against the emulator', () => {
  let emu: RunningEmulator;
  let h: Harness;

  beforeEach(async () => {
    emu = await startRigEmulator();
    h = approvingHarness(emu.url);
  });
  afterEach(async () => {
    await h?.close();
    await emu?.close();
  });

  const runToEnd = (input: Record<string, unknown>, key: string) => runUntilFinished(h, input, { key });

  function connectionOf(state: Awaited<ReturnType<typeof emulatorState>>, foName: string) {
    const fo = state.financeOps.find((e) => e.name === foName);
    const connection = state.connections.find((c) => c.financeOps === foName || c.financeOpsUrl === fo?.url);
    if (!connection) throw new Error(`no connection for ${foName}`);
    return connection;
  }

  it('new-new: F&O deployed, Dataverse created with CRM prime and dual-write, DAT linked, maps running', async () => {
    const run = await runToEnd(
      { scenario: 'new-new', financeOpsName: 'nn-fo', dataverseName: 'nn-dv' },
      'nn',
    );
    expectSucceeded(run);
    expect(run.steps[0]).toMatchObject({ kind: 'provisionFinanceOps', where: 'Lifecycle Services' });
    // What LCS itself said while the deployment ran (DeploymentStatusDisplay), for the run card.
    expect(run.steps[0].serviceStatus?.text).toBe('Lifecycle Services: Deploying');
    const state = await emulatorState(emu.url);
    expect(state.financeOps.find((e) => e.name === 'nn-fo')).toMatchObject({
      state: 'Deployed',
      demoData: false,
    });
    const dv = state.dataverse.find((e) => e.name === 'nn-dv');
    expect(dv?.solutions).toEqual(
      expect.arrayContaining(['msdynce_CrmPrime', 'DualWriteCore', 'Dynamics365Company']),
    );
    const connection = connectionOf(state, 'nn-fo');
    expect(connection.legalEntities).toEqual(['DAT']);
    expect(connection.maps.length).toBeGreaterThan(0);
    expect(catalogMaps(connection.maps).every((m) => m.state === 'Running')).toBe(true);
    const companies = await dataverseRows(dv?.url as string, 'cdm_companies?$select=cdm_companycode');
    expect(companies.map((c) => c.cdm_companycode)).toEqual(['DAT']);
  });

  it('new-existing: company created, linked, Dataverse rows bootstrapped, initial sync copied them to F&O', async () => {
    const dvUrl = `${emu.url}/orgs/contoso`;
    const before = (
      await dataverseRows(dvUrl, 'accounts?$select=accountid&$filter=_msdyn_company_value eq null')
    ).length;
    expect(before).toBeGreaterThan(0);
    const run = await runToEnd(
      {
        scenario: 'new-existing',
        financeOpsName: 'ne-fo',
        dataverseUrl: dvUrl,
        companyCode: 'ctso',
        companyName: 'Contoso Sales',
        initialSyncEntities: ['Customers V3'],
      },
      'ne',
    );
    // The tables' names as the environment's table definitions give them (DisplayCollectionName).
    expect(run.tableNames).toMatchObject({ accounts: 'Accounts', contacts: 'Contacts' });
    expectSucceeded(run);
    const bootstrap = run.steps.find((s) => s.kind === 'bootstrapCompanyData');
    expect(bootstrap?.approval?.decision).toMatchObject({ approved: true, by: bob });
    expect(bootstrap?.progress).toMatchObject({ total: before + 100, unit: 'rows' });
    const state = await emulatorState(emu.url);
    const fo = state.financeOps.find((e) => e.name === 'ne-fo');
    expect(fo?.legalEntities).toEqual(expect.arrayContaining(['DAT', 'CTSO']));
    const connection = connectionOf(state, 'ne-fo');
    expect(connection.legalEntities).toEqual(['DAT', 'CTSO']);
    expect(catalogMaps(connection.maps).every((m) => m.state === 'Running')).toBe(true);
    const [company] = await dataverseRows(dvUrl, "cdm_companies?$filter=cdm_companycode eq 'CTSO'");
    expect(company).toBeDefined();
    const stamped = await dataverseRows(
      dvUrl,
      `accounts?$select=accountid&$filter=_msdyn_company_value eq ${company.cdm_companyid}`,
    );
    expect(stamped).toHaveLength(before);
    expect(
      await dataverseRows(dvUrl, 'accounts?$select=accountid&$filter=_msdyn_company_value eq null'),
    ).toHaveLength(0);
    const customers = await financeOpsRows(fo?.url as string, "CustomersV3?$filter=dataAreaId eq 'ctso'");
    expect(customers).toHaveLength(before);
    expect(
      state.effects.bySubject['fo.legalEntity.create ne-fo/CTSO'] ??
        state.effects.byKind['fo.legalEntity.create'],
    ).toBe(1);
  });

  it('new-existing in the bulk order: Legal entities only, bootstrap, then the maps with initial sync', async () => {
    const dvUrl = `${emu.url}/orgs/contoso`;
    const before = (
      await dataverseRows(dvUrl, 'accounts?$select=accountid&$filter=_msdyn_company_value eq null')
    ).length;
    const run = await runToEnd(
      {
        scenario: 'new-existing',
        financeOpsName: 'bulk-fo',
        dataverseUrl: dvUrl,
        companyCode: 'blk',
        companyName: 'Bulk Sales',
        bootstrapTables: ['accounts'],
        bootstrapOrder: 'bulk',
      },
      'bulk',
    );
    expectSucceeded(run);
    const log = await effectsInOrder();
    const first = (kind: string, subject = '') =>
      log.findIndex((e) => e.kind === kind && e.subject.endsWith(subject));
    const customers = '/accounts - Customers V3';
    // While the rows were stamped only Legal entities ran: the accounts map started after, with
    // initial sync, from Stopped after a refresh; no live start of it before.
    const starts = log.filter((e) => e.kind === 'gw.map.start' && e.subject.endsWith(customers));
    expect(starts.map((e) => e.detail)).toEqual(['initial sync']);
    expect(first('gw.legalEntity.add')).toBeLessThan(first('gw.map.start', customers));
    expect(first('gw.project.refresh', customers)).toBeLessThan(first('gw.map.start', customers));
    const state = await emulatorState(emu.url);
    const connection = connectionOf(state, 'bulk-fo');
    expect(catalogMaps(connection.maps).every((m) => m.state === 'Running')).toBe(true);
    const fo = state.financeOps.find((e) => e.name === 'bulk-fo');
    const copied = await financeOpsRows(fo?.url as string, "CustomersV3?$filter=dataAreaId eq 'blk'");
    expect(copied).toHaveLength(before);
  });

  it('new-demo-new: demo companies linked and their data initially synced to Dataverse', async () => {
    const run = await runToEnd(
      {
        scenario: 'new-demo-new',
        financeOpsName: 'dn-fo',
        dataverseName: 'dn-dv',
        demoLegalEntities: ['USMF', 'DEMF'],
        initialSyncEntities: ['Customers V3'],
      },
      'dn',
    );
    expectSucceeded(run);
    const state = await emulatorState(emu.url);
    const fo = state.financeOps.find((e) => e.name === 'dn-fo');
    expect(fo?.demoData).toBe(true);
    const connection = connectionOf(state, 'dn-fo');
    expect(connection.legalEntities).toEqual(expect.arrayContaining(['USMF', 'DEMF']));
    expect(catalogMaps(connection.maps).every((m) => m.state === 'Running')).toBe(true);
    const dv = state.dataverse.find((e) => e.name === 'dn-dv');
    for (const code of ['USMF', 'DEMF']) {
      const foCustomers = await financeOpsRows(
        fo?.url as string,
        `CustomersV3?$filter=dataAreaId eq '${code.toLowerCase()}'`,
      );
      const [company] = await dataverseRows(
        dv?.url as string,
        `cdm_companies?$filter=cdm_companycode eq '${code}'`,
      );
      const accounts = await dataverseRows(
        dv?.url as string,
        `accounts?$select=accountid&$filter=_msdyn_company_value eq ${company.cdm_companyid}`,
      );
      expect(foCustomers.length).toBeGreaterThan(0);
      expect(accounts).toHaveLength(foCustomers.length);
    }
  });

  it('new-demo-existing: demo data synced, then the new company bootstrapped in the existing Dataverse', async () => {
    // Walk-in accounts on top of the seeded ones: bootstrap stamps every account without a company.
    const dvUrl = `${emu.url}/orgs/contoso`;
    for (let i = 0; i < 25; i++) {
      const response = await fetch(`${dvUrl}/api/data/v9.2/accounts`, {
        method: 'POST',
        headers: { Authorization: 'Bearer emulator.test', 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `Walk-in ${i}` }),
      });
      expect(response.status).toBe(204);
    }
    const before = (
      await dataverseRows(dvUrl, 'accounts?$select=accountid&$filter=_msdyn_company_value eq null')
    ).length;
    const run = await runToEnd(
      {
        scenario: 'new-demo-existing',
        financeOpsName: 'de-fo',
        dataverseUrl: dvUrl,
        demoLegalEntities: ['USMF'],
        companyCode: 'CNT2',
        companyName: 'Contoso Two',
        initialSyncEntities: ['Customers V3'],
      },
      'de',
    );
    expectSucceeded(run);
    const state = await emulatorState(emu.url);
    const connection = connectionOf(state, 'de-fo');
    expect(connection.legalEntities).toEqual(expect.arrayContaining(['USMF', 'CNT2']));
    const [company] = await dataverseRows(dvUrl, "cdm_companies?$filter=cdm_companycode eq 'CNT2'");
    const stamped = await dataverseRows(
      dvUrl,
      `accounts?$select=accountid&$filter=_msdyn_company_value eq ${company.cdm_companyid}`,
    );
    expect(stamped).toHaveLength(before);
    const [usmf] = await dataverseRows(dvUrl, "cdm_companies?$filter=cdm_companycode eq 'USMF'");
    const demoAccounts = await dataverseRows(
      dvUrl,
      `accounts?$select=accountid&$filter=_msdyn_company_value eq ${usmf.cdm_companyid}`,
    );
    expect(demoAccounts.length).toBeGreaterThan(0);
  });

  it('existing-existing: linked from F&O with the chosen legal entity, solution applied, rows bootstrapped, maps running', async () => {
    const foUrl = `${emu.url}/fo/contoso-fo`;
    const dvUrl = `${emu.url}/orgs/contoso`;
    for (let i = 0; i < 10; i++) {
      await fetch(`${dvUrl}/api/data/v9.2/contacts`, {
        method: 'POST',
        headers: { Authorization: 'Bearer emulator.test', 'Content-Type': 'application/json' },
        body: JSON.stringify({ lastname: `Lead ${i}` }),
      });
    }
    const before = (
      await dataverseRows(dvUrl, 'contacts?$select=contactid&$filter=_msdyn_company_value eq null')
    ).length;
    expect(before).toBeGreaterThanOrEqual(10);
    const run = await runToEnd(
      {
        scenario: 'existing-existing',
        financeOpsUrl: foUrl,
        dataverseUrl: dvUrl,
        legalEntities: ['DEMF'],
        companyCode: 'DEMF',
        initialSyncEntities: ['Vendors V2'],
        master: 'financeOps',
      },
      'ee',
    );
    expectSucceeded(run);
    expect(run.steps[0]).toMatchObject({ kind: 'checkPrerequisites', where: 'Finance and Operations' });
    const state = await emulatorState(emu.url);
    const connection = connectionOf(state, 'contoso-fo');
    expect(connection.legalEntities).toEqual(['DEMF']);
    expect(connection.solutionApplied ?? true).toBe(true);
    expect(connection.maps.find((m) => m.name === 'msdyn_vendors - Vendors V2')?.state).toBe('Running');
    const [demf] = await dataverseRows(dvUrl, "cdm_companies?$filter=cdm_companycode eq 'DEMF'");
    const contacts = await dataverseRows(
      dvUrl,
      `contacts?$select=contactid&$filter=_msdyn_company_value eq ${demf.cdm_companyid}`,
    );
    expect(contacts).toHaveLength(before);
    const vendors = await dataverseRows(
      dvUrl,
      `msdyn_vendors?$select=msdyn_vendorid&$filter=_msdyn_company_value eq ${demf.cdm_companyid}`,
    );
    const foVendors = await financeOpsRows(foUrl, "VendorsV2?$filter=dataAreaId eq 'demf'");
    expect(vendors).toHaveLength(foVendors.length);
    // Each map of the initial sync as the tool runs it: stopped, its tables refreshed, then started
    // with initial sync; its prerequisites (here the vendor groups) synced before it.
    const log = await effectsInOrder();
    const vendorsV2 = log.filter((e) => e.subject.endsWith('/msdyn_vendors - Vendors V2'));
    expect(vendorsV2.map((e) => e.kind).filter((k) => k !== 'gw.map.init')).toEqual(
      expect.arrayContaining(['gw.map.stop', 'gw.project.refresh', 'gw.map.start']),
    );
    const at = (kind: string, subject: string) =>
      log.findIndex((e) => e.kind === kind && e.subject.endsWith(`/${subject}`));
    const vendorsKey = 'msdyn_vendors - Vendors V2';
    expect(at('gw.map.stop', vendorsKey)).toBeLessThan(at('gw.project.refresh', vendorsKey));
    expect(at('gw.project.refresh', vendorsKey)).toBeLessThan(at('gw.map.start', vendorsKey));
    const groups = 'msdyn_vendorgroups - Vendor groups';
    expect(at('gw.map.start', groups)).toBeGreaterThanOrEqual(0);
    expect(at('gw.map.start', groups)).toBeLessThan(at('gw.map.start', vendorsKey));
  });

  type Effect = { seq: number; kind: string; subject: string; detail?: string };
  async function effectsInOrder(): Promise<Effect[]> {
    const response = await fetch(`${emu.url}/_emulator/effects`);
    const body = (await response.json()) as { value: Effect[] };
    return body.value.sort((a, b) => a.seq - b.seq);
  }
});
