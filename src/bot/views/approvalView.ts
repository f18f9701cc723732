import { tableName, type Run, type StepState } from '../../engine/engineApi';
import type { ApprovalModel } from '../cards/cardModels';
import { stepCardBase } from './stepCardBase';
import type { ApprovalPerspective } from '../audience/cardPerspective';
import { formatNumber, formatTime, shortId } from './format';
import { escapeMarkdown } from '../../engine/engineApi';

/** The approval card: what will change, who asked, until when; decided, it shows who and when. */
/**
 * `perspective`: whose copy this is (approver, requester, bystander, or the shared card). `nowMs`:
 * past `expiresAt` the request takes no decision (the engine refuses it), even before the run's
 * driver has marked it expired, so the card offers no buttons.
 */
export function approvalCardData(
  run: Run,
  step: StepState,
  notice = '',
  perspective: Pick<ApprovalPerspective, 'viewer' | 'canDecide' | 'waitingText'> = {
    viewer: 'approver',
    canDecide: true,
    waitingText: '',
  },
  nowMs?: number,
): ApprovalModel {
  const approval = step.approval;
  const summary = (approval?.summary ?? {}) as Record<string, unknown>;
  const rows = (summary.rowsPerTable ?? {}) as Record<string, number>;
  const companyCode = String(summary.companyCode ?? (step.params.companyCode as string | undefined) ?? '');
  const totalRows = Object.values(rows).reduce((sum, n) => sum + Number(n || 0), 0);
  const decision = approval?.decision;
  const timedOut =
    !decision &&
    step.status === 'awaiting_approval' &&
    approval !== undefined &&
    nowMs !== undefined &&
    nowMs >= Date.parse(approval.expiresAt);
  const expired = (!decision && step.status !== 'awaiting_approval') || timedOut;
  return {
    ...stepCardBase(run, step, notice),
    whatChanges: companyCode
      ? `${formatNumber(totalRows)} existing Dataverse rows without a company will be stamped with company ${escapeMarkdown(companyCode)}.`
      : step.title,
    liveWrites: typeof summary.liveWrites === 'string' ? summary.liveWrites : '',
    volumeAdvice: typeof summary.volumeAdvice === 'string' ? summary.volumeAdvice : '',
    facts: [
      { title: 'Company code', value: escapeMarkdown(companyCode) || '-' },
      ...Object.entries(rows).map(([table, count]) => ({
        title: tableName(table, run.tableNames),
        value: `${formatNumber(Number(count))} rows`,
      })),
      { title: 'Run', value: shortId(run.id) },
      { title: 'Requested by', value: escapeMarkdown(run.requestedBy.name) },
      { title: 'Requested', value: approval ? formatTime(approval.requestedAt) : '-' },
      { title: 'Expires', value: approval ? formatTime(approval.expiresAt) : '-' },
    ],
    decided: Boolean(decision) || expired,
    decisionStyle: decision?.approved ? 'good' : 'attention',
    decisionText: decision
      ? `${decision.approved ? 'Approved' : 'Rejected'} by ${escapeMarkdown(decision.by.name)} on ${formatTime(decision.at)}${
          decision.reason ? `: ${escapeMarkdown(decision.reason)}` : ''
        }`
      : timedOut
        ? `Expired on ${formatTime(approval.expiresAt)} without a decision.`
        : expired
          ? `No longer waiting for a decision (step ${step.status.replace('_', ' ')}).`
          : '',
    canDecide: perspective.canDecide,
    waitingText: perspective.waitingText || 'Waiting for an approver.',
    viewerNote:
      perspective.viewer === 'requester'
        ? 'You requested this setup, so an approver other than you decides. This card changes once they have.'
        : '',
  };
}
