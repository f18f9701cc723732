import { FakeDynamics } from './fakes/fakePlatform';
import { instantClock } from './fakes/manualClock';
import { createHarness, type Harness } from './engineHarness';
import { EngineError } from '../../src/engine/engineApi';
import { setupInputSchema } from '../../src/engine/scenarios/scenarioInput';
import { legalEntityLimitsCheck } from '../../src/engine/pairChecks/companyChecks';
import { LIVE_WITHOUT_GATEWAY, NEW_EXISTING_WITH_SYNC, planOf } from './planKit';

describe('scenario plans', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('a new F&O instance begins in Lifecycle Services, an existing one in F&O', () => {
    const newNew = planOf({ scenario: 'new-new', financeOpsName: 'fo-a', dataverseName: 'dv-a' });
    expect(newNew.map((s) => s.kind)).toEqual([
      'provisionFinanceOps',
      'provisionDataverse',
      'installDualWriteSolutions',
      'checkPrerequisites',
      'linkEnvironments',
      'applySolution',
      'enableEntityMaps',
      'verifySetup',
    ]);
    expect(newNew[0].where).toBe('Lifecycle Services');
    expect(newNew.find((s) => s.kind === 'linkEnvironments')?.params.legalEntities).toEqual(['DAT']);
    const existing = planOf({
      scenario: 'existing-existing',
      financeOpsUrl: 'https://fo.example.com',
      dataverseUrl: 'https://org.crm.dynamics.com',
      legalEntities: ['usmf'],
      companyCode: 'usmf',
    });
    expect(existing[0]).toMatchObject({ kind: 'checkPrerequisites', where: 'Finance and Operations' });
    expect(existing.find((s) => s.kind === 'linkEnvironments')?.where).toBe('Finance and Operations');
    expect(existing.find((s) => s.kind === 'bootstrapCompanyData')).toMatchObject({
      needsApproval: true,
      params: { companyCode: 'USMF' },
    });
  });

  it('new-existing follows Microsoft guidance (docs/domain.md §2): link, maps, company, add company, bootstrap (approval), initial sync', () => {
    const steps = planOf({
      scenario: 'new-existing',
      financeOpsName: 'fo-b',
      dataverseUrl: 'https://org.crm.dynamics.com',
      companyCode: 'ab1',
      companyName: 'AB',
      initialSyncEntities: ['Customers V3'],
    });
    expect(steps.map((s) => s.kind)).toEqual(NEW_EXISTING_WITH_SYNC);
    expect(steps.filter((s) => s.needsApproval).map((s) => s.kind)).toEqual(['bootstrapCompanyData']);
    expect(steps.find((s) => s.kind === 'createCompany')?.params).toEqual({ code: 'AB1', name: 'AB' });
  });

  it('without API access the gateway, LCS deploy and F&O writes become manual steps with instructions', () => {
    const steps = planOf(
      {
        scenario: 'new-existing',
        financeOpsName: 'fo-b',
        dataverseUrl: 'https://org.crm.dynamics.com',
        companyCode: 'ab1',
        companyName: 'AB',
      },
      LIVE_WITHOUT_GATEWAY,
    );
    const manual = steps.filter((s) => s.mode === 'manual').map((s) => s.kind);
    expect(manual).toEqual([
      'provisionFinanceOps',
      'linkEnvironments',
      'applySolution',
      'enableEntityMaps',
      'createCompany',
      'addCompanyToConnection',
    ]);
    expect(steps.filter((s) => s.mode === 'manual').every((s) => Boolean(s.instructions))).toBe(true);
    expect(steps.find((s) => s.kind === 'bootstrapCompanyData')?.mode).toBe('automatic');
  });

  it('refuses the standalone Human Resources app with the documented explanation (docs/domain.md §2), by choice or by URL', () => {
    const byChoice = setupInputSchema.safeParse({
      scenario: 'new-new',
      financeOpsName: 'fo-a',
      dataverseName: 'dv-a',
      financeOpsApp: 'human-resources-standalone',
    });
    expect(byChoice.success).toBe(false);
    expect(JSON.stringify(byChoice.error?.issues)).toContain("the Dynamics 365 Human Resources app doesn't");
    const byUrl = setupInputSchema.safeParse({
      scenario: 'existing-existing',
      financeOpsUrl: 'https://contoso.hr.talent.dynamics.com',
      dataverseName: 'dv-a',
      legalEntities: ['USMF'],
    });
    expect(byUrl.success).toBe(false);
  });

  it('company codes: 1-4 letters or digits, stored upper case', () => {
    expect(
      setupInputSchema.safeParse({
        scenario: 'new-existing',
        financeOpsName: 'fo-b',
        dataverseUrl: 'https://o.crm.dynamics.com',
        companyCode: 'usmf',
        companyName: 'x',
      }),
    ).toMatchObject({ success: true, data: { companyCode: 'USMF' } });
    expect(
      setupInputSchema.safeParse({
        scenario: 'new-existing',
        financeOpsName: 'fo-b',
        dataverseUrl: 'https://o.crm.dynamics.com',
        companyCode: 'USMF1',
        companyName: 'x',
      }).success,
    ).toBe(false);
  });

  it('preview: ordered steps, approvals, warnings and blocking volume rules with advice', async () => {
    const dyn = new FakeDynamics();
    h = createHarness(dyn.platform(), instantClock);
    const preview = await h.engine.preview({
      scenario: 'existing-existing',
      financeOpsUrl: 'https://contoso-fo.fake',
      dataverseUrl: 'https://contoso.crm.fake',
      legalEntities: ['USMF'],
      initialSyncEntities: ['Customers V3', 'contacts - CDS Contacts V2 (Customer)'],
    });
    expect(preview.canStart).toBe(true);
    expect(preview.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['core_solution_missing', 'circular_reference']),
    );
    const missing = await h.engine.preview({
      scenario: 'existing-existing',
      financeOpsUrl: 'https://contoso-fo.fake',
      dataverseUrl: 'https://contoso.crm.fake',
      legalEntities: ['ZZZZ'],
    });
    expect(missing.canStart).toBe(false);
    expect(missing.findings.find((f) => f.code === 'legal_entity_missing')?.advice).toContain('USMF');

    dyn.dv.get('contoso')?.rows.set('accounts', new Array(80_000).fill(null));
    const big = await h.engine.preview({
      scenario: 'existing-existing',
      financeOpsUrl: 'https://contoso-fo.fake',
      dataverseUrl: 'https://contoso.crm.fake',
      legalEntities: ['USMF'],
      companyCode: 'USMF',
      initialSyncEntities: ['Customers V3'],
    });
    expect(big.findings.find((f) => f.code === 'single_threaded_volume')).toMatchObject({
      severity: 'warning',
      advice: expect.stringContaining('skip initial sync'),
    });
    dyn.dv.get('contoso')?.rows.set('accounts', new Array(500_001).fill(null));
    const huge = await h.engine.preview({
      scenario: 'existing-existing',
      financeOpsUrl: 'https://contoso-fo.fake',
      dataverseUrl: 'https://contoso.crm.fake',
      legalEntities: ['USMF'],
      companyCode: 'USMF',
      initialSyncEntities: ['Customers V3'],
    });
    expect(huge.canStart).toBe(false);
    expect(huge.findings.find((f) => f.code === 'initial_sync_volume')?.severity).toBe('blocking');
    await expect(
      h.engine.preview({
        scenario: 'new-demo-new',
        financeOpsName: 'fo-a',
        dataverseName: 'dv-a',
        demoLegalEntities: ['USMF'],
        initialSyncEntities: ['Nope'],
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(h.engine.preview({ scenario: 'new-new' })).rejects.toBeInstanceOf(EngineError);
  });
});

describe('legal entity limits (sync-limits.md)', () => {
  const codes = (n: number) => Array.from({ length: n }, (_, i) => `L${String(i).padStart(3, '0')}`);
  const input = (legalEntities: string[], initialSyncEntities: string[] = []) => ({
    scenario: 'existing-existing',
    financeOpsUrl: 'https://contoso.operations.dynamics.com',
    dataverseUrl: 'https://contoso.crm.dynamics.com',
    legalEntities,
    initialSyncEntities,
  });

  it('a link takes more than 40 legal entities, up to 250 (live sync)', () => {
    expect(setupInputSchema.safeParse(input(codes(41))).success).toBe(true);
    expect(setupInputSchema.safeParse(input(codes(250))).success).toBe(true);
    const refused = setupInputSchema.safeParse(input(codes(251)));
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toContain('up to 250 legal entities');
  });

  it('an initial sync over more than 40 of them is refused by the pre-flight', async () => {
    const verdicts = await legalEntityLimitsCheck.run({
      legalEntitiesToLink: codes(41),
      initialSyncLegalEntities: codes(41),
    } as never);
    expect(verdicts).toEqual([
      expect.objectContaining({ code: 'too_many_legal_entities', state: 'blocker' }),
    ]);
  });
});
