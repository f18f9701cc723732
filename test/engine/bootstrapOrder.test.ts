import { FakeDynamics } from './fakes/fakePlatform';
import { instantClock } from './fakes/manualClock';
import { createHarness, type Harness } from './engineHarness';
import { setupInputSchema } from '../../src/engine/scenarios/scenarioInput';
import { LIVE_BOOTSTRAP_ROWS } from '../../src/engine/steps/bootstrapCompanyData';
import { confirmCardData } from '../../src/bot/views/confirmView';
import { renderCard } from '../../src/bot/cards/renderCard';
import { ACTION_SCHEMAS } from '../../src/bot/cardActions';
import { NEW_EXISTING_WITH_SYNC, paramsOf, planOf } from './planKit';

// The two orders of bootstrap (docs/domain.md §4): the supported scenarios' (maps run, each stamp a
// live write) and the bootstrap FAQ's "bulk order" (Legal entities only, bootstrap, then initial sync),
// which the plan card offers once the rows needing a company pass LIVE_BOOTSTRAP_ROWS.

const LEGAL = 'cdm_companies - Legal entities';
const newExisting = (extra: Record<string, unknown> = {}) => ({
  scenario: 'new-existing',
  financeOpsName: 'fo-b',
  dataverseUrl: 'https://contoso.crm.fake',
  companyCode: 'ab1',
  companyName: 'AB',
  bootstrapTables: ['accounts'],
  ...extra,
});

describe('the bootstrap order of a plan', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('live (default): every map runs before the bootstrap, each stamp a live write', () => {
    const steps = planOf(newExisting());
    const enabled = paramsOf(steps, 'enableEntityMaps').maps as string[];
    expect(enabled).toEqual(expect.arrayContaining([LEGAL, 'accounts - Customers V3']));
    expect(steps.map((s) => s.kind)).not.toContain('initialSync');
    expect(paramsOf(steps, 'bootstrapCompanyData')).toMatchObject({ order: 'live' });
  });

  it('bulk: Legal entities only, bootstrap, then the bootstrapped tables with initial sync and the rest live', () => {
    const steps = planOf(newExisting({ bootstrapOrder: 'bulk' }));
    expect(steps.map((s) => s.kind)).toEqual(NEW_EXISTING_WITH_SYNC);
    expect(paramsOf(steps, 'enableEntityMaps').maps).toEqual([LEGAL]);
    const sync = paramsOf(steps, 'initialSync');
    expect(sync.maps).toContain('accounts - Customers V3');
    expect(sync.legalEntities).toEqual(['AB1']);
    expect(sync.enableAfter).toEqual(expect.arrayContaining(['msdyn_vendors - Vendors V2']));
    expect(paramsOf(steps, 'bootstrapCompanyData')).toMatchObject({ order: 'bulk' });
  });

  it('refuses the bulk order without a company to bootstrap, and any other order', () => {
    const existing = {
      scenario: 'existing-existing',
      financeOpsUrl: 'https://contoso-fo.fake',
      dataverseUrl: 'https://contoso.crm.fake',
      legalEntities: ['USMF'],
    };
    expect(setupInputSchema.safeParse({ ...existing, bootstrapOrder: 'bulk' }).success).toBe(false);
    expect(
      setupInputSchema.safeParse({ ...existing, companyCode: 'USMF', bootstrapOrder: 'bulk' }).success,
    ).toBe(true);
    expect(setupInputSchema.safeParse(newExisting({ bootstrapOrder: 'fast' })).success).toBe(false);
    expect(ACTION_SCHEMAS['setup.order'].safeParse({ input: '{}', bootstrapOrder: 'fast' }).success).toBe(
      false,
    );
  });

  it('the plan card offers the bulk order only past the threshold of rows needing a company', async () => {
    const dyn = new FakeDynamics();
    dyn.addDataverse('big', { accounts: LIVE_BOOTSTRAP_ROWS + 1 });
    dyn.addDataverse('small', { accounts: LIVE_BOOTSTRAP_ROWS });
    h = createHarness(dyn.platform(), instantClock);
    const big = await h.engine.preview(newExisting({ dataverseUrl: 'https://big.crm.fake' }));
    const small = await h.engine.preview(newExisting({ dataverseUrl: 'https://small.crm.fake' }));
    expect(big.bootstrapOrderChoice).toEqual({ rows: LIVE_BOOTSTRAP_ROWS + 1, order: 'live' });
    expect(small.bootstrapOrderChoice).toBeUndefined();

    const offered = JSON.stringify(renderCard('confirm', confirmCardData(big, crypto.randomUUID())));
    expect(offered).toContain('"id":"bootstrapOrder"');
    expect(offered).toContain('setup.order');
    expect(offered).toContain('50,001 Dataverse rows need the company');
    const plain = JSON.stringify(renderCard('confirm', confirmCardData(small, crypto.randomUUID())));
    expect(plain).not.toContain('"id":"bootstrapOrder"');
    expect(plain).toContain('each stamped row is a live write');
    expect(plain).not.toContain('setup.order');
    // Planned again in the bulk order, the card says what the bootstrap does there, and still offers both.
    const bulk = await h.engine.preview(
      newExisting({ dataverseUrl: 'https://big.crm.fake', bootstrapOrder: 'bulk' }),
    );
    expect(bulk.bootstrapOrderChoice).toEqual({ rows: LIVE_BOOTSTRAP_ROWS + 1, order: 'bulk' });
    const bulkCard = JSON.stringify(renderCard('confirm', confirmCardData(bulk, crypto.randomUUID())));
    expect(bulkCard).toContain('only Legal entities runs');
    expect(bulkCard).toContain('"value":"bulk"');
  });
});
