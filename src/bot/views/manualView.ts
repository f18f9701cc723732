import type { Run, StepState } from '../../engine/engineApi';
import type { ManualModel } from '../cards/cardModels';
import { stepCardBase } from './stepCardBase';
import { escapeMarkdown } from '../../engine/engineApi';

/** The manual-step card: instructions, a deep link, "Done, verify" and the verification result. */
/** `canAct`: whether this copy shows "Done, verify" (only an admin's, or everyone's when anyone may). */
export function manualCardData(run: Run, step: StepState, notice = '', canAct = true): ManualModel {
  const verification = step.verification;
  // Between "Done, verify" and the engine's answer the last result is out of date: say it is checking.
  const checking = step.status === 'awaiting_manual' && step.confirmation !== undefined;
  return {
    ...stepCardBase(run, step, notice),
    where: step.where,
    instructions: step.instructions ?? step.title,
    link: step.link ?? '',
    verification: checking
      ? `Checking through the APIs (asked by ${escapeMarkdown(step.confirmation?.by.name ?? 'an admin')})...`
      : verification
        ? `${verification.ok ? 'Verified' : 'Not verified yet'}: ${escapeMarkdown(verification.message)}`
        : step.status === 'succeeded'
          ? 'Verified.'
          : null,
    verificationStyle: checking
      ? 'emphasis'
      : (verification?.ok ?? step.status === 'succeeded')
        ? 'good'
        : 'attention',
    finished: step.status !== 'awaiting_manual',
    canAct,
    actorsText: 'A dual-write admin does this step and presses "Done, verify".',
  };
}
