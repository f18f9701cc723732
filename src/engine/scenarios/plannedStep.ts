import type { PlannedStep, StepKind, StepMode } from '../model';
import type { PlatformCapabilities, StepLocation } from '../ports';
import { parseStepParams, type StepParamsInput } from '../stepParams';
import { STEP_MODULES } from '../steps';

/**
 * Builds one planned step from its module's declaration (title, automatic on this platform or
 * manual, approval, skippable, the planned manual instructions); ids are "sNN-<kind>" in plan order,
 * stable for card actions. A scenario may give its own title or mark a step automatic.
 */
export function plannedStep<K extends StepKind>(
  index: number,
  kind: K,
  where: StepLocation,
  capabilities: PlatformCapabilities,
  params: StepParamsInput<K>,
  overrides: { title?: string; skippable?: boolean; automatic?: boolean } = {},
): PlannedStep {
  const module = STEP_MODULES[kind];
  const mode: StepMode = (overrides.automatic ?? module.automatic(capabilities)) ? 'automatic' : 'manual';
  const manual = mode === 'manual' ? module.manual : undefined;
  return {
    id: `s${String(index + 1).padStart(2, '0')}-${kind}`,
    kind,
    title: overrides.title ?? module.title,
    where,
    mode,
    needsApproval: module.needsApproval,
    skippable: overrides.skippable ?? module.skippable,
    // Parsed here once: a planner bug fails the preview instead of a step hours into a run.
    params: parseStepParams(kind, params),
    ...(manual ? { instructions: manual.instructions } : {}),
    ...(manual?.link ? { link: manual.link } : {}),
  };
}
