import { renderCard } from '../../src/bot/cards/renderCard';
import { runCardData } from '../../src/bot/views/runView';
import type { RunningEmulator } from '../../src/emulator/index';
import { knownErrorById } from '../../src/engine/knownErrors/knownErrorCatalog';
import type { StepKind } from '../../src/engine/model';
import { type Harness, reviewed } from './engineHarness';
import { emulatorPlatform, startRigEmulator } from './emulatorRig';
import { approvingHarness, runUntilFinished } from './emulatorRuns';

/**
 * One case per catalogued error a setup step can meet: the emulator is made to fail as the service
 * does (a documented failure switched on by name, or the data that causes it), an existing-existing
 * setup runs against it over HTTP, and the run card the bot renders for the failed step names the
 * error's cause, its documented fix and its source.
 */
interface Case {
  /** The catalogue id the card must name. */
  id: string;
  /** The step that fails. */
  step: StepKind;
  /** Makes the emulator fail: a documented failure's name, or a change of its data. */
  arrange: string | ((emu: RunningEmulator) => Promise<void>);
  /** A plan without an initial sync: every map runs before the bootstrap, so each stamp is a live write. */
  liveOnly?: boolean;
}

const DV = (emu: RunningEmulator) => `${emu.url}/orgs/contoso`;

async function webApi(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${DV(emu)}/api/data/v9.2/${path}`, {
    method,
    headers: { Authorization: 'Bearer emulator.test', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/** Deletes the application user of the dual-write app 2e49aa60-… from the Dataverse environment. */
async function removeApplicationUser(emu: RunningEmulator): Promise<void> {
  const app = '2e49aa60-1bd3-43b6-8ab6-03ada3d9f08b';
  const found = (await (await webApi(emu, 'GET', `systemusers?$filter=applicationid eq ${app}`)).json()) as {
    value: Array<{ systemuserid: string }>;
  };
  expect(found.value).toHaveLength(1);
  await webApi(emu, 'DELETE', `systemusers(${found.value[0].systemuserid})`);
}

/**
 * A link that already holds 251 legal entities (the admin linked them in F&O): 251 legal entities
 * created through F&O OData, the dual-write packages installed, the link made with all of them.
 */
async function linkTooManyLegalEntities(emu: RunningEmulator): Promise<void> {
  const platform = emulatorPlatform(emu.url);
  const foUrl = `${emu.url}/fo/contoso-fo`;
  const fo = platform.financeOps(foUrl);
  const existing = (await fo.listLegalEntities()).map((e) => e.id);
  const codes = [...existing];
  for (let i = 0; codes.length <= 250; i++) {
    const id = `L${String(i).padStart(3, '0')}`;
    await fo.createLegalEntity({ id, name: `Legal entity ${id}` });
    codes.push(id);
  }
  const dv = (await platform.powerPlatform.findDataverse('contoso'))!;
  for (const pkg of ['DualWriteCoreAnchor', 'msdyn_DualWriteAppCoreAnchor']) {
    const op = await platform.powerPlatform.installPackage(dv.id, pkg);
    for (
      let polls = 0;
      (await platform.powerPlatform.getPackageOperation(dv.id, op.id)).status === 'running';
      polls++
    ) {
      if (polls > 500) throw new Error(`${pkg} still installing`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await platform.dualWrite.createConnection({
    financeOpsUrl: foUrl,
    dataverseUrl: DV(emu),
    legalEntities: codes,
  });
}

const CASES: Case[] = [
  { id: 'partitions-exceeded', step: 'enableEntityMaps', arrange: linkTooManyLegalEntities },
  { id: 'dw9003-connect-failed', step: 'checkPrerequisites', arrange: removeApplicationUser },
  { id: 'connection-403-licence', step: 'linkEnvironments', arrange: 'connection-403-licence' },
  { id: 'environment-not-discoverable', step: 'linkEnvironments', arrange: 'environment-not-discoverable' },
  { id: 'dualwrite-page-404', step: 'linkEnvironments', arrange: 'dualwrite-page-404' },
  { id: 'tokenexchange-403', step: 'linkEnvironments', arrange: 'tokenexchange-403' },
  {
    id: 'same-key-company-names',
    step: 'linkEnvironments',
    // A cdm_company row without a name, written through the Dataverse Web API.
    arrange: async (emu) =>
      void (await webApi(emu, 'POST', 'cdm_companies', { cdm_companycode: 'BLNK', cdm_name: '' })),
  },
  { id: 'tokenexchange-403', step: 'enableEntityMaps', arrange: 'tokenexchange-403-map' },
  { id: 'map-401-not-link-owner', step: 'enableEntityMaps', arrange: 'map-401-not-link-owner' },
  { id: 'lookup-metadata', step: 'enableEntityMaps', arrange: 'lookup-metadata' },
  { id: 'solution-version-mismatch', step: 'enableEntityMaps', arrange: 'solution-version-mismatch' },
  { id: 'dipv1003', step: 'enableEntityMaps', arrange: 'dipv1003' },
  { id: 'dipv1018', step: 'enableEntityMaps', arrange: 'dipv1018' },
  { id: 'dipv1020', step: 'enableEntityMaps', arrange: 'dipv1020' },
  { id: 'dipv1031', step: 'enableEntityMaps', arrange: 'dipv1031' },
  // The initial sync stops the running map before its Refresh and start, as the tool does.
  { id: 'user-not-allowed-connection', step: 'initialSync', arrange: 'user-not-allowed-connection' },
  { id: 'ax-export-error', step: 'initialSync', arrange: 'ax-export-error' },
  { id: 'initial-sync-403', step: 'initialSync', arrange: 'initial-sync-403' },
  { id: 'too-many-lookups', step: 'initialSync', arrange: 'too-many-lookups' },
  // Live sync: the bootstrap stamps Dataverse rows of tables whose maps run, and the dual-write
  // plug-in fails each such write with the live-sync error.
  ...['unable-to-write-entity', '0x80072560', 'secureconfig-mismatch', 'transaction-limits'].map(
    (id): Case => ({ id, step: 'bootstrapCompanyData', arrange: id, liveOnly: true }),
  ),
  {
    id: 'guid-resolve',
    step: 'initialSync',
    arrange: (emu) => put(emu, 'settings', { failures: { lookupNotFound: true } }),
  },
];

async function put(emu: RunningEmulator, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${emu.url}/_emulator/${path}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PUT ${path}: HTTP ${response.status} ${await response.text()}`);
}

