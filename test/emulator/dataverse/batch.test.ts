import { startEmulatedDataverse, type EmulatedDataverse } from './emulatorHarness';

/** Response JSON for assertions (their shapes are pinned by the contract test). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const asJson = (value: unknown): any => value;

/** `$batch` over raw HTTP, written by hand as Microsoft's documentation shows it. */
describe('emulated $batch', () => {
  let dv: EmulatedDataverse;
  let api: string;
  const auth = { Authorization: 'Bearer emulator.batch' };

  beforeAll(async () => {
    dv = await startEmulatedDataverse();
    dv.store.createOrg('b');
    api = `${dv.orgUrl('b')}/api/data/v9.2/`;
  });
  afterAll(() => dv.close());

  const post = (body: string, contentType: string, prefer?: string) =>
    fetch(`${api}$batch`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': contentType, ...(prefer ? { Prefer: prefer } : {}) },
      body,
    });
  const statuses = (text: string) => [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));

  test('a change set with $n references, then a GET; LF line endings and a quoted boundary', async () => {
    const body = [
      '--batch_AAA123',
      'Content-Type: multipart/mixed; boundary="changeset_BBB456"',
      '',
      '--changeset_BBB456',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      `POST ${api}accounts HTTP/1.1`,
      'Content-Type: application/json',
      '',
      '{"name":"Parent"}',
      '--changeset_BBB456',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      'POST /orgs/b/api/data/v9.2/contacts HTTP/1.1',
      'Content-Type: application/json',
      '',
      '{"lastname":"Child","parentcustomerid_account@odata.bind":"$1"}',
      '--changeset_BBB456--',
      '--batch_AAA123',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'GET accounts?$select=name HTTP/1.1',
      'Accept: application/json',
      '',
      '--batch_AAA123--',
      '',
    ].join('\n');
    const response = await post(body, 'multipart/mixed; boundary="batch_AAA123"');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(
      /^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/,
    );
    const text = await response.text();
    expect(text).toMatch(/Content-Type: multipart\/mixed; boundary=changesetresponse_[0-9a-f-]{36}/);
    expect(statuses(text)).toEqual([204, 204, 200]);
    expect(text).toContain('"name":"Parent"');
    const [parent] = dv.store.list('b', 'accounts', (r) => r.name === 'Parent');
    const [child] = dv.store.list('b', 'contacts', (r) => r.lastname === 'Child');
    expect(child._parentcustomerid_account_value).toBe(parent.accountid);
  });

  test('a failing change set rolls back and answers only the failing operation; processing stops there', async () => {
    const body = [
      '--batch_x',
      'Content-Type: multipart/mixed; boundary=changeset_y',
      '',
      '--changeset_y',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'POST accounts HTTP/1.1',
      'Content-Type: application/json',
      '',
      '{"name":"RolledBack"}',
      '--changeset_y',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      'PATCH accounts(cccccccc-0000-4000-8000-000000000000) HTTP/1.1',
      'Content-Type: application/json',
      'If-Match: *',
      '',
      '{"name":"missing"}',
      '--changeset_y--',
      '--batch_x',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'POST accounts HTTP/1.1',
      'Content-Type: application/json',
      '',
      '{"name":"NeverRuns"}',
      '--batch_x--',
    ].join('\r\n');
    const response = await post(body, 'multipart/mixed; boundary=batch_x');
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(statuses(text)).toEqual([404]);
    expect(text).toContain('Content-ID: 2');
    expect(text).toContain('0x80040217');
    expect(text).not.toContain('changesetresponse_');
    expect(dv.store.count('b', 'accounts', (r) => r.name === 'RolledBack' || r.name === 'NeverRuns')).toBe(0);
  });

  const single = (method: string, url: string, json?: string) =>
    [
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      `${method} ${url} HTTP/1.1`,
      ...(json ? ['Content-Type: application/json', '', json] : ['', '']),
    ].join('\r\n');
  const batchOf = (parts: string[]) => parts.map((p) => `--batch_z\r\n${p}\r\n`).join('') + '--batch_z--\r\n';

  test('without continue-on-error it stops at the first failure; with it every part runs', async () => {
    const parts = [
      single('POST', 'accounts', '{"name":"A1"}'),
      single('PATCH', 'accounts(dddddddd-0000-4000-8000-000000000000)', '{"nosuch":1}'),
      single('POST', 'accounts', '{"name":"A3"}'),
    ];
    const stopped = await post(batchOf(parts), 'multipart/mixed; boundary=batch_z');
    expect(stopped.status).toBe(400);
    expect(statuses(await stopped.text())).toEqual([204, 400]);
    expect(dv.store.count('b', 'accounts', (r) => r.name === 'A1')).toBe(1);
    expect(dv.store.count('b', 'accounts', (r) => r.name === 'A3')).toBe(0);

    const continued = await post(
      batchOf(parts),
      'multipart/mixed; boundary=batch_z',
      'odata.continue-on-error',
    );
    expect(continued.status).toBe(200);
    expect(continued.headers.get('preference-applied')).toBe('odata.continue-on-error');
    expect(statuses(await continued.text())).toEqual([204, 400, 204]);
    expect(dv.store.count('b', 'accounts', (r) => r.name === 'A3')).toBe(1);
  });

  test('a failing change set between standalone operations rolls back alone: the operations around it stand', async () => {
    // The emulator commits a whole request at once (dataverseRouter.ts): the change set must still roll
    // back to its own start, not the batch's.
    const failingChangeSet = [
      'Content-Type: multipart/mixed; boundary=changeset_m',
      '',
      '--changeset_m',
      single('POST', 'accounts', '{"name":"InsideRolledBack"}'),
      '--changeset_m',
      single('PATCH', 'accounts(eeeeeeee-0000-4000-8000-000000000000)', '{"nosuch":1}'),
      '--changeset_m--',
    ].join('\r\n');
    const parts = [
      single('POST', 'accounts', '{"name":"StandsBefore"}'),
      failingChangeSet,
      single('POST', 'accounts', '{"name":"StandsAfter"}'),
    ];
    const response = await post(
      batchOf(parts),
      'multipart/mixed; boundary=batch_z',
      'odata.continue-on-error',
    );
    expect(response.status).toBe(200);
    expect(statuses(await response.text())).toEqual([204, 400, 204]);
    const named = (name: string) => dv.store.count('b', 'accounts', (r) => r.name === name);
    expect([named('StandsBefore'), named('InsideRolledBack'), named('StandsAfter')]).toEqual([1, 0, 1]);
  });

  test('refuses a GET inside a change set and more than 1000 operations', async () => {
    const getInChangeSet = [
      '--batch_g',
      'Content-Type: multipart/mixed; boundary=changeset_g',
      '',
      '--changeset_g',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'GET accounts HTTP/1.1',
      '',
      '--changeset_g--',
      '--batch_g--',
    ].join('\r\n');
    const refused = await post(getInChangeSet, 'multipart/mixed; boundary=batch_g');
    expect(refused.status).toBe(400);
    expect((await refused.json().then(asJson)).error.code).toBe('0x80060888');

    const before = dv.store.count('b', 'accounts');
    const tooMany = await post(
      batchOf(Array.from({ length: 1001 }, () => single('POST', 'accounts', '{"name":"x"}'))),
      'multipart/mixed; boundary=batch_z',
    );
    expect(tooMany.status).toBe(400);
    expect(dv.store.count('b', 'accounts')).toBe(before);
  });
});
