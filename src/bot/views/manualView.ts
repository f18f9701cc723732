import type { Run, StepState } from '../../engine/model';

/** The manual-step card: instructions, a deep link, "Done, verify" and the verification result. */
export function manualCardData(run: Run, step: StepState, notice = ''): Record<string, unknown> {
  const verification = step.verification;
  return {
    notice,
    runId: run.id,
    stepId: step.id,
    rev: run.rev,
    stepTitle: step.title,
    where: step.where,
    instructions: step.instructions ?? step.title,
    link: step.link ?? '',
    verification: verification
      ? `${verification.ok ? 'Verified' : 'Not verified yet'}: ${verification.message}`
      : step.status === 'succeeded'
        ? 'Verified.'
        : null,
    verificationOk: verification?.ok ?? step.status === 'succeeded',
    finished: step.status !== 'awaiting_manual',
  };
}
