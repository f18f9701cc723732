import type { Run, StepState } from '../../engine/engineApi';
import type { StepCardModel } from '../cards/cardModels';
import { escapeMarkdown } from '../../engine/engineApi';

export function stepCardBase(run: Run, step: StepState, notice: string): StepCardModel {
  return {
    notice: escapeMarkdown(notice),
    runId: run.id,
    stepId: step.id,
    rev: run.rev,
    stepTitle: escapeMarkdown(step.title),
  };
}
