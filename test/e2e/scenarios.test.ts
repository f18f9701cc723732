import { ENTITY_MAP_CATALOG } from '../../src/engine/catalog/entityMapCatalog';
import { catalogMaps } from '../engine/emulatorRig';
import { startHarness, getJson, type Harness } from '../support/botHarness';
import { driveScenario } from '../support/scenarioDriver';
import { textOf, user } from '../support/teamsClient';

/**
 * Issue "The conversation": each of the five scenarios driven through the cards over real HTTP, the
 * bootstrap approved by a second person, to the completion notice; then the emulator's end state,
 * read through its own APIs, is what docs/domain.md §2 describes.
 */
interface EmulatorState {
  financeOps: Array<{ name: string; state: string; url: string; demoData: boolean; legalEntities: string[] }>;
  dataverse: Array<{ name: string; org: string; state: string; url: string; solutions: string[] }>;
  connections: Array<{
    financeOps: string;
    dataverse: string;
    legalEntities: string[];
    solutionApplied: boolean;
    maps: Array<{ name: string; state: string }>;
  }>;
  effects: Record<string, number>;
}

const TOKEN = { Authorization: 'Bearer emulator.test' };
const requester = user('Alex Admin');
const approver = user('Priya Approver');

async function state(h: Harness): Promise<EmulatorState> {
  return getJson<EmulatorState>(`${h.bot.emulatorUrl}/_emulator/state`);
}

async function count(url: string): Promise<number> {
  const body = await getJson<{ '@odata.count': number }>(url, TOKEN);
  return body['@odata.count'];
}

async function companyId(orgUrl: string, code: string): Promise<string> {
  const body = await getJson<{ value: Array<{ cdm_companyid: string }> }>(
    `${orgUrl}/api/data/v9.2/cdm_companies?$select=cdm_companyid&$filter=cdm_companycode eq '${code}'`,
    TOKEN,
  );
  expect(body.value).toHaveLength(1);
  return body.value[0].cdm_companyid;
}

function connectionOf(s: EmulatorState, foName: string) {
  const connection = s.connections.find((c) => c.financeOps === foName);
  expect(connection).toBeDefined();
  return connection!;
}

/** Every map the setup runs (the catalog's, by table and name) is published and running. */
function expectAllMapsRunning(connection: EmulatorState['connections'][number]) {
  const ours = catalogMaps(connection.maps);
  expect(ours.map((m) => m.name).sort()).toEqual(ENTITY_MAP_CATALOG.map((m) => m.key).sort());
  expect(ours.filter((m) => m.state !== 'Running')).toEqual([]);
}

