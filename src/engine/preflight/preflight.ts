import type { PlannedStep, PreflightFinding } from '../model';
import type { Platform } from '../ports';
import type { SetupInput } from '../scenarios/scenarioInput';
import { paramsOfStep } from '../stepParams';
import { legalEntitiesCheck } from './contentChecks';
import { dataverseEnvironment, financeOpsEnvironment } from './environmentChecks';
import { circularReferencesCheck, initialSyncVolumeCheck } from './initialSyncChecks';
import { financeOpsLinkCheck } from './linkChecks';
import { pairChecksPreflight } from './pairChecksPreflight';
import { findingReport, type PreflightCheck } from './preflightCheck';

// Pre-flight: the prerequisite checks (docs/domain.md §3) and the initial sync volume rules
// (docs/domain.md §5) that can be read before anything runs, each as a warning or a blocking error
// with the advice an admin needs. Environments that do not exist yet are checked again by the run's
// own steps.

/** In the order their findings are listed. */
export const PREFLIGHT_CHECKS: readonly PreflightCheck[] = [
  financeOpsLinkCheck,
  legalEntitiesCheck,
  pairChecksPreflight,
  circularReferencesCheck,
  initialSyncVolumeCheck,
];

export async function preflight(
  input: SetupInput,
  steps: PlannedStep[],
  platform: Platform,
): Promise<PreflightFinding[]> {
  const findings: PreflightFinding[] = [];
  const report = findingReport(findings);
  // Read first and one after the other, as every later check needs them (and their findings lead).
  const financeOps = await financeOpsEnvironment(input, platform, report);
  const dataverse = await dataverseEnvironment(input, platform, report);
  const syncStep = steps.find((step) => step.kind === 'initialSync');
  const initialSync = syncStep && paramsOfStep(syncStep, 'initialSync');
  const facts = { input, steps, platform, financeOps, dataverse, initialSync };
  for (const check of PREFLIGHT_CHECKS) await check.run(facts, report);
  return findings;
}
