import type { Run, StepState } from '../../engine/engineApi';
import type { StepCardModel } from '../cards/cardModels';

export function stepCardBase(run: Run, step: StepState, notice: string): StepCardModel {
  return { notice, runId: run.id, stepId: step.id, rev: run.rev, stepTitle: step.title };
}
