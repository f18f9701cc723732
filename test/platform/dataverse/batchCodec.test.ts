import axios from 'axios';
import fc from 'fast-check';
import { buildBatchRequest, parseBatchResponse } from '../../../src/platform/dataverse/batchCodec';
import { startEmulatedDataverse } from '../../emulator/dataverse/emulatorHarness';

/** The $batch builder and response parser: against documented text, and over real HTTP. */
describe('batch codec', () => {
  test('parses the documented response of a change set followed by a GET (CRLF)', () => {
    const text = [
      '--batchresponse_156da4b8-cd1c-4ab2-9ac2-2d4f2d4d1d27',
      'Content-Type: multipart/mixed; boundary=changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc',
      '',
      '--changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'HTTP/1.1 204 No Content',
      'OData-Version: 4.0',
      'Location: https://contoso.crm.dynamics.com/api/data/v9.2/tasks(a59c24f3-fafc-e411-80dd-00155d2a68cb)',
      'OData-EntityId: https://contoso.crm.dynamics.com/api/data/v9.2/tasks(a59c24f3-fafc-e411-80dd-00155d2a68cb)',
      '',
      '',
      '--changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc--',
      '--batchresponse_156da4b8-cd1c-4ab2-9ac2-2d4f2d4d1d27',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json; odata.metadata=minimal',
      'OData-Version: 4.0',
      '',
      '{"@odata.context":"https://contoso.crm.dynamics.com/api/data/v9.2/$metadata#tasks(subject)","value":[]}',
      '--batchresponse_156da4b8-cd1c-4ab2-9ac2-2d4f2d4d1d27',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'HTTP/1.1 404 Not Found',
      'Content-Type: application/json; odata.metadata=minimal',
      '',
      '{"error":{"code":"0x80040217","message":"Entity \'task\' With Id = x Does Not Exist"}}',
      '--batchresponse_156da4b8-cd1c-4ab2-9ac2-2d4f2d4d1d27--',
      '',
    ].join('\r\n');
    const results = parseBatchResponse(
      'multipart/mixed; boundary=batchresponse_156da4b8-cd1c-4ab2-9ac2-2d4f2d4d1d27',
      text,
    );
    expect(results.map((r) => r.status)).toEqual([204, 200, 404]);
    expect(results[0].contentId).toBe('1');
    expect(results[0].headers['odata-entityid']).toMatch(/tasks\(a59c24f3/);
    expect(results[1].body).toMatchObject({ value: [] });
    expect(results[2].error).toEqual({
      code: '0x80040217',
      message: "Entity 'task' With Id = x Does Not Exist",
    });
  });

  test('built requests carry what the documentation requires', () => {
    const { contentType, body } = buildBatchRequest([
      {
        method: 'PATCH',
        url: 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts(1)',
        headers: { 'If-Match': '*' },
        body: { a: 1 },
      },
      {
        changeSet: [
          {
            method: 'POST',
            url: 'https://contoso.crm.dynamics.com/api/data/v9.2/tasks',
            body: { subject: 's' },
          },
        ],
      },
    ]);
    const boundary = /boundary=(batch_[0-9a-f-]{36})$/.exec(contentType)![1];
    expect(body.startsWith(`--${boundary}\r\n`)).toBe(true);
    expect(body.endsWith(`--${boundary}--\r\n`)).toBe(true);
    expect(body).toContain(
      'Content-Transfer-Encoding: binary\r\n\r\nPATCH https://contoso.crm.dynamics.com/api/data/v9.2/accounts(1) HTTP/1.1\r\n',
    );
    expect(body).toMatch(/Content-Type: multipart\/mixed; boundary=changeset_[0-9a-f-]{36}\r\n/);
    expect(body).toContain('Content-ID: 1\r\n');
  });

  test('JSON bodies of any content survive a round trip through the emulator', async () => {
    const dv = await startEmulatedDataverse();
    try {
      dv.store.createOrg('rt');
      const api = `${dv.orgUrl('rt')}/api/data/v9.2/`;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 5 }),
          async (names) => {
            const request = buildBatchRequest(
              names.map((name) => ({
                method: 'POST' as const,
                url: `${api}accounts`,
                body: { name },
                headers: { Prefer: 'return=representation' },
              })),
            );
            const response = await axios.post(`${api}$batch`, request.body, {
              headers: { 'Content-Type': request.contentType, Authorization: 'Bearer emulator.rt' },
              responseType: 'text',
            });
            const results = parseBatchResponse(String(response.headers['content-type']), response.data);
            expect(results.map((r) => (r.body as { name: string }).name)).toEqual(names);
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await dv.close();
    }
  });

  test('a $batch with a failing change set, over real HTTP: rolled back, only the failure reported', async () => {
    const dv = await startEmulatedDataverse();
    try {
      dv.store.createOrg('cs');
      const api = `${dv.orgUrl('cs')}/api/data/v9.2/`;
      const request = buildBatchRequest([
        { method: 'POST', url: `${api}accounts`, body: { name: 'outside' } },
        {
          changeSet: [
            { method: 'POST', url: `${api}accounts`, body: { name: 'inside' } },
            {
              method: 'PATCH',
              url: `${api}accounts(eeeeeeee-0000-4000-8000-000000000000)`,
              headers: { 'If-Match': '*' },
              body: { name: 'gone' },
            },
          ],
        },
      ]);
      const response = await axios.post(`${api}$batch`, request.body, {
        headers: {
          'Content-Type': request.contentType,
          Authorization: 'Bearer emulator.cs',
          Prefer: 'odata.continue-on-error',
        },
        responseType: 'text',
      });
      const results = parseBatchResponse(String(response.headers['content-type']), response.data);
      expect(results.map((r) => [r.status, r.contentId])).toEqual([
        [204, undefined],
        [404, '2'],
      ]);
      expect(dv.store.list('cs', 'accounts').map((r) => r.name)).toEqual(['outside']);
    } finally {
      await dv.close();
    }
  });
});
