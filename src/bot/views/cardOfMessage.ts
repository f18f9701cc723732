import type { Run } from '../../engine/model';
import { renderCard, type AdaptiveCard } from '../cards/renderCard';
import { approvalCardData } from './approvalView';
import { manualCardData } from './manualView';
import { runCardData } from './runView';
import {
  approvalPerspective,
  canOperate,
  refreshOf,
  type CardView,
  type RunCardKind,
} from '../audience/cardView';

// The one place that says which card shows a run's message: the answer to a click and the notifier's
// update of a posted card both render it here.

/** The posted messages that show a run's state and are updated in place. */
export type { RunCardKind } from '../audience/cardView';

/**
 * `view`: whose copy (src/bot/audience/cardView.ts). Every copy carries the same `refresh`, so Teams
 * asks for the personal view of each listed user; without a view the card shows every action (the
 * wizard's answer to the admin who started the run, and card tests).
 */
export function cardOfRun(
  run: Run,
  kind: RunCardKind,
  stepId: string | undefined,
  notice = '',
  view?: CardView,
): AdaptiveCard {
  const step = stepId ? run.steps.find((s) => s.id === stepId) : undefined;
  const operate = view ? canOperate(view) : true;
  let card: AdaptiveCard;
  let shown: RunCardKind = 'run';
  if (kind === 'approval' && step) {
    card = renderCard(
      'approval',
      approvalCardData(run, step, notice, view && approvalPerspective(run, view)),
    );
    shown = 'approval';
  } else if (kind === 'manual' && step) {
    card = renderCard('manual', manualCardData(run, step, notice, operate));
    shown = 'manual';
  } else {
    card = renderCard('run', runCardData(run, notice, operate));
  }
  const refresh = view && refreshOf(run, shown, shown === 'run' ? undefined : step?.id, view);
  return refresh ? { ...card, refresh } : card;
}
