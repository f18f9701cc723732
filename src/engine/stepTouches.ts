import type { PlannedStep, PlanPreview } from './model';
import { STEP_MODULES } from './steps';

/**
 * The plan card's "what it touches" for one planned step: the maps, companies or tables it works on,
 * as its module declares (`touches`), so the admin sees what the plan really does. '' when the
 * step's title says it all.
 */
export function stepTouches(step: PlannedStep, plan: Pick<PlanPreview, 'input' | 'tableNames'>): string {
  const chosen = 'initialSyncEntities' in plan.input ? plan.input.initialSyncEntities : [];
  return STEP_MODULES[step.kind].touches(step.params, {
    chosenMaps: chosen.map((name) => name.toLowerCase()),
    ...(plan.tableNames ? { tableNames: plan.tableNames } : {}),
  });
}
