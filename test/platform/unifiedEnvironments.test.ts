import type { RunningEmulator } from '../../src/emulator';
import type { Platform, PowerPlatformPort, UnifiedEnvironment } from '../../src/engine/ports';
import { createPlatform } from '../../src/platform/createPlatform';
import { api, control, pollUntil, startTestEmulator } from '../emulator/emulatorTestKit';

// Unified environments through the platform client against the emulator: an ERP template to a ready
// F&O + Dataverse (demo data included), the provisioning app into an existing environment, and every
// documented refusal before anything changes.

let emulator: RunningEmulator;
let platform: Platform;
let pp: Required<PowerPlatformPort>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  platform = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url, retry: { maxAttempts: 1 } });
  pp = platform.powerPlatform as Required<PowerPlatformPort>;
});
afterAll(async () => {
  await emulator?.close();
});

const ready = (id: string) =>
  pollUntil(
    () => pp.getUnifiedEnvironment(id),
    (env: UnifiedEnvironment) => env.state !== 'provisioning',
  );
/** The environment id, read from the create's lifecycle operation once it has Succeeded. */
const createdId = async (started: UnifiedEnvironment): Promise<string> => {
  if (started.id) return started.id;
  const followed = await pollUntil(
    () => pp.followUnifiedCreation(started.operation as string),
    (env: UnifiedEnvironment) => env.state !== 'provisioning' || env.id !== '',
  );
  return followed.id;
};
const effects = async () => (await control(emulator, 'GET', 'effects')).body.value.length as number;

describe('unified environment from an ERP template', () => {
  it('creates F&O and Dataverse as one environment, with demo data and the dual-write core pre-installed', async () => {
    const started = await pp.createUnifiedEnvironment({
      name: 'uni-demo',
      template: 'D365_FinOps_Finance',
      type: 'sandbox',
      demoData: true,
    });
    expect(started.state).toBe('provisioning');
    const env = await ready(await createdId(started));
    expect(env).toMatchObject({ state: 'ready', environmentSku: 'Sandbox' });
    const companies = (await platform.financeOps(env.financeOpsUrl).listLegalEntities()).map((e) => e.id);
    expect(companies).toEqual(expect.arrayContaining(['DAT', 'USMF']));
    const solutions = (await platform.dataverse(env.dataverseUrl).listSolutions()).map((s) => s.uniqueName);
    expect(solutions).toEqual(expect.arrayContaining(['DualWriteCore', 'Dynamics365Company']));
    expect(solutions).not.toContain('Dynamics365FinanceExtended');
    // Unknown to Lifecycle Services, known to the Power Platform by its F&O URL.
    expect(await platform.lifecycle.findFinanceOps('unidemo')).toBeNull();
    expect((await pp.findUnifiedEnvironment(env.financeOpsUrl))?.id).toBe(env.id);
  });

  it('refuses a name over 20 characters, a missing licence and missing capacity, creating nothing', async () => {
    const before = await effects();
    const create = (name: string) =>
      pp.createUnifiedEnvironment({ name, template: 'D365_FinOps_SCM', type: 'sandbox', demoData: false });
    await expect(create('a-name-of-twenty-one1')).rejects.toMatchObject({
      message: expect.stringMatching(/at most 20/),
    });
    await control(emulator, 'PUT', 'settings', { failures: { noFinanceOpsLicence: true } });
    await expect(create('no-licence')).rejects.toMatchObject({ message: expect.stringMatching(/licence/) });
    await control(emulator, 'PUT', 'settings', {
      failures: { noFinanceOpsLicence: false, insufficientCapacity: true },
    });
    await expect(create('no-capacity')).rejects.toMatchObject({ message: expect.stringMatching(/1 GB/) });
    await control(emulator, 'PUT', 'settings', { failures: { insufficientCapacity: false } });
    expect(await effects()).toBe(before);
  });
});

