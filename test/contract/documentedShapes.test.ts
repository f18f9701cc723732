import type { RunningEmulator } from '../../src/emulator';
import { createPlatform } from '../../src/platform/createPlatform';
import { partitionMappingRow, projectConfigurationRow } from '../../src/platform/dualWrite/dualWriteReader';
import { lcsEnvelopeSchema, toEnvironment } from '../../src/platform/lifecycle/lifecycleClient';
import {
  lifecycleOperationSchema,
  packageInstanceSchema,
  packageOperationSchema,
  packageSchema,
} from '../../src/platform/powerPlatform/powerPlatformClient';
import { api, linkContoso, startTestEmulator, type TestBody } from '../emulator/emulatorTestKit';
import { fixture, shapeDifferences } from '../fixtures/microsoft/fixture';

// Response bodies printed on Microsoft's pages (test/fixtures/microsoft, each with its source): the
// clients parse every one, and the emulator answers with the same keys and types.

let emulator: RunningEmulator;
const LCS = { 'x-ms-version': '2017-09-15' };

beforeAll(async () => {
  emulator = await startTestEmulator({
    seed: { existingFinanceOps: { name: 'contoso-fo', companies: ['USMF'], platformVersion: '10.0.38' } },
  });
});
afterAll(async () => {
  await emulator?.close();
});

describe('LCS environment metadata', () => {
  const documented = fixture('lcs-environment-detail.json').body as TestBody;

  it('the client reads the documented example: Deployed by DeploymentStatusDisplay, Failed too', () => {
    const body = lcsEnvelopeSchema.parse(documented);
    const [prod, sandbox] = (body.Data ?? []).map(toEnvironment);
    expect(prod).toMatchObject({ name: 'ProdEnvironment1', state: 'deployed', platformVersion: '10.0.20' });
    expect(sandbox).toMatchObject({
      name: 'SandboxEnvironment1',
      state: 'failed',
      platformVersion: '10.0.21',
    });
    // DeploymentState is "Finished" for both: it is not what tells deployed from failed.
    expect(documented.Data.map((env: TestBody) => env.DeploymentState)).toEqual(['Finished', 'Finished']);
  });

  it('the emulator answers with the documented keys and types, and nothing the record lacks', async () => {
    const answer = await api(
      emulator,
      '/lcs/environmentinfo/v1/detail/project/1/?environmentName=contoso-fo',
      {
        headers: LCS,
      },
    );
    expect(answer.status).toBe(200);
    expect(shapeDifferences(documented, answer.body)).toEqual([]);
    const env = answer.body.Data[0];
    expect(env.DeploymentStatusDisplay).toBe('Deployed');
    for (const invented of ['TenantId', 'TopologyType', 'DeploymentErrorMessage'])
      expect(env).not.toHaveProperty(invented);
  });

  it('refuses a call without x-ms-version', async () => {
    expect((await api(emulator, '/lcs/environmentinfo/v1/detail/project/1/')).status).toBe(400);
  });
});

describe('Power Platform application packages', () => {
  let environmentId = '';
  beforeAll(async () => {
    const platform = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url });
    environmentId = (await platform.powerPlatform.findDataverse('contoso'))!.id;
  });

  it('the client parses the documented list, install answer and operation', () => {
    expect(
      packageSchema.array().parse((fixture('pp-application-package.json').body as TestBody).value),
    ).toHaveLength(1);
    const instance = packageInstanceSchema.parse(fixture('pp-install-application.json').body);
    expect(instance.lastOperation.operationId).toBe('4fde996a-bf68-413c-b2bf-33f21a7e9afb');
    const operation = packageOperationSchema.parse(fixture('pp-install-operation.json').body);
    expect(operation).toMatchObject({
      status: 'NotStarted',
      operationId: '523b51a8-6af4-40cd-aa7d-86bddfa6697b',
    });
    expect(operation).not.toHaveProperty('id');
  });

  it('the emulator lists, installs and polls in the documented shapes', async () => {
    const base = `/powerplatform/appmanagement/environments/${environmentId}`;
    const list = await api(emulator, `${base}/applicationPackages?api-version=2022-03-01-preview`);
    expect(shapeDifferences(fixture('pp-application-package.json').body, list.body)).toEqual([]);

    const install = await api(
      emulator,
      `${base}/applicationPackages/DualWriteCoreAnchor/install?api-version=2022-03-01-preview`,
      {
        method: 'POST',
      },
    );
    expect(install.status).toBe(202);
    expect(install.headers.get('operation-location')).toContain(install.body.lastOperation.operationId);
    expect(shapeDifferences(fixture('pp-install-application.json').body, install.body)).toEqual([]);

    const operationId = install.body.lastOperation.operationId as string;
    const poll = await api(emulator, `${base}/operations/${operationId}?api-version=2022-03-01-preview`);
    expect(shapeDifferences(fixture('pp-install-operation.json').body, poll.body)).toEqual([]);
    expect(poll.body).not.toHaveProperty('id');
    expect(['NotStarted', 'Running', 'Succeeded', 'Failed', 'Canceled']).toContain(poll.body.status);
  });
});

