import { getJson } from '../support/botHarness';
import { cardOf, noticeTextOf } from '../support/localConnector';
import { reachConfirmation } from '../support/scenarioDriver';
import { responseCard, textOf, user } from '../support/teamsClient';
import { catalogMaps } from '../engine/emulatorRig';
import { ADMIN_TOKEN, foDualWriteScreens, type FoDualWriteScreens } from './support/foDualWriteScreens';
import { startLiveBotWithoutGateway, type LiveRig } from './support/liveBotWithoutGateway';
import { manualCards, type ManualCards } from './support/manualCards';

/**
 * Live mode where no public API exists: the bot runs with DYNAMICS_MODE=live against an emulator the
 * test starts, with the dual-write gateway switched off (DUALWRITE_GATEWAY_ENABLED=false), so it can
 * only read the dual-write state through F&O OData. `existing-existing` is driven through the cards
 * over real HTTP. Each manual card is first answered "Done, verify" too early (the card must say what
 * is missing and the run must not move), then the test does the step the way the admin would in the
 * F&O Dual-write screens (here through the emulator's gateway API directly, standing in for those
 * screens), and "Done, verify" again is verified. Bootstrap has a public API (Dataverse) and runs by
 * itself once a second person approves it.
 */
interface EmulatorState {
  financeOps: Array<{ name: string; url: string }>;
  dataverse: Array<{ org: string; url: string }>;
  connections: Array<{
    financeOps: string;
    legalEntities: string[];
    solutionApplied: boolean;
    maps: Array<{ name: string; state: string }>;
  }>;
  effects: { byKind: Record<string, number>; bySubject: Record<string, number> };
}

const TOKEN = ADMIN_TOKEN;
const requester = user('Alex Admin');
const approver = user('Priya Approver');

let rig: LiveRig;
let screens: FoDualWriteScreens;
let cards: ManualCards;

beforeAll(async () => {
  rig = await startLiveBotWithoutGateway({ admin: requester, approver });
  screens = foDualWriteScreens(rig.emulator.url);
  cards = manualCards(rig.h, requester);
});

afterAll(async () => {
  await rig?.close();
});

