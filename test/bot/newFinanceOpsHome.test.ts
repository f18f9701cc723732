import { renderCard } from '../../src/bot/cards/renderCard';
import { confirmCardData } from '../../src/bot/views/confirmView';
import { detailsCardData, fieldErrors, formToInput } from '../../src/bot/views/detailsView';
import type { PlanPreview } from '../../src/engine/model';
import { planScenario } from '../../src/engine/scenarios/planScenario';
import {
  UNIFIED_DATAVERSE_NAME_REFUSAL,
  setupInputSchema,
  type ScenarioId,
} from '../../src/engine/scenarios/scenarioInput';

/**
 * Issue 30, where a new F&O lives: the details card preselects a unified environment (since
 * 2026-02-16 LCS can't create new Finance, SCM or Project Operations projects) with LCS one click
 * away, says which fields apply to which choice, and a unified new-new plan names one environment.
 */
const NEW_FINANCE_OPS: ScenarioId[] = ['new-new', 'new-existing', 'new-demo-new', 'new-demo-existing'];
const CAPABILITIES = {
  deployFinanceOps: true,
  dualWriteGateway: true,
  linkDualWrite: true,
  createLegalEntity: true,
};

const fieldOf = (scenario: ScenarioId, id: string) => {
  const field = detailsCardData(scenario).fields.find((f) => f.id === id);
  expect(field).toBeDefined();
  return field!;
};

/** The preview the engine shows for a valid input (no findings). */
function previewOf(raw: Record<string, unknown>): PlanPreview {
  const input = setupInputSchema.parse(raw);
  return {
    scenario: input.scenario,
    input,
    steps: planScenario(input, CAPABILITIES),
    findings: [],
    canStart: true,
  };
}

describe('the details card for a new F&O', () => {
  it.each(NEW_FINANCE_OPS)('%s: preselects the unified environment, LCS one click away', (scenario) => {
    const home = fieldOf(scenario, 'financeOpsHome');
    expect(home.value).toBe('unified');
    expect(home.choices.map((c) => c.value)).toEqual(['unified', 'lcs']);
    expect(home.choices.find((c) => c.value === 'lcs')?.title).toMatch(/existing LCS project, or Commerce/);
    expect(home.hint).toMatch(/February 16, 2026/);
    expect(home.hint).toMatch(/choose Lifecycle Services for an existing LCS project or for Commerce/);
    // As Teams submits it untouched: the card's own value is the unified environment.
    const card = JSON.stringify(renderCard('details', detailsCardData(scenario)));
    expect(card).toMatch(/"id":"financeOpsHome"[^}]*"value":"unified"/);
  });

  it.each(['new-new', 'new-demo-new'] as ScenarioId[])(
    '%s: the new Dataverse name is for Lifecycle Services only, and not required by the card',
    (scenario) => {
      const dataverse = fieldOf(scenario, 'dataverseName');
      expect(dataverse.required).toBe(false);
      expect(dataverse.hint).toMatch(/^Lifecycle Services only: leave it empty for a unified environment/);
      expect(fieldOf(scenario, 'financeOpsName').hint).toMatch(
        /Unified environment: the one environment that holds F&O and Dataverse/,
      );
      expect(fieldOf(scenario, 'erpTemplate').hint).toBe('Only for a unified environment.');
    },
  );

  it('existing-existing keeps its own question: a new Dataverse name or an existing URL', () => {
    expect(detailsCardData('existing-existing').fields.map((f) => f.id)).not.toContain('financeOpsHome');
    expect(fieldOf('existing-existing', 'dataverseName').hint).not.toMatch(/Lifecycle Services/);
  });
});

describe('a unified new-new setup names one environment', () => {
  it('refuses a separate Dataverse name, at that field, saying why', () => {
    const form = {
      financeOpsHome: 'unified',
      erpTemplate: 'D365_FinOps_Finance',
      financeOpsName: 'uni-one',
      dataverseName: 'uni-dv',
    };
    for (const scenario of ['new-new', 'new-demo-new'] as ScenarioId[]) {
      const raw = { ...formToInput(scenario, form), demoLegalEntities: ['USMF'] };
      const parsed = setupInputSchema.safeParse(raw);
      expect(parsed.success).toBe(false);
      expect(fieldErrors(parsed.error!.issues)).toEqual({ dataverseName: UNIFIED_DATAVERSE_NAME_REFUSAL });
    }
    // With Lifecycle Services the same name is required, as before.
    expect(
      setupInputSchema.safeParse({ ...formToInput('new-new', form), financeOpsHome: 'lcs' }).success,
    ).toBe(true);
    const lcsWithout = setupInputSchema.safeParse({
      scenario: 'new-new',
      financeOpsHome: 'lcs',
      financeOpsName: 'x-fo',
    });
    expect(fieldErrors(lcsWithout.error!.issues)).toEqual({
      dataverseName: 'Name the new Dataverse environment.',
    });
  });

  it('the plan card: one unified environment, the Dataverse side is that environment itself', () => {
    const preview = previewOf(
      formToInput('new-new', { financeOpsHome: 'unified', financeOpsName: 'uni-one' }),
    );
    const card = confirmCardData(preview);
    expect(card.facts).toEqual([
      { title: 'Finance and Operations in', value: 'Power Platform admin center (unified environment)' },
      { title: 'New unified environment', value: 'uni-one (Finance and Operations and Dataverse in one)' },
      { title: 'Dataverse environment', value: 'the unified environment uni-one itself' },
    ]);
    const text = JSON.stringify(renderCard('confirm', card));
    expect(text).not.toMatch(/New Dataverse environment|New F&O environment/);
    expect(preview.steps.map((s) => s.kind)).not.toContain('provisionDataverse');
    expect(card.steps[0].title).toMatch(
      /^Create the unified environment "uni-one" \(Finance and Operations with Dataverse/,
    );
  });

  it('an LCS new-new plan still names both environments, and where F&O lives', () => {
    const preview = previewOf({
      scenario: 'new-new',
      financeOpsHome: 'lcs',
      financeOpsName: 'lcs-fo',
      dataverseName: 'lcs-dv',
    });
    expect(confirmCardData(preview).facts).toEqual([
      { title: 'Finance and Operations in', value: 'Lifecycle Services' },
      { title: 'New F&O environment', value: 'lcs-fo' },
      { title: 'New Dataverse environment', value: 'lcs-dv' },
    ]);
  });

  it('a unified new-existing plan: F&O goes into the existing Dataverse, the name only names the setup', () => {
    const preview = previewOf({
      scenario: 'new-existing',
      financeOpsHome: 'unified',
      financeOpsName: 'uni-ne',
      dataverseUrl: 'https://contoso.crm.dynamics.com',
      companyCode: 'CNTS',
      companyName: 'Contoso Ltd',
    });
    const facts = confirmCardData(preview).facts;
    expect(facts.slice(0, 3)).toEqual([
      { title: 'Finance and Operations in', value: 'Power Platform admin center (unified environment)' },
      { title: 'Setup name', value: 'uni-ne (F&O is installed into the Dataverse environment below)' },
      { title: 'Dataverse environment', value: 'https://contoso.crm.dynamics.com' },
    ]);
  });
});
