import type { TurnContext } from 'botbuilder';
import type { Run, RunScope } from '../engine/model';
import { actorOf, type AccessPolicy } from './access';

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

/** Admins and approvers (everyone while both lists are empty: local demos). */
function isPrivileged(policy: AccessPolicy, actorId: string): boolean {
  if (policy.admins.length === 0 && policy.approvers.length === 0) return true;
  return policy.admins.includes(actorId) || policy.approvers.includes(actorId);
}

export function canSeeRun(policy: AccessPolicy, context: TurnContext, run: Run): boolean {
  const privileged = isPrivileged(policy, actorOf(context).id);
  // A run stored before runs were scoped: its tenant is unknown, so only admins and approvers.
  if (!run.scope) return privileged;
  const here = scopeOf(context);
  if (here.tenantId !== run.scope.tenantId) return false;
  return privileged || here.conversationId === run.scope.conversationId;
}
