import type { RunningEmulator } from '../../src/emulator';
import { api, startTestEmulator } from './emulatorTestKit';

/** The F&O OData surface of the emulator, in the shapes docs/dynamics-apis.md describes. */
let emulator: RunningEmulator;
const data = '/fo/contoso-fo/data';

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe('F&O OData', () => {
  it('sees only the default company without cross-company=true', async () => {
    const own = await api(emulator, `${data}/CustomersV3?$count=true`);
    expect(own.status).toBe(200);
    expect(own.body['@odata.count']).toBe(5);
    expect(new Set(own.body.value.map((row: { dataAreaId: string }) => row.dataAreaId))).toEqual(
      new Set(['usmf']),
    );
    const all = await api(emulator, `${data}/CustomersV3?cross-company=true&$count=true&$top=2&$skip=1`);
    expect(all.body['@odata.count']).toBe(20);
    expect(all.body.value).toHaveLength(2);
    expect(all.body['@odata.context']).toBe(`${emulator.url}${data}/$metadata#CustomersV3`);
    expect(all.body.value[0]['@odata.etag']).toMatch(/^W\/"/);
  });

  it('filters with eq and and, case-insensitively on strings, and counts with /$count', async () => {
    const filtered = await api(
      emulator,
      `${data}/CustomersV3?cross-company=true&$filter=${encodeURIComponent("dataAreaId eq 'DEMF' and CustomerGroupId eq '10'")}`,
    );
    expect(filtered.body.value).toHaveLength(3);
    const count = await api(
      emulator,
      `${data}/VendorsV2/$count?cross-company=true&$filter=${encodeURIComponent("dataAreaId eq 'gbsi'")}`,
    );
    expect(count.body).toBe(3);
  });

  it('reads a row by its full key, dataAreaId included', async () => {
    const found = await api(emulator, `${data}/CustomerGroups(dataAreaId='usmf',CustomerGroupId='10')`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ dataAreaId: 'usmf', CustomerGroupId: '10' });
    expect(found.body['@odata.context']).toMatch(/#CustomerGroups\/\$entity$/);
    const noCompany = await api(emulator, `${data}/CustomerGroups(CustomerGroupId='10')`);
    expect(noCompany.status).toBe(400);
    const missing = await api(emulator, `${data}/CustomerGroups(dataAreaId='usmf',CustomerGroupId='99')`);
    expect(missing.status).toBe(404);
  });

  it('answers bad queries and unknown sets with the F&O error body', async () => {
    const bad = await api(
      emulator,
      `${data}/CustomersV3?$filter=${encodeURIComponent('CustomerAccount gt 5')}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: '', message: 'An error has occurred.' });
    expect(bad.body.error.innererror.message).toMatch(/not valid/);
    const unknown = await api(emulator, `${data}/NoSuchEntities`);
    expect(unknown.status).toBe(404);
    expect((await api(emulator, '/fo/not-deployed/data/LegalEntities')).status).toBe(404);
  });

  it('creates a legal entity with 201 and the entity; a duplicate is an error', async () => {
    const created = await api(emulator, `${data}/LegalEntities`, {
      method: 'POST',
      body: JSON.stringify({ LegalEntityId: 'zz1', Name: 'Zeta' }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ LegalEntityId: 'ZZ1', Name: 'Zeta' });
    const again = await api(emulator, `${data}/LegalEntities`, {
      method: 'POST',
      body: JSON.stringify({ LegalEntityId: 'ZZ1', Name: 'Zeta' }),
    });
    expect(again.status).toBe(400);
    expect(again.body.error.innererror.message).toMatch(/already exists/);
    const invalid = await api(emulator, `${data}/LegalEntities`, {
      method: 'POST',
      body: JSON.stringify({ LegalEntityId: 'TOOLONG', Name: 'x' }),
    });
    expect(invalid.status).toBe(400);
  });

  it('gives a new instance without demo data company DAT with reference data only', async () => {
    await api(emulator, '/lcs/environment/v1/deploy/project/1', {
      method: 'POST',
      body: JSON.stringify({ EnvironmentName: 'fo-empty', DemoData: false }),
    });
    let entities: { status: number; body: { value: Array<{ LegalEntityId: string }> } } = {
      status: 0,
      body: { value: [] },
    };
    for (let i = 0; i < 200 && entities.status !== 200; i++) {
      entities = await api(emulator, '/fo/fo-empty/data/LegalEntities');
      if (entities.status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(entities.body.value.map((row) => row.LegalEntityId)).toEqual(['DAT']);
    expect((await api(emulator, '/fo/fo-empty/data/CustomersV3/$count?cross-company=true')).body).toBe(0);
    expect((await api(emulator, '/fo/fo-empty/data/TermsOfPayment/$count')).body).toBe(3);
    expect((await api(emulator, '/fo/fo-empty/data/Currencies/$count')).body).toBeGreaterThan(0);
  });
});
