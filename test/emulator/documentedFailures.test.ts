import type { RunningEmulator } from '../../src/emulator/index';
import type { Platform } from '../../src/engine/ports';
import { control, linkContoso, pollUntil, startTestEmulator, testPlatform } from './emulatorTestKit';

/**
 * The control API of documented failures (`/_emulator/failures`): each can be switched on and off by
 * name, and its service answers with the documented status and text. The data failures need no
 * switch: more than 250 legal entities on one link fail a map's start with the documented text.
 */
let emulator: RunningEmulator;
let platform: Platform;

beforeAll(async () => {
  emulator = await startTestEmulator();
  platform = testPlatform(emulator.url);
});
afterAll(async () => {
  await emulator?.close();
});

describe('documented failures by name', () => {
  it('lists every documented failure with its status, text, source and whether it is on', async () => {
    const listed = await control(emulator, 'GET', 'failures');
    expect(listed.status).toBe(200);
    const licence = listed.body.value.find((f: { name: string }) => f.name === 'connection-403-licence');
    expect(licence).toMatchObject({ at: 'link', status: 403, on: false });
    expect(licence.source).toMatch(/dual-write-troubleshooting-initial-setup\.md$/);
  });

  it('refuses an unknown name and a body that is not {on}', async () => {
    expect((await control(emulator, 'PUT', 'failures/no-such-failure', { on: true })).status).toBe(404);
    expect((await control(emulator, 'PUT', 'failures/dipv1003', { on: 'yes' })).status).toBe(400);
  });

  it('a link failure switched on answers the link with its status and text, and off again links', async () => {
    const on = await control(emulator, 'PUT', 'failures/connection-403-licence', { on: true });
    expect(on.body.value.find((f: { name: string }) => f.name === 'connection-403-licence').on).toBe(true);
    await expect(linkContoso(platform)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Failed to setup dual write environment'),
    });
    await control(emulator, 'PUT', 'failures/connection-403-licence', { on: false });
    const connection = await linkContoso(platform);
    expect(connection.legalEntities).toEqual(['USMF']);

    // A map-start failure switched on fails the start request with the documented text.
    await platform.dualWrite.applySolution(connection.id);
    await control(emulator, 'PUT', 'failures/dipv1031', { on: true });
    await platform.dualWrite.runMap(connection.id, 'transactioncurrencies - Currencies', {
      initialSync: false,
    });
    const map = await pollUntil(
      async () =>
        (await platform.dualWrite.listMaps(connection.id)).find(
          (m) => `${m.table} - ${m.name}` === 'transactioncurrencies - Currencies',
        ),
      (m) => m?.state === 'NotRunning' && Boolean(m.lastError),
    );
    expect(map?.lastError).toBe('DIPV1031: Missing default transform for mandatory destination field');
    await control(emulator, 'PUT', 'failures/dipv1031', { on: false });
  });
});

describe('live-sync failures by name', () => {
  const write = async (emu: RunningEmulator, entitySet: string, body: object) => {
    const response = await fetch(`${emu.url}/orgs/contoso/api/data/v9.2/${entitySet}`, {
      method: 'POST',
      headers: { Authorization: 'Bearer emulator.test', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: response.status === 204 ? undefined : await response.json() };
  };

  it('fails a Dataverse write of a table whose map runs, as the plug-in does, and leaves other tables alone', async () => {
    const own = await startTestEmulator();
    try {
      await control(own, 'PUT', 'failures/secureconfig-mismatch', { on: true });
      const rate = { msdyn_name: 'Average' };
      // No link, no running map: no live sync to fail.
      expect((await write(own, 'msdyn_exchangeratetypes', rate)).status).toBe(204);
      const dw = testPlatform(own.url).dualWrite;
      const connection = await linkContoso(testPlatform(own.url));
      await dw.applySolution(connection.id);
      const key = 'msdyn_exchangeratetypes - Exchange rate type';
      await dw.runMap(connection.id, key, { initialSync: false });
      await pollUntil(
        async () => (await dw.listMaps(connection.id)).find((m) => `${m.table} - ${m.name}` === key)?.state,
        (state) => state === 'Running',
      );
      expect(await write(own, 'msdyn_exchangeratetypes', rate)).toEqual({
        status: 400,
        body: {
          error: {
            code: '0x80040265',
            message: 'SecureConfig Organization (???) does not match actual CRM Organization (???).',
          },
        },
      });
      // A mapped table whose map does not run, and a table without a map.
      expect((await write(own, 'contacts', { firstname: 'Ada' })).status).toBe(204);
      expect((await write(own, 'pluginassemblies', { name: 'Not mapped' })).status).toBe(204);
      await control(own, 'PUT', 'failures/secureconfig-mismatch', { on: false });
      expect((await write(own, 'msdyn_exchangeratetypes', rate)).status).toBe(204);
    } finally {
      await own.close();
    }
  });
});

describe('a map-stop failure by name', () => {
  it('fails the stop request with the documented text and leaves the map running', async () => {
    const own = await startTestEmulator();
    try {
      const dw = testPlatform(own.url).dualWrite;
      const connection = await linkContoso(testPlatform(own.url));
      await dw.applySolution(connection.id);
      const key = 'msdyn_exchangeratetypes - Exchange rate type';
      const stateOf = async () =>
        (await dw.listMaps(connection.id)).find((m) => `${m.table} - ${m.name}` === key)?.state;
      await dw.runMap(connection.id, key, { initialSync: false });
      await pollUntil(stateOf, (state) => state === 'Running');
      await control(own, 'PUT', 'failures/user-not-allowed-connection', { on: true });
      // An initial sync stops the running map first, as Microsoft's tool does.
      await expect(dw.runMap(connection.id, key, { initialSync: true })).rejects.toThrow(
        /Error from token exchange: User is not allowed to access connection dynamicscrmonline\//,
      );
      expect(await stateOf()).toBe('Running');
    } finally {
      await own.close();
    }
  });
});
