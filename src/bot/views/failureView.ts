import { knownErrorById, type StepState } from '../../engine/engineApi';
import type { FailureModel } from '../cards/cardModels';

/**
 * What the run card says of a failed step. A documented error (the engine attached its catalogue
 * id) adds Microsoft's cause, fix and source; any other keeps the raw text and the correlation id
 * the admin can quote to Microsoft support.
 */
export function failureOf(step: StepState): FailureModel | null {
  if (!step.error) return null;
  const known = step.error.knownErrorId ? knownErrorById(step.error.knownErrorId) : undefined;
  return {
    title: known ? `${step.title} failed: ${known.title}` : `${step.title} failed`,
    message: `${step.error.message} (${step.error.code})`,
    cause: known?.cause ?? '',
    fix: known?.fix ?? '',
    source: known?.source ?? '',
    correlationId: step.error.correlationId ?? '',
  };
}
