import type { RunningEmulator } from '../../src/emulator';
import { createPlatform } from '../../src/platform/createPlatform';
import type { Platform } from '../../src/engine/ports';
import {
  api,
  control,
  linkContoso,
  pollUntil,
  startTestEmulator,
  type TestBody,
} from '../emulator/emulatorTestKit';

// Issue 31, items 4 and 5, over the emulated gateway's HTTP: a map is its Dataverse table and its name
// (separated-solutions.md lists "Legal entities" for cdm_companies and msdyn_internalorganizations,
// "Customers V3" for accounts and contacts, and the contact maps "CDS Contacts V2 (Customer)" and
// "(Vendor)"); the gateway's `detail.tName` is `<table> - <name>` and Apply Solution lists and applies
// the entity maps solutions [both inferred from Microsoft's Dual-write-automations tool].

let emulator: RunningEmulator;
let platform: Platform;
let connectionId: string;
let cid: string;
const GW = '/dualwrite/api/DualWriteManagement/1.0';

type GatewayMap = {
  leftEntity: { displayName: string };
  rightEntity: { name: string };
  detail: { tName: string };
};

beforeAll(async () => {
  emulator = await startTestEmulator({
    seed: { existingFinanceOps: { name: 'contoso-fo', companies: ['USMF'], platformVersion: '10.0.38' } },
  });
  platform = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url });
  const link = await linkContoso(platform);
  connectionId = link.id;
  cid = link.id.split(':')[0];
  const dv = (await platform.powerPlatform.findDataverse('contoso'))!;
  const op = await platform.powerPlatform.installPackage(dv.id, 'msdyn_Dynamics365FinanceExtendedAnchor');
  await pollUntil(
    () => platform.powerPlatform.getPackageOperation(dv.id, op.id),
    (o) => o.status !== 'running',
  );
});
afterAll(async () => {
  await emulator?.close();
});

describe('Apply Solution applies the entity maps solutions', () => {
  it('the gateway lists the maps solution of each installed package, not its anchor', async () => {
    const listed = await api(emulator, `${GW}/SolutionAware/${cid}/Solutions/`);
    expect((listed.body as Array<{ uniquename: string }>).map((s) => s.uniquename)).toEqual([
      'msdyn_DualWriteAppCoreMaps',
      'msdyn_Dynamics365FinanceExtendedMaps',
    ]);
  });

  it('RestoreTemplates refuses a package anchor and publishes the maps of a maps solution', async () => {
    const post = (uniquename: string) =>
      api(emulator, `${GW}/SolutionAware/${cid}/RestoreTemplates`, {
        method: 'POST',
        body: JSON.stringify({ action: '2', solutions: [{ criteria: { uniquename } }] }),
      });
    expect((await post('msdyn_DualWriteAppCoreAnchor')).status).toBe(400);
    expect(await platform.dualWrite.listMaps(connectionId)).toEqual([]);
    // The client applies what the gateway lists; one it does not list is an error that names it.
    await expect(
      platform.dualWrite.applySolution(connectionId, ['msdyn_Dynamics365SupplyChainExtendedMaps']),
    ).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('msdyn_Dynamics365SupplyChainExtendedMaps'),
    });
    await platform.dualWrite.applySolution(connectionId, ['msdyn_DualWriteAppCoreMaps']);
    const core = await platform.dualWrite.listMaps(connectionId);
    expect(core.map((m) => `${m.table} - ${m.name}`)).toContain('cdm_companies - Legal entities');
    expect(core.some((m) => m.table === 'accounts')).toBe(false);
    await platform.dualWrite.applySolution(connectionId);
    const { body } = await control(emulator, 'GET', 'state');
    expect(body.effects.bySubject[`gw.solution.apply ${cid}/msdyn_Dynamics365FinanceExtendedMaps`]).toBe(1);
  });
});

describe('a map is a table and a name', () => {
  it('Entities names each map `<table> - <name>` in detail.tName, both maps of one name apart', async () => {
    const entities = (await api(emulator, `${GW}/Entities?targetType=AX&cid=${cid}`)).body as GatewayMap[];
    const tNames = entities.map((m) => m.detail.tName);
    expect(tNames).toEqual(
      expect.arrayContaining([
        'cdm_companies - Legal entities',
        'msdyn_internalorganizations - Legal entities',
        'accounts - Customers V3',
        'contacts - Customers V3',
        'contacts - CDS Contacts V2 (Customer)',
        'contacts - CDS Contacts V2 (Vendor)',
      ]),
    );
    expect(tNames.some((name) => /CDS Contacts V2$/.test(name))).toBe(false);
    const contacts = entities.find((m) => m.detail.tName === 'contacts - Customers V3');
    expect(contacts).toMatchObject({
      leftEntity: { displayName: 'Customers V3' },
      rightEntity: { name: 'contacts' },
    });
  });

  it('runs the map of the table it is asked for, never its namesake', async () => {
    await platform.dualWrite.runMap(connectionId, 'cdm_companies - Legal entities', { initialSync: false });
    const maps = await pollUntil(
      () => platform.dualWrite.listMaps(connectionId),
      (all) => all.find((m) => m.table === 'cdm_companies')?.state === 'Running',
    );
    const stateOf = (table: string, name: string) =>
      maps.find((m) => m.table === table && m.name === name)?.state;
    expect(stateOf('cdm_companies', 'Legal entities')).toBe('Running');
    expect(stateOf('msdyn_internalorganizations', 'Legal entities')).toBe('NotRunning');
    // A bare name two maps share is refused, naming both.
    await expect(
      platform.dualWrite.runMap(connectionId, 'Customers V3', { initialSync: false }),
    ).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('contacts - Customers V3') });
  });

  it('a map the connection does not list is an error naming its table and name', async () => {
    await expect(
      platform.dualWrite.runMap(connectionId, 'contacts - CDS Contacts V2', { initialSync: false }),
    ).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/CDS Contacts V2 of table contacts/),
    });
  });

  it('F&O shows two project rows per map, each pair with its Dataverse table', async () => {
    const rows = (
      (await api(emulator, '/fo/contoso-fo/data/DualWriteProjectConfigurations?cross-company=true'))
        .body as TestBody
    ).value as Array<{ InternalEntityName: string; ExternalEntityName: string }>;
    const customers = rows.filter((row) => row.InternalEntityName === 'Customers V3');
    expect(customers.map((row) => row.ExternalEntityName).sort()).toEqual([
      'accounts',
      'accounts',
      'contacts',
      'contacts',
    ]);
  });
});
