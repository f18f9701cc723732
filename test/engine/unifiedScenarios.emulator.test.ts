import type { RunningEmulator } from '../../src/emulator/index';
import type { Run } from '../../src/engine/model';
import { alice, type Harness } from './engineHarness';
import {
  catalogMaps,
  emulatorPlatform,
  emulatorState,
  financeOpsRows,
  startRigEmulator,
} from './emulatorRig';
import { approvingHarness, expectSucceeded, runUntilFinished } from './emulatorRuns';

// The unified variants of the four new-F&O scenarios, each to completion against the emulator over
// HTTP: F&O comes from the Power Platform (an ERP template, or the provisioning app into an existing
// Dataverse environment), never from LCS; then dual-write goes as in the LCS variants.

describe('unified environments (F&O in the Power Platform admin center)', () => {
  let emu: RunningEmulator;
  let h: Harness;

  beforeAll(async () => {
    emu = await startRigEmulator();
    h = approvingHarness(emu.url);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  const runToEnd = (input: Record<string, unknown>, key: string) =>
    runUntilFinished(h, input, { key, timeoutMs: 90_000 });

  function firstStep(run: Run) {
    return run.steps[0];
  }

  it('new-new: one unified environment from the Finance template, DAT linked, maps running, no LCS', async () => {
    const run = await runToEnd(
      { scenario: 'new-new', financeOpsHome: 'unified', financeOpsName: 'uni-nn' },
      'uni-nn',
    );
    expectSucceeded(run);
    expect(firstStep(run)).toMatchObject({
      kind: 'provisionFinanceOps',
      where: 'Power Platform admin center',
      mode: 'automatic',
    });
    expect(run.steps.map((s) => s.kind)).not.toContain('provisionDataverse');
    expect(run.steps.find((s) => s.kind === 'linkEnvironments')?.where).toBe('Finance and Operations');
    const output = firstStep(run).output as { financeOpsUrl: string; dataverseUrl: string };
    const state = await emulatorState(emu.url);
    expect(state.financeOps.map((e) => e.name)).not.toContain('uninn'); // not in the LCS project
    const connection = state.connections.find((c) => c.financeOps === 'uninn');
    expect(connection?.dataverse).toBe('uninn');
    expect(output.dataverseUrl).toMatch(/\/orgs\/uninn$/);
    expect(connection?.legalEntities).toEqual(['DAT']);
    expect(catalogMaps(connection?.maps ?? []).every((m) => m.state === 'Running')).toBe(true);
  });

  it('new-new, Finance template: the install step installs only what the template did not (issue 31 item 7)', async () => {
    const run = await runToEnd(
      { scenario: 'new-new', financeOpsHome: 'unified', financeOpsName: 'uni-pk' },
      'uni-pk',
    );
    expectSucceeded(run);
    const install = run.steps.find((s) => s.kind === 'installDualWriteSolutions');
    // unified-environment-types-and-templates.md: the Finance template installs these two.
    const fromTemplate = ['DualWriteCoreAnchor', 'msdyn_DualWriteAppCoreAnchor'];
    expect(install?.output).toMatchObject({ alreadyInstalled: fromTemplate });
    const installed = (install?.output as { installed: string[] }).installed;
    expect(installed).not.toEqual(expect.arrayContaining([fromTemplate[0]]));
    expect(installed).not.toContain(fromTemplate[1]);
    const { bySubject } = (await emulatorState(emu.url)).effects;
    for (const name of fromTemplate) expect(bySubject[`pp.package.install uni-pk/${name}`]).toBeUndefined();
    for (const name of installed) expect(bySubject[`pp.package.install uni-pk/${name}`]).toBe(1);
    // The link is to the unified environment itself: its F&O and its own Dataverse.
    const connection = (await emulatorState(emu.url)).connections.find((c) => c.financeOps === 'unipk');
    expect(connection?.dataverse).toBe('unipk');
  });

  it('new-new, Project Operations template: every dual-write package is there already, none is installed', async () => {
    const run = await runToEnd(
      {
        scenario: 'new-new',
        financeOpsHome: 'unified',
        erpTemplate: 'D365_FinOps_ProjOps',
        financeOpsName: 'uni-po',
      },
      'uni-po',
    );
    expectSucceeded(run);
    const install = run.steps.find((s) => s.kind === 'installDualWriteSolutions');
    expect(install?.output).toMatchObject({ installed: [] });
    expect((install?.output as { alreadyInstalled: string[] }).alreadyInstalled).toHaveLength(6);
    const subjects = Object.keys((await emulatorState(emu.url)).effects.bySubject);
    expect(subjects.filter((s) => s.startsWith('pp.package.install uni-po/'))).toEqual([
      'pp.package.install uni-po/msdyn_FinanceAndOperationsProvisioningAppAnchor',
    ]);
  });

  it('new-demo-new: DemoDataEnabled brings the Contoso companies, their data synced to Dataverse', async () => {
    const run = await runToEnd(
      {
        scenario: 'new-demo-new',
        financeOpsHome: 'unified',
        erpTemplate: 'D365_FinOps_SCM',
        financeOpsName: 'uni-dn',
        demoLegalEntities: ['USMF'],
        initialSyncEntities: ['Customers V3'],
      },
      'uni-dn',
    );
    expectSucceeded(run);
    expect(firstStep(run).params).toMatchObject({ template: 'D365_FinOps_SCM', demoData: true });
    const output = firstStep(run).output as { financeOpsUrl: string };
    const customers = await financeOpsRows(output.financeOpsUrl, 'CustomersV3?cross-company=true');
    expect(customers.length).toBeGreaterThan(0);
  });

  it('new-existing: the provisioning app into the existing Dataverse, the company created and bootstrapped', async () => {
    const contoso = (await emulatorState(emu.url)).dataverse.find((e) => e.org === 'contoso')!;
    const run = await runToEnd(
      {
        scenario: 'new-existing',
        financeOpsHome: 'unified',
        financeOpsName: 'uni-ne',
        dataverseUrl: contoso.url,
        companyCode: 'CNT',
        companyName: 'Contoso',
      },
      'uni-ne',
    );
    expectSucceeded(run);
    expect(firstStep(run)).toMatchObject({
      where: 'Power Platform admin center',
      params: { intoDataverseUrl: contoso.url },
    });
    expect((firstStep(run).output as { dataverseUrl: string }).dataverseUrl).toBe(contoso.url);
  });

  it('new-demo-existing: demo data through the provisioning app into an existing environment', async () => {
    const platform = emulatorPlatform(emu.url);
    await platform.powerPlatform.createDataverse({ name: 'uni-de-dv', crmPrime: true });
    let dv = await platform.powerPlatform.findDataverse('uni-de-dv');
    for (let i = 0; i < 200 && dv?.state !== 'ready'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      dv = await platform.powerPlatform.findDataverse('uni-de-dv');
    }
    const run = await runToEnd(
      {
        scenario: 'new-demo-existing',
        financeOpsHome: 'unified',
        financeOpsName: 'uni-de',
        dataverseUrl: dv!.url,
        demoLegalEntities: ['USMF'],
        companyCode: 'ABC',
        companyName: 'ABC company',
        initialSyncEntities: ['Currencies'],
      },
      'uni-de',
    );
    expectSucceeded(run);
    const output = firstStep(run).output as { financeOpsUrl: string };
    const companies = await financeOpsRows(output.financeOpsUrl, 'LegalEntities');
    expect(companies.map((c) => c.LegalEntityId)).toEqual(expect.arrayContaining(['USMF', 'ABC']));
  });

  it('refuses a unified name over 20 characters before anything starts', async () => {
    const started = await h.engine.start(
      { scenario: 'new-new', financeOpsHome: 'unified', financeOpsName: 'a-name-longer-than-20' },
      alice,
      'no-review-needed-to-refuse-the-input',
    );
    expect(started.ok).toBe(false);
    expect(!started.ok && started.message).toMatch(/at most 20/);
  });

  it('fails the provisioning step with the reason when the target is Production, changing nothing', async () => {
    const created = await fetch(
      `${emu.url}/bap/providers/Microsoft.BusinessAppPlatform/environments?api-version=2023-06-01`,
      {
        method: 'POST',
        headers: { Authorization: 'Bearer emulator.test', 'Content-Type': 'application/json' },
        body: JSON.stringify({
          properties: {
            displayName: 'uni-prod',
            environmentSku: 'Production',
            linkedEnvironmentMetadata: { templates: ['D365_Sales'] },
          },
        }),
      },
    );
    expect(created.status).toBe(202);
    const platform = emulatorPlatform(emu.url);
    let dv = await platform.powerPlatform.findDataverse('uni-prod');
    for (let i = 0; i < 200 && dv?.state !== 'ready'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      dv = await platform.powerPlatform.findDataverse('uni-prod');
    }
    const before = (await emulatorState(emu.url)).effects.byKind['pp.unified.install'] ?? 0;
    const run = await runToEnd(
      {
        scenario: 'new-existing',
        financeOpsHome: 'unified',
        financeOpsName: 'uni-pr',
        dataverseUrl: dv!.url,
        companyCode: 'PRD',
        companyName: 'Prod',
      },
      'uni-prod',
    );
    expect(run.status).toBe('failed');
    expect(firstStep(run).error?.message ?? JSON.stringify(firstStep(run))).toMatch(/Production/);
    expect((await emulatorState(emu.url)).effects.byKind['pp.unified.install'] ?? 0).toBe(before);
  });
});
