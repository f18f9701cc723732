import { startEmulatedDataverse, type EmulatedDataverse } from './emulatorHarness';

/** Response JSON for assertions (their shapes are pinned by the contract test). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const asJson = (value: unknown): any => value;

/** The emulated Web API's CRUD, upsert and query semantics over real HTTP (docs/dynamics-apis.md). */
describe('emulated Dataverse Web API operations', () => {
  let dv: EmulatedDataverse;
  let api: string;
  let companyId: string;
  const headers = { Authorization: 'Bearer emulator.ops', 'Content-Type': 'application/json' };
  const call = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    fetch(`${api}${path}`, {
      method,
      headers: { ...headers, ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    dv = await startEmulatedDataverse();
    dv.store.createOrg('ops');
    companyId = String(
      dv.store.insert('ops', 'cdm_companies', { cdm_companycode: 'USMF', cdm_name: 'Contoso' }).cdm_companyid,
    );
    api = `${dv.orgUrl('ops')}/api/data/v9.2/`;
  });
  afterAll(() => dv.close());

  test('POST returns 204 with OData-EntityId; with return=representation 201 and the record', async () => {
    const created = await call('POST', 'accounts', { name: 'Fabrikam' });
    expect(created.status).toBe(204);
    expect(await created.text()).toBe('');
    const entityId = created.headers.get('odata-entityid')!;
    expect(entityId).toMatch(new RegExp(`^${api.replace(/[.$?]/g, '\\$&')}accounts\\([0-9a-f-]{36}\\)$`));
    const represented = await call(
      'POST',
      'accounts',
      { name: 'Litware' },
      { Prefer: 'return=representation' },
    );
    expect(represented.status).toBe(201);
    expect(represented.headers.get('preference-applied')).toBe('return=representation');
    const body = await represented.json().then(asJson);
    expect(body).toMatchObject({ name: 'Litware', _msdyn_company_value: null });
    expect(body['@odata.etag']).toMatch(/^W\/"\d+"$/);
  });

  test('PATCH is an upsert; If-Match: * forbids the create, If-None-Match: * the update, a stale etag gives 412', async () => {
    const id = 'aaaaaaaa-0000-4000-8000-000000000001';
    expect((await call('PATCH', `accounts(${id})`, { name: 'x' }, { 'If-Match': '*' })).status).toBe(404);
    expect(dv.store.getRecord('ops', 'accounts', id)).toBeUndefined();
    expect((await call('PATCH', `accounts(${id})`, { name: 'Upserted' })).status).toBe(204);
    expect(dv.store.getRecord('ops', 'accounts', id)?.data.name).toBe('Upserted');
    const conflict = await call('PATCH', `accounts(${id})`, { name: 'again' }, { 'If-None-Match': '*' });
    expect(conflict.status).toBe(412);
    expect((await conflict.json().then(asJson)).error.code).toBe('0x80040237');

    const before = await (await call('GET', `accounts(${id})`)).json().then(asJson);
    expect(
      (await call('PATCH', `accounts(${id})`, { name: 'v2' }, { 'If-Match': before['@odata.etag'] })).status,
    ).toBe(204);
    const stale = await call(
      'PATCH',
      `accounts(${id})`,
      { name: 'v3' },
      { 'If-Match': before['@odata.etag'] },
    );
    expect(stale.status).toBe(412);
    const after = await (await call('GET', `accounts(${id})`)).json().then(asJson);
    expect(after.name).toBe('v2');
    expect(after['@odata.etag']).not.toBe(before['@odata.etag']);
  });

  test('lookups: @odata.bind writes _x_value; a bind to a missing record fails and changes nothing', async () => {
    const id = 'aaaaaaaa-0000-4000-8000-000000000002';
    await call('PATCH', `accounts(${id})`, { name: 'Bound' });
    const ok = await call(
      'PATCH',
      `accounts(${id})`,
      { 'msdyn_company@odata.bind': `/cdm_companies(${companyId})` },
      { 'If-Match': '*' },
    );
    expect(ok.status).toBe(204);
    const read = await (
      await call('GET', `accounts(${id})?$select=_msdyn_company_value`)
    )
      .json()
      .then(asJson);
    expect(read._msdyn_company_value).toBe(companyId);

    const other = 'aaaaaaaa-0000-4000-8000-000000000003';
    await call('PATCH', `accounts(${other})`, { name: 'Other' });
    const missing = await call('PATCH', `accounts(${other})`, {
      'msdyn_company@odata.bind': '/cdm_companies(bbbbbbbb-0000-4000-8000-000000000000)',
    });
    expect(missing.status).toBe(404);
    expect((await missing.json().then(asJson)).error.code).toBe('0x80040217');
    expect(dv.store.getRecord('ops', 'accounts', other)?.data._msdyn_company_value).toBeNull();
    expect((await call('PATCH', `accounts(${other})`, { nosuchcolumn: 1 })).status).toBe(400);
  });

  test('$filter with eq/ne/null/and/or and parentheses, $orderby, $top, DELETE', async () => {
    dv.store.createOrg('q');
    const q = `${dv.orgUrl('q')}/api/data/v9.2/`;
    const company = String(dv.store.insert('q', 'cdm_companies', { cdm_companycode: 'DEMF' }).cdm_companyid);
    for (let i = 0; i < 6; i++) {
      dv.store.insert('q', 'accounts', {
        name: `n${i}`,
        revenue: i * 10,
        ...(i % 2 === 0 ? { 'msdyn_company@odata.bind': `/cdm_companies(${company})` } : {}),
      });
    }
    const names = async (query: string) =>
      (
        (await (await fetch(`${q}accounts?${query}`, { headers })).json().then(asJson)).value as Array<{
          name: string;
        }>
      )
        .map((r) => r.name)
        .sort();
    expect(await names('$filter=_msdyn_company_value eq null')).toEqual(['n1', 'n3', 'n5']);
    expect(await names(`$filter=_msdyn_company_value eq ${company}`)).toEqual(['n0', 'n2', 'n4']);
    expect(await names(`$filter=(name eq 'N1' or name eq 'n2') and revenue ne 20`)).toEqual(['n1']);
    expect(await names('$filter=revenue ge 30 and _msdyn_company_value ne null')).toEqual(['n4']);
    const ordered = await (
      await fetch(`${q}accounts?$select=name&$orderby=revenue desc&$top=2`, { headers })
    )
      .json()
      .then(asJson);
    expect(ordered.value.map((r: { name: string }) => r.name)).toEqual(['n5', 'n4']);
    expect(ordered['@odata.nextLink']).toBeUndefined();
    const victim = dv.store.list('q', 'accounts')[0].accountid;
    expect((await fetch(`${q}accounts(${String(victim)})`, { method: 'DELETE', headers })).status).toBe(204);
    expect((await fetch(`${q}accounts(${String(victim)})`, { method: 'DELETE', headers })).status).toBe(404);
  });

  test('paging follows nextLink through every row exactly once, also while rows change', async () => {
    dv.store.seedExisting('paging', { accounts: 25, contacts: 0 });
    const seen: string[] = [];
    let url: string | undefined =
      `${dv.orgUrl('paging')}/api/data/v9.2/accounts?$select=accountid&$filter=_msdyn_company_value eq null`;
    const company = String(
      dv.store.insert('paging', 'cdm_companies', { cdm_companycode: 'P' }).cdm_companyid,
    );
    while (url) {
      const page: { value: Array<{ accountid: string }>; '@odata.nextLink'?: string } = await (
        await fetch(url, { headers: { ...headers, Prefer: 'odata.maxpagesize=10' } })
      )
        .json()
        .then(asJson);
      expect(page.value.length).toBeLessThanOrEqual(10);
      for (const row of page.value) {
        seen.push(row.accountid);
        dv.store.update('paging', 'accounts', row.accountid, { _msdyn_company_value: company });
      }
      url = page['@odata.nextLink'];
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  test('maxpagesize above 5000 is capped and $count is capped at 5000', async () => {
    dv.store.seedExisting('big', { accounts: 5003, contacts: 0 });
    const response = await fetch(`${dv.orgUrl('big')}/api/data/v9.2/accounts?$select=accountid&$count=true`, {
      headers: { ...headers, Prefer: 'odata.maxpagesize=9000' },
    });
    expect(response.headers.get('preference-applied')).toBe('odata.maxpagesize=5000');
    const body = await response.json().then(asJson);
    expect(body.value).toHaveLength(5000);
    expect(body['@odata.count']).toBe(5000);
    expect(body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']).toBe(true);
    expect(body['@odata.nextLink']).toContain('$skiptoken=');
  });
});