describe('BAP environment create', () => {
  it('the client parses the recorded lifecycle operation; the emulator answers 202 + Location to one', async () => {
    const documented = fixture('bap-lifecycle-operation-failed.json').body;
    expect(lifecycleOperationSchema.parse(documented).state.id).toBe('Failed');

    const created = await api(
      emulator,
      '/bap/providers/Microsoft.BusinessAppPlatform/environments?api-version=2023-06-01',
      {
        method: 'POST',
        body: JSON.stringify({ location: 'unitedstates', properties: { displayName: 'shape-check' } }),
      },
    );
    expect(created.status).toBe(202);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/lifecycleOperations\/[0-9a-f-]{36}\?api-version=2023-06-01$/);
    const operation = await api(emulator, location.slice(emulator.url.length));
    expect(shapeDifferences(documented, operation.body)).toEqual([]);
    // The path is '' until the operation has Succeeded (as in the recorded one), then names the
    // environment: terraform-provider-power-platform reads it only once Succeeded.
    expect(operation.body.state.id).toBe('Running');
    expect(operation.body.links.environment.path).toBe((documented as TestBody).links.environment.path);
    let done = operation.body;
    for (let i = 0; i < 200 && done.state.id !== 'Succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      done = (await api(emulator, location.slice(emulator.url.length))).body;
    }
    expect(done.links.environment.path).toMatch(/environments\/[0-9a-f-]{36}$/);
  });
});

describe('F&O dual-write configuration', () => {
  it('the reader parses the documented columns', () => {
    const rows = (fixture('fo-dual-write-project-configurations.json').body as TestBody).value;
    expect(rows.map((row: unknown) => projectConfigurationRow.parse(row).InternalEntityName)).toEqual([
      'Customers V3',
      'Customers V3',
    ]);
    const partitions = (fixture('fo-dual-write-partition-mappings.json').body as TestBody).value;
    expect(partitionMappingRow.parse(partitions[0]).ExternalCompanyName).toBe('USMF');
  });

  it('the emulator serves both sets with the documented columns, two project rows per map', async () => {
    const platform = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url });
    const link = await linkContoso(platform);
    await platform.dualWrite.applySolution(link.id);
    const configurations = await api(
      emulator,
      '/fo/contoso-fo/data/DualWriteProjectConfigurations?cross-company=true',
    );
    expect(
      shapeDifferences(fixture('fo-dual-write-project-configurations.json').body, configurations.body),
    ).toEqual([]);
    const rows = configurations.body.value as Array<Record<string, unknown>>;
    // Two maps are named Legal entities (cdm_companies and msdyn_internalorganizations): two rows each.
    expect(rows.filter((row) => row.InternalEntityName === 'Legal entities')).toHaveLength(4);
    expect(
      rows.filter(
        (row) => row.InternalEntityName === 'Legal entities' && row.ExternalEntityName === 'cdm_companies',
      ),
    ).toHaveLength(2);
    expect(rows[0]).not.toHaveProperty('dataAreaId');
    // Only the application core package is installed: only its maps are published.
    expect(rows.some((row) => row.InternalEntityName === 'Customers V3')).toBe(false);
    const partitions = await api(
      emulator,
      '/fo/contoso-fo/data/DualWriteProjectPartitionMappings?cross-company=true',
    );
    expect(shapeDifferences(fixture('fo-dual-write-partition-mappings.json').body, partitions.body)).toEqual(
      [],
    );
    expect((await api(emulator, '/fo/contoso-fo/data/DualWriteLegalEntities')).status).toBe(404);
  });
});
