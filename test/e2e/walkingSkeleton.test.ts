import { startHarness, findCard, getJson, type Harness } from '../support/botHarness';
import { cardOf, mentionsOf, noticeTextOf } from '../support/localConnector';
import { newConversation, responseCard, user, textOf } from '../support/teamsClient';
import { CRM_PRIME_SOLUTION } from '../../src/engine/catalog/solutions';
import { catalogMaps } from '../engine/emulatorRig';

/**
 * Protocol-level end to end: real HTTP to /api/messages with Bot Framework activities, a local
 * connector recording the bot's sends, the engine against the embedded emulator over HTTP, and the
 * emulator's end state read through its own APIs.
 */
interface EmulatorState {
  financeOps: Array<{ name: string; state: string; url: string; legalEntities: string[] }>;
  dataverse: Array<{ name: string; state: string; url: string; solutions: string[] }>;
  connections: Array<{
    financeOps: string;
    dataverse: string;
    legalEntities: string[];
    maps: Array<{ name: string; state: string }>;
  }>;
}

describe('walking skeleton: new-new from a Teams message to the completion notice', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers /healthz (alive) and /readyz with the store and the emulator reachable', async () => {
    const health = await getJson<{ status: string; mode: string }>(`${h.bot.url}/healthz`);
    expect(health).toMatchObject({ status: 'ok', mode: 'emulator' });
    const ready = await getJson<{ status: string; store: { ok: boolean } }>(`${h.bot.url}/readyz`);
    expect(ready).toMatchObject({ status: 'ready', store: { ok: true } });
  });

  it('runs new-new through the cards and leaves both environments linked with maps running', async () => {
    const admin = user('Alex Admin');
    const conversation = newConversation();
    expect(await h.client.say(admin, conversation, 'setup')).toBe(200);

    const scenario = await h.connector.waitFor(
      (m) => findCard(m, conversation.id, 'Which setup is yours?'),
      10_000,
      'the scenario card',
    );
    const details = responseCard(
      await h.client.click(admin, conversation, scenario.card, scenario.id, 'setup.scenario', {
        match: (d) => d.scenario === 'new-new',
      }),
    );
    expect(textOf(details)).toContain('Name for the new Finance and Operations environment');

    const reviewed = await h.client.click(admin, conversation, details, scenario.id, 'setup.review', {
      // Lifecycle Services (the card preselects a unified environment): a new F&O and a new Dataverse.
      inputs: { financeOpsHome: 'lcs', financeOpsName: 'walk-fo', dataverseName: 'walk-dv' },
    });
    let confirm = responseCard(reviewed);
    if (!textOf(confirm).includes('Review the plan')) {
      // The preview took longer than the invoke waits: the card is updated in place.
      confirm = await h.connector.waitFor(
        () => {
          const card = cardOf(h.connector.messages.get(scenario.id)?.activity);
          return card && textOf(card).includes('Review the plan') ? card : undefined;
        },
        10_000,
        'the confirmation card',
      );
    }
    expect(textOf(confirm)).toContain('Deploy');

    const started = responseCard(
      await h.client.click(admin, conversation, confirm, scenario.id, 'setup.start'),
    );
    expect(textOf(started)).toMatch(/Run [0-9a-f]{8}/);

    const notice = await h.connector.waitFor(
      (messages) =>
        messages.find(
          (m) =>
            m.conversationId === conversation.id && noticeTextOf(m.activity).includes('<at>Alex Admin</at>'),
        ),
      120_000,
      'the completion notice',
    );
    expect(noticeTextOf(notice.activity)).toContain('completed');
    // One message: the mention is inside the card, with no separate text message.
    expect(notice.activity.text ?? '').toBe('');
    const mention = mentionsOf(notice.activity).find((e) => e.type === 'mention');
    expect(mention?.mentioned.id).toBe(admin.aadObjectId);

    // The run card (the confirmation card's message) was updated in place to its final state.
    await h.connector.waitFor(
      () => {
        const card = cardOf(h.connector.messages.get(scenario.id)?.activity);
        return card && textOf(card).includes('Completed') ? card : undefined;
      },
      10_000,
      'the final run card',
    );

    const state = await getJson<EmulatorState>(`${h.bot.emulatorUrl}/_emulator/state`);
    const fo = state.financeOps.find((env) => env.name === 'walk-fo');
    expect(fo).toMatchObject({ state: 'Deployed' });
    expect(fo!.legalEntities.map((e) => e.toUpperCase())).toContain('DAT');
    const dv = state.dataverse.find((env) => env.name === 'walk-dv');
    expect(dv).toBeDefined();
    expect(dv!.solutions).toContain(CRM_PRIME_SOLUTION);
    const connection = state.connections.find((c) => c.financeOps === 'walk-fo');
    expect(connection).toBeDefined();
    expect(connection!.legalEntities.map((e) => e.toUpperCase())).toEqual(['DAT']);
    expect(connection!.maps.length).toBeGreaterThan(0);
    expect(catalogMaps(connection!.maps).every((map) => map.state === 'Running')).toBe(true);

    // The Dataverse Web API of the new org agrees: the CRM prime solution is installed.
    const solutions = await getJson<{ value: Array<{ uniquename: string }> }>(
      `${dv!.url}/api/data/v9.2/solutions?$select=uniquename`,
      { Authorization: 'Bearer emulator.test' },
    );
    expect(solutions.value.map((s) => s.uniquename)).toContain(CRM_PRIME_SOLUTION);
  });
});
