import type { RunningEmulator } from '../../src/emulator';
import { createPlatform } from '../../src/platform/createPlatform';
import { control, linkContoso, startTestEmulator } from '../emulator/emulatorTestKit';

// Apply Solution against the emulated gateway when the wait for an accepted request fails: the
// request id the gateway answered is handed out before the wait, and a resumed call waits on it
// instead of posting the solution again (the gateway would apply it twice).

let emulator: RunningEmulator;
const GW = '/dualwrite/api/DualWriteManagement/1.0';
const SOLUTION = 'msdyn_DualWriteAppCoreMaps';

beforeAll(async () => {
  emulator = await startTestEmulator({
    seed: { existingFinanceOps: { name: 'contoso-fo', companies: ['USMF'], platformVersion: '10.0.38' } },
  });
});
afterAll(async () => {
  await emulator?.close();
});

it('a failed wait leaves the accepted request to be waited on again, applied once', async () => {
  const platform = createPlatform({
    mode: 'emulator',
    emulatorUrl: emulator.url,
    retry: { baseDelayMs: 10, maxDelayMs: 20 },
  });
  const link = await linkContoso(platform);
  const cid = link.id.split(':')[0];
  // Every status read fails, past the client's retries: the wait gives up after the gateway accepted.
  await control(emulator, 'PUT', 'settings', {
    http: {
      scripted: [{ pathPrefix: `${GW}/SolutionAware/${cid}/Status/`, method: 'GET', status: 503, count: 50 }],
    },
  });
  const accepted: Array<{ solution: string; requestId: string }> = [];
  const onAccepted = async (solution: string, requestId: string) => {
    accepted.push({ solution, requestId });
  };
  await expect(platform.dualWrite.applySolution(link.id, [SOLUTION], { onAccepted })).rejects.toMatchObject({
    code: 'unavailable',
  });
  expect(accepted).toEqual([{ solution: SOLUTION, requestId: expect.any(String) }]);
  await control(emulator, 'PUT', 'settings', { http: { scripted: [] } });

  await platform.dualWrite.applySolution(link.id, [SOLUTION], { resume: accepted[0], onAccepted });
  expect(accepted).toHaveLength(1); // nothing posted again
  const { body } = await control(emulator, 'GET', 'state');
  const applies = Object.entries(body.effects.bySubject as Record<string, number>).filter(([subject]) =>
    subject.startsWith('gw.solution.apply '),
  );
  expect(applies).toEqual([[expect.stringMatching(new RegExp(`/${SOLUTION}$`)), 1]]);
  expect((await platform.dualWrite.listMaps(link.id)).length).toBeGreaterThan(0);

  // A request the gateway does not know (gone, or never made) is posted anew.
  const countOf = async () =>
    Object.entries(
      (await control(emulator, 'GET', 'state')).body.effects.bySubject as Record<string, number>,
    ).find(([subject]) => subject.startsWith('gw.solution.apply '))?.[1];
  await platform.dualWrite.applySolution(link.id, [SOLUTION], {
    resume: { solution: SOLUTION, requestId: 'no-such-request' },
    onAccepted,
  });
  expect(accepted).toHaveLength(2);
  expect(await countOf()).toBe(2);

  // Without the resume the same call posts it again: the gateway counts another apply.
  await platform.dualWrite.applySolution(link.id, [SOLUTION]);
  expect(await countOf()).toBe(3);
});
