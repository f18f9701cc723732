import type { Run } from '../../engine/model';
import { renderCard, type AdaptiveCard } from '../cards/renderCard';
import { approvalCardData } from './approvalView';
import { manualCardData } from './manualView';
import { runCardData } from './runView';

// The one place that says which card shows a run's message: the answer to a click and the notifier's
// update of a posted card both render it here.

/** The posted messages that show a run's state and are updated in place. */
export type RunCardKind = 'run' | 'approval' | 'manual';

export function cardOfRun(
  run: Run,
  kind: RunCardKind,
  stepId: string | undefined,
  notice = '',
): AdaptiveCard {
  const step = stepId ? run.steps.find((s) => s.id === stepId) : undefined;
  if (kind === 'approval' && step) return renderCard('approval', approvalCardData(run, step, notice));
  if (kind === 'manual' && step) return renderCard('manual', manualCardData(run, step, notice));
  return renderCard('run', runCardData(run, notice));
}
