import { COMPANY_LOOKUP } from '../../src/emulator/dualWrite/entitySync';
import { findFoEntitySet, type FoEntitySet } from '../../src/emulator/financeOps/foEntitySets';
import { insertLink, openGatewayRig, type GatewayRig } from './gatewayKit';

// Live sync (src/emulator/dualWrite/liveSync.ts): which rows cross on a tick's pass, and that a pass
// reads only the rows written since the map's last complete pass.

const CUSTOMERS = 'accounts - Customers V3';
const LINK = 'link-1';

describe('live sync pass', () => {
  let rig: GatewayRig;
  let customers: FoEntitySet;
  let companyIds: Record<string, string>;

  const addCustomer = (account: string, company: string) =>
    rig.financeOps.insertIfAbsent('fo1', customers, {
      dataAreaId: company,
      CustomerAccount: account,
      OrganizationName: `Customer ${account}`,
    });
  const dataverseAccounts = () => rig.dataverse.list('dv1', 'accounts');
  const financeOpsCustomers = (company: string) =>
    rig.financeOps.query('fo1', 'CustomersV3').filter((row) => row.dataAreaId === company);
  /** The rows of the map's two tables one pass reads, and how many crossed. */
  const passReading = () => {
    const fo = jest.spyOn(rig.financeOps, 'query');
    const dv = jest.spyOn(rig.dataverse, 'list');
    try {
      const moved = rig.gateway.live.pass();
      const read = (spy: jest.SpyInstance, table: string) =>
        spy.mock.calls
          .map((call, i) => (call[1] === table ? (spy.mock.results[i].value as unknown[]).length : 0))
          .reduce((a, b) => a + b, 0);
      return { moved, financeOpsRows: read(fo, 'CustomersV3'), dataverseRows: read(dv, 'accounts') };
    } finally {
      fo.mockRestore();
      dv.mockRestore();
    }
  };

  beforeEach(() => {
    rig = openGatewayRig();
    customers = findFoEntitySet('CustomersV3') as FoEntitySet;
    rig.dataverse.createOrg('dv1');
    companyIds = {};
    for (const code of ['USMF', 'DEMF'])
      companyIds[code] = String(
        rig.dataverse.insert('dv1', 'cdm_companies', { cdm_companycode: code, cdm_name: code }).cdm_companyid,
      );
    addCustomer('US-001', 'usmf');
    addCustomer('US-002', 'usmf');
    addCustomer('DE-001', 'demf');
    insertLink(rig, {
      id: LINK,
      foEnv: 'fo1',
      dvOrg: 'dv1',
      companies: ['USMF'],
      maps: [CUSTOMERS],
      state: 'Running',
    });
  });

  afterEach(() => rig.close());

  it("moves the linked companies' new rows each way once", () => {
    expect(passReading().moved).toBe(2);
    expect(dataverseAccounts().map((row) => [row.accountnumber, row[COMPANY_LOOKUP]])).toEqual(
      expect.arrayContaining([
        ['US-001', companyIds.USMF],
        ['US-002', companyIds.USMF],
      ]),
    );
    rig.dataverse.insert('dv1', 'accounts', {
      name: 'Fabrikam',
      'msdyn_company@odata.bind': `/cdm_companies(${companyIds.USMF})`,
    });
    rig.dataverse.insert('dv1', 'accounts', {
      name: 'Unlinked',
      'msdyn_company@odata.bind': `/cdm_companies(${companyIds.DEMF})`,
    });
    expect(passReading().moved).toBe(1);
    expect(financeOpsCustomers('usmf').map((row) => row.OrganizationName)).toContain('Fabrikam');
    expect(passReading().moved).toBe(0);
    expect(dataverseAccounts()).toHaveLength(4);
    expect(financeOpsCustomers('usmf')).toHaveLength(3);
    expect(financeOpsCustomers('demf')).toHaveLength(1);
  });

  it('reads no rows when nothing changed since the last pass', () => {
    passReading();
    passReading();
    expect(passReading()).toEqual({ moved: 0, financeOpsRows: 0, dataverseRows: 0 });
  });

  it('reads only the rows written since the last pass', () => {
    passReading();
    passReading();
    addCustomer('US-003', 'usmf');
    // The new F&O row, then the Dataverse row the pass itself wrote for it (already crossed).
    expect(passReading()).toEqual({ moved: 1, financeOpsRows: 1, dataverseRows: 1 });
  });

  it('moves a Dataverse row once it is stamped with a linked company', () => {
    const unstamped = rig.dataverse.insert('dv1', 'accounts', { name: 'Later', accountnumber: 'US-LATE' });
    passReading();
    expect(financeOpsCustomers('usmf')).toHaveLength(2);
    rig.dataverse.update('dv1', 'accounts', String(unstamped.accountid), {
      'msdyn_company@odata.bind': `/cdm_companies(${companyIds.USMF})`,
    });
    expect(passReading().moved).toBe(1);
    expect(financeOpsCustomers('usmf').map((row) => row.CustomerAccount)).toContain('US-LATE');
  });

  it("moves a company's earlier rows once the company is added to the link", () => {
    passReading();
    rig.ctx.db.prepare('INSERT INTO gw_legal_entities (connection_id, code) VALUES (?, ?)').run(LINK, 'DEMF');
    expect(passReading().moved).toBe(1);
    expect(dataverseAccounts().map((row) => row[COMPANY_LOOKUP])).toContain(companyIds.DEMF);
  });

  it('moves the rows again once the link forgets its crossed pairs (Reset)', () => {
    passReading();
    passReading();
    rig.gateway.sync.forget(LINK);
    passReading();
    expect(dataverseAccounts()).toHaveLength(4);
  });

  it('keeps moving two Dataverse rows that share one F&O key, as a full read does', () => {
    passReading();
    for (const name of ['First', 'Second'])
      rig.dataverse.insert('dv1', 'accounts', {
        name,
        accountnumber: 'US-DUP',
        'msdyn_company@odata.bind': `/cdm_companies(${companyIds.USMF})`,
      });
    // The second crossing replaces the first row's pair, and so on: both cross again on every pass.
    expect([passReading(), passReading(), passReading()].map((pass) => pass.moved)).toEqual([2, 2, 2]);
  });

  it('reads every row again when a map runs again after a stop', () => {
    passReading();
    rig.ctx.db.prepare("UPDATE gw_maps SET state = 'Stopped'").run();
    expect(passReading().moved).toBe(0);
    rig.ctx.db.prepare("UPDATE gw_maps SET state = 'Running'").run();
    expect(passReading()).toEqual({ moved: 0, financeOpsRows: 3, dataverseRows: 2 });
  });
});
