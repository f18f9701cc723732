import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { contosoUrl, openScenarioCard } from '../support/scenarioDriver';
import { newConversation, responseCard, textOf, user } from '../support/teamsClient';
import { startLoggedHarness, type LoggedHarness } from './support/hardeningHarness';

/**
 * A URL typed in the details card decides where the bot sends a Dynamics token. Over real HTTP, the
 * admin's Review click with a hostile URL gets the card back with the reason, and the "attacker"
 * server (a real loopback server recording requests) receives nothing. Before, the pre-flight called
 * the typed URL at once, with a token scoped to it. A Dataverse URL that the Power Platform admin API
 * does not list for the tenant blocks Start instead of warning.
 */
const admin = user('Alex Admin');

describe('URLs typed in a card', () => {
  let h: LoggedHarness;
  let attacker: { url: string; hits: string[]; close(): Promise<void> };
  let emulatorOrg: string;

  beforeAll(async () => {
    const hits: string[] = [];
    const server = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.setHeader('Content-Type', 'application/json');
      res.end('{"value":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    attacker = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      hits,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
    h = await startLoggedHarness({ ADMINS: admin.aadObjectId }, 'silent');
    emulatorOrg = await contosoUrl(h);
  });
  afterAll(async () => {
    await h?.close();
    await attacker?.close();
  });

  async function review(dataverseUrl: string): Promise<string> {
    const conversation = newConversation();
    const scenario = await openScenarioCard(h, admin, conversation);
    const details = responseCard(
      await h.client.click(admin, conversation, scenario.card, scenario.id, 'setup.scenario', {
        match: (d) => d.scenario === 'new-existing',
      }),
    );
    const answer = await h.client.click(admin, conversation, details, scenario.id, 'setup.review', {
      inputs: {
        financeOpsName: 'typed-url-fo',
        dataverseUrl,
        companyCode: 'TURL',
        companyName: 'Typed Url Ltd',
        initialSyncEntities: '',
      },
    });
    expect(answer.status).toBe(200);
    return textOf(responseCard(answer));
  }

  it.each([
    ['an http:// URL of a foreign host (the attacker on loopback)', () => `${attacker.url}/orgs/contoso`],
    ['an https URL of a foreign host', () => 'https://attacker.example/orgs/contoso'],
    [
      'a real Dynamics host while the bot runs against the emulator',
      () => 'https://contoso.crm.dynamics.com',
    ],
  ])('%s: the card says why, nothing is called, no run', async (_name, url) => {
    const card = await review(url());
    expect(card).not.toContain('setup.start');
    expect(card).toMatch(/emulator/i);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attacker.hits).toEqual([]);
    expect(await h.bot.engine.list()).toHaveLength(0);
  });

  it('the emulator org itself passes (the check can pass)', async () => {
    const card = await review(emulatorOrg);
    // Accepted: the plan is built (at once, or the card says it is being checked).
    expect(card).toMatch(/setup\.start|Checking the plan/);
    expect(card).not.toMatch(/use its URLs/);
  });

  it('a Dataverse URL the admin API does not list blocks Start', async () => {
    const preview = await h.bot.engine.preview({
      scenario: 'new-existing',
      financeOpsName: 'unlisted-fo',
      dataverseUrl: emulatorOrg.replace(/contoso$/, 'not-in-this-tenant'),
      companyCode: 'UNLS',
      companyName: 'Unlisted Ltd',
      initialSyncEntities: [],
    });
    expect(preview.canStart).toBe(false);
    expect(preview.findings).toContainEqual(
      expect.objectContaining({ code: 'dataverse_not_listed', severity: 'blocking' }),
    );
  });
});
