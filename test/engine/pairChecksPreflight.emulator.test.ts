import { renderCard } from '../../src/bot/cards/renderCard';
import { confirmCardData } from '../../src/bot/views/confirmView';
import { runDoctorChecks } from '../../src/doctor/doctorChecks';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator';
import { knownErrorById, matchKnownError } from '../../src/engine/knownErrors/knownErrorCatalog';
import { systemClock } from '../../src/engine/systemClock';
import { api, linkContoso, startTestEmulator, testPlatform } from '../emulator/emulatorTestKit';
import { alice, createHarness, reviewed, type Harness } from './engineHarness';

// Every plan starts with the doctor's checks of the pair (src/engine/pairChecks): against the emulator
// over real HTTP, "the setup will do it" names the plan's step, and a blocker takes Start off the plan
// card with its fix and refuses the Start command too.

let emulator: RunningEmulator;
let h: Harness;

beforeEach(async () => {
  emulator = await startTestEmulator();
  h = createHarness(testPlatform(emulator.url), systemClock, { pollIntervalMs: 20 });
});
afterEach(async () => {
  await h?.close();
  await emulator?.close();
});

/** A fresh emulator set up otherwise (a state no public API reaches: docs/fidelity.md). */
async function restartWith(seed: NonNullable<EmulatorOptions['seed']>): Promise<void> {
  await h.close();
  await emulator.close();
  emulator = await startTestEmulator({ seed });
  h = createHarness(testPlatform(emulator.url), systemClock, { pollIntervalMs: 20 });
}

/** The plan card of a preview whose blocker `code` refuses Start: no Start, the blocker with its fix. */
function expectRefusedOnCard(preview: Awaited<ReturnType<Harness['engine']['preview']>>, code: string) {
  expect(preview.canStart).toBe(false);
  expect(preview.reviewToken).toBeUndefined();
  const blocker = preview.findings.find((f) => f.code === code)!;
  expect(blocker.severity).toBe('blocking');
  const card = JSON.stringify(
    renderCard('confirm', confirmCardData(preview, '5b8f7f0e-9a51-4c44-8f3f-2d1f3c1c9e11')),
  );
  expect(verbs(JSON.parse(card))).not.toContain('setup.start');
  expect(card).toContain(JSON.stringify(`⛔ ${blocker.message} ${blocker.advice}`).slice(1, -1));
  return blocker;
}

async function input() {
  const fo = (await testPlatform(emulator.url).lifecycle.findFinanceOps('contoso-fo'))!;
  return {
    scenario: 'existing-existing',
    financeOpsUrl: fo.url,
    dataverseUrl: `${emulator.url}/orgs/contoso`,
    legalEntities: ['USMF'],
  };
}

/** Every Action.Execute verb of a rendered card. */
const verbs = (card: unknown): string[] =>
  [...JSON.stringify(card).matchAll(/"verb":"([^"]+)"/g)].map((m) => m[1]);

