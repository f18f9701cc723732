import type { EmulatorOptions, RunningEmulator } from '../../src/emulator';
import { runDoctorChecks, type DoctorCheck } from '../../src/doctor/doctorChecks';
import { doctorJson, doctorTable, runDoctor } from '../../src/doctor/runDoctor';
import { loadConfig } from '../../src/config';
import type { Platform } from '../../src/engine/ports';
import { knownErrorById, KNOWN_ERRORS } from '../../src/engine/knownErrors/knownErrorCatalog';
import { createDualWriteReader } from '../../src/platform/dualWrite/dualWriteReader';
import { EmulatorCredential } from '../../src/platform/http/credentials';
import {
  api,
  control,
  linkContoso,
  pollUntil,
  startTestEmulator,
  testPlatform,
} from '../emulator/emulatorTestKit';

// The doctor against the emulator over real HTTP. The seeded pair is ok, with the setup's own work as
// "setup-will-do"; each blocker is reached through the services' ordinary APIs (Dataverse Web API,
// F&O OData, the Power Platform) and reads as a blocker with its fix; nothing is written.

const WRITES = new Set([
  'deployFinanceOps',
  'createDataverse',
  'installPackage',
  'createLegalEntity',
  'createConnection',
  'addLegalEntities',
  'applySolution',
  'runMap',
  'stampRowsWithCompany',
]);
const WEB_API = '/orgs/contoso/api/data/v9.2';

/** The platform with every port method call recorded by name. */
function recording(platform: Platform, calls: string[]): Platform {
  const wrap = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(String(key));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return {
    ...platform,
    lifecycle: wrap(platform.lifecycle),
    powerPlatform: wrap(platform.powerPlatform),
    dualWrite: wrap(platform.dualWrite),
    dataverse: (url) => wrap(platform.dataverse(url)),
    financeOps: (url) => wrap(platform.financeOps(url)),
  };
}

let emulator: RunningEmulator;
let platform: Platform;
const pair = { financeOps: 'contoso-fo', dataverse: 'contoso' };
const check = (checks: DoctorCheck[], name: string) => checks.find((c) => c.name === name);
const fixOf = (id: string) => knownErrorById(id)!.fix;

async function installPackages(...names: string[]): Promise<void> {
  const dv = (await platform.powerPlatform.findDataverse('contoso'))!;
  for (const pkg of names) {
    const op = await platform.powerPlatform.installPackage(dv.id, pkg);
    await pollUntil(
      () => platform.powerPlatform.getPackageOperation(dv.id, op.id),
      (o) => o.status !== 'running',
    );
  }
}

async function webApi(method: string, route: string, body: unknown): Promise<void> {
  const answer = await api(emulator, `${WEB_API}/${route}`, { method, body: JSON.stringify(body) });
  expect(answer.status).toBeLessThan(300);
}

// An emulator per case: one case changes what another reads.
beforeEach(async () => {
  emulator = await startTestEmulator();
  platform = testPlatform(emulator.url);
});

/** A fresh emulator set up otherwise (a state no public API reaches: docs/fidelity.md). */
async function restartWith(seed: NonNullable<EmulatorOptions['seed']>): Promise<void> {
  await emulator.close();
  emulator = await startTestEmulator({ seed });
  platform = testPlatform(emulator.url);
}
afterEach(async () => {
  await emulator?.close();
});

