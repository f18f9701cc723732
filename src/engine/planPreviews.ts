import { UnknownMapError } from './catalog/mapOrdering';
import { EngineError } from './engineApi';
import type { PlanPreview } from './model';
import type { Clock, Platform } from './ports';
import { preflight } from './preflight/preflight';
import { planScenario } from './scenarios/planScenario';
import { parseSetupInput } from './parseSetupInput';
import { tableDisplayNames } from './tableDisplayNames';
import { bootstrapOrderChoice } from './bootstrapOrderChoice';

// Previews: the plan of an input, its pre-flight findings and its tables' names. The pre-flight reads
// Dynamics; Start reuses the preview the admin just confirmed so the Start click never waits on
// Dynamics. The run's own checkPrerequisites step checks again before linking.

/** How long a preview's pre-flight findings stand for the Start that follows it. */
const PREVIEW_REUSE_MS = 30 * 60_000;
/** Previews kept for reuse; the oldest goes first. */
const PREVIEWS_KEPT = 500;

/** `reuse`: answer with the preview of the same input from the last 30 minutes, if there is one. */
export type Planner = (raw: unknown, reuse?: boolean) => Promise<PlanPreview>;

export function createPlanner(platform: Platform, clock: Clock): Planner {
  const previews = new Map<string, { at: number; preview: PlanPreview }>();
  return async (raw, reuse = false) => {
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
    const key = JSON.stringify(input);
    const cached = previews.get(key);
    if (reuse && cached && cached.at > clock.now().getTime() - PREVIEW_REUSE_MS) return cached.preview;
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
    previews.set(key, { at: clock.now().getTime(), preview });
    if (previews.size > PREVIEWS_KEPT) previews.delete(previews.keys().next().value as string);
    return preview;
  };
}
