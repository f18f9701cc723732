import { DUAL_WRITE_CORE_PACKAGE, DUAL_WRITE_ORCHESTRATION_PACKAGES } from '../catalog/solutions';
import { NEW_INSTANCE_COMPANY } from '../catalog/demoCompanies';
import {
  LEGAL_ENTITIES_MAP,
  catalogOrder,
  dependents,
  orderMaps,
  resolveMapNames,
  withPrerequisites,
} from '../catalog/mapOrdering';
import type { PlannedStep, StepKind } from '../model';
import type { Master, PlatformCapabilities, StepLocation } from '../ports';
import type { StepParamsInput } from '../stepParams';
import { isUnified, type SetupInput } from './scenarioInput';
import { plannedStep } from './plannedStep';
import { deriveNeeds } from './stepNeeds';

// The five scenarios of docs/domain.md §2 as ordered plans. Pure: the same input and capabilities give the
// same plan. Where a step happens: a new F&O in LCS is set up from Lifecycle Services; a new unified
// environment is created in the Power Platform admin center and set up in F&O's Data management
// workspace; an existing F&O from Finance and Operations itself.

export const DUAL_WRITE_PACKAGES: readonly string[] = [
  DUAL_WRITE_CORE_PACKAGE,
  ...DUAL_WRITE_ORCHESTRATION_PACKAGES.map((pkg) => pkg.uniqueName),
];

const DEMO_SYNC_TITLE = 'Initial sync of the demo data (Finance and Operations to Dataverse)';

export interface MapPlan {
  /** Maps run for live sync only, before any initial sync (Legal entities always among them). */
  enable: string[];
  /** Maps run with initial sync, in stages, with their prerequisites. */
  initialSync: ReturnType<typeof orderMaps>;
  /** Maps that depend on an initially synced map: started live once the initial sync is done. */
  enableAfter: string[];
}

/**
 * Which maps run how. Initial sync takes the chosen maps and, transitively, the maps their lookups
 * need (so the reference rows exist on the other side); every other catalog map runs for live sync.
 * A live map that depends on an initially synced one waits until that initial sync is done.
 */
export function planMaps(initialSyncEntities: readonly string[]): MapPlan {
  const all = catalogOrder().order;
  const chosen = resolveMapNames(initialSyncEntities);
  const syncSet = withPrerequisites(chosen).filter((name) => name !== LEGAL_ENTITIES_MAP);
  const after = new Set(dependents(syncSet).filter((name) => !syncSet.includes(name)));
  const enable = all.filter((name) => !syncSet.includes(name) && !after.has(name));
  return {
    enable,
    initialSync: orderMaps(syncSet),
    enableAfter: all.filter((name) => after.has(name)),
  };
}

interface Builder {
  add<K extends StepKind>(
    kind: K,
    where: StepLocation,
    params: StepParamsInput<K>,
    title?: string,
    options?: { automatic?: boolean },
  ): void;
  steps: PlannedStep[];
}

function builder(capabilities: PlatformCapabilities): Builder {
  const steps: PlannedStep[] = [];
  return {
    steps,
    add(kind, where, params, title, options = {}) {
      steps.push(
        plannedStep(steps.length, kind, where, capabilities, params, {
          ...(title ? { title } : {}),
          ...options,
        }),
      );
    },
  };
}

const PPAC: StepLocation = 'Power Platform admin center';

/**
 * The new F&O of a unified environment, created or installed through the Power Platform API (a
 * documented API, so always automatic): one provisioning with an ERP template for a new Dataverse, or
 * the provisioning app into the existing one.
 */
function unifiedFinanceOps(
  b: Builder,
  input: Exclude<SetupInput, { scenario: 'existing-existing' }>,
  demo: boolean,
): void {
  const template = input.erpTemplate ?? 'D365_FinOps_Finance';
  if (input.scenario === 'new-new' || input.scenario === 'new-demo-new') {
    b.add(
      'provisionFinanceOps',
      PPAC,
      {
        home: 'unified',
        name: input.financeOpsName,
        demoData: demo,
        template,
        environmentType: input.environmentType ?? 'sandbox',
      },
      `Create the unified environment "${input.financeOpsName}" (Finance and Operations with Dataverse, template ${template}${demo ? ', demo data' : ''})`,
      { automatic: true },
    );
  } else {
    b.add(
      'provisionFinanceOps',
      PPAC,
      { home: 'unified', intoDataverseUrl: input.dataverseUrl, demoData: demo },
      `Install Finance and Operations into the existing Dataverse environment (provisioning app${demo ? ', demo data' : ''})`,
      { automatic: true },
    );
  }
}

