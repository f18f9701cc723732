import type { TurnContext } from 'botbuilder';
import type { Actor, Run } from '../engine/model';
import { actorOf, checkPermission, type Permission } from './access';
import type { BotServices } from './botServices';
import type { AdaptiveCard } from './cards/renderCard';
import { recordRefusal } from './refusals';
import { messageCard } from './views/messageView';

// The one access check in front of every verb and command that changes something: checks the
// permission, records a refusal (log line, and the run's audit when there is a run), and answers
// with the "not allowed" card, or the card that was clicked with the reason as its notice.

export type Guarded = { allowed: true; actor: Actor } | { allowed: false; card: AdaptiveCard };

export interface GuardTarget {
  run?: Run;
  stepId?: string;
  /** The card to answer a refusal with (the clicked card with the reason); a "Not allowed" card if absent. */
  refusedCard?: (reason: string) => AdaptiveCard | Promise<AdaptiveCard>;
}

export async function guard(
  services: BotServices,
  context: TurnContext,
  action: string,
  permission: Permission,
  target: GuardTarget = {},
): Promise<Guarded> {
  const actor = actorOf(context);
  const refusal = await checkPermission(services.roles, permission, actor, target.run?.requestedBy);
  if (refusal.allowed) return { allowed: true, actor };
  await recordRefusal(services, context, actor, action, refusal.reason, {
    ...(target.run ? { runId: target.run.id } : {}),
    ...(target.run && target.stepId ? { stepId: target.stepId } : {}),
  });
  const card =
    (await target.refusedCard?.(refusal.reason)) ?? messageCard('Not allowed', refusal.reason, 'Attention');
  return { allowed: false, card };
}
