import type { StepKind } from '../model';
import { STEP_LIST, STEP_MODULES } from '../steps';

// What each step kind needs before it can start, from the modules' `needs` (the kinds whose outputs
// or facts it reads) and `neededBy` (the kinds that wait for it, e.g. the final verification). The
// planner turns these into edges between the planned steps (only to steps planned before, so plan
// order stays a valid order and the graph has no cycle); the executor starts every step whose needs
// have succeeded or were skipped, so independent steps run at once (docs/engine.md, "Plans are
// graphs"). A kind the plan does not contain is simply not waited for.

export const STEP_NEEDS: Record<StepKind, readonly StepKind[]> = Object.fromEntries(
  STEP_LIST.map(({ kind, needs }): [StepKind, StepKind[]] => [
    kind,
    [...needs, ...STEP_LIST.filter((other) => other.neededBy.includes(kind)).map((other) => other.kind)],
  ]),
) as Record<StepKind, StepKind[]>;

/**
 * The ids each step needs, in a plan given in order: the steps planned before it whose kind its
 * kind needs.
 */
export function deriveNeeds(
  steps: ReadonlyArray<{ id: string; kind: StepKind; params?: Record<string, unknown> }>,
): string[][] {
  return steps.map((step, index) =>
    steps
      .slice(0, index)
      .filter((earlier) =>
        STEP_MODULES[earlier.kind]
          .provides(earlier.params)
          .some((kind) => STEP_NEEDS[step.kind].includes(kind)),
      )
      .map((earlier) => earlier.id),
  );
}
