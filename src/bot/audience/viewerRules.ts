// Who sees which card. A card the bot posts is the shared ("base") card everyone in the conversation
// sees: it never says "you" and offers no button a reader may not press. The people who may act get
// their own view through Universal Actions refresh: Teams asks the bot again (an `adaptiveCard/action`
// invoke with `trigger: "automatic"`) for each user listed in `refresh.userIds`, by user MRI (the
// Bot Framework `from.id`), at most 60 of them (MicrosoftDocs/msteams-docs, msteams-platform/
// task-modules-and-cards/cards/Universal-actions-for-adaptive-cards/User-Specific-Views.md).

/** A person in one conversation, as the roster gives them. */
export interface Member {
  /** The user MRI (`29:...`), what `refresh.userIds` lists. */
  id: string;
  /** The Entra object id, what ADMINS, APPROVERS and run requesters are compared with. */
  aadObjectId?: string;
  name: string;
}

export interface Person {
  id: string;
  name: string;
}

/** Teams refreshes user-specific views for at most 60 listed users. */
export const MAX_REFRESH_USERS = 60;

/** The three approval cards: Approve/Reject, "waiting for …", or read-only. */
export type ApprovalViewer = 'approver' | 'requester' | 'bystander';

/** Cards with admin actions (manual step "Done, verify", run Cancel/Retry/Skip). */
export type ActionViewer = 'actor' | 'reader';

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * The approval card a viewer gets. One who may decide gets the buttons; the requester (who may not,
 * under four eyes) is told who can; everyone else reads.
 */
export function approvalViewerOf(viewer: Person, requester: Person, mayDecide: boolean): ApprovalViewer {
  if (mayDecide) return 'approver';
  return same(viewer.id, requester.id) ? 'requester' : 'bystander';
}

export function actionViewerOf(mayAct: boolean): ActionViewer {
  return mayAct ? 'actor' : 'reader';
}

/** "Priya Approver", "Priya Approver or Megan Bowen", "Priya Approver, Megan Bowen or 3 more". */
export function namesList(names: string[], max = 3): string {
  const unique = [...new Set(names.filter(Boolean))];
  if (unique.length <= max) {
    return unique.length <= 1
      ? (unique[0] ?? '')
      : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
  }
  return `${unique.slice(0, max).join(', ')} or ${unique.length - max} more`;
}

/**
 * The requester's line on the approval card: who may decide, never the requester themself under four
 * eyes. `anyone`: no APPROVERS or ADMINS are configured.
 */
export function waitingForApproverText(
  approvers: Person[],
  requester: Person,
  options: { anyone: boolean; fourEyes: boolean },
): string {
  if (options.anyone) {
    return options.fourEyes
      ? `Waiting for an approver: anyone in this conversation except ${requester.name}.`
      : 'Waiting for an approver: anyone in this conversation.';
  }
  const others = approvers.filter((p) => !(options.fourEyes && same(p.id, requester.id)));
  const names = namesList(others.map((p) => p.name));
  return names ? `Waiting for an approver (${names}).` : 'Waiting for an approver.';
}

/**
 * `refresh.userIds`: the MRIs of the members who get their own view, the requester first, then
 * everyone who may act, each once, at most 60 (Teams' limit). Members are matched by Entra object id
 * (or by MRI, for ids that are not Entra ids).
 */
export function refreshUserIds(
  members: Member[],
  wanted: string[],
  limit: number = MAX_REFRESH_USERS,
): string[] {
  const ids: string[] = [];
  for (const want of wanted) {
    const member = members.find((m) => same(m.aadObjectId, want) || same(m.id, want));
    if (member && !ids.includes(member.id)) ids.push(member.id);
    if (ids.length >= Math.min(limit, MAX_REFRESH_USERS)) break;
  }
  return ids;
}

/** The card's `refresh`: the verb Teams invokes for each listed user; none when nobody is listed. */
export function refreshBlock(
  verb: string,
  data: Record<string, unknown>,
  userIds: string[],
):
  | {
      action: { type: 'Action.Execute'; title: string; verb: string; data: Record<string, unknown> };
      userIds: string[];
    }
  | undefined {
  if (userIds.length === 0) return undefined;
  return {
    action: { type: 'Action.Execute', title: 'Refresh', verb, data },
    userIds: userIds.slice(0, MAX_REFRESH_USERS),
  };
}

/** The run's waiting status in words for everyone ("Waiting for you" would be wrong for most readers). */
export function sharedWaitingText(steps: Array<{ status: string }>): string {
  const approval = steps.some((s) => s.status === 'awaiting_approval');
  const manual = steps.some((s) => s.status === 'awaiting_manual');
  if (approval && manual) return 'Waiting for an approver and a manual step';
  if (approval) return 'Waiting for an approver';
  if (manual) return 'Waiting for an admin to do a manual step';
  return 'Waiting';
}
