import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningEmulator } from '../../src/emulator';
import { DUAL_WRITE_PACKAGES } from '../../src/engine/scenarios/planScenario';
import type { Platform } from '../../src/engine/ports';
import { createPlatform } from '../../src/platform/createPlatform';
import { connectionId, createDualWriteReader } from '../../src/platform/dualWrite/dualWriteReader';
import { EmulatorCredential } from '../../src/platform/http/credentials';
import { fixture } from '../fixtures/microsoft/fixture';
import { pollUntil, startTestEmulator } from '../emulator/emulatorTestKit';

/**
 * The read-only DualWritePort of live mode without the gateway: it must see, through F&O OData only,
 * what an admin did in the Dual-write screens (here done through the emulator's gateway, the
 * emulator-mode platform's client), and refuse every write.
 */
let emulator: RunningEmulator;
let admin: Platform;
let foUrl: string;
let dvUrl: string;
const reader = createDualWriteReader({
  credential: new EmulatorCredential(),
  retry: { maxAttempts: 2, baseDelayMs: 10 },
});

beforeAll(async () => {
  emulator = await startTestEmulator();
  admin = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url });
  foUrl = (await admin.lifecycle.findFinanceOps('contoso-fo'))!.url;
  const dv = (await admin.powerPlatform.findDataverse('contoso'))!;
  dvUrl = dv.url;
  for (const pkg of DUAL_WRITE_PACKAGES) {
    const operation = await admin.powerPlatform.installPackage(dv.id, pkg);
    await pollUntil(
      () => admin.powerPlatform.getPackageOperation(dv.id, operation.id),
      (op) => op.status !== 'running',
    );
  }
});

afterAll(async () => {
  await emulator?.close();
});

describe('dual-write reader over F&O OData (emulator)', () => {
  it('sees nothing before Apply Solution publishes maps, then the maps and the companies of their projects', async () => {
    expect(await reader.findConnection(foUrl, dvUrl)).toBeNull();

    const created = await admin.dualWrite.createConnection({
      financeOpsUrl: foUrl,
      dataverseUrl: dvUrl,
      legalEntities: ['usmf'],
    });
    // No documented F&O read shows a link before any map is published.
    expect(await reader.findConnection(`${foUrl}/`, `${dvUrl}/`)).toBeNull();

    await admin.dualWrite.addLegalEntities(created.id, ['DEMF']);
    await admin.dualWrite.applySolution(created.id);
    const linked = await reader.findConnection(`${foUrl}/`, `${dvUrl}/`);
    expect(linked).toEqual({
      id: connectionId(foUrl, dvUrl),
      financeOpsUrl: foUrl,
      dataverseUrl: dvUrl,
      legalEntities: ['USMF', 'DEMF'],
      solutionApplied: true,
    });
    const maps = await reader.listMaps(linked!.id);
    const keys = (list: Array<{ table: string; name: string }>) => list.map((m) => `${m.table} - ${m.name}`);
    expect(keys(maps)).toEqual(keys(await admin.dualWrite.listMaps(created.id)));
    expect(maps.every((m) => m.state === 'NotRunning')).toBe(true);
  });

  it('reads map states: running after a start, not running after a failed initial sync', async () => {
    const id = connectionId(foUrl, dvUrl);
    const gatewayId = (await admin.dualWrite.findConnection(foUrl, dvUrl))!.id;
    await admin.dualWrite.runMap(gatewayId, 'cdm_companies - Legal entities', { initialSync: false });
    // Customers V3 before its lookups' maps: the initial sync ends Not running.
    await admin.dualWrite.runMap(gatewayId, 'accounts - Customers V3', {
      initialSync: true,
      master: 'dataverse',
      legalEntities: ['USMF'],
    });
    const customers = await pollUntil(
      async () =>
        (await admin.dualWrite.listMaps(gatewayId)).find(
          (m) => m.table === 'accounts' && m.name === 'Customers V3',
        ),
      (m) => m?.state !== 'InitialSync',
    );
    expect(customers?.state).toBe('NotRunning');
    const read = await reader.listMaps(id);
    const stateOf = (table: string, name: string) =>
      read.find((m) => m.table === table && m.name === name)?.state;
    expect(stateOf('accounts', 'Customers V3')).toBe('NotRunning');
    // The same name for another table is another map, read apart.
    expect(stateOf('contacts', 'Customers V3')).toBe('NotRunning');
    expect(stateOf('cdm_companies', 'Legal entities')).toBe('Running');
    expect(stateOf('msdyn_internalorganizations', 'Legal entities')).toBe('NotRunning');
  });

  it('refuses every write with not_supported and ids it did not make with invalid', async () => {
    const refusal = { code: 'not_supported' };
    await expect(
      reader.createConnection({ financeOpsUrl: foUrl, dataverseUrl: dvUrl, legalEntities: ['USMF'] }),
    ).rejects.toMatchObject(refusal);
    await expect(reader.addLegalEntities('x', ['USMF'])).rejects.toMatchObject(refusal);
    await expect(reader.applySolution('x')).rejects.toMatchObject(refusal);
    await expect(reader.runMap('x', 'Currencies', { initialSync: false })).rejects.toMatchObject(refusal);
    await expect(reader.listMaps('some-gateway-guid')).rejects.toMatchObject({ code: 'invalid' });
  });
});

