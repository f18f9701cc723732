import crypto from 'node:crypto';
import fs from 'node:fs';
import { loadConfig, ConfigError } from '../../src/config';
import { startLoggedHarness, type LoggedHarness } from './support/hardeningHarness';
import { BOT, newConversation, user } from '../support/teamsClient';

/**
 * With BOT_ID set, /api/messages answers 401 to anything without a valid Bot Framework token, and
 * such a request reaches no handler: no conversation reference stored, no connector call, no run,
 * no audit entry. Without BOT_ID the bot listens on loopback only.
 */
const BOT_ID = '6f1d1c6e-55a4-4c8e-9d7b-0c2f4f1e7a11';
const SECRET_MARK = 'forged-secret-in-token';
/** What production needs besides BOT_ID (config.ts refuses to start without it). */
const CLOSED = {
  ADMINS: '00000000-0000-4000-8000-0000000000a1',
  APPROVERS: '00000000-0000-4000-8000-0000000000a2',
  DYNAMICS_MODE: 'emulator',
  BOT_TENANT_ID: 'tenant-contoso',
};
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(header: object, payload: object, sign: (data: string) => string): string {
  const data = `${b64(header)}.${b64(payload)}`;
  return `${data}.${sign(data)}`;
}

function claims(serviceUrl: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'https://api.botframework.com',
    aud: BOT_ID,
    serviceurl: serviceUrl,
    nbf: now - 60,
    exp: now + 3600,
    note: SECRET_MARK,
  };
}

/** A message activity as Teams sends it, asking for a setup. */
function messageActivity(serviceUrl: string): Record<string, unknown> {
  const conversation = newConversation();
  const from = user('Mallory');
  return {
    type: 'message',
    id: crypto.randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: BOT,
    conversation: { id: conversation.id, conversationType: 'channel', tenantId: conversation.tenantId },
    text: 'setup',
  };
}

/** The TCP listen addresses of a port, from /proc/net/tcp{,6} (Linux). */
function listenAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) found.push(local.split(':')[0]);
    }
  }
  return found;
}

describe('authentication: BOT_ID set', () => {
  let h: LoggedHarness;
  let errors: string[];
  beforeAll(async () => {
    h = await startLoggedHarness({
      BOT_ID,
      BOT_PASSWORD: 'bot-password-never-logged',
      HOST: '127.0.0.1',
      ...CLOSED,
    });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    errors = [];
    // botbuilder writes rejected tokens' errors to the console: capture them, they must hold no token.
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(' '));
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const { privateKey: attackerKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cases: Array<[string, (serviceUrl: string) => string | undefined]> = [
    ['no Authorization header', () => undefined],
    ['another scheme', () => 'Basic bWFsbG9yeTpzZWNyZXQ='],
    ['a bearer that is no JWT', () => `Bearer ${SECRET_MARK}`],
    ['an unsigned JWT (alg none)', (s) => `Bearer ${jwt({ alg: 'none', typ: 'JWT' }, claims(s), () => '')}`],
    [
      'an unsigned JWT with a dummy signature',
      (s) => `Bearer ${jwt({ alg: 'none', typ: 'JWT' }, claims(s), () => 'c2ln')}`,
    ],
    [
      'an HS256 JWT signed with a guessed secret',
      (s) =>
        `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, claims(s), (data) =>
          crypto.createHmac('sha256', 'bot-password-never-logged').update(data).digest('base64url'),
        )}`,
    ],
    [
      "an RS256 JWT signed with the attacker's own key",
      (s) =>
        `Bearer ${jwt({ alg: 'RS256', typ: 'JWT', kid: 'attacker' }, claims(s), (data) =>
          crypto.sign('RSA-SHA256', Buffer.from(data), attackerKey).toString('base64url'),
        )}`,
    ],
  ];

  it.each(cases)('%s: 401, and no handler ran', async (_name, authorization) => {
    const before = h.storeSnapshot();
    const activity = messageActivity(h.connector.url);
    const header = authorization(h.connector.url);
    const response = await fetch(`${h.bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(header ? { Authorization: header } : {}) },
      body: JSON.stringify(activity),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'unauthorized' });
    // Production answers carry no timings (Server-Timing is for the local operator: src/server.ts).
    expect(response.headers.get('server-timing')).toBeNull();
    // Give a handler that wrongly ran the time to reach the connector.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.connector.calls).toHaveLength(0);
    expect(h.storeSnapshot()).toBe(before);
    expect(await h.bot.engine.list()).toHaveLength(0);
    const everything = [...h.logs, ...errors].join('\n');
    expect(everything).not.toContain(SECRET_MARK);
    if (header) expect(everything).not.toContain(header.slice(7));
    expect(everything).not.toContain('bot-password-never-logged');
  });

  it('an invoke (a card click) without a token is refused the same way', async () => {
    const before = h.storeSnapshot();
    const activity = {
      ...messageActivity(h.connector.url),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'setup.begin', data: {} } },
    };
    const response = await fetch(`${h.bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(response.status).toBe(401);
    expect(h.storeSnapshot()).toBe(before);
    expect(h.connector.calls).toHaveLength(0);
  });
});

describe('local mode: no BOT_ID', () => {
  let h: LoggedHarness;
  beforeAll(async () => {
    h = await startLoggedHarness({}, 'silent');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the probes above can fail: the same unsigned activity reaches the handlers here', async () => {
    const before = h.storeSnapshot();
    const response = await fetch(`${h.bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(messageActivity(h.connector.url)),
    });
    expect(response.status).toBe(200);
    await h.connector.waitFor((m) => (m.length > 0 ? true : undefined), 5000, 'the reply');
    expect(h.storeSnapshot()).not.toBe(before);
  });

  it('the running server is bound to loopback only', () => {
    const port = Number(new URL(h.bot.url).port);
    expect(new URL(h.bot.url).hostname).toBe('127.0.0.1');
    const addresses = listenAddresses(port);
    expect(addresses.length).toBeGreaterThan(0);
    // 0100007F is 127.0.0.1 in /proc's little-endian hex; any-address would be 00000000 (or :: in tcp6).
    expect(addresses.every((a) => a === '0100007F')).toBe(true);
  });

  it('the configuration refuses a non-loopback HOST without BOT_ID', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
      expect(() => loadConfig({ HOST: host })).toThrow(ConfigError);
    }
    expect(loadConfig({}).listenHost).toBe('127.0.0.1');
    expect(loadConfig({ BOT_ID, BOT_PASSWORD: 'x', ...CLOSED }).listenHost).toBe('0.0.0.0');
  });
});
