import { startEmulatedDataverse, type EmulatedDataverse } from './emulatorHarness';
import { collectionSchema, DOCUMENTED, entitySchema, errorSchema } from './fixtures/documentedShapes';

/** Response JSON for assertions (their shapes are pinned by the contract test). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const asJson = (value: unknown): any => value;

/** Pins the emulator's Dataverse response shapes to the documented ones. */
describe('Dataverse Web API contract (documented shapes)', () => {
  let dv: EmulatedDataverse;
  let api: string;
  const auth = { Authorization: 'Bearer emulator.contract' };

  beforeAll(async () => {
    dv = await startEmulatedDataverse();
    dv.store.createOrg('contoso');
    dv.store.seedExisting('contoso', { accounts: 7, contacts: 0 });
    api = `${dv.orgUrl('contoso')}/api/data/v9.2/`;
  });
  afterAll(() => dv.close());

  test('the documented examples satisfy the schemas (the schemas are the documentation)', () => {
    expect(collectionSchema('accounts', 'accountid').safeParse(DOCUMENTED.pagedCollection).success).toBe(
      true,
    );
    expect(collectionSchema('accounts', 'accountid').safeParse(DOCUMENTED.countedCollection).success).toBe(
      true,
    );
    expect(entitySchema('accounts', 'accountid').safeParse(DOCUMENTED.entity).success).toBe(true);
    expect(errorSchema.safeParse(DOCUMENTED.notFound).success).toBe(true);
    expect(errorSchema.safeParse(DOCUMENTED.badQuery).success).toBe(true);
    // and they reject what the service never sends
    expect(
      collectionSchema('accounts', 'accountid').safeParse({ ...DOCUMENTED.pagedCollection, extra: 1 })
        .success,
    ).toBe(false);
    expect(errorSchema.safeParse({ error: { code: '404', message: 'x' } }).success).toBe(false);
  });

  test('a paged collection: context, value, count, nextLink, headers', async () => {
    const response = await fetch(`${api}accounts?$select=name&$count=true`, {
      headers: { ...auth, Prefer: 'odata.maxpagesize=3' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; odata.metadata=minimal');
    expect(response.headers.get('odata-version')).toBe('4.0');
    expect(response.headers.get('preference-applied')).toBe('odata.maxpagesize=3');
    const body = await response.json().then(asJson);
    const parsed = collectionSchema('accounts', 'accountid').parse(body);
    expect(Object.keys(body)).toEqual(['@odata.context', '@odata.count', 'value', '@odata.nextLink']);
    expect(Object.keys(body).filter((k) => k !== '@odata.count')).toEqual(
      Object.keys(DOCUMENTED.pagedCollection),
    );
    expect(parsed['@odata.context']).toBe(`${api}$metadata#accounts(name)`);
    expect(parsed['@odata.count']).toBe(7);
    expect(parsed.value).toHaveLength(3);
    expect(Object.keys(parsed.value[0]).sort()).toEqual(['@odata.etag', 'accountid', 'name']);
  });

  test('a single record: context ends in /$entity; ETag header', async () => {
    const [first] = dv.store.list('contoso', 'accounts');
    const response = await fetch(`${api}accounts(${String(first.accountid)})?$select=name`, {
      headers: auth,
    });
    expect(response.status).toBe(200);
    const body = await response.json().then(asJson);
    entitySchema('accounts', 'accountid').parse(body);
    expect(body['@odata.context']).toBe(`${api}$metadata#accounts(name)/$entity`);
    expect(response.headers.get('etag')).toBe(body['@odata.etag']);
  });

  test.each([
    ['missing record', 'accounts(9f3162f6-804a-e611-80d1-00155d4333fa)', 404, '0x80040217'],
    ['unknown property', 'accounts?$select=foo', 400, '0x80060888'],
    ['$skip', 'accounts?$skip=5', 400, '0x80060888'],
    ['malformed filter', 'accounts?$filter=name eq', 400, '0x80060888'],
    ['unknown entity set', 'nosuchthings', 404, '0x8006088a'],
  ])('error object: %s', async (_name, path, status, code) => {
    const response = await fetch(`${api}${path}`, { headers: auth });
    expect(response.status).toBe(status);
    const body = errorSchema.parse(await response.json().then(asJson));
    expect(body.error.code).toBe(code);
  });

  test('the documented error messages match the emulator for the same situations', async () => {
    const notFound = await (
      await fetch(`${api}accounts(9f3162f6-804a-e611-80d1-00155d4333fa)`, { headers: auth })
    )
      .json()
      .then(asJson);
    expect(notFound).toEqual(DOCUMENTED.notFound);
    const badQuery = await (await fetch(`${api}accounts?$select=foo`, { headers: auth })).json().then(asJson);
    expect(badQuery).toEqual(DOCUMENTED.badQuery);
  });

  test('401 without a token carries the documented WWW-Authenticate', async () => {
    const response = await fetch(`${api}accounts`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer authorization_uri=https://login.microsoftonline.com/${dv.settings.tenantId}/oauth2/authorize, resource_id=${dv.orgUrl('contoso')}/`,
    );
    const wrong = await fetch(`${api}accounts`, { headers: { Authorization: 'Bearer eyJhbGciOi.not-ours' } });
    expect(wrong.status).toBe(401);
  });
});
