import type { Actor } from '../../engine/engineApi';
import type { Roles } from '../roles/roles';
import { refreshUserIds, type Member, type Person } from './viewerRules';

// For one run in one conversation: whose Teams client should ask for its own view of the run's cards
// (`refresh.userIds`), and the names the requester reads on the approval card. Built from the roles
// (ADMINS, APPROVERS, groups resolved through Microsoft Graph) and the conversation's roster.

export interface CardAudience {
  /** MRIs that get their own approval card: the requester first, then the approvers present. */
  approvalUserIds: string[];
  /** MRIs that get their own run and manual-step cards (admins present); empty when anyone may act. */
  actionUserIds: string[];
  /** Who may decide, by name (roster names win over directory names). */
  approvers: Person[];
  anyoneMayDecide: boolean;
  anyoneMayAct: boolean;
  /** Whether the conversation's members are known; if not, refresh lists nobody and Teams asks for all. */
  rosterKnown: boolean;
  /** Why the names may be incomplete. */
  unavailable?: string;
}

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

export async function cardAudience(roles: Roles, members: Member[], requester: Actor): Promise<CardAudience> {
  const [approvers, admins] = await Promise.all([roles.approvers(), roles.admins()]);
  const nameOf = (id: string, fallback: string) =>
    members.find((m) => same(m.aadObjectId, id) || same(m.id, id))?.name ?? fallback;
  const approverPeople = approvers.people.map((p) => ({ id: p.id, name: nameOf(p.id, p.displayName) }));
  const approvalWanted = approvers.anyone
    ? [requester.id, ...members.map((m) => m.aadObjectId ?? m.id)]
    : [requester.id, ...approverPeople.map((p) => p.id)];
  return {
    approvalUserIds: refreshUserIds(members, approvalWanted),
    actionUserIds: admins.anyone
      ? []
      : refreshUserIds(members, [requester.id, ...admins.people.map((p) => p.id)]),
    approvers: approverPeople,
    anyoneMayDecide: approvers.anyone,
    anyoneMayAct: admins.anyone,
    rosterKnown: members.length > 0,
    unavailable: approvers.unavailable ?? admins.unavailable,
  };
}