describe('the run checks first', () => {
  it('lists what the setup does itself as its step, and may start', async () => {
    const preview = await h.engine.preview(await input());
    expect(preview.canStart).toBe(true);
    const install = preview.steps.findIndex((step) => step.kind === 'installDualWriteSolutions');
    expect(preview.findings.find((f) => f.code === 'core_solution_missing')).toMatchObject({
      severity: 'setup',
      advice: `The setup will do it: step ${install + 1}, ${preview.steps[install].title}.`,
    });
    const card = renderCard('confirm', confirmCardData(preview, '5b8f7f0e-9a51-4c44-8f3f-2d1f3c1c9e11'));
    expect(JSON.stringify(card)).toContain(
      `🛠️ ${preview.findings.find((f) => f.severity === 'setup')!.message}`,
    );
    expect(verbs(card)).toContain('setup.start');
  });

  it('a blocker (duplicate company names in cdm_company) refuses Start on the plan card with its fix', async () => {
    // Reviewed while the pair is clean: the token stands, but a Start re-reads the latest Review's plan.
    const token = await reviewed(h.engine, await input());
    for (const name of ['Contoso', 'Contoso again'])
      await api(emulator, '/orgs/contoso/api/data/v9.2/cdm_companies', {
        method: 'POST',
        body: JSON.stringify({ cdm_companycode: 'DAT', cdm_name: name }),
      });
    const preview = await h.engine.preview(await input());
    expect(preview.canStart).toBe(false);
    const blocker = preview.findings.find((f) => f.code === 'company_names');
    expect(blocker).toMatchObject({
      severity: 'blocking',
      advice: expect.stringMatching(/cdm_company table/),
    });
    const card = JSON.stringify(
      renderCard('confirm', confirmCardData(preview, '5b8f7f0e-9a51-4c44-8f3f-2d1f3c1c9e11')),
    );
    expect(verbs(JSON.parse(card))).not.toContain('setup.start');
    // The card's text as JSON spells the quotes of the message escaped.
    expect(card).toContain(JSON.stringify(`⛔ ${blocker!.message} ${blocker!.advice}`).slice(1, -1));
    const started = await h.engine.start(await input(), alice, token);
    expect(started).toMatchObject({ ok: false, message: expect.stringMatching(/cdm_company/) });
  });
});

describe('blockers reached by how the environments were set up', () => {
  it("a dual-write package the environment's package list does not offer refuses Start with its fix", async () => {
    await restartWith({ packagesWithoutEntitlement: ['msdyn_Dynamics365HCMAnchor'] });
    const blocker = expectRefusedOnCard(await h.engine.preview(await input()), 'package_not_listed');
    expect(blocker).toMatchObject({
      message: "The environment's package list has no msdyn_Dynamics365HCMAnchor.",
      advice: expect.stringMatching(/entitled to.*Dynamics 365 apps/),
    });
  });

  it('an applied package whose maps are missing refuses Start with its fix', async () => {
    await restartWith({ mapsMissingFromSolutions: ['msdyn_exchangeratetypes - Exchange rate type'] });
    // Reviewed before the link: the token stands, but a Start re-reads the latest Review's plan.
    const token = await reviewed(h.engine, await input());
    const platform = testPlatform(emulator.url);
    await platform.dualWrite.applySolution((await linkContoso(platform)).id);
    const blocker = expectRefusedOnCard(await h.engine.preview(await input()), 'maps_missing');
    expect(blocker).toMatchObject({
      message: expect.stringMatching(/publishes no map msdyn_exchangeratetypes - Exchange rate type/),
      advice: expect.stringMatching(/Apply solution\), then Refresh tables/),
    });
    const started = await h.engine.start(await input(), alice, token);
    expect(started).toMatchObject({ ok: false, message: expect.stringMatching(/Exchange rate type/) });
  });
});

describe('one check, one place', () => {
  it('an F&O below platform update 33: the plan card and the doctor give the same verdict, worded as the health check', async () => {
    await h.close();
    await emulator.close();
    emulator = await startTestEmulator({ seed: { existingFinanceOps: { platformVersion: '10.0.8' } } });
    h = createHarness(testPlatform(emulator.url), systemClock, { pollIntervalMs: 20 });
    const preview = await h.engine.preview(await input());
    expect(preview.canStart).toBe(false);
    const blocker = preview.findings.find((f) => f.code === 'platform_version');
    const fix = knownErrorById('health-check-app-version')!.fix;
    expect(blocker).toMatchObject({ severity: 'blocking', advice: fix });
    // The failure card of a step that fails with this text names the same catalogued error.
    expect(matchKnownError(blocker!.message)?.id).toBe('health-check-app-version');
    const doctor = await runDoctorChecks(testPlatform(emulator.url), {
      financeOps: 'contoso-fo',
      dataverse: 'contoso',
    });
    expect(doctor.find((c) => c.name === 'financeOps.version')).toMatchObject({
      state: 'blocker',
      detail: blocker!.message,
      fix,
      knownErrors: ['health-check-app-version'],
    });
  });
});