export function planScenario(input: SetupInput, capabilities: PlatformCapabilities): PlannedStep[] {
  const b = builder(capabilities);
  const lcs: StepLocation = 'Lifecycle Services';
  const fo: StepLocation = 'Finance and Operations';
  const initialSyncEntities = 'initialSyncEntities' in input ? input.initialSyncEntities : [];
  const maps = planMaps(initialSyncEntities);
  const hasInitialSync = maps.initialSync.order.length > 0;

  const initialSync = (legalEntities: string[], master: Master, title?: string) => {
    if (!hasInitialSync) return;
    b.add(
      'initialSync',
      fo,
      {
        maps: maps.initialSync.order,
        stages: maps.initialSync.stages,
        deferred: maps.initialSync.deferred,
        legalEntities,
        master,
        enableAfter: maps.enableAfter,
      },
      title,
    );
  };
  const enableMaps = (where: StepLocation) => b.add('enableEntityMaps', where, { maps: maps.enable });
  // A unified environment has no LCS: dual-write is set up in F&O's Data management workspace.
  const unified = isUnified(input);
  const setupAt: StepLocation = unified ? fo : lcs;
  const installAt: StepLocation = unified ? PPAC : lcs;
  // A new instance links its company DAT (seed); with demo data the demo companies are linked with it,
  // DAT only where the instance has it.
  const link = (demoCompanies: string[]) =>
    demoCompanies.length
      ? b.add(
          'linkEnvironments',
          setupAt,
          { legalEntities: demoCompanies, optionalLegalEntities: [NEW_INSTANCE_COMPANY] },
          'Link the environments for dual-write (DAT and the demo companies)',
        )
      : b.add('linkEnvironments', setupAt, { legalEntities: [NEW_INSTANCE_COMPANY] });

  switch (input.scenario) {
    case 'new-new':
    case 'new-demo-new': {
      const demo = input.scenario === 'new-demo-new';
      if (unified) unifiedFinanceOps(b, input, demo);
      else {
        b.add('provisionFinanceOps', lcs, { name: input.financeOpsName, demoData: demo });
        // LCS: the schema requires a Dataverse name.
        b.add('provisionDataverse', lcs, { name: input.dataverseName as string, crmPrime: true });
      }
      b.add('installDualWriteSolutions', installAt, { packages: [...DUAL_WRITE_PACKAGES] });
      b.add('checkPrerequisites', setupAt, {});
      link(input.scenario === 'new-demo-new' ? input.demoLegalEntities : []);
      b.add('applySolution', setupAt, {});
      enableMaps(setupAt);
      if (input.scenario === 'new-demo-new')
        initialSync(input.demoLegalEntities, 'financeOps', DEMO_SYNC_TITLE);
      b.add('verifySetup', 'Dataverse', {
        legalEntities: input.scenario === 'new-demo-new' ? input.demoLegalEntities : [NEW_INSTANCE_COMPANY],
      });
      break;
    }
    case 'new-existing':
    case 'new-demo-existing': {
      const demo = input.scenario === 'new-demo-existing';
      if (unified) unifiedFinanceOps(b, input, demo);
      else b.add('provisionFinanceOps', lcs, { name: input.financeOpsName, demoData: demo });
      b.add('installDualWriteSolutions', installAt, { packages: [...DUAL_WRITE_PACKAGES] });
      b.add('checkPrerequisites', setupAt, {});
      link(input.scenario === 'new-demo-existing' ? input.demoLegalEntities : []);
      b.add('applySolution', setupAt, {});
      enableMaps(setupAt);
      const legalEntities =
        input.scenario === 'new-demo-existing' ? [...input.demoLegalEntities] : [NEW_INSTANCE_COMPANY];
      if (input.scenario === 'new-demo-existing') {
        // Demo data first (F&O is its source), then the existing Dataverse data joins through its company.
        initialSync(input.demoLegalEntities, 'financeOps', DEMO_SYNC_TITLE);
      }
      b.add('createCompany', fo, { code: input.companyCode, name: input.companyName });
      b.add('addCompanyToConnection', fo, { codes: [input.companyCode] });
      legalEntities.push(input.companyCode);
      b.add('bootstrapCompanyData', 'Dataverse', {
        companyCode: input.companyCode,
        tables: input.bootstrapTables,
      });
      if (input.scenario === 'new-existing') initialSync([input.companyCode], input.master);
      b.add('verifySetup', 'Dataverse', {
        legalEntities: unique(legalEntities),
        companyCode: input.companyCode,
        bootstrapTables: input.bootstrapTables,
      });
      break;
    }
    case 'existing-existing': {
      if (input.dataverseName) {
        b.add('provisionDataverse', 'Power Platform', { name: input.dataverseName, crmPrime: true });
      }
      b.add('checkPrerequisites', fo, {});
      b.add('installDualWriteSolutions', 'Power Platform', { packages: [...DUAL_WRITE_PACKAGES] });
      b.add('linkEnvironments', fo, { legalEntities: input.legalEntities });
      b.add('applySolution', fo, {});
      // The company's cdm_companies row comes from the running Legal entities map: maps before bootstrap.
      enableMaps(fo);
      if (input.companyCode) {
        b.add('bootstrapCompanyData', 'Dataverse', {
          companyCode: input.companyCode,
          tables: input.bootstrapTables,
        });
      }
      initialSync(input.legalEntities, input.master);
      b.add('verifySetup', 'Dataverse', {
        legalEntities: input.legalEntities,
        ...(input.companyCode
          ? { companyCode: input.companyCode, bootstrapTables: input.bootstrapTables }
          : {}),
      });
      break;
    }
  }
  const needs = deriveNeeds(b.steps);
  return b.steps.map((step, index) => ({ ...step, needs: needs[index] }));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
