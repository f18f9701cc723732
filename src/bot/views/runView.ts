import { FINISHED_RUN_STATUSES, type Run } from '../../engine/engineApi';
import type { RunModel } from '../cards/cardModels';
import { sharedWaitingText } from '../audience/viewerRules';
import { SCENARIO_TEXT } from './scenarioView';
import { failureOf } from './failureView';
import { formatTime, shortId } from './format';
import { RUN_STATUS, STEP_MARK, stepDetail } from './statusText';
import { escapeMarkdown } from '../../engine/engineApi';
import { actAsOf } from './actAsView';

/** The run card: one per run, updated in place for everyone as the run moves. */
/**
 * `canOperate`: whether this copy shows Retry, Skip and Cancel (the shared card: only when anyone may).
 * `nowMs`: the time of rendering, for the clock of a long step. `viewerId`: whose copy (none: shared).
 */
export function runCardData(
  run: Run,
  notice: string,
  canOperate: boolean,
  nowMs: number,
  viewerId?: string,
): RunModel {
  const failed = run.steps.find((step) => step.status === 'failed');
  const status = RUN_STATUS[run.status];
  const cancelling = Boolean(run.cancelRequested) && !FINISHED_RUN_STATUSES.has(run.status);
  return {
    notice: escapeMarkdown(notice),
    runId: run.id,
    shortId: shortId(run.id),
    rev: run.rev,
    title: SCENARIO_TEXT[run.scenario].title,
    requestedBy: escapeMarkdown(run.requestedBy.name),
    statusText: cancelling
      ? 'Cancelling'
      : run.status === 'waiting'
        ? sharedWaitingText(run.steps)
        : status.text,
    statusColor: status.color,
    steps: run.steps.map((step) => ({
      mark: STEP_MARK[step.status],
      title: escapeMarkdown(step.title),
      detail: escapeMarkdown(stepDetail(step, run, nowMs)),
    })),
    failure: failed ? failureOf(failed) : null,
    failedStepId: failed?.id ?? '',
    canRetry: canOperate && Boolean(failed) && run.status === 'failed',
    canSkip: canOperate && Boolean(failed?.skippable) && run.status === 'failed',
    canCancel:
      canOperate && (!FINISHED_RUN_STATUSES.has(run.status) || (run.status === 'failed' && Boolean(failed))),
    finished: FINISHED_RUN_STATUSES.has(run.status) && !failed,
    updatedAt: formatTime(run.updatedAt),
    actAs: actAsOf(run, canOperate, viewerId),
  };
}
