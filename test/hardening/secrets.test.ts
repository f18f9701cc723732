import { getJson } from '../support/botHarness';
import { contosoUrl, driveScenario } from '../support/scenarioDriver';
import { TeamsClient, user } from '../support/teamsClient';
import { startLoggedHarness, type LoggedHarness } from './support/hardeningHarness';

/**
 * No token, client secret or password in any log line (pino at trace), card, message or invoke
 * answer, through a whole new-existing setup (approval by a second person, bootstrap, initial sync)
 * with transient faults injected so the retry and error paths log too.
 *
 * What flows where: AZURE_CLIENT_SECRET and BOT_PASSWORD sit in the configuration (the credential
 * factory and the adapter hold them); the platform clients send `Authorization: Bearer emulator.<...>`
 * to every emulator API, and the emulator reads it. Incoming Authorization headers are covered by
 * authentication.test.ts (rejected requests must not log them either).
 */
const SECRETS = {
  AZURE_CLIENT_SECRET: 'azure-client-secret-7Qm9xW2v',
  BOT_PASSWORD: 'bot-password-Zt4kL8pR',
};
const TOKEN_PATTERNS = [
  /emulator\.(?!sqlite\b)[A-Za-z0-9_-]{6,}/,
  /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/i,
  /eyJ[A-Za-z0-9_-]{10,}/,
];

function leaks(text: string): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(SECRETS)) if (text.includes(value)) found.push(name);
  for (const pattern of TOKEN_PATTERNS) {
    const match = pattern.exec(text);
    if (match) found.push(match[0].slice(0, 40));
  }
  return found;
}

describe('secrets stay out of logs, cards and replies', () => {
  let h: LoggedHarness;
  const answers: string[] = [];

  beforeAll(async () => {
    h = await startLoggedHarness(
      {
        ...SECRETS,
        AZURE_CLIENT_ID: 'a0b1c2d3-0000-4000-8000-00000000c11e',
        AZURE_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        AZURE_AUTH: 'client-secret',
      },
      'trace',
    );
    // Record every invoke answer (the cards the clicker sees).
    const client = h.client;
    const invoke = client.invoke.bind(client);
    client.invoke = async (...args: Parameters<TeamsClient['invoke']>) => {
      const result = await invoke(...args);
      answers.push(JSON.stringify(result.body));
      return result;
    };
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a whole setup under faults writes no secret anywhere', async () => {
    const dataverseUrl = await contosoUrl(h);
    const put = await fetch(`${h.bot.emulatorUrl}/_emulator/settings`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        http: {
          errorRate: 0.03,
          throttleRate: 0.02,
          retryAfterSeconds: 0,
          scripted: [
            { pathPrefix: '/fo/', status: 503, count: 2 },
            { pathPrefix: '/dualwrite/', status: 429, retryAfterSeconds: 0, count: 2 },
          ],
        },
        dataverse: { errorRate: 0.03, throttleBurst: 2, throttleRetryAfterSeconds: 0 },
      }),
    });
    expect(put.status).toBe(200);

    const result = await driveScenario(h, {
      scenario: 'new-existing',
      inputs: {
        financeOpsName: 'secret-fo',
        dataverseUrl,
        companyCode: 'SCRT',
        companyName: 'Secret Ltd',
        bootstrapTables: 'accounts,contacts',
        initialSyncEntities: 'Customers V3',
        master: 'dataverse',
      },
      requester: user('Alex Admin'),
      approver: user('Priya Approver'),
      timeoutMs: 90_000,
    });
    const run = (await h.bot.engine.get(result.runId))!;
    expect(
      JSON.stringify(run.steps.filter((s) => s.status !== 'succeeded').map((s) => [s.id, s.status, s.error])),
    ).toBe('[]');
    expect(result.noticeText).toContain('completed');

    // The faults really happened, so the error and retry paths were logged.
    const state = await getJson<{ faults?: Record<string, number> }>(`${h.bot.emulatorUrl}/_emulator/state`);
    expect(JSON.stringify(state)).toMatch(/[1-9]/);
    expect(h.logs.some((line) => line.includes('"http retry"'))).toBe(true);
    expect(h.logs.length).toBeGreaterThan(100);

    const logText = h.logs.join('\n');
    expect(leaks(logText)).toEqual([]);
    const sent = [...h.connector.messages.values()].flatMap((m) => m.versions.map((v) => JSON.stringify(v)));
    expect(sent.length).toBeGreaterThan(3);
    expect(leaks(sent.join('\n'))).toEqual([]);
    expect(answers.length).toBeGreaterThan(3);
    expect(leaks(answers.join('\n'))).toEqual([]);
    // The audit trail is shown in a card too.
    expect(leaks(JSON.stringify(await h.bot.engine.audit(result.runId)))).toEqual([]);
  });

  it('the scan itself finds a planted token (it can fail)', () => {
    expect(leaks('{"Authorization":"Bearer emulator.aHR0cHM6Ly9leGFtcGxl"}').length).toBeGreaterThan(0);
    expect(leaks(`x ${SECRETS.AZURE_CLIENT_SECRET} y`)).toEqual(['AZURE_CLIENT_SECRET']);
  });
});
