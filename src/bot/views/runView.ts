import { FINISHED_RUN_STATUSES, type Run } from '../../engine/model';
import type { RunModel } from '../cards/cardModels';
import { sharedWaitingText } from '../audience/audience';
import { SCENARIO_TEXT } from './scenarioView';
import { RUN_STATUS, STEP_MARK, formatTime, shortId, stepDetail } from './marks';

/** The run card: one per run, updated in place for everyone as the run moves. */
/** `canOperate`: whether this copy shows Retry, Skip and Cancel (the shared card: only when anyone may). */
export function runCardData(run: Run, notice = '', canOperate = true): RunModel {
  const failed = run.steps.find((step) => step.status === 'failed');
  const status = RUN_STATUS[run.status];
  const cancelling = Boolean(run.cancelRequested) && !FINISHED_RUN_STATUSES.has(run.status);
  return {
    notice,
    runId: run.id,
    shortId: shortId(run.id),
    rev: run.rev,
    title: SCENARIO_TEXT[run.scenario].title,
    requestedBy: run.requestedBy.name,
    statusText: cancelling
      ? 'Cancelling'
      : run.status === 'waiting'
        ? sharedWaitingText(run.steps)
        : status.text,
    statusColor: status.color,
    steps: run.steps.map((step) => ({
      mark: STEP_MARK[step.status],
      title: step.title,
      detail: stepDetail(step, run),
    })),
    failure: failed?.error
      ? { title: `${failed.title} failed`, message: `${failed.error.message} (${failed.error.code})` }
      : null,
    failedStepId: failed?.id ?? '',
    canRetry: canOperate && Boolean(failed) && run.status === 'failed',
    canSkip: canOperate && Boolean(failed?.skippable) && run.status === 'failed',
    canCancel:
      canOperate && (!FINISHED_RUN_STATUSES.has(run.status) || (run.status === 'failed' && Boolean(failed))),
    finished: FINISHED_RUN_STATUSES.has(run.status) && !failed,
    updatedAt: formatTime(run.updatedAt),
  };
}
