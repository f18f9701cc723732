import type { Run, StepState } from '../../engine/model';

/** What every card about one step carries: its actions' `runId`, `stepId` and `rev`, and a notice. */
export function stepCardBase(run: Run, step: StepState, notice: string): Record<string, unknown> {
  return { notice, runId: run.id, stepId: step.id, rev: run.rev, stepTitle: step.title };
}
