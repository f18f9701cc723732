import type { RunningEmulator } from '../../src/emulator';
import { api, startTestEmulator } from './emulatorTestKit';

// LCS documents "6 calls for each project per 1 minute", beyond which "HTTP 429 Too Many Requests"
// with a retry-after header (reference-environment-metadata.md). At time scale 1 the window is a minute.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ timeScale: 1 });
});
afterAll(async () => {
  await emulator?.close();
});

it('answers the 7th call of a project within a minute with 429 and Retry-After; other projects go on', async () => {
  const call = (project: string) =>
    api(emulator, `/lcs/environmentinfo/v1/detail/project/${project}/`, {
      headers: { 'x-ms-version': '2017-09-15' },
    });
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await call('112233')).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  const limited = await call('112233');
  expect(limited.status).toBe(429);
  const wait = Number(limited.headers.get('retry-after'));
  expect(wait).toBeGreaterThanOrEqual(1);
  expect(wait).toBeLessThanOrEqual(60);
  expect(limited.body).toMatchObject({ IsSuccess: false });
  expect((await call('445566')).status).toBe(200);
});