describe('npm run doctor on the seeded pair', () => {
  it("is ok, lists the setup's own work as setup-will-do, and writes nothing", async () => {
    const effectsBefore = (await control(emulator, 'GET', 'effects')).body;
    const calls: string[] = [];
    const checks = await runDoctorChecks(recording(platform, calls), pair);
    expect(checks.filter((c) => c.state === 'blocker')).toEqual([]);
    for (const name of [
      'dataverse.coreSolution',
      'dataverse.orchestrationPackages',
      'dataverse.pluginAssemblies',
      'dualWrite.link',
    ])
      expect(check(checks, name)).toMatchObject({
        state: 'setup-will-do',
        ok: true,
        fix: expect.stringMatching(/setup/i),
      });
    expect(check(checks, 'powerPlatform.packageNames')).toMatchObject({ state: 'ok' });
    expect(check(checks, 'dataverse.linkingUserLicence')).toMatchObject({
      state: 'not-checkable',
      detail: expect.stringMatching(/^Not checkable: .*--linker/),
    });
    // Each catalogued error a doctor check prevents is named by that check, which the doctor runs.
    for (const entry of KNOWN_ERRORS.filter((e) => e.detection.doctorCheck))
      expect(check(checks, entry.detection.doctorCheck!)?.knownErrors).toContain(entry.id);
    expect(calls.filter((call) => WRITES.has(call))).toEqual([]);
    expect((await control(emulator, 'GET', 'effects')).body).toEqual(effectsBefore);
  });

  it('prints one JSON line with ok true and a state per check', async () => {
    const config = loadConfig({
      DYNAMICS_MODE: 'emulator',
      EMULATOR_URL: emulator.url,
      DATA_DIR: '/tmp',
    } as NodeJS.ProcessEnv);
    const result = await runDoctor(config, pair);
    const parsed = JSON.parse(doctorJson(result)) as { ok: boolean; checks: Array<Record<string, unknown>> };
    expect(parsed.ok).toBe(true);
    for (const c of parsed.checks)
      expect(Object.keys(c)).toEqual(['name', 'state', 'ok', 'detail', 'fix', 'knownErrors']);
    expect(parsed.checks.some((c) => c.state === 'setup-will-do')).toBe(true);
    expect(doctorTable(result)).toMatch(/^SETUP {2}dataverse\.coreSolution/m);
    expect(doctorTable(result)).toMatch(/Nothing blocks the setup/);
  });

  it('passes the solution and plug-in checks once the packages are installed', async () => {
    await installPackages(
      'DualWriteCoreAnchor',
      'msdyn_DualWriteAppCoreAnchor',
      'msdyn_Dynamics365FinanceExtendedAnchor',
      'HCMCommonAnchor',
      'msdyn_Dynamics365HCMAnchor',
      'msdyn_Dynamics365SupplyChainExtendedAnchor',
    );
    const checks = await runDoctorChecks(platform, pair);
    for (const name of [
      'dataverse.coreSolution',
      'dataverse.orchestrationPackages',
      'dataverse.pluginAssemblies',
    ])
      expect(check(checks, name)).toMatchObject({ name, state: 'ok' });
  });
});

