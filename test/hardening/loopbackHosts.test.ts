import http from 'node:http';
import { isLoopbackHost } from '../../src/loopbackHost';
import { newConversation, TeamsClient, user } from '../support/teamsClient';
import { startLoggedHarness, type LoggedHarness } from './support/hardeningHarness';

/**
 * Local mode is for this machine only, browsers included: a DNS-rebinding page reaches 127.0.0.1 with
 * its own name in `Host`. The bot and the emulator answer only loopback names (the Playground: see
 * test/playground/playground.test.ts), and the bot never posts a reply to a foreign serviceUrl.
 */
function request(
  url: string,
  host: string,
  options: { method?: string; body?: string } = {},
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: {
          Host: host,
          ...(options.body
            ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(options.body) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('loopback names', () => {
  it.each([
    ['127.0.0.1:3978', true],
    ['localhost:3978', true],
    ['LOCALHOST', true],
    ['[::1]:3978', true],
    ['evil.example:3978', false],
    ['127.0.0.1.evil.example:3978', false],
    ['localhost.evil.example', false],
    ['[::1].evil.example', false],
    ['', false],
  ])('Host %j is loopback: %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('local mode refuses foreign Host headers', () => {
  let h: LoggedHarness;
  beforeAll(async () => {
    h = await startLoggedHarness({}, 'silent');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the bot: /healthz and /api/messages answer 403 to a rebinding page, 200 to loopback', async () => {
    const port = new URL(h.bot.url).port;
    expect((await request(`${h.bot.url}/healthz`, `evil.example:${port}`)).status).toBe(403);
    const posted = await request(`${h.bot.url}/api/messages`, `evil.example:${port}`, {
      method: 'POST',
      body: JSON.stringify({ type: 'message', text: 'help' }),
    });
    expect(posted.status).toBe(403);
    expect((await request(`${h.bot.url}/healthz`, `localhost:${port}`)).status).toBe(200);
  });

  it('the emulator: its control API answers 403 to a rebinding page', async () => {
    const emulatorUrl = h.bot.emulatorUrl!;
    const port = new URL(emulatorUrl).port;
    const put = await request(`${emulatorUrl}/_emulator/graph`, `evil.example:${port}`, {
      method: 'PUT',
      body: JSON.stringify({ groups: [] }),
    });
    expect(put).toEqual({ status: 403, text: '{"error":"forbidden host"}' });
    expect((await request(`${emulatorUrl}/_emulator/graph`, `127.0.0.1:${port}`)).status).toBe(200);
  });

  it('the bot refuses an activity whose serviceUrl is not on this machine (it would post its reply there)', async () => {
    const foreign = new TeamsClient(h.bot.url, 'https://smba.evil.example/teams/');
    expect(await foreign.say(user('Alex Admin'), newConversation(), 'help')).toBe(400);
    expect(await h.client.say(user('Alex Admin'), newConversation(), 'help')).toBe(200);
  });
});
