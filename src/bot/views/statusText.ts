import {
  stepWaitsFor,
  type Run,
  type RunStatus,
  type StepState,
  type StepStatus,
} from '../../engine/engineApi';
import { formatNumber } from './format';
import { longStepText } from './stepClock';

/** The one place that turns run and step states into the marks and words the cards show. */
export const STEP_MARK: Record<StepStatus, string> = {
  pending: '○',
  running: '⏳',
  awaiting_approval: '🔐',
  awaiting_manual: '✋',
  succeeded: '✅',
  failed: '❌',
  skipped: '⏭️',
  cancelled: '⛔',
};

export const RUN_STATUS: Record<RunStatus, { text: string; color: string }> = {
  running: { text: 'Running', color: 'Accent' },
  // The run card is shared: its words never say "you" (runView says what it waits for).
  waiting: { text: 'Waiting', color: 'Warning' },
  succeeded: { text: 'Completed', color: 'Good' },
  failed: { text: 'Failed', color: 'Attention' },
  cancelled: { text: 'Cancelled', color: 'Attention' },
};

/**
 * "12,400 / 48,000 rows", or the status in words, and what the step waits for: the steps it needs
 * (by title, as the engine counts them), a person (an approval, a manual step) or the service it runs in.
 */
export function stepDetail(step: StepState, run: Run | undefined, nowMs: number): string {
  const parts: string[] = [];
  const waitingFor = run ? stepWaitsFor(run, step).map((s) => s.title) : [];
  if (step.progress && (step.status === 'running' || step.progress.done > 0)) {
    parts.push(
      `${formatNumber(step.progress.done)} / ${formatNumber(step.progress.total)} ${step.progress.unit}`,
    );
  }
  if (step.status === 'awaiting_approval') {
    parts.push(step.approval?.decision?.approved ? 'approved' : 'waiting for an approver');
  }
  if (waitingFor.length) parts.push(`waits for ${waitingFor.join(', ')}`);
  if (step.status === 'running') parts.push(`working in ${step.where}`);
  // The run card is shared: it names the role, never "you".
  if (step.status === 'awaiting_manual') parts.push('waiting for an admin to do this step');
  if (step.status === 'failed' && step.error) parts.push(step.error.message);
  if (step.status === 'running' && step.attempts > 1) parts.push(`attempt ${step.attempts}`);
  const clock = longStepText(step, nowMs);
  if (clock) parts.push(clock);
  if (step.verification && !step.verification.ok && step.status === 'awaiting_manual') {
    parts.push(`not verified yet: ${step.verification.message}`);
  }
  if (step.status !== 'running') parts.push(step.where);
  return parts.join(' · ');
}
