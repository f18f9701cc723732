import type { z } from 'zod';
import type { PlannedStep, StepKind } from './model';
import { STEP_MODULES, type StepParamSchema } from './steps';

// The parameters of each step kind, as its module declares them (steps/<kind>.ts), validated once:
// the planner builds them through these schemas (a planner bug fails the preview, not a step hours
// later) and a step module receives them parsed, as `ctx.params`. Stored runs keep them as plain JSON.

export type StepParams<K extends StepKind> = z.output<StepParamSchema<K>>;
export type StepParamsInput<K extends StepKind> = z.input<StepParamSchema<K>>;

export function parseStepParams<K extends StepKind>(kind: K, raw: unknown): StepParams<K> {
  return STEP_MODULES[kind].params.parse(raw) as StepParams<K>;
}

/** The parameters of a planned step of a known kind (another step of the run, read by a later one). */
export function paramsOfStep<K extends StepKind>(step: PlannedStep, kind: K): StepParams<K> | undefined {
  return step.kind === kind ? parseStepParams(kind, step.params) : undefined;
}
