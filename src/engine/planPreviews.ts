import { UnknownMapError } from './catalog/mapOrdering';
import { EngineError } from './engineApi';
import type { PlanPreview } from './model';
import type { Platform } from './ports';
import { preflight } from './preflight/preflight';
import { planScenario } from './scenarios/planScenario';
import { parseSetupInput } from './parseSetupInput';
import { tableDisplayNames } from './tableDisplayNames';
import { bootstrapOrderChoice } from './bootstrapOrderChoice';

// Previews: the plan of an input, its pre-flight findings and its tables' names. The pre-flight reads
// Dynamics; Start goes on from the preview the admin just reviewed (stored with the Review:
// planReviews.ts), so the Start click never waits on Dynamics. The run's own checkPrerequisites step
// checks again before linking.

/**
 * `reviewed`: the preview of a recent Review of the same input; its findings, table names and order
 * choice stand (nothing is read), and the steps are planned again from the input (no I/O).
 */
export type Planner = (raw: unknown, reviewed?: PlanPreview) => Promise<PlanPreview>;

export function createPlanner(platform: Platform): Planner {
  return async (raw, reviewed) => {
    const input = parseSetupInput(raw, platform);
    let steps;
    try {
      steps = planScenario(input, platform.capabilities);
    } catch (error) {
      if (error instanceof UnknownMapError) {
        throw new EngineError('invalid_input', `${error.message} Choose maps from the catalog.`, [
          { path: 'initialSyncEntities', message: error.message },
        ]);
      }
      throw error;
    }
    if (reviewed && JSON.stringify(reviewed.input) === JSON.stringify(input))
      return { ...reviewed, input, steps };
    const tableNames = tableDisplayNames(input, platform); // never rejects: standard names stand in
    const findings = await preflight(input, steps, platform);
    const choice = await bootstrapOrderChoice(input, platform);
    const preview: PlanPreview = {
      scenario: input.scenario,
      input,
      steps,
      findings,
      canStart: !findings.some((f) => f.severity === 'blocking'),
      tableNames: await tableNames,
      ...(choice ? { bootstrapOrderChoice: choice } : {}),
    };
    return preview;
  };
}
