import type { Actor } from '../engine/engineApi';
import type { TurnContext } from 'botbuilder';
import type { Refusal, Roles } from './roles/roles';

// Who may do what: the acting person of a turn, and the permission each verb needs, answered by the
// roles (src/bot/roles/roles.ts: ADMINS and APPROVERS, users or Entra groups). Empty lists mean
// "anyone in the conversation" so a local demo works out of the box; production sets them.

export type { Refusal } from './roles/roles';

export function actorOf(context: TurnContext): Actor {
  const from = context.activity.from ?? { id: 'unknown', name: 'unknown' };
  return { id: from.aadObjectId ?? from.id, name: from.name || from.id };
}

/** What a verb needs: look at a run, start a setup, operate a run, or decide an approval. */
export type Permission = 'view' | 'start' | 'operate' | 'decide';

/** The roles (ADMINS, APPROVERS: users or Entra groups) answer; a directory that fails refuses. */
export async function checkPermission(
  roles: Roles,
  permission: Permission,
  actor: Actor,
  requester?: Actor,
): Promise<Refusal> {
  switch (permission) {
    case 'view':
      return { allowed: true };
    case 'start':
      return roles.mayStart(actor);
    case 'operate':
      return roles.mayOperate(actor);
    case 'decide':
      return requester ? roles.mayDecide(actor, requester) : { allowed: false, reason: 'No run to decide.' };
  }
}
