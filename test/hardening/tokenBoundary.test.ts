import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { createPlatform } from '../../src/platform/createPlatform';
import { EmulatorCredential } from '../../src/platform/http/credentials';
import { createHttpClient } from '../../src/platform/http/httpPolicy';
import type { Platform } from '../../src/engine/ports';

/**
 * Dynamics tokens go only to Dynamics. Two real loopback servers: a compromised "service" (it answers
 * like Dataverse or F&O OData, but its `@odata.nextLink` points elsewhere) and an "attacker" that
 * records every request it receives. The platform clients run in live mode with the service's origin
 * trusted (standing in for a Microsoft host). Before, all three nextLink loops followed the link with
 * the service's bearer token, and any typed URL got a token scoped to its own origin.
 */
interface Recorder {
  url: string;
  requests: Array<{ path: string; authorization?: string }>;
  close(): Promise<void>;
}

async function recorder(answer: (path: string) => unknown): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(answer(req.url ?? '')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The real local credential, counting the scopes it is asked for. */
class CountingCredential implements TokenCredential {
  readonly scopes: string[] = [];
  private readonly inner = new EmulatorCredential();
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(Array.isArray(scopes) ? scopes[0] : scopes);
    return this.inner.getToken(scopes);
  }
}

describe('Dynamics tokens go only to Dynamics', () => {
  let attacker: Recorder;
  let service: Recorder;
  let credential: CountingCredential;
  let platform: Platform;

  beforeAll(async () => {
    attacker = await recorder(() => ({ value: [] }));
    // Every collection answers one row and a next page on the attacker's origin, same path.
    service = await recorder((path) => ({
      value: [{ uniquename: 'x', version: '1.0', LegalEntityId: 'USMF', Name: 'x', ProjectName: 'p' }],
      '@odata.nextLink': `${attacker.url}${path.split('?')[0]}?$skiptoken=stolen`,
    }));
  });
  beforeEach(() => {
    attacker.requests.length = 0;
    service.requests.length = 0;
    credential = new CountingCredential();
    platform = createPlatform({
      mode: 'live',
      credential,
      powerPlatformApiUrl: 'https://api.powerplatform.com',
      bapApiUrl: 'https://api.bap.microsoft.com',
      dualWriteGatewayEnabled: false,
      trustedOrigins: [service.url],
      retry: { maxAttempts: 1 },
    });
  });
  afterAll(async () => {
    await service?.close();
    await attacker?.close();
  });

  const tokenReachedAttacker = () => attacker.requests.length;

  it('Dataverse paging: a nextLink to another origin is not followed', async () => {
    await expect(platform.dataverse(service.url).listSolutions()).rejects.toThrow(/link outside/);
    expect(service.requests).toHaveLength(1);
    expect(service.requests[0].authorization).toMatch(/^Bearer emulator\./);
    expect(tokenReachedAttacker()).toBe(0);
  });

  it('F&O paging (legal entities): a nextLink to another origin is not followed', async () => {
    await expect(platform.financeOps(service.url).listLegalEntities()).rejects.toThrow(/link outside/);
    expect(service.requests).toHaveLength(1);
    expect(tokenReachedAttacker()).toBe(0);
  });

  it('F&O paging (dual-write configuration, read-only reader): a nextLink to another origin is not followed', async () => {
    await expect(
      platform.dualWrite.findConnection(service.url, 'https://contoso.crm.dynamics.com'),
    ).rejects.toThrow(/link outside/);
    expect(service.requests.length).toBeGreaterThan(0);
    expect(tokenReachedAttacker()).toBe(0);
  });

  it('a nextLink on the same origin but outside the service root is not followed either', async () => {
    const sameHost = await recorder((path) => ({
      value: [{ uniquename: 'x', version: '1.0' }],
      '@odata.nextLink': path.startsWith('/api/data/v9.2/') ? '/somewhere-else/solutions' : undefined,
    }));
    const local = createPlatform({
      mode: 'live',
      credential,
      powerPlatformApiUrl: 'https://api.powerplatform.com',
      bapApiUrl: 'https://api.bap.microsoft.com',
      dualWriteGatewayEnabled: false,
      trustedOrigins: [sameHost.url],
      retry: { maxAttempts: 1 },
    });
    await expect(local.dataverse(sameHost.url).listSolutions()).rejects.toThrow(/link outside/);
    expect(sameHost.requests.map((r) => r.path.split('?')[0])).toEqual(['/api/data/v9.2/solutions']);
    await sameHost.close();
  });

  it('an absolute URL given to a client stays on the client origin', async () => {
    const client = createHttpClient({
      baseURL: `${service.url}/api/data/v9.2/`,
      scope: `${service.url}/.default`,
      credential,
      retry: { maxAttempts: 1 },
    });
    await client.get(`${attacker.url}/steal`);
    await client.get(`//127.0.0.1:${new URL(attacker.url).port}/steal`);
    expect(tokenReachedAttacker()).toBe(0);
    expect(service.requests).toHaveLength(2);
  });

  it.each([
    ['http:// on a Microsoft host', 'http://contoso.crm.dynamics.com'],
    ['a foreign host', 'https://attacker.example'],
    ['a Microsoft suffix inside a foreign host', 'https://contoso.crm.dynamics.com.attacker.example'],
    ['a look-alike suffix', 'https://contoso.crmdynamics.com'],
    ['credentials in the URL', 'https://user:pass@contoso.crm.dynamics.com'],
    ['a port', 'https://contoso.crm.dynamics.com:8443'],
    ['loopback in live mode', 'http://127.0.0.1:3979/orgs/contoso'],
  ])('%s is refused before any token is asked for', (_name, url) => {
    expect(platform.environmentUrlRefusal?.(url)).toEqual(expect.any(String));
    expect(() => platform.dataverse(url)).toThrow();
    expect(() => platform.financeOps(url)).toThrow();
    expect(credential.scopes).toEqual([]);
  });

  it.each([
    'https://contoso.crm.dynamics.com',
    'https://contoso.crm4.dynamics.com',
    'https://contoso.crm.microsoftdynamics.us',
    'https://contoso.crm.dynamics.cn',
    'https://contoso.operations.dynamics.com',
    'https://contoso-uat.sandbox.operations.dynamics.com',
  ])('%s is allowed', (url) => {
    expect(platform.environmentUrlRefusal?.(url)).toBeUndefined();
  });
});
