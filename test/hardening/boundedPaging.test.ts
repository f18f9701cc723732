import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlatform } from '../../src/platform/createPlatform';
import { EmulatorCredential } from '../../src/platform/http/credentials';
import { pagedRead } from '../../src/platform/http/pagedRead';

/**
 * Paging ends. A loopback "service" answers every collection with one row and a nextLink to the very
 * page it just served (before: the clients followed it for ever, 12,398 requests in 5 s); the clients
 * read that page once and stop with a readable error. A service paging without end stops at the page cap.
 */
let service: { url: string; requests: string[]; close(): Promise<void> };

beforeAll(async () => {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const self = `http://${req.headers.host}${req.url}`;
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({
        value: [{ uniquename: 'x', version: '1.0', LegalEntityId: 'USMF', Name: 'x', ProjectName: 'p' }],
        '@odata.nextLink': self,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
afterAll(async () => service?.close());
beforeEach(() => {
  service.requests.length = 0;
});

const platform = () =>
  createPlatform({
    mode: 'live',
    credential: new EmulatorCredential(),
    powerPlatformApiUrl: 'https://api.powerplatform.com',
    bapApiUrl: 'https://api.bap.microsoft.com',
    dualWriteGatewayEnabled: false,
    trustedOrigins: [service.url],
    retry: { maxAttempts: 1 },
  });

describe('a self-pointing nextLink is not followed', () => {
  it('Dataverse queryPages', async () => {
    await expect(platform().dataverse(service.url).listSolutions()).rejects.toThrow(/given before/);
    expect(service.requests).toHaveLength(1);
  });

  it('F&O listLegalEntities', async () => {
    await expect(platform().financeOps(service.url).listLegalEntities()).rejects.toThrow(/given before/);
    expect(service.requests).toHaveLength(1);
  });

  it('the dual-write reader readAll', async () => {
    await expect(
      platform().dualWrite.findConnection(service.url, 'https://contoso.crm.dynamics.com'),
    ).rejects.toThrow(/given before/);
    expect(service.requests).toHaveLength(1);
  });
});

describe('the page cap', () => {
  it('stops a service that pages without end (each link new)', async () => {
    let served = 0;
    const endless = async (path: string) => {
      served += 1;
      return { value: [path], nextLink: `https://svc.example/root/items?$skiptoken=${served}` };
    };
    const read = async () => {
      for await (const rows of pagedRead('items', endless, {
        serviceRoot: 'https://svc.example/root',
        maxPages: 5,
      }))
        void rows;
    };
    await expect(read()).rejects.toThrow('The service answered more than 5 pages; paging stopped.');
    expect(served).toBe(5);
  });
});
