import type { TurnContext } from 'botbuilder';
import type { Run, RunScope } from '../engine/engineApi';
import { actorOf } from './access';
import type { Roles } from './roles/roles';

// Which runs a person may see and act on. A run belongs to the tenant and the conversation it was
// started in (RunScope): it is visible in that conversation (for a channel: any thread of it), and
// to that tenant's admins and approvers anywhere. Nobody else learns it exists: the guard answers
// them exactly as for an unknown id (guard.ts).

/** The tenant of an activity (Teams puts it in both places; the gate has checked they agree). */
export function tenantOf(context: TurnContext): string {
  const activity = context.activity;
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = typeof channelData?.tenant?.id === 'string' ? channelData.tenant.id : undefined;
  const fromConversation = activity.conversation?.tenantId;
  // Local mode takes the activity as sent: anything but a string counts as no tenant.
  return (typeof fromConversation === 'string' ? fromConversation : (fromChannelData ?? '')).toLowerCase();
}

/**
 * The conversation a run is kept to. A channel thread's id is the channel's plus `;messageid=<root>`
 * (docs/teams.md); the channel's members see every thread, so the channel is the unit.
 */
export function conversationKey(conversationId: string): string {
  return conversationId.split(';messageid=')[0];
}

/** Where a run started from this turn belongs. */
export function scopeOf(context: TurnContext): RunScope {
  return { tenantId: tenantOf(context), conversationId: conversationKey(context.activity.conversation.id) };
}

/**
 * Whether the asker may see the run. The conversation is checked first, so a card action in the run's
 * own conversation never waits on the directory; elsewhere only admins and approvers (users or Entra
 * groups) see it, and a directory that cannot answer shows nothing.
 */
export async function canSeeRun(roles: Roles, context: TurnContext, run: Run): Promise<boolean> {
  const here = scopeOf(context);
  if (run.scope) {
    if (here.tenantId !== run.scope.tenantId) return false;
    if (here.conversationId === run.scope.conversationId) return true;
  }
  // Elsewhere, or a run stored before runs were scoped (its tenant unknown): admins and approvers only.
  return roles.isPrivileged(actorOf(context));
}