describe('live mode without the dual-write gateway: manual steps verified through F&O OData', () => {
  it('existing-existing through the cards: every manual step refused when early, verified when done', async () => {
    const { h, emulator } = rig;
    const { manualStep, stepOf } = cards;
    const { linkAndApplySolutions, runMap, connectionId } = screens;
    const s0 = await getJson<EmulatorState>(`${emulator.url}/_emulator/state`);
    const fo = s0.financeOps.find((e) => e.name === 'contoso-fo')!;
    const contoso = s0.dataverse.find((e) => e.org === 'contoso')!;
    const orphans = async (set: string) =>
      (
        await getJson<{ '@odata.count': number }>(
          `${contoso.url}/api/data/v9.2/${set}?$filter=_msdyn_company_value eq null&$count=true`,
          TOKEN,
        )
      )['@odata.count'];
    const orphansBefore = (await orphans('accounts')) + (await orphans('contacts'));
    expect(orphansBefore).toBeGreaterThan(0);

    const { conversation, cardId, confirm } = await reachConfirmation(h, {
      scenario: 'existing-existing',
      inputs: {
        financeOpsUrl: fo.url,
        dataverseUrl: contoso.url,
        legalEntities: 'USMF',
        companyCode: 'USMF',
        bootstrapTables: 'accounts,contacts',
        initialSyncEntities: 'Customers V3',
        master: 'dataverse',
      },
      requester,
    });
    const started = responseCard(
      await h.client.click(requester, conversation, confirm, cardId, 'setup.start'),
    );
    const runId = String(/"runId":"([0-9a-f-]{36})"/.exec(textOf(started))?.[1] ?? '');
    expect(runId).not.toBe('');
    const modes = Object.fromEntries((await h.bot.engine.get(runId))!.steps.map((s) => [s.kind, s.mode]));
    expect(modes).toMatchObject({
      checkPrerequisites: 'automatic',
      installDualWriteSolutions: 'automatic',
      linkEnvironments: 'manual',
      applySolution: 'manual',
      enableEntityMaps: 'manual',
      bootstrapCompanyData: 'automatic',
      initialSync: 'manual',
      verifySetup: 'automatic',
    });

    let mapStarts = 0;
    await manualStep(
      conversation,
      runId,
      'linkEnvironments',
      {
        instructions: [/Link to Dataverse environment/, new RegExp(contoso.url), /legal entities USMF/],
        reason: /no dual-write link to .*contoso yet/,
      },
      async () => {
        // The link wizard applies the chosen dual-write solutions too: F&O shows a link only through
        // its published maps (docs/dynamics-apis.md).
        await linkAndApplySolutions(fo.url, contoso.url, ['USMF']);
      },
    );
    await manualStep(
      conversation,
      runId,
      'applySolution',
      { instructions: [/Apply solution/, /msdyn_DualWriteAppCoreMaps/], reason: null },
      async () => undefined,
    );
    await manualStep(
      conversation,
      runId,
      'enableEntityMaps',
      {
        instructions: [/in this order/, /Legal entities, /, /Initial sync\*\* cleared/],
        reason: /maps are not running yet: cdm_companies - Legal entities \(Not running\)/,
      },
      async (step) => {
        for (const name of step.params.maps as string[]) {
          await runMap(name, false);
          mapStarts += 1;
        }
      },
    );

    // Bootstrap has a public API: it waits for a second person's approval, then runs by itself.
    const approval = await h.connector.waitFor(
      () =>
        h.connector.inConversation(conversation.id).find((m) => {
          const card = cardOf(m.activity);
          // The shared copy has no buttons; the approver gets hers through refresh (click below).
          return card && textOf(card).includes('Approval needed') && textOf(card).includes('run.view');
        }),
      15_000,
      'the bootstrap approval card',
    );
    const approved = await h.client.click(
      approver,
      conversation,
      cardOf(approval.activity)!,
      approval.id,
      'run.approve',
    );
    expect(textOf(responseCard(approved))).toContain('Approved by');

    await manualStep(
      conversation,
      runId,
      'initialSync',
      {
        instructions: [/Initial sync/, /master to Dataverse/, /Customers V3/, /legal entities USMF/],
        reason: /not synced and running yet: .*accounts - Customers V3 \(Not running\)/,
      },
      async (step) => {
        for (const name of step.params.maps as string[]) {
          await runMap(name, true);
          mapStarts += 1;
        }
        for (const name of step.params.enableAfter as string[]) {
          await runMap(name, false);
          mapStarts += 1;
        }
      },
    );
    expect((await stepOf(runId, 'bootstrapCompanyData')).status).toBe('succeeded');

    const notice = await h.connector.waitFor(
      () =>
        h.connector
          .inConversation(conversation.id)
          .find((m) => noticeTextOf(m.activity).includes(`<at>${requester.name}</at>`)),
      20_000,
      'the completion notice',
    );
    expect(noticeTextOf(notice.activity)).toContain('completed');
    expect(textOf(cardOf(notice.activity)!)).toContain(`"Rows stamped","value":"${orphansBefore}"`);
    expect((await h.bot.engine.get(runId))?.status).toBe('succeeded');

    // The emulator's end state, and no dual-write write but the admin's own.
    const s = await getJson<EmulatorState>(`${emulator.url}/_emulator/state`);
    const connection = s.connections.find((c) => c.financeOps === 'contoso-fo')!;
    expect(connection.legalEntities).toEqual(['USMF']);
    expect(connection.solutionApplied).toBe(true);
    expect(connection.maps.length).toBeGreaterThan(0);
    expect(catalogMaps(connection.maps).filter((m) => m.state !== 'Running')).toEqual([]);
    expect(s.effects.byKind['gw.connection.create']).toBe(1);
    // Each dual-write solution applied once (one RestoreTemplates request per solution).
    const applied = Object.entries(s.effects.bySubject).filter(([subject]) =>
      subject.startsWith('gw.solution.apply '),
    );
    expect(applied.map(([subject]) => subject)).toContain(
      `gw.solution.apply ${await connectionId()}/msdyn_DualWriteAppCoreMaps`,
    );
    expect(applied.every(([, count]) => count === 1)).toBe(true);
    expect(s.effects.byKind['gw.map.start']).toBe(mapStarts);
    expect((await orphans('accounts')) + (await orphans('contacts'))).toBe(0);
  });
});
