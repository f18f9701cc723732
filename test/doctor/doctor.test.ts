import type { RunningEmulator } from '../../src/emulator';
import { runDoctorChecks } from '../../src/doctor/doctorChecks';
import { doctorJson, doctorTable, parseDoctorArgs, runDoctor } from '../../src/doctor/runDoctor';
import { loadConfig } from '../../src/config';
import type { Platform } from '../../src/engine/ports';
import { createPlatform } from '../../src/platform/createPlatform';
import { control, pollUntil, startTestEmulator } from '../emulator/emulatorTestKit';

// The doctor against the emulator over real HTTP: a failing check with its fix, the same check passing
// once the cause is gone, and no write at all (no write method called, nothing in the effects log).

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

// An emulator per case: one case installs the packages another finds missing.
beforeEach(async () => {
  emulator = await startTestEmulator({
    seed: { existingFinanceOps: { name: 'contoso-fo', companies: ['USMF'], platformVersion: '10.0.38' } },
  });
  platform = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url });
});
afterEach(async () => {
  await emulator?.close();
});

describe('npm run doctor', () => {
  it('reports a missing core solution with its fix, and writes nothing', async () => {
    const effectsBefore = (await control(emulator, 'GET', 'effects')).body;
    const calls: string[] = [];
    const checks = await runDoctorChecks(recording(platform, calls), {
      financeOps: 'contoso-fo',
      dataverse: 'contoso',
    });
    const core = checks.find((check) => check.name === 'dataverse.coreSolution');
    expect(core).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/DualWriteCore/),
      fix: expect.stringMatching(/DualWriteCoreAnchor/),
    });
    expect(checks.find((check) => check.name === 'financeops.version')).toMatchObject({ ok: true });
    expect(checks.find((check) => check.name === 'dataverse.applicationUsers')).toMatchObject({ ok: true });
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.filter((call) => WRITES.has(call))).toEqual([]);
    expect((await control(emulator, 'GET', 'effects')).body).toEqual(effectsBefore);
  });

  it('passes the solution checks once the packages are installed, plug-in assemblies included', async () => {
    const dv = (await platform.powerPlatform.findDataverse('contoso'))!;
    for (const pkg of [
      'DualWriteCoreAnchor',
      'msdyn_DualWriteAppCoreAnchor',
      'msdyn_Dynamics365FinanceExtendedAnchor',
      'HCMCommonAnchor',
      'msdyn_Dynamics365HCMAnchor',
      'msdyn_Dynamics365SupplyChainExtendedAnchor',
    ]) {
      const op = await platform.powerPlatform.installPackage(dv.id, pkg);
      await pollUntil(
        () => platform.powerPlatform.getPackageOperation(dv.id, op.id),
        (o) => o.status !== 'running',
      );
    }
    const checks = await runDoctorChecks(platform, { financeOps: 'contoso-fo', dataverse: 'contoso' });
    for (const name of [
      'dataverse.coreSolution',
      'dataverse.orchestrationPackages',
      'dataverse.pluginAssemblies',
    ])
      expect(checks.find((check) => check.name === name)).toMatchObject({ name, ok: true });
    expect(checks.every((check) => check.ok)).toBe(true);
  });

  it('prints one JSON line, or a table with the fix under each failure', async () => {
    const config = loadConfig({
      DYNAMICS_MODE: 'emulator',
      EMULATOR_URL: emulator.url,
      DATA_DIR: '/tmp',
    } as NodeJS.ProcessEnv);
    const result = await runDoctor(config, { financeOps: 'contoso-fo', dataverse: 'no-such-env' });
    const line = doctorJson(result);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line) as { ok: boolean; checks: Array<Record<string, unknown>> };
    expect(parsed.ok).toBe(false);
    for (const check of parsed.checks) expect(Object.keys(check)).toEqual(['name', 'ok', 'detail', 'fix']);
    expect(doctorTable(result)).toMatch(/FAIL {2}token\.powerPlatform[^\n]*\n\s+fix: /);
  });

  it('validates its arguments', () => {
    expect(parseDoctorArgs(['--json'])).toEqual({
      json: true,
      asMe: false,
      financeOps: 'contoso-fo',
      dataverse: 'contoso',
    });
    expect(parseDoctorArgs(['--fo', 'https://x.operations.dynamics.com', '--dv', 'y'])).toMatchObject({
      financeOps: 'https://x.operations.dynamics.com',
    });
    expect(() => parseDoctorArgs(['--bogus'])).toThrow(/Unknown option --bogus/);
    expect(() => parseDoctorArgs(['--fo', ' '])).toThrow(/--fo needs/);
  });
});

describe('npm run doctor on a unified environment', () => {
  it('tells a unified environment (Power Platform admin center) from an LCS one', async () => {
    const pp = platform.powerPlatform;
    const created = await pp.createUnifiedEnvironment!({
      name: 'doc-unified',
      template: 'D365_FinOps_Finance',
      type: 'sandbox',
      demoData: false,
    });
    // The id comes with the create's lifecycle operation once it has Succeeded.
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
    const unified = await runDoctorChecks(platform, {
      financeOps: ready.financeOpsUrl,
      dataverse: ready.dataverseUrl,
    });
    expect(unified.find((check) => check.name === 'financeops.home')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^Unified environment "doc-unified" in the Power Platform admin center/),
    });
    const lcs = await runDoctorChecks(platform, { financeOps: 'contoso-fo', dataverse: 'contoso' });
    expect(lcs.find((check) => check.name === 'financeops.home')?.detail).toMatch(/^Lifecycle Services/);
  });
});