describe('the five scenarios through the cards, approved by a second person', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ APPROVERS: approver.aadObjectId, ADMINS: requester.aadObjectId });
  });
  afterEach(async () => {
    await h?.close();
  });

  it('new-new: F&O and Dataverse created, linked for DAT, maps running', async () => {
    const result = await driveScenario(h, {
      scenario: 'new-new',
      inputs: { financeOpsName: 'nn-fo', dataverseName: 'nn-dv' },
      requester,
      approver,
    });
    expect(result.noticeText).toContain('completed');
    const s = await state(h);
    expect(s.financeOps.find((e) => e.name === 'nn-fo')).toMatchObject({
      state: 'Deployed',
      demoData: false,
    });
    expect(s.dataverse.find((e) => e.name === 'nn-dv')?.solutions).toContain('msdynce_CrmPrime');
    const connection = connectionOf(s, 'nn-fo');
    expect(connection.legalEntities).toEqual(['DAT']);
    expectAllMapsRunning(connection);
  });

  it('new-new as a unified environment: one environment from the Power Platform, not LCS, linked for DAT', async () => {
    const result = await driveScenario(h, {
      scenario: 'new-new',
      inputs: { financeOpsHome: 'unified', erpTemplate: 'D365_FinOps_Finance', financeOpsName: 'uni-card' },
      requester,
      approver,
    });
    expect(result.noticeText).toContain('completed');
    const s = await state(h);
    // Not an LCS deployment: the F&O is the unified environment's own, under its org name.
    expect(s.financeOps.find((e) => e.name === 'uni-card')).toBeUndefined();
    const connection = s.connections.find((c) => c.financeOps === 'unicard');
    expect(connection?.legalEntities).toEqual(['DAT']);
    expectAllMapsRunning(connection!);
  });

  it('new-existing: company created, added, existing rows stamped after approval, customers synced', async () => {
    const contoso = (await state(h)).dataverse.find((e) => e.org === 'contoso')!;
    const before = await count(
      `${contoso.url}/api/data/v9.2/accounts?$filter=_msdyn_company_value eq null&$count=true`,
    );
    const contactsBefore = await count(
      `${contoso.url}/api/data/v9.2/contacts?$filter=_msdyn_company_value eq null&$count=true`,
    );
    expect(before).toBeGreaterThan(0);
    const result = await driveScenario(h, {
      scenario: 'new-existing',
      inputs: {
        financeOpsName: 'ne-fo',
        dataverseUrl: contoso.url,
        companyCode: 'cnts',
        companyName: 'Contoso Ltd',
        bootstrapTables: 'accounts,contacts',
        initialSyncEntities: 'Customers V3',
        master: 'dataverse',
      },
      requester,
      approver,
    });
    expect(result.approvals).toBe(1);
    expect(result.noticeText).toContain('completed');
    const s = await state(h);
    expect(s.financeOps.find((e) => e.name === 'ne-fo')?.legalEntities.map((e) => e.toUpperCase())).toEqual(
      expect.arrayContaining(['DAT', 'CNTS']),
    );
    const connection = connectionOf(s, 'ne-fo');
    expect(connection.legalEntities).toEqual(expect.arrayContaining(['DAT', 'CNTS']));
    expectAllMapsRunning(connection);
    const cnts = await companyId(contoso.url, 'CNTS');
    expect(
      await count(`${contoso.url}/api/data/v9.2/accounts?$filter=_msdyn_company_value eq null&$count=true`),
    ).toBe(0);
    expect(
      await count(`${contoso.url}/api/data/v9.2/contacts?$filter=_msdyn_company_value eq null&$count=true`),
    ).toBe(0);
    expect(
      await count(
        `${contoso.url}/api/data/v9.2/accounts?$filter=_msdyn_company_value eq ${cnts}&$count=true`,
      ),
    ).toBe(before);
    expect(textOf(result.noticeCard)).toContain(`"Rows stamped","value":"${before + contactsBefore}"`);
    expect(textOf(result.noticeCard)).not.toContain('"Rows synced","value":"0"');
  });

  it('new-demo-new: demo company added and its customers copied to Dataverse', async () => {
    const result = await driveScenario(h, {
      scenario: 'new-demo-new',
      inputs: {
        financeOpsName: 'dn-fo',
        dataverseName: 'dn-dv',
        demoLegalEntities: 'USMF',
        initialSyncEntities: 'Customers V3',
      },
      requester,
      approver,
    });
    expect(`${result.noticeText} ${textOf(result.noticeCard)}`).toContain('setup completed');
    const s = await state(h);
    expect(s.financeOps.find((e) => e.name === 'dn-fo')).toMatchObject({ demoData: true });
    const connection = connectionOf(s, 'dn-fo');
    expect(connection.legalEntities).toEqual(expect.arrayContaining(['DAT', 'USMF']));
    expectAllMapsRunning(connection);
    const dv = s.dataverse.find((e) => e.name === 'dn-dv')!;
    const usmf = await companyId(dv.url, 'USMF');
    expect(
      await count(`${dv.url}/api/data/v9.2/accounts?$filter=_msdyn_company_value eq ${usmf}&$count=true`),
    ).toBeGreaterThan(0);
  });

  it('new-demo-existing: demo data synced, own company created and existing rows stamped', async () => {
    const contoso = (await state(h)).dataverse.find((e) => e.org === 'contoso')!;
    const result = await driveScenario(h, {
      scenario: 'new-demo-existing',
      inputs: {
        financeOpsName: 'de-fo',
        dataverseUrl: contoso.url,
        demoLegalEntities: 'USMF',
        companyCode: 'CNTS',
        companyName: 'Contoso Ltd',
        bootstrapTables: 'accounts,contacts',
        initialSyncEntities: 'Customers V3',
        master: 'dataverse',
      },
      requester,
      approver,
    });
    expect(result.approvals).toBe(1);
    expect(result.noticeText).toContain('completed');
    const s = await state(h);
    const connection = connectionOf(s, 'de-fo');
    expect(connection.legalEntities).toEqual(expect.arrayContaining(['DAT', 'USMF', 'CNTS']));
    expectAllMapsRunning(connection);
    const usmf = await companyId(contoso.url, 'USMF');
    expect(
      await count(
        `${contoso.url}/api/data/v9.2/accounts?$filter=_msdyn_company_value eq ${usmf}&$count=true`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await count(`${contoso.url}/api/data/v9.2/accounts?$filter=_msdyn_company_value eq null&$count=true`),
    ).toBe(0);
  });

  it('existing-existing: linked from F&O for the chosen legal entities, solution applied, rows stamped', async () => {
    const s0 = await state(h);
    const contoso = s0.dataverse.find((e) => e.org === 'contoso')!;
    const fo = s0.financeOps.find((e) => e.name === 'contoso-fo')!;
    const result = await driveScenario(h, {
      scenario: 'existing-existing',
      inputs: {
        financeOpsUrl: fo.url,
        dataverseUrl: contoso.url,
        legalEntities: 'USMF',
        companyCode: 'USMF',
        bootstrapTables: 'accounts,contacts',
        initialSyncEntities: 'Customers V3',
        master: 'dataverse',
      },
      requester,
      approver,
    });
    expect(result.approvals).toBe(1);
    expect(result.noticeText).toContain('completed');
    const s = await state(h);
    const connection = connectionOf(s, 'contoso-fo');
    expect(connection.legalEntities).toEqual(['USMF']);
    expect(connection.solutionApplied).toBe(true);
    expectAllMapsRunning(connection);
    expect(
      await count(`${contoso.url}/api/data/v9.2/accounts?$filter=_msdyn_company_value eq null&$count=true`),
    ).toBe(0);
  });
});