describe('npm run doctor finds each blocker through the ordinary APIs', () => {
  it('a blank or duplicate company name in cdm_company', async () => {
    await webApi('POST', 'cdm_companies', { cdm_companycode: 'DAT', cdm_name: 'Contoso demo' });
    await webApi('POST', 'cdm_companies', { cdm_companycode: 'dat', cdm_name: 'Contoso demo again' });
    await webApi('POST', 'cdm_companies', { cdm_companycode: 'USMF', cdm_name: '' });
    const found = check(await runDoctorChecks(platform, pair), 'dataverse.companyNames');
    expect(found).toMatchObject({
      state: 'blocker',
      ok: false,
      detail: expect.stringMatching(/more than once in cdm_company: DAT\..*blank code or name: USMF/),
      fix: fixOf('same-key-company-names'),
      knownErrors: ['same-key-company-names'],
    });
  });

  it("a dual-write package the environment's package list does not offer (the tenant has no entitlement)", async () => {
    await restartWith({ packagesWithoutEntitlement: ['msdyn_Dynamics365HCMAnchor'] });
    const checks = await runDoctorChecks(platform, pair);
    expect(check(checks, 'powerPlatform.packageNames')).toMatchObject({
      state: 'blocker',
      ok: false,
      detail: "The environment's package list has no msdyn_Dynamics365HCMAnchor.",
      fix: expect.stringMatching(/entitled to.*Dynamics 365 apps/),
    });
  });

  it('an applied package whose maps are missing', async () => {
    await restartWith({ mapsMissingFromSolutions: ['msdyn_exchangeratetypes - Exchange rate type'] });
    const link = await linkContoso(platform);
    await platform.dualWrite.applySolution(link.id);
    const checks = await runDoctorChecks(platform, pair);
    expect(check(checks, 'dualWrite.maps')).toMatchObject({
      state: 'blocker',
      ok: false,
      detail:
        'The link publishes no map msdyn_exchangeratetypes - Exchange rate type, though their package is applied.',
      fix: expect.stringMatching(/Apply solution\), then Refresh tables/),
    });
  });

  it('251 legal entities to link (a link takes about 250)', async () => {
    const foUrl = (await platform.lifecycle.findFinanceOps('contoso-fo'))!.url;
    const fo = platform.financeOps(foUrl);
    const have = (await fo.listLegalEntities()).length;
    for (let i = have; i < 251; i++)
      await fo.createLegalEntity({ id: `L${String(i).padStart(3, '0')}`, name: `Company ${i}` });
    const found = check(await runDoctorChecks(platform, pair), 'financeOps.legalEntityCount');
    expect(found).toMatchObject({
      state: 'blocker',
      detail: expect.stringMatching(/^251 legal entities to link.*Exceeds the maximum partitions/),
      fix: fixOf('partitions-exceeded'),
      knownErrors: expect.arrayContaining(['partitions-exceeded', 'initial-sync-legal-entities']),
    });
  });

  it('disabled plug-in steps of the core solution', async () => {
    await installPackages('DualWriteCoreAnchor');
    const steps = await api(emulator, `${WEB_API}/sdkmessageprocessingsteps?$select=name`);
    const step = steps.body.value[0] as { sdkmessageprocessingstepid: string; name: string };
    await webApi('PATCH', `sdkmessageprocessingsteps(${step.sdkmessageprocessingstepid})`, {
      statecode: 1,
      statuscode: 2,
    });
    const found = check(await runDoctorChecks(platform, pair), 'dataverse.pluginAssemblies');
    expect(found).toMatchObject({
      state: 'blocker',
      detail: expect.stringContaining(step.name),
      fix: fixOf('health-check-plugins'),
    });
  });

  it('a core solution older than 1.0.16.0 (consent needed)', async () => {
    await webApi('POST', 'solutions', {
      uniquename: 'DualWriteCore',
      friendlyname: 'Dual-write core',
      version: '1.0.15.3',
    });
    const found = check(await runDoctorChecks(platform, pair), 'dataverse.coreSolutionVersion');
    expect(found).toMatchObject({
      state: 'blocker',
      detail: expect.stringMatching(/1\.0\.15\.3 is older than 1\.0\.16\.0.*404 \(Not Found\)/),
      fix: fixOf('dualwrite-page-404'),
      knownErrors: ['dualwrite-page-404'],
    });
  });

  it("the linking user's licence, read when --linker names them", async () => {
    await webApi('POST', 'systemusers', {
      domainname: 'pat@contoso.com',
      fullname: 'Pat',
      islicensed: false,
    });
    await webApi('POST', 'systemusers', { domainname: 'lee@contoso.com', fullname: 'Lee', islicensed: true });
    const unlicensed = await runDoctorChecks(platform, { ...pair, linkingUser: 'pat@contoso.com' });
    expect(check(unlicensed, 'dataverse.linkingUserLicence')).toMatchObject({
      state: 'blocker',
      detail: 'pat@contoso.com has no licence in this environment.',
      fix: fixOf('connection-403-licence'),
    });
    const licensed = await runDoctorChecks(platform, { ...pair, linkingUser: 'lee@contoso.com' });
    expect(check(licensed, 'dataverse.linkingUserLicence')).toMatchObject({ state: 'ok' });
  });

  it('Lifecycle Services refusing: the LCS check fails', async () => {
    await control(emulator, 'PUT', 'settings', {
      http: { scripted: [{ pathPrefix: '/lcs/', status: 403, count: 10 }] },
    });
    const found = check(await runDoctorChecks(platform, pair), 'lcs.environment');
    expect(found).toMatchObject({
      state: 'blocker',
      ok: false,
      fix: expect.stringMatching(/delegated user tokens/),
    });
  });

  it('a 404 on DualWriteProjectConfigurations is an error, not "not linked"', async () => {
    const reader = createDualWriteReader({ credential: new EmulatorCredential(), retry: { maxAttempts: 1 } });
    await control(emulator, 'PUT', 'settings', {
      http: { scripted: [{ pathPrefix: '/fo/contoso-fo/data/DualWriteProjectConfigurations', status: 404 }] },
    });
    const found = check(await runDoctorChecks({ ...platform, dualWrite: reader }, pair), 'dualWrite.link');
    expect(found).toMatchObject({
      state: 'blocker',
      detail: expect.stringMatching(/does not serve DualWriteProjectConfigurations \(404\)/),
    });
    expect(found?.detail).not.toMatch(/Not linked/);
  });

  it("a Dataverse environment that is another F&O environment's integration environment", async () => {
    const pp = platform.powerPlatform;
    const created = await pp.createUnifiedEnvironment!({
      name: 'doc-unified',
      template: 'D365_FinOps_Finance',
      type: 'sandbox',
      demoData: false,
    });
    const made = created.id
      ? created
      : await pollUntil(
          () => pp.followUnifiedCreation!(created.operation as string),
          (env) => env.id !== '' || env.state === 'failed',
        );
    const ready = await pollUntil(
      () => pp.getUnifiedEnvironment!(made.id),
      (env) => env.state !== 'provisioning',
    );
    const own = await runDoctorChecks(platform, {
      financeOps: ready.financeOpsUrl,
      dataverse: ready.dataverseUrl,
    });
    expect(check(own, 'financeOps.home')?.detail).toMatch(
      /^Unified environment "doc-unified" in the Power Platform admin center/,
    );
    expect(check(own, 'financeOps.integrationEnvironment')).toMatchObject({
      state: 'ok',
      detail: expect.stringMatching(/a unified environment/),
    });
    const other = await runDoctorChecks(platform, {
      financeOps: 'contoso-fo',
      dataverse: ready.dataverseUrl,
    });
    expect(check(other, 'financeOps.integrationEnvironment')).toMatchObject({
      state: 'blocker',
      detail: expect.stringMatching(
        /is the Power Platform integration environment of Finance and Operations/,
      ),
      fix: expect.stringMatching(/Power Platform integration/),
    });
  });

  it('once linked: the published maps against the catalog, the packages not applied yet left to the setup', async () => {
    const link = await linkContoso(platform);
    const before = await runDoctorChecks(platform, pair);
    expect(check(before, 'dualWrite.maps')).toMatchObject({ state: 'setup-will-do' });
    await platform.dualWrite.applySolution(link.id);
    const checks = await runDoctorChecks(platform, pair);
    // Application core applied: its maps match the catalog's names; the other packages are the setup's.
    expect(check(checks, 'dualWrite.maps')).toMatchObject({
      state: 'setup-will-do',
      detail: expect.stringMatching(/^Published maps match the catalog; not applied yet: .*finance/),
    });
    expect(check(checks, 'dualWrite.link')).toMatchObject({
      state: 'ok',
      detail: expect.stringMatching(/^Linked for USMF/),
    });
    expect(check(checks, 'financeOps.integrationEnvironment')).toMatchObject({ state: 'ok' });
  });
});
