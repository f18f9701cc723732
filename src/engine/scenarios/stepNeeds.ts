import type { StepKind } from '../model';

// What each step kind needs before it can start: the outputs or facts of other kinds of step. The
// planner turns these into edges between the planned steps (only to steps planned before, so plan
// order stays a valid order and the graph has no cycle); the executor starts every step whose needs
// have succeeded or were skipped, so independent steps run at once (docs/engine.md, "Plans are
// graphs"). A kind the plan does not contain is simply not waited for.

export const STEP_NEEDS: Record<StepKind, readonly StepKind[]> = {
  // Independent: a new F&O environment (hours in LCS) and a new Dataverse environment.
  provisionFinanceOps: [],
  provisionDataverse: [],
  // The solutions go into the Dataverse environment: a new one must exist first.
  installDualWriteSolutions: ['provisionDataverse'],
  // The health checks read both environments and the installed solutions.
  checkPrerequisites: ['provisionFinanceOps', 'provisionDataverse', 'installDualWriteSolutions'],
  linkEnvironments: ['checkPrerequisites', 'installDualWriteSolutions'],
  applySolution: ['linkEnvironments'],
  enableEntityMaps: ['applySolution'],
  // A company is created in F&O itself: it needs the deployed F&O, not the link.
  createCompany: ['provisionFinanceOps'],
  addCompanyToConnection: ['linkEnvironments', 'createCompany', 'enableEntityMaps', 'initialSync'],
  // The company's cdm_companies row comes from the running Legal entities map and the added company.
  bootstrapCompanyData: ['addCompanyToConnection', 'enableEntityMaps', 'initialSync'],
  initialSync: ['enableEntityMaps', 'addCompanyToConnection', 'bootstrapCompanyData'],
  verifySetup: [
    'provisionFinanceOps',
    'provisionDataverse',
    'installDualWriteSolutions',
    'checkPrerequisites',
    'linkEnvironments',
    'applySolution',
    'enableEntityMaps',
    'createCompany',
    'addCompanyToConnection',
    'bootstrapCompanyData',
    'initialSync',
  ],
};

/**
 * The ids each step needs, in a plan given in order: the steps planned before it whose kind its
 * kind needs.
 */
export function deriveNeeds(
  steps: ReadonlyArray<{ id: string; kind: StepKind; params?: Record<string, unknown> }>,
): string[][] {
  return steps.map((step, index) =>
    steps
      .slice(0, index)
      .filter((earlier) => providedKinds(earlier).some((kind) => STEP_NEEDS[step.kind].includes(kind)))
      .map((earlier) => earlier.id),
  );
}

/** What a step stands for: its kind; a unified F&O environment also brings its Dataverse environment. */
function providedKinds(step: { kind: StepKind; params?: Record<string, unknown> }): StepKind[] {
  return step.kind === 'provisionFinanceOps' && step.params?.home === 'unified'
    ? ['provisionFinanceOps', 'provisionDataverse']
    : [step.kind];
}
