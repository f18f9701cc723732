import type { RunningEmulator } from '../../src/emulator';
import { createPlatform } from '../../src/platform/createPlatform';
import {
  connectionSetSchema,
  crmEnvironment,
  environmentSchema,
  linkedLegalEntities,
  mapIdentityOf,
  mapSchema,
  requestState,
} from '../../src/platform/dualWrite/gatewayWire';
import { api, linkContoso, startTestEmulator, type TestBody } from '../emulator/emulatorTestKit';
import { fixture, shapeDifferences } from '../fixtures/microsoft/fixture';

// The dual-write gateway in the shapes of Microsoft's Dual-write-automations tool (fixtures built from
// its C# structs, each with its source): the client parses them, and the emulator answers with the
// same keys and types.

let emulator: RunningEmulator;
const GW = '/dualwrite/api/DualWriteManagement/1.0';

beforeAll(async () => {
  emulator = await startTestEmulator({
    seed: { existingFinanceOps: { name: 'contoso-fo', companies: ['USMF'], platformVersion: '10.0.38' } },
  });
});
afterAll(async () => {
  await emulator?.close();
});

/** The connection set without its environments (keyed by name) plus one environment on its own. */
function splitSet(set: TestBody): [TestBody, unknown] {
  const { environments, ...rest } = set as { environments: Record<string, unknown> };
  const crm = Object.values(environments).find((env) => (env as { targetType: string }).targetType === 'CRM');
  return [rest, crm];
}

it('the client parses the tool-derived examples', () => {
  const [env] = environmentSchema.array().parse(fixture('dw-gateway-environments.json').body);
  expect(env.cid).toMatch(/^[0-9a-f-]{36}$/);
  const maps = mapSchema.array().parse(fixture('dw-gateway-entities.json').body);
  expect(mapIdentityOf(maps[0])).toEqual({ table: 'accounts', name: 'Customers V3' });
  expect(requestState(maps, '2d9f0b8a-1c3e-4f5a-8b7c-6d5e4f3a2b1c')).toEqual({ state: '2' });
  const set = connectionSetSchema.parse(fixture('dw-gateway-connection-set.json').body);
  expect(crmEnvironment(set)?.directUrl).toBe('https://contoso.crm.dynamics.com');
  expect(linkedLegalEntities(set)).toEqual(['USMF']);
});

it('the emulator answers Environments, Entities, Status and ConnectionSet with the same keys and types', async () => {
  const platform = createPlatform({ mode: 'emulator', emulatorUrl: emulator.url });
  const fo = (await platform.lifecycle.findFinanceOps('contoso-fo'))!;
  const link = await linkContoso(platform);
  await platform.dualWrite.applySolution(link.id);
  // A map runs only once it has a project: the client sends action 8, then 1.
  await platform.dualWrite.runMap(link.id, 'cdm_companies - Legal entities', { initialSync: false });
  const [cid, cname] = link.id.split(':');

  const identifier = encodeURIComponent(fo.url.replace(/^https?:\/\//, ''));
  const environments = await api(emulator, `${GW}/Environments?targetType=AX&identifier=${identifier}`);
  expect(shapeDifferences(fixture('dw-gateway-environments.json').body, environments.body)).toEqual([]);
  expect((environments.body as Array<{ cid: string }>)[0].cid).toBe(cid);

  const entities = await api(emulator, `${GW}/Entities?targetType=AX&cid=${cid}`);
  const running = (
    entities.body as Array<{ detail: { tName: string; lastRequest: { requestId: string } } }>
  ).find((m) => m.detail.tName === 'cdm_companies - Legal entities');
  expect(shapeDifferences(fixture('dw-gateway-entities.json').body, [running])).toEqual([]);
  const requestId = running?.detail.lastRequest.requestId ?? '';
  const status = await api(emulator, `${GW}/Status/${requestId}`);
  expect(shapeDifferences(fixture('dw-gateway-entities.json').body, status.body)).toEqual([]);

  const set = await api(emulator, `/dualwrite/api/ConnectionSet/${cname}`);
  const [documentedRest, documentedCrm] = splitSet(
    fixture('dw-gateway-connection-set.json').body as TestBody,
  );
  const [rest, crm] = splitSet(set.body);
  expect(shapeDifferences(documentedRest, rest)).toEqual([]);
  expect(shapeDifferences(documentedCrm, crm)).toEqual([]);
});

it('refuses requests without targetType=AX or with the older guessed bodies', async () => {
  expect((await api(emulator, `${GW}/Environments?identifier=x`)).status).toBe(400);
  const old = await api(emulator, `${GW}/Start`, {
    method: 'POST',
    body: JSON.stringify({ EnvironmentId: 'x', EntityName: 'Currencies', Action: 1 }),
  });
  expect(old.status).toBe(400);
  expect(JSON.stringify(old.body)).toMatch(/action/);
});