describe('dual-write reader against F&O rows in the documented shape', () => {
  let server: Server;
  let base: string;
  const configurations = fixture('fo-dual-write-project-configurations.json').body as { value: object[] };
  const partitions = fixture('fo-dual-write-partition-mappings.json').body as { value: object[] };
  const extra = [
    {
      ProjectName: 'p2_FO',
      InternalEntityName: 'Currencies',
      ExternalEntityName: 'transactioncurrencies',
      Status: 'Disabled',
    },
    {
      ProjectName: 'p2_CE',
      InternalEntityName: 'Currencies',
      ExternalEntityName: 'transactioncurrencies',
      Status: 'Disabled',
    },
    {
      ProjectName: 'p3_FO',
      InternalEntityName: 'Sites',
      ExternalEntityName: 'msdyn_operationalsites',
      Status: 'Queueing',
    },
    {
      ProjectName: 'p3_CE',
      InternalEntityName: 'Sites',
      ExternalEntityName: 'msdyn_operationalsites',
      Status: 'Queueing',
    },
    // One direction enabled, the other not: the map is not running yet.
    {
      ProjectName: 'p4_FO',
      InternalEntityName: 'Vendors V2',
      ExternalEntityName: 'msdyn_vendors',
      Status: 'Enabled',
    },
    {
      ProjectName: 'p4_CE',
      InternalEntityName: 'Vendors V2',
      ExternalEntityName: 'msdyn_vendors',
      Status: 'Disabled',
    },
    // "Customers V3" is also the map of contacts (separated-solutions.md): another map, not running.
    {
      ProjectName: 'p5_FO',
      InternalEntityName: 'Customers V3',
      ExternalEntityName: 'contacts',
      Status: 'Disabled',
    },
    {
      ProjectName: 'p5_CE',
      InternalEntityName: 'Customers V3',
      ExternalEntityName: 'contacts',
      Status: 'Disabled',
    },
  ].map((row) => ({ ...row, ExternalEnvironmentUrl: 'https://contoso.crm.dynamics.com/' }));

  beforeAll(async () => {
    const app = express();
    app.get('/fo/data/DualWriteProjectConfigurations', (req, res) => {
      expect(req.query['cross-company']).toBe('true');
      expect(req.header('authorization')).toMatch(/^Bearer emulator\./);
      res.json({ value: [...configurations.value, ...extra] });
    });
    app.get('/fo/data/DualWriteProjectPartitionMappings', (_req, res) => res.json(partitions));
    app.use((req, res) =>
      res.status(404).json({
        error: { code: '', message: 'An error has occurred.', innererror: { message: 'Resource not found' } },
      }),
    );
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fo`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads maps by ExternalEntityName and InternalEntityName, Status labels, and the companies of the projects', async () => {
    const connection = await reader.findConnection(base, 'https://contoso.crm.dynamics.com');
    expect(connection).toMatchObject({ legalEntities: ['USMF'], solutionApplied: true });
    const maps = await reader.listMaps(connection!.id);
    // Two maps named Customers V3 stay two maps, each with its own state.
    expect(Object.fromEntries(maps.map((m) => [`${m.table} - ${m.name}`, m.state]))).toEqual({
      'accounts - Customers V3': 'Running',
      'contacts - Customers V3': 'NotRunning',
      'transactioncurrencies - Currencies': 'NotRunning',
      'msdyn_operationalsites - Sites': 'Paused',
      'msdyn_vendors - Vendors V2': 'NotRunning',
    });
    expect(await reader.findConnection(base, 'https://fabrikam.crm.dynamics.com')).toBeNull();
  });
});
