import { DUAL_WRITE_CORE_PACKAGE, DUAL_WRITE_ORCHESTRATION_PACKAGES } from '../catalog/solutions';
import type { PlannedStep } from '../model';
import type { PlatformCapabilities } from '../ports';
import { plannedStep } from './plannedStep';
import { planMaps } from './planMaps';
import type { SetupInput } from './scenarioInput';
import { scenarioParts, type StepSpec } from './scenarioParts';
import { deriveNeeds } from './stepNeeds';

// The five scenarios of docs/domain.md §2 as ordered plans on one backbone: the new environments,
// the dual-write packages and the prerequisites, the link, Apply Solution, the maps for live sync,
// the scenario's own steps (company, bootstrap, initial sync), the final verification. What differs
// per scenario is in scenarioParts.ts. Pure: the same input and capabilities give the same plan.

export const DUAL_WRITE_PACKAGES: readonly string[] = [
  DUAL_WRITE_CORE_PACKAGE,
  ...DUAL_WRITE_ORCHESTRATION_PACKAGES.map((pkg) => pkg.uniqueName),
];

export function planScenario(input: SetupInput, capabilities: PlatformCapabilities): PlannedStep[] {
  const initialSyncEntities = 'initialSyncEntities' in input ? input.initialSyncEntities : [];
  const bulk = 'bootstrapOrder' in input && input.bootstrapOrder === 'bulk';
  const maps = planMaps(initialSyncEntities, bulk ? input.bootstrapTables : undefined);
  const parts = scenarioParts(input, maps);
  const { setupAt } = parts;
  const install: StepSpec = {
    kind: 'installDualWriteSolutions',
    where: parts.installAt,
    params: { packages: [...DUAL_WRITE_PACKAGES] },
  };
  const check: StepSpec = { kind: 'checkPrerequisites', where: setupAt, params: {} };
  const specs: StepSpec[] = [
    ...parts.environments,
    ...(parts.checkFirst ? [check, install] : [install, check]),
    parts.link,
    { kind: 'applySolution', where: setupAt, params: {} },
    { kind: 'enableEntityMaps', where: setupAt, params: { maps: maps.enable } },
    ...parts.afterMaps,
    { kind: 'verifySetup', where: 'Dataverse', params: parts.verify },
  ];
  const steps = specs.map((spec, index) =>
    plannedStep(index, spec.kind, spec.where, capabilities, spec.params, {
      ...(spec.title ? { title: spec.title } : {}),
      ...(spec.automatic !== undefined ? { automatic: spec.automatic } : {}),
    }),
  );
  const needs = deriveNeeds(steps);
  return steps.map((step, index) => ({ ...step, needs: needs[index] }));
}
