import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { leaseGuardedPlatform } from '../../src/engine/leaseGuardedPlatform';
import type { Platform } from '../../src/engine/ports';
import { FencedWriteError, type LeaseFence } from '../../src/engine/runLeasePort';
import { createHttpClient } from '../../src/platform/http/httpPolicy';

// A port call made of several requests (as Apply Solution is) whose replica loses the run's lease
// between two of them: the requests after the loss are never sent. Real HTTP on loopback.

describe('the request guard of a leaseholder', () => {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  let baseURL = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses every request after the lease is lost, inside a call that was allowed to start', async () => {
    received.length = 0;
    const client = createHttpClient({ baseURL, retry: { maxAttempts: 1 } });
    const fence: LeaseFence = { owner: 'replica-a', epoch: 3 };
    let held = true;
    const refusals: FencedWriteError[] = [];
    const platform = {
      dualWrite: {
        // Two writes with a wait between them, like posting one solution after another.
        applySolution: async () => {
          await client.post('/solutions/first', {});
          held = false; // the replica froze past its lease here; another took the run over
          await client.post('/solutions/second', {});
        },
      },
    } as unknown as Platform;
    const guarded = leaseGuardedPlatform(
      platform,
      'run-1',
      () => (held ? fence : undefined),
      fence,
      (e) => refusals.push(e),
    );

    await expect(guarded.dualWrite.applySolution('cid:cname')).rejects.toBeInstanceOf(FencedWriteError);
    expect(received).toEqual(['POST /solutions/first']);
    expect(refusals).toHaveLength(1);
    expect(refusals[0].fence).toEqual(fence);
  });

  it('leaves requests outside a guarded call alone', async () => {
    received.length = 0;
    const client = createHttpClient({ baseURL, retry: { maxAttempts: 1 } });
    await client.get('/health');
    expect(received).toEqual(['GET /health']);
  });
});
