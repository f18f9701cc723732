import type { PlannedStep, StepKind, StepMode } from '../model';
import type { PlatformCapabilities, StepLocation } from '../ports';
import { parseStepParams, type StepParamsInput } from '../stepParams';

// What every step kind is, independent of the scenario: title, whether a public API can do it
// (else it becomes manual-with-verification), whether it may be skipped, and the instructions an
// admin follows when it is manual.

interface StepDefinition {
  title: string;
  /** Automatic on this platform? */
  automatic: (capabilities: PlatformCapabilities) => boolean;
  skippable: boolean;
  needsApproval: boolean;
  instructions?: string;
  link?: string;
}

const LCS = 'https://lcs.dynamics.com/';
const POWER_PLATFORM_ADMIN = 'https://admin.powerplatform.microsoft.com/environments';
const always = () => true;
const gateway = (c: PlatformCapabilities) => c.dualWriteGateway;

export const STEP_DEFINITIONS: Record<StepKind, StepDefinition> = {
  checkPrerequisites: {
    title: 'Check the dual-write prerequisites',
    automatic: always,
    skippable: false,
    needsApproval: false,
  },
  provisionFinanceOps: {
    title: 'Deploy the Finance and Operations environment',
    automatic: (c) => c.deployFinanceOps,
    skippable: false,
    needsApproval: false,
    instructions:
      'In Lifecycle Services, open the project, choose Configure to deploy a new environment with the name shown, with or without demo data as planned, and enable the Power Platform integration. Press Done once LCS shows it Deployed.',
    link: LCS,
  },
  provisionDataverse: {
    title: 'Create the Dataverse environment with the Dynamics 365 apps',
    automatic: always,
    skippable: false,
    needsApproval: false,
    instructions:
      'In the Power Platform admin center, create the environment with Dynamics 365 apps enabled.',
    link: POWER_PLATFORM_ADMIN,
  },
  installDualWriteSolutions: {
    title: 'Install the dual-write core solution and the application orchestration packages',
    automatic: always,
    skippable: false,
    needsApproval: false,
  },
  linkEnvironments: {
    title: 'Link the environments for dual-write',
    automatic: gateway,
    skippable: false,
    needsApproval: false,
    instructions:
      'In Finance and Operations, open Data management > Dual-write, choose Link to Dataverse environment, pick the Dataverse environment and the legal entities shown, and finish the wizard (its health checks must pass). Press Done afterwards.',
  },
  applySolution: {
    title: 'Apply the dual-write solutions (publish the entity maps)',
    automatic: gateway,
    skippable: false,
    needsApproval: false,
    instructions:
      'In Finance and Operations, Data management > Dual-write, choose Apply solution and select every dual-write orchestration solution. Press Done once the map list is filled.',
  },
  enableEntityMaps: {
    title: 'Run the entity maps for live synchronization',
    automatic: gateway,
    skippable: false,
    needsApproval: false,
    instructions:
      'In Finance and Operations, Data management > Dual-write, select the maps listed (in that order) and choose Run without initial sync. Press Done once they show Running.',
  },
  createCompany: {
    title: 'Create the company in Finance and Operations',
    automatic: (c) => c.createLegalEntity,
    skippable: false,
    needsApproval: false,
    instructions:
      'In Finance and Operations, go to Organization administration > Organizations > Legal entities, choose New and create the company with the code and name shown. Press Done afterwards.',
  },
  addCompanyToConnection: {
    title: 'Add the companies to the dual-write connection',
    automatic: gateway,
    skippable: false,
    needsApproval: false,
    instructions:
      'In Finance and Operations, Data management > Dual-write, choose Environment details > Edit legal entities and add the companies shown. Press Done afterwards.',
  },
  bootstrapCompanyData: {
    title: 'Bootstrap the existing Dataverse rows with the company',
    automatic: always,
    skippable: true,
    needsApproval: true,
  },
  initialSync: {
    title: 'Initial sync of the chosen entities',
    automatic: gateway,
    skippable: true,
    needsApproval: false,
    instructions:
      'In Finance and Operations, Data management > Dual-write, run the maps shown in the order shown with Initial sync on, for the companies and master shown. Press Done once they show Running.',
  },
  verifySetup: {
    title: 'Verify the dual-write setup',
    automatic: always,
    skippable: true,
    needsApproval: false,
  },
};

/** Builds one planned step; ids are "sNN-<kind>" in plan order, stable for card actions. */
export function plannedStep<K extends StepKind>(
  index: number,
  kind: K,
  where: StepLocation,
  capabilities: PlatformCapabilities,
  params: StepParamsInput<K>,
  overrides: { title?: string; skippable?: boolean } = {},
): PlannedStep {
  const definition = STEP_DEFINITIONS[kind];
  const mode: StepMode = definition.automatic(capabilities) ? 'automatic' : 'manual';
  return {
    id: `s${String(index + 1).padStart(2, '0')}-${kind}`,
    kind,
    title: overrides.title ?? definition.title,
    where,
    mode,
    needsApproval: definition.needsApproval,
    skippable: overrides.skippable ?? definition.skippable,
    // Parsed here once: a planner bug fails the preview instead of a step hours into a run.
    params: parseStepParams(kind, params),
    ...(mode === 'manual' && definition.instructions ? { instructions: definition.instructions } : {}),
    ...(mode === 'manual' && definition.link ? { link: definition.link } : {}),
  };
}
