import type { Run } from '../../engine/engineApi';
import { renderCard, type AdaptiveCard } from '../cards/renderCard';
import { approvalCardData } from './approvalView';
import { manualCardData } from './manualView';
import { runCardData } from './runView';
import {
  approvalPerspective,
  canOperate,
  refreshOf,
  type CardPerspective,
  type RunCardKind,
} from '../audience/cardPerspective';

// The one place that says which card shows a run's message: the answer to a click and the notifier's
// update of a posted card both render it here.

/** The posted messages that show a run's state and are updated in place. */
export type { RunCardKind } from '../audience/cardPerspective';

/** Which of a run's cards, for whom, at what time. */
export interface RunCardRequest {
  kind: RunCardKind;
  stepId?: string;
  notice?: string;
  /**
   * Whose copy (src/bot/audience/cardPerspective.ts). Every copy carries the same `refresh`, so Teams
   * asks for the personal view of each listed user; without one the card shows every action (the
   * answer to a click on a step the run lacks, and card tests).
   */
  view?: CardPerspective;
  /** The time the card is rendered at (the clock of a long step), from the injected Clock. */
  nowMs: number;
}

export function cardOfRun(run: Run, request: RunCardRequest): AdaptiveCard {
  const { kind, stepId, notice = '', view, nowMs } = request;
  const step = stepId ? run.steps.find((s) => s.id === stepId) : undefined;
  const operate = view ? canOperate(view) : true;
  let card: AdaptiveCard;
  let shown: RunCardKind = 'run';
  if (kind === 'approval' && step) {
    card = renderCard(
      'approval',
      approvalCardData(run, step, notice, view && approvalPerspective(run, view), nowMs),
    );
    shown = 'approval';
  } else if (kind === 'manual' && step) {
    card = renderCard('manual', manualCardData(run, step, notice, operate));
    shown = 'manual';
  } else {
    card = renderCard('run', runCardData(run, notice, operate, nowMs, view?.viewer?.actor.id));
  }
  const refresh = view && refreshOf(run, shown, shown === 'run' ? undefined : step?.id, view);
  return refresh ? { ...card, refresh } : card;
}
