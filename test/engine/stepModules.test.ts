import type { PlannedStep, StepKind } from '../../src/engine/model';
import type { PlatformCapabilities } from '../../src/engine/ports';
import { planScenario } from '../../src/engine/scenarios/planScenario';
import { setupInputSchema } from '../../src/engine/scenarios/scenarioInput';
import { STEP_NEEDS } from '../../src/engine/scenarios/stepNeeds';
import { STEP_KINDS } from '../../src/engine/stepKinds';
import { stepTouches } from '../../src/engine/engineApi';
import { STEP_LIST } from '../../src/engine/steps';

/** Every step kind is declared whole: a kind missing any part fails here (docs/architecture.md). */

const flags = ['deployFinanceOps', 'dualWriteGateway', 'linkDualWrite', 'createLegalEntity'] as const;
/** Every platform there can be: each capability on or off. */
const EVERY_PLATFORM: PlatformCapabilities[] = Array.from(
  { length: 2 ** flags.length },
  (_, bits) =>
    Object.fromEntries(
      flags.map((flag, i) => [flag, Boolean(bits & (1 << i))]),
    ) as unknown as PlatformCapabilities,
);

const dv = 'https://org.crm.dynamics.com';
const INPUTS = [
  { scenario: 'new-new', financeOpsName: 'fo-a', dataverseName: 'dv-a' },
  { scenario: 'new-new', financeOpsHome: 'unified', financeOpsName: 'fo-a' },
  {
    scenario: 'new-demo-new',
    financeOpsName: 'fo-a',
    dataverseName: 'dv-a',
    demoLegalEntities: ['USMF'],
    initialSyncEntities: ['Customers V3'],
  },
  {
    scenario: 'new-existing',
    financeOpsName: 'fo-a',
    dataverseUrl: dv,
    companyCode: 'ab',
    companyName: 'AB',
    initialSyncEntities: ['Customers V3'],
  },
  {
    scenario: 'new-demo-existing',
    financeOpsHome: 'unified',
    financeOpsName: 'fo-a',
    dataverseUrl: dv,
    demoLegalEntities: ['USMF'],
    companyCode: 'ab',
    companyName: 'AB',
  },
  {
    scenario: 'existing-existing',
    financeOpsUrl: 'https://fo.example.com',
    dataverseName: 'dv-new',
    legalEntities: ['USMF'],
    companyCode: 'usmf',
    initialSyncEntities: ['Vendors V2'],
  },
].map((raw) => setupInputSchema.parse(raw));

const PLANS = INPUTS.flatMap((input) =>
  EVERY_PLATFORM.map((c) => ({ input, steps: planScenario(input, c) })),
);
const planned = (kind: StepKind): PlannedStep[] =>
  PLANS.flatMap((plan) => plan.steps.filter((step) => step.kind === kind));

describe('the step modules', () => {
  it('are exactly the kinds of stepKinds.ts, once each, in its order', () => {
    expect(STEP_LIST.map((module) => module.kind)).toEqual([...STEP_KINDS]);
  });

  it('are each planned by some scenario', () => {
    const kinds = new Set(PLANS.flatMap((plan) => plan.steps.map((step) => step.kind)));
    expect(STEP_KINDS.filter((kind) => !kinds.has(kind))).toEqual([]);
  });

  describe.each(STEP_LIST.map((module) => [module.kind, module] as const))('%s', (kind, module) => {
    it('has a title, and needs that name other known kinds', () => {
      expect(module.title.trim()).not.toBe('');
      for (const other of [...module.needs, ...module.neededBy]) {
        expect(STEP_KINDS).toContain(other);
        expect(other).not.toBe(kind);
      }
    });

    it('is awaited by the final verification', () => {
      if (kind !== 'verifySetup') expect(STEP_NEEDS.verifySetup).toContain(kind);
    });

    it('has manual instructions wherever a platform leaves it to the admin', () => {
      const manualSomewhere = EVERY_PLATFORM.some((c) => !module.automatic(c));
      const manualPlanned = planned(kind).filter((step) => step.mode === 'manual');
      if (manualSomewhere || manualPlanned.length) expect(module.manual?.instructions.trim()).toBeTruthy();
      for (const step of manualPlanned) expect(step.instructions).toBe(module.manual?.instructions);
    });

    it('an approval step shows the approver a summary', () => {
      if (module.needsApproval) expect(module.approvalSummary).toBeDefined();
    });

    it('parses the parameters of every plan, and says what it touches on the plan card', () => {
      const steps = planned(kind);
      expect(steps.length).toBeGreaterThan(0);
      for (const plan of PLANS) {
        for (const step of plan.steps.filter((s) => s.kind === kind)) {
          expect(module.params.safeParse(step.params).success).toBe(true);
          expect(typeof stepTouches(step, { input: plan.input })).toBe('string');
        }
      }
    });
  });

  it('the plan card names the companies and maps a step works on, from its typed parameters', () => {
    const plan = PLANS.find((p) => p.input.scenario === 'new-existing')!;
    const text = (kind: StepKind) =>
      stepTouches(
        plan.steps.find((s) => s.kind === kind)!,
        plan,
      );
    expect(text('createCompany')).toBe('company AB (AB)');
    expect(text('addCompanyToConnection')).toBe(
      'companies AB (Add legal entity: the maps keep running and write their rows for them; no Reset)',
    );
    expect(text('linkEnvironments')).toBe('companies DAT');
    expect(text('bootstrapCompanyData')).toMatch(/^company AB on /);
    expect(text('initialSync')).toContain('companies AB');
  });
});
