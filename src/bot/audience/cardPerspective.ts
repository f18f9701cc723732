import type { Actor, Run } from '../../engine/engineApi';
import { approvalViewerOf, refreshBlock, waitingForApproverText, type ApprovalViewer } from './viewerRules';
import type { CardAudience } from './cardAudience';

// Whom a run's card is rendered for. The shared card (posted, and updated for everyone) has no viewer:
// it says nothing personal and offers only what everyone may do. A viewer's card (the answer to their
// click, or to Teams' refresh for them) shows their buttons. Both carry the same `refresh`, so Teams
// keeps asking for the personal views of the listed users after every update.

export type RunCardKind = 'run' | 'approval' | 'manual';

export interface CardPerspective {
  /** Absent: the shared card. */
  viewer?: { actor: Actor; mayOperate: boolean; mayDecide: boolean };
  audience: CardAudience;
  fourEyes: boolean;
}

/** The verb Teams invokes to get a user's own view of a run's card. */
export const VIEW_VERB = 'run.view';

export interface ApprovalPerspective {
  viewer: ApprovalViewer | 'shared';
  /** Approve, Reject and the reason box. */
  canDecide: boolean;
  /** For everyone who may not decide: who may. */
  waitingText: string;
}

export function approvalPerspective(run: Run, view: CardPerspective): ApprovalPerspective {
  const requester = { id: run.requestedBy.id, name: run.requestedBy.name };
  const waitingText = waitingForApproverText(view.audience.approvers, requester, {
    anyone: view.audience.anyoneMayDecide,
    fourEyes: view.fourEyes,
  });
  if (!view.viewer) {
    // Shared: buttons only when anyone may decide and four eyes do not stop the requester, who
    // reads the shared card too.
    const canDecide = view.audience.anyoneMayDecide && !view.fourEyes;
    return { viewer: 'shared', canDecide, waitingText };
  }
  const viewer = approvalViewerOf(
    { id: view.viewer.actor.id, name: view.viewer.actor.name },
    requester,
    view.viewer.mayDecide,
  );
  return { viewer, canDecide: viewer === 'approver', waitingText };
}

/** Whether the card shows the admin actions (Cancel, Retry, Skip, "Done, verify"). */
export function canOperate(view: CardPerspective): boolean {
  return view.viewer ? view.viewer.mayOperate : view.audience.anyoneMayAct;
}

/**
 * The `refresh` of a run's card: who gets their own view, and the verb Teams calls for it. None where
 * the shared card already offers everyone all they may do. Without a roster the list is left out:
 * Teams then refreshes for every member of a conversation of up to 60 (User-Specific-Views.md).
 */
export function refreshOf(run: Run, kind: RunCardKind, stepId: string | undefined, view: CardPerspective) {
  const { audience } = view;
  const personal =
    kind === 'approval' ? !(audience.anyoneMayDecide && !view.fourEyes) : !audience.anyoneMayAct;
  if (!personal) return undefined;
  const data = { runId: run.id, kind, ...(stepId ? { stepId } : {}) };
  if (!audience.rosterKnown) {
    return { action: { type: 'Action.Execute' as const, title: 'Refresh', verb: VIEW_VERB, data } };
  }
  const userIds = kind === 'approval' ? audience.approvalUserIds : audience.actionUserIds;
  return refreshBlock(VIEW_VERB, data, userIds);
}
