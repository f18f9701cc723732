import { knownErrorById, type StepState } from '../../engine/engineApi';
import type { FailureModel } from '../cards/cardModels';
import { escapeMarkdown } from '../../engine/engineApi';

/**
 * What the run card says of a failed step. A documented error (the engine attached its catalogue
 * id) adds Microsoft's cause, fix and source; any other keeps the raw text and the correlation id
 * the admin can quote to Microsoft support.
 */
export function failureOf(step: StepState): FailureModel | null {
  if (!step.error) return null;
  const known = step.error.knownErrorId ? knownErrorById(step.error.knownErrorId) : undefined;
  return {
    // The step's title and the service's words may carry names people typed: shown as text. The
    // catalog's cause and fix are ours.
    title: escapeMarkdown(known ? `${step.title} failed: ${known.title}` : `${step.title} failed`),
    message: escapeMarkdown(`${step.error.message} (${step.error.code})`),
    cause: known?.cause ?? '',
    fix: known?.fix ?? '',
    source: known?.source ?? '',
    correlationId: step.error.correlationId ?? '',
  };
}
