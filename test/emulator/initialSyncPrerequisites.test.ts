import type { RunningEmulator } from '../../src/emulator';
import type { DualWriteConnection, Platform } from '../../src/engine/ports';
import { api, control, emulatorPerCase, linkContoso, pollUntil, type TestBody } from './emulatorTestKit';

/**
 * An initial sync as Microsoft's Dual-write-automations tool runs it (DWMapEngine.runInitialSetup,
 * refreshTable, getTemplatePreRequisite) [inferred from the tool], over HTTP against the emulator:
 * the gateway refuses a start with initial sync unless the map is Stopped and its project was
 * refreshed since it last changed; the client stops, refreshes, then starts; the template
 * prerequisite sequence lists a map's prerequisites first.
 */
let emulator: RunningEmulator;
let platform: Platform;

emulatorPerCase((rig) => ({ emulator, platform } = rig));

const DWM = '/dualwrite/api/DualWriteManagement/1.0';
const CURRENCIES = 'transactioncurrencies - Currencies';
const cidOf = (connection: DualWriteConnection) => connection.id.split(':')[0];

async function gatewayMap(cid: string, key: string): Promise<TestBody> {
  const { body } = await api(emulator, `${DWM}/Entities?targetType=AX&cid=${cid}`);
  return (body as TestBody[]).find((map) => map.detail.tName === key);
}

async function act(cid: string, map: TestBody, action: string, skipInitialSync = true) {
  return api(emulator, `${DWM}/Start`, {
    method: 'POST',
    body: JSON.stringify({
      action,
      details: [
        {
          tid: map.detail.tid,
          pid: map.detail.pid,
          cid,
          parameters: { skipInitialSync, conflictResolution: { option: '1', master: 'CRM' } },
        },
      ],
    }),
  });
}

async function refresh(pid: string) {
  const project = await api(emulator, `${DWM}/${pid}/FieldMappings`);
  expect(project.status).toBe(200);
  return api(emulator, `/dualwrite/api/Project/${project.body.name}/Refresh`, {
    method: 'POST',
    body: JSON.stringify({ tokens: [''] }),
  });
}

async function effectKinds(subject: string): Promise<string[]> {
  const { body } = await control(emulator, 'GET', 'effects');
  return (body.value as TestBody[])
    .sort((a, b) => a.seq - b.seq)
    .filter((effect) => effect.subject.endsWith(subject) && effect.kind.startsWith('gw.'))
    .map((effect) => (effect.detail ? `${effect.kind} ${effect.detail}` : effect.kind));
}

describe('initial sync from Stopped after a refresh', () => {
  it('refuses an initial sync of a map not stopped, then of one not refreshed since it changed', async () => {
    const connection = await linkContoso(platform);
    await platform.dualWrite.applySolution(connection.id);
    const cid = cidOf(connection);
    await act(cid, await gatewayMap(cid, CURRENCIES), '8');
    let map = await gatewayMap(cid, CURRENCIES);
    expect(map.detail.pid).toBeTruthy();

    const notStopped = await act(cid, map, '1', false);
    expect(notStopped.status).toBe(400);
    expect(notStopped.body.error.code).toBe('InvalidState');

    expect((await act(cid, map, '4')).status).toBe(200);
    const notRefreshed = await act(cid, map, '1', false);
    expect(notRefreshed.status).toBe(400);
    expect(notRefreshed.body.error.code).toBe('ProjectNotRefreshed');

    expect((await refresh(map.detail.pid)).status).toBe(200);
    // Apply Solution again changes the map: it needs another refresh.
    await platform.dualWrite.applySolution(connection.id);
    map = await gatewayMap(cid, CURRENCIES);
    expect((await act(cid, map, '1', false)).body.error.code).toBe('ProjectNotRefreshed');

    expect((await refresh(map.detail.pid)).status).toBe(200);
    expect((await act(cid, map, '1', false)).status).toBe(200);
    // The initial sync itself may have finished too (the emulator's clock runs): the first five only.
    expect((await effectKinds(CURRENCIES)).slice(0, 5)).toEqual([
      'gw.map.init',
      'gw.map.stop',
      'gw.project.refresh',
      'gw.project.refresh',
      'gw.map.start initial sync',
    ]);
  });

  it('the client runs an initial sync as the tool does: create the project, stop, refresh, start', async () => {
    const connection = await linkContoso(platform);
    await platform.dualWrite.applySolution(connection.id);
    await platform.dualWrite.runMap(connection.id, CURRENCIES, { initialSync: true });
    const running = await pollUntil(
      () => platform.dualWrite.listMaps(connection.id),
      (maps) => maps.find((m) => `${m.table} - ${m.name}` === CURRENCIES)?.state === 'Running',
    );
    expect(running.find((m) => m.name === 'Currencies')?.lastError).toBeUndefined();
    expect(await effectKinds(CURRENCIES)).toEqual([
      'gw.map.init',
      'gw.map.stop',
      'gw.project.refresh',
      'gw.map.start initial sync',
      expect.stringMatching(/^gw\.initialSync\.run/),
    ]);
  });

  it('answers the template prerequisite sequence: prerequisites first (deepest first), the map last', async () => {
    const connection = await linkContoso(platform);
    const dv = (await platform.powerPlatform.findDataverse('contoso'))!;
    const op = await platform.powerPlatform.installPackage(dv.id, 'msdyn_Dynamics365FinanceExtendedAnchor');
    await pollUntil(
      () => platform.powerPlatform.getPackageOperation(dv.id, op.id),
      (o) => o.status !== 'running',
    );
    await platform.dualWrite.applySolution(connection.id);
    const cid = cidOf(connection);
    const terms = await gatewayMap(cid, 'msdyn_paymentterms - Terms of payment');
    const raw = await api(emulator, `${DWM}/GetTemplatePrerequisiteSequences/${cid}`, {
      method: 'POST',
      body: JSON.stringify([terms.detail.tid]),
    });
    expect(raw.status).toBe(200);
    expect(raw.body).toHaveLength(1);
    expect(raw.body[0].at(-1)).toBe(terms.detail.tid);
    expect(await platform.dualWrite.prerequisiteSequence!(connection.id, 'Terms of payment')).toEqual([
      'cdm_companies - Legal entities',
      'msdyn_paymentdays - Payment days CDS',
      'msdyn_paymentschedules - Payment schedule',
      'msdyn_paymentterms - Terms of payment',
    ]);
  });
});
