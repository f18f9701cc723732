import { NEW_INSTANCE_COMPANY } from '../catalog/demoCompanies';
import type { StepKind } from '../model';
import type { Master, StepLocation } from '../ports';
import type { StepParamsInput } from '../stepParams';
import type { MapPlan } from './planMaps';
import { isUnified, type SetupInput, type SetupInputOf } from './scenarioInput';

// What each scenario adds to the one backbone of planScenario.ts: its new environments, where
// dual-write is set up, the companies it links, its own steps once the maps run (company, bootstrap,
// initial sync, in the order Microsoft's guidance gives), and what the final verification checks.

/** One step to plan: its kind, where it happens, its parameters, and a scenario's own title. */
export type StepSpec = {
  [K in StepKind]: {
    kind: K;
    where: StepLocation;
    params: StepParamsInput<K>;
    title?: string;
    automatic?: boolean;
  };
}[StepKind];

export interface ScenarioParts {
  /** The environments created first (F&O, Dataverse). */
  environments: StepSpec[];
  /** Where the prerequisites are checked and dual-write is linked, applied and run. */
  setupAt: StepLocation;
  installAt: StepLocation;
  /** An existing F&O is checked before the packages go in; a new one after. */
  checkFirst: boolean;
  link: StepSpec;
  /** The scenario's own steps after the maps run, in order. */
  afterMaps: StepSpec[];
  verify: StepParamsInput<'verifySetup'>;
}

const LCS: StepLocation = 'Lifecycle Services';
const FO: StepLocation = 'Finance and Operations';
const PPAC: StepLocation = 'Power Platform admin center';
const DEMO_SYNC_TITLE = 'Initial sync of the demo data (Finance and Operations to Dataverse)';

export function scenarioParts(input: SetupInput, maps: MapPlan): ScenarioParts {
  const sync = (legalEntities: string[], master: Master, title?: string): StepSpec[] =>
    maps.initialSync.order.length ? [initialSyncSpec(maps, legalEntities, master, title)] : [];
  switch (input.scenario) {
    case 'new-new':
    case 'new-demo-new': {
      const demo = input.scenario === 'new-demo-new' ? input.demoLegalEntities : [];
      return {
        ...newFinanceOps(input, demo),
        afterMaps: demo.length ? sync(demo, 'financeOps', DEMO_SYNC_TITLE) : [],
        verify: { legalEntities: demo.length ? demo : [NEW_INSTANCE_COMPANY] },
      };
    }
    case 'new-existing':
    case 'new-demo-existing': {
      const demo = input.scenario === 'new-demo-existing' ? input.demoLegalEntities : [];
      const { companyCode, companyName, bootstrapTables } = input;
      const order = input.scenario === 'new-existing' ? input.bootstrapOrder : 'live';
      return {
        ...newFinanceOps(input, demo),
        afterMaps: [
          // Demo data first (F&O is its source), then the existing Dataverse data joins through its company.
          ...(demo.length ? sync(demo, 'financeOps', DEMO_SYNC_TITLE) : []),
          { kind: 'createCompany', where: FO, params: { code: companyCode, name: companyName } },
          { kind: 'addCompanyToConnection', where: FO, params: { codes: [companyCode] } },
          {
            kind: 'bootstrapCompanyData',
            where: 'Dataverse',
            params: { companyCode, tables: bootstrapTables, order },
          },
          ...(demo.length ? [] : sync([companyCode], input.master)),
        ],
        verify: {
          legalEntities: [...new Set([...(demo.length ? demo : [NEW_INSTANCE_COMPANY]), companyCode])],
          companyCode,
          bootstrapTables,
        },
      };
    }
    case 'existing-existing':
      return existingFinanceOps(input, sync(input.legalEntities, input.master));
  }
}

/**
 * A new F&O: deployed from LCS (with a new Dataverse named, where the scenario has one), or a
 * unified environment from the Power Platform admin center, set up in F&O's Data management
 * workspace. A new instance links its company DAT; with demo data the demo companies are linked with
 * it, DAT only where the instance has it.
 */
