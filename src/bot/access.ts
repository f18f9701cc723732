import type { Actor } from '../engine/model';
import type { TurnContext } from 'botbuilder';

// Who may do what, from configuration (Entra object ids). Empty lists mean "anyone in the
// conversation" so a local demo works out of the box; production sets them.

export interface AccessPolicy {
  admins: string[];
  approvers: string[];
  fourEyes: boolean;
}

export type Refusal = { allowed: true } | { allowed: false; reason: string };

export function actorOf(context: TurnContext): Actor {
  const from = context.activity.from ?? { id: 'unknown', name: 'unknown' };
  return { id: from.aadObjectId ?? from.id, name: from.name || from.id };
}

export function canStart(policy: AccessPolicy, actor: Actor): Refusal {
  if (policy.admins.length === 0 || policy.admins.includes(actor.id)) return { allowed: true };
  return { allowed: false, reason: 'Only the configured dual-write admins can start or change a setup.' };
}

/** Cancel, retry, skip and "Done, verify" on a run: the configured admins. */
export function canOperate(policy: AccessPolicy, actor: Actor): Refusal {
  if (policy.admins.length === 0 || policy.admins.includes(actor.id)) return { allowed: true };
  return {
    allowed: false,
    reason: 'Only the configured dual-write admins can cancel, retry, skip or verify a step of a setup.',
  };
}

export function canDecide(policy: AccessPolicy, actor: Actor, requester: Actor): Refusal {
  const approvers = policy.approvers.length > 0 ? policy.approvers : policy.admins;
  if (approvers.length > 0 && !approvers.includes(actor.id)) {
    return {
      allowed: false,
      reason: `${actor.name} is not an approver for dual-write setups; an approver must decide.`,
    };
  }
  if (policy.fourEyes && actor.id === requester.id) {
    return {
      allowed: false,
      reason: 'Four eyes: you requested this setup, so another approver must decide this step.',
    };
  }
  return { allowed: true };
}

/** What a verb needs: look at a run, start a setup, operate a run, or decide an approval. */
export type Permission = 'view' | 'start' | 'operate' | 'decide';

export function checkPermission(
  policy: AccessPolicy,
  permission: Permission,
  actor: Actor,
  requester?: Actor,
): Refusal {
  switch (permission) {
    case 'view':
      return { allowed: true };
    case 'start':
      return canStart(policy, actor);
    case 'operate':
      return canOperate(policy, actor);
    case 'decide':
      return requester
        ? canDecide(policy, actor, requester)
        : { allowed: false, reason: 'No run to decide.' };
  }
}