describe('failure cards of documented errors', () => {
  let emu: RunningEmulator;
  let h: Harness;

  beforeEach(async () => {
    emu = await startRigEmulator();
    h = approvingHarness(emu.url, { retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 } });
  });
  afterEach(async () => {
    await h?.close();
    await emu?.close();
  });

  const input = () => ({
    scenario: 'existing-existing',
    financeOpsUrl: `${emu.url}/fo/contoso-fo`,
    dataverseUrl: DV(emu),
    legalEntities: ['DEMF'],
    companyCode: 'DEMF',
    initialSyncEntities: ['Vendors V2'],
    master: 'financeOps',
  });

  const runToEnd = (token?: string, setup: Record<string, unknown> = input()) =>
    runUntilFinished(h, setup, { token });

  it.each(CASES.map((c) => [`${c.id} (${typeof c.arrange === 'string' ? c.arrange : 'data'})`, c] as const))(
    '%s: the run card names the cause, the fix and the source',
    async (_label, { id, step, arrange, liveOnly }) => {
      let token: string | undefined;
      const setup = liveOnly ? { ...input(), initialSyncEntities: [] } : input();
      if (typeof arrange === 'string') await put(emu, `failures/${arrange}`, { on: true });
      else {
        // A cause made of data is one the pre-flight's pair checks refuse at Start: here it appears
        // after the Review (Start reuses that plan), so the step meets it.
        token = await reviewed(h.engine, setup);
        await arrange(emu);
      }
      const run = await runToEnd(token, setup);
      expect(run.status).toBe('failed');
      const failed = run.steps.find((s) => s.status === 'failed');
      expect(failed?.kind).toBe(step);
      expect(failed?.error?.knownErrorId).toBe(id);
      const entry = knownErrorById(id)!;
      const card = JSON.stringify(renderCard('run', runCardData(run, '', true, Date.now())));
      expect(card).toContain(JSON.stringify(entry.cause).slice(1, -1));
      expect(card).toContain(JSON.stringify(entry.fix).slice(1, -1));
      expect(card).toContain(entry.source);
      expect(card).toContain('run.retry');
    },
  );

  it('health-check-app-version: a new F&O deployed below platform update 33 fails the prerequisites with the documented fix', async () => {
    // LCS deploys the new environment at the old release: nothing could tell at Review.
    await put(emu, 'settings', { failures: { versionTooOld: true } });
    const run = await runToEnd(undefined, {
      scenario: 'new-existing',
      financeOpsName: 'fo-old',
      dataverseUrl: DV(emu),
      companyCode: 'OLD1',
      companyName: 'Old Ltd',
    });
    const failed = run.steps.find((s) => s.status === 'failed');
    expect(failed?.kind).toBe('checkPrerequisites');
    expect(failed?.error?.knownErrorId).toBe('health-check-app-version');
    const card = JSON.stringify(renderCard('run', runCardData(run, '', true, Date.now())));
    expect(card).toContain(JSON.stringify(knownErrorById('health-check-app-version')!.fix).slice(1, -1));
  });

  it('an unknown failure keeps its raw text and the correlation id of the failed call', async () => {
    await put(emu, 'settings', {
      http: { scripted: [{ pathPrefix: '/dualwrite/', method: 'POST', status: 500, count: 5 }] },
    });
    const run = await runToEnd();
    const failed = run.steps.find((s) => s.status === 'failed');
    expect(failed?.error?.knownErrorId).toBeUndefined();
    expect(failed?.error?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const card = JSON.stringify(renderCard('run', runCardData(run, '', true, Date.now())));
    expect(card).toContain(failed!.error!.message.slice(0, 40));
    expect(card).toContain(`Correlation id: ${failed!.error!.correlationId}`);
    expect(card).not.toContain('**Fix**');
  });
});
