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
import type { SetupInput } from './scenarioInput';
import { plannedStep } from './stepDefinitions';

// The five scenarios of docs/domain.md §2 as ordered plans. Pure: the same input and capabilities give the
// same plan. Where a step happens follows Microsoft's guidance (docs/domain.md §2): a new F&O instance is set up from Lifecycle
// Services, an existing one from Finance and Operations itself.

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
  add<K extends StepKind>(kind: K, where: StepLocation, params: StepParamsInput<K>, title?: string): void;
  steps: PlannedStep[];
}

function builder(capabilities: PlatformCapabilities): Builder {
  const steps: PlannedStep[] = [];
  return {
    steps,
    add(kind, where, params, title) {
      steps.push(plannedStep(steps.length, kind, where, capabilities, params, title ? { title } : {}));
    },
  };
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
  // A new instance links its company DAT (seed); with demo data the demo companies are linked with it,
  // DAT only where the instance has it.
  const link = (demoCompanies: string[]) =>
    demoCompanies.length
      ? b.add(
          'linkEnvironments',
          lcs,
          { legalEntities: demoCompanies, optionalLegalEntities: [NEW_INSTANCE_COMPANY] },
          'Link the environments for dual-write (DAT and the demo companies)',
        )
      : b.add('linkEnvironments', lcs, { legalEntities: [NEW_INSTANCE_COMPANY] });

  switch (input.scenario) {
    case 'new-new':
    case 'new-demo-new': {
      const demo = input.scenario === 'new-demo-new';
      b.add('provisionFinanceOps', lcs, { name: input.financeOpsName, demoData: demo });
      b.add('provisionDataverse', lcs, { name: input.dataverseName, crmPrime: true });
      b.add('installDualWriteSolutions', lcs, { packages: [...DUAL_WRITE_PACKAGES] });
      b.add('checkPrerequisites', lcs, {});
      link(input.scenario === 'new-demo-new' ? input.demoLegalEntities : []);
      b.add('applySolution', lcs, {});
      enableMaps(lcs);
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
      b.add('provisionFinanceOps', lcs, { name: input.financeOpsName, demoData: demo });
      b.add('installDualWriteSolutions', lcs, { packages: [...DUAL_WRITE_PACKAGES] });
      b.add('checkPrerequisites', lcs, {});
      link(input.scenario === 'new-demo-existing' ? input.demoLegalEntities : []);
      b.add('applySolution', lcs, {});
      enableMaps(lcs);
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
  return b.steps;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
