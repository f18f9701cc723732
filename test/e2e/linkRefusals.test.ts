import { startHarness, getJson, type Harness } from '../support/botHarness';
import { driveScenario, reachConfirmation } from '../support/scenarioDriver';
import { textOf, user } from '../support/teamsClient';

/**
 * One link per environment, to the Power Platform integration environment (docs/domain.md §6): once
 * contoso-fo is linked to contoso, a second setup that would link contoso to another F&O, or
 * contoso-fo to another Dataverse, is refused on the plan card with the reason and the route that
 * works, before Start; the emulator's effects log shows that nothing changed.
 */
const requester = user('Alex Admin');
const approver = user('Priya Approver');

interface EmulatorState {
  financeOps: Array<{ name: string; url: string }>;
  dataverse: Array<{ org: string; url: string }>;
  effects: Record<string, number>;
}

async function state(h: Harness): Promise<EmulatorState> {
  return getJson<EmulatorState>(`${h.bot.emulatorUrl}/_emulator/state`);
}

describe('links dual-write refuses, refused on the plan card', () => {
  let h: Harness;
  let contosoFo = '';
  let contoso = '';
  beforeAll(async () => {
    h = await startHarness({ APPROVERS: approver.aadObjectId, ADMINS: requester.aadObjectId });
    const s = await state(h);
    contosoFo = s.financeOps.find((e) => e.name === 'contoso-fo')!.url;
    contoso = s.dataverse.find((e) => e.org === 'contoso')!.url;
    const linked = await driveScenario(h, {
      scenario: 'existing-existing',
      inputs: { financeOpsUrl: contosoFo, dataverseUrl: contoso, legalEntities: 'USMF' },
      requester,
      approver,
    });
    expect(linked.noticeText).toContain('completed');
  });
  afterAll(async () => h?.close());

  it('a new F&O linked to the already linked Dataverse: refused, nothing changes', async () => {
    const before = (await state(h)).effects;
    const { confirm } = await reachConfirmation(h, {
      scenario: 'new-existing',
      inputs: {
        financeOpsHome: 'lcs',
        financeOpsName: 'second-fo',
        dataverseUrl: contoso,
        companyCode: 'SCND',
        companyName: 'Second Ltd',
        bootstrapTables: 'accounts',
      },
      requester,
    });
    const text = textOf(confirm);
    expect(text).toContain(
      `is the Power Platform integration environment of Finance and Operations ${contosoFo}`,
    );
    expect(text).toContain('Environment details > Power Platform integration');
    expect(text).toContain('unified environment');
    expect(text).not.toContain('setup.start');
    expect((await state(h)).effects).toEqual(before);
  });

  it('the linked F&O with a new Dataverse: refused, nothing changes', async () => {
    const before = (await state(h)).effects;
    const { confirm } = await reachConfirmation(h, {
      scenario: 'existing-existing',
      inputs: { financeOpsUrl: contosoFo, dataverseName: 'second-dv', legalEntities: 'USMF' },
      requester,
    });
    const text = textOf(confirm);
    expect(text).toContain(`is already linked for dual-write to Dataverse ${contoso}`);
    expect(text).toContain(`Choose ${contoso} as the Dataverse environment`);
    expect(text).not.toContain('setup.start');
    expect((await state(h)).effects).toEqual(before);
  });
});