function newFinanceOps(
  input: Exclude<SetupInput, { scenario: 'existing-existing' }>,
  demoCompanies: string[],
): Omit<ScenarioParts, 'afterMaps' | 'verify'> {
  const unified = isUnified(input);
  const demoData = input.scenario === 'new-demo-new' || input.scenario === 'new-demo-existing';
  const newDataverse = input.scenario === 'new-new' || input.scenario === 'new-demo-new';
  const setupAt = unified ? FO : LCS;
  const lcsEnvironments: StepSpec[] = [
    { kind: 'provisionFinanceOps', where: LCS, params: { name: input.financeOpsName, demoData } },
    // LCS: the input schema requires a Dataverse name for a new Dataverse.
    ...(newDataverse
      ? [
          {
            kind: 'provisionDataverse',
            where: LCS,
            params: { name: input.dataverseName as string, crmPrime: true },
          } as const,
        ]
      : []),
  ];
  return {
    environments: unified ? [unifiedFinanceOps(input, demoData)] : lcsEnvironments,
    setupAt,
    installAt: unified ? PPAC : LCS,
    checkFirst: false,
    link: demoCompanies.length
      ? {
          kind: 'linkEnvironments',
          where: setupAt,
          params: { legalEntities: demoCompanies, optionalLegalEntities: [NEW_INSTANCE_COMPANY] },
          title: 'Link the environments for dual-write (DAT and the demo companies)',
        }
      : { kind: 'linkEnvironments', where: setupAt, params: { legalEntities: [NEW_INSTANCE_COMPANY] } },
  };
}

/**
 * The new F&O of a unified environment, created or installed through the Power Platform API (a
 * documented API, so always automatic): one provisioning with an ERP template for a new Dataverse, or
 * the provisioning app into the existing one.
 */
function unifiedFinanceOps(
  input: Exclude<SetupInput, { scenario: 'existing-existing' }>,
  demo: boolean,
): StepSpec {
  const template = input.erpTemplate ?? 'D365_FinOps_Finance';
  if (input.scenario === 'new-new' || input.scenario === 'new-demo-new') {
    return {
      kind: 'provisionFinanceOps',
      where: PPAC,
      params: {
        home: 'unified',
        name: input.financeOpsName,
        demoData: demo,
        template,
        environmentType: input.environmentType ?? 'sandbox',
      },
      title: `Create the unified environment "${input.financeOpsName}" (Finance and Operations with Dataverse, template ${template}${demo ? ', demo data' : ''})`,
      automatic: true,
    };
  }
  return {
    kind: 'provisionFinanceOps',
    where: PPAC,
    params: { home: 'unified', intoDataverseUrl: input.dataverseUrl, demoData: demo },
    title: `Install Finance and Operations into the existing Dataverse environment (provisioning app${demo ? ', demo data' : ''})`,
    automatic: true,
  };
}

/**
 * An existing F&O (and a Dataverse that exists or is created): linked from F&O with the chosen legal
 * entities. The maps run before bootstrap: the company's cdm_companies row comes from the running
 * Legal entities map.
 */
function existingFinanceOps(input: SetupInputOf<'existing-existing'>, sync: StepSpec[]): ScenarioParts {
  const { companyCode, bootstrapTables, legalEntities } = input;
  return {
    environments: input.dataverseName
      ? [
          {
            kind: 'provisionDataverse',
            where: 'Power Platform',
            params: { name: input.dataverseName, crmPrime: true },
          },
        ]
      : [],
    setupAt: FO,
    installAt: 'Power Platform',
    checkFirst: true,
    link: { kind: 'linkEnvironments', where: FO, params: { legalEntities } },
    afterMaps: [
      ...(companyCode
        ? [
            {
              kind: 'bootstrapCompanyData',
              where: 'Dataverse',
              params: { companyCode, tables: bootstrapTables, order: input.bootstrapOrder },
            } as const,
          ]
        : []),
      ...sync,
    ],
    verify: { legalEntities, ...(companyCode ? { companyCode, bootstrapTables } : {}) },
  };
}

function initialSyncSpec(maps: MapPlan, legalEntities: string[], master: Master, title?: string): StepSpec {
  return {
    kind: 'initialSync',
    where: FO,
    params: {
      maps: maps.initialSync.order,
      stages: maps.initialSync.stages,
      deferred: maps.initialSync.deferred,
      legalEntities,
      master,
      enableAfter: maps.enableAfter,
    },
    ...(title ? { title } : {}),
  };
}