describe('provisioning app into an existing Dataverse environment', () => {
  const bap = (name: string, sku: string, templates: string[] = ['D365_Sales']) =>
    api(emulator, '/bap/providers/Microsoft.BusinessAppPlatform/environments?api-version=2023-06-01', {
      method: 'POST',
      body: JSON.stringify({
        properties: { displayName: name, environmentSku: sku, linkedEnvironmentMetadata: { templates } },
      }),
    });
  const readyDataverse = async (name: string) =>
    pollUntil(
      () => platform.powerPlatform.findDataverse(name),
      (env) => env?.state === 'ready',
    );

  it('installs platform tools, then the provisioning app; F&O comes up in the same environment', async () => {
    const dv = (await readyDataverse('contoso'))!;
    let env = await pp.installFinanceOpsApp(dv.id, { demoData: false });
    env = await pollUntil(
      () => pp.installFinanceOpsApp(dv.id, { demoData: false }),
      (current) => current.state !== 'provisioning',
    );
    expect(env).toMatchObject({ state: 'ready', dataverseUrl: dv.url });
    expect((await platform.financeOps(env.financeOpsUrl).listLegalEntities()).map((e) => e.id)).toEqual([
      'DAT',
    ]);
  });

  it('refuses Production, a host name over 19 characters, an LCS link and a standard schema', async () => {
    expect((await bap('prod-env', 'Production')).status).toBe(202);
    expect((await bap('long-organisation-name', 'Sandbox')).status).toBe(202);
    expect((await bap('plain-env', 'Sandbox', [])).status).toBe(202);
    const prod = (await readyDataverse('prod-env'))!;
    const long = (await readyDataverse('long-organisation-name'))!;
    const plain = (await readyDataverse('plain-env'))!;
    const installed = async (id: string) => {
      // Platform tools first (allowed everywhere), then the provisioning app is what gets refused.
      await pollUntil(
        () => pp.installFinanceOpsApp(id, { demoData: false }).catch((error: Error) => error),
        (result) => result instanceof Error || (result as UnifiedEnvironment).state !== 'provisioning',
        5_000,
      ).catch(() => undefined);
      return pp.installFinanceOpsApp(id, { demoData: false });
    };
    await expect(installed(prod.id)).rejects.toMatchObject({
      message: expect.stringMatching(/Production is not supported/),
    });
    await expect(installed(long.id)).rejects.toMatchObject({ message: expect.stringMatching(/at most 19/) });
    await expect(installed(plain.id)).rejects.toMatchObject({
      message: expect.stringMatching(/SchemaType: Standard/),
    });
    await control(emulator, 'PUT', 'settings', { failures: { dataverseLinkedToLcs: true } });
    const other = (await readyDataverse('plain-env'))!;
    await expect(installed(other.id)).rejects.toMatchObject({
      message: expect.stringMatching(/Lifecycle Services/),
    });
    await control(emulator, 'PUT', 'settings', { failures: { dataverseLinkedToLcs: false } });
    for (const env of [prod, long, plain])
      expect((await pp.getUnifiedEnvironment(env.id)).financeOpsUrl).toBe('');
  });
});

describe('unified environments as Microsoft documents them (issue 31 item 7)', () => {
  it('takes the environment id from the lifecycle operation only once it has Succeeded (issue 31 item 7)', async () => {
    const started = await pp.createUnifiedEnvironment({
      name: 'uni-follow',
      template: 'D365_FinOps_SCM',
      type: 'sandbox',
      demoData: false,
    });
    // Still running: no id yet, the operation to follow instead (terraform-provider-power-platform).
    expect(started).toMatchObject({ id: '', state: 'provisioning' });
    expect(started.operation).toMatch(/^providers\/Microsoft\.BusinessAppPlatform\/lifecycleOperations\//);
    const running = await pp.followUnifiedCreation(started.operation as string);
    expect(running.id === '' || running.state !== 'failed').toBe(true);
    const id = await createdId(started);
    expect(id).toBe((await platform.powerPlatform.findDataverse('uni-follow'))?.id);
  });

  it('ERP templates pre-install what Microsoft lists, asset management and the virtual entities among them', async () => {
    const packages = async (name: string, template: 'D365_FinOps_Finance' | 'D365_FinOps_ProjOps') => {
      const started = await pp.createUnifiedEnvironment({ name, template, type: 'sandbox', demoData: false });
      const id = await createdId(started);
      return (await pp.listPackages(id)).filter((p) => p.state === 'installed').map((p) => p.uniqueName);
    };
    const finance = await packages('uni-fin-pk', 'D365_FinOps_Finance');
    expect(finance).toEqual(
      expect.arrayContaining([
        'DualWriteCoreAnchor',
        'msdyn_DualWriteAppCoreAnchor',
        'MicrosoftOperationsVEAnchor',
      ]),
    );
    expect(finance).not.toContain('msdyn_DualWriteAssetManagementAnchor');
    expect(finance).not.toContain('msdyn_Dynamics365FinanceExtendedAnchor');
    const projOps = await packages('uni-po-pk', 'D365_FinOps_ProjOps');
    expect(projOps).toEqual(
      expect.arrayContaining([
        'DualWriteCoreAnchor',
        'msdyn_DualWriteAppCoreAnchor',
        'msdyn_Dynamics365FinanceExtendedAnchor',
        'msdyn_DualWriteAssetManagementAnchor',
        'msdyn_Dynamics365HCMAnchor',
        'HCMCommonAnchor',
        'msdyn_Dynamics365SupplyChainExtendedAnchor',
        'MicrosoftOperationsVEAnchor',
      ]),
    );
  });

  it('creates in the configured region, not a constant: POWER_PLATFORM_REGION reaches the create body', async () => {
    const european = createPlatform({
      mode: 'emulator',
      emulatorUrl: emulator.url,
      region: 'europe',
      retry: { maxAttempts: 1 },
    }).powerPlatform as Required<PowerPlatformPort>;
    const started = await european.createUnifiedEnvironment({
      name: 'uni-eu',
      template: 'D365_FinOps_Finance',
      type: 'sandbox',
      demoData: false,
    });
    const id = await createdId(started);
    expect((await european.getUnifiedEnvironment(id)).location).toBe('europe');
    const dv = await european.createDataverse({ name: 'dv-eu', crmPrime: false });
    expect((await european.getDataverse(dv.id)).location).toBe('europe');
    // A request's own location (that of an existing environment) wins over the configured one.
    const uk = await european.createDataverse({ name: 'dv-uk', crmPrime: false, location: 'unitedkingdom' });
    expect((await european.getDataverse(uk.id)).location).toBe('unitedkingdom');
    // Without configuration: unitedstates, as before.
    const plain = await pp.createDataverse({ name: 'dv-us', crmPrime: false });
    expect((await pp.getDataverse(plain.id)).location).toBe('unitedstates');
  });
});
