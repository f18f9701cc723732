import type { TurnContext } from 'botbuilder';
import type { Actor, Run } from '../engine/engineApi';
import { actorOf, checkPermission, type Permission } from './access';
import type { BotServices } from './botServices';
import type { AdaptiveCard } from './cards/renderCard';
import { recordRefusal } from './refusals';
import { canSeeRun, tenantOf } from './runScope';
import { messageCard } from './views/messageView';

// The one access check in front of every verb and command: which runs the asker may see at all
// (visibleRun, visibleRuns: a run of another tenant or conversation is "not found", as an unknown id
// is), then the permission for what they do, recording a refusal (log line, and the run's audit when
// there is a run) and answering with the "not allowed" card, or the clicked card with the reason.

export type Guarded = { allowed: true; actor: Actor } | { allowed: false; card: AdaptiveCard };

export interface GuardTarget {
  run?: Run;
  stepId?: string;
  /** The card to answer a refusal with (the clicked card with the reason); a "Not allowed" card if absent. */
  refusedCard?: (reason: string) => AdaptiveCard | Promise<AdaptiveCard>;
}

/**
 * The run `ref` names (its id, or with `shortIds` a unique prefix of it as cards show), if the asker may see it;
 * null for an unknown id and for a run the asker may not see alike.
 */
export async function visibleRun(
  services: BotServices,
  context: TurnContext,
  ref: string,
  shortIds = false,
): Promise<Run | null> {
  const exact = await services.engine.get(ref);
  if (exact) return (await canSeeRun(services.roles, context, exact)) ? exact : null;
  // Cards carry full ids; typed commands may give the short id a card shows.
  if (!shortIds) return null;
  // A prefix must be unique among the runs the asker may see (otherwise "ambiguous" would leak).
  const prefix = ref.toLowerCase();
  if (prefix.length < 4) return null;
  const matches = (await visibleRuns(services, context, 500)).filter((run) => run.id.startsWith(prefix));
  return matches.length === 1 ? matches[0] : null;
}

/** The newest runs the asker may see. */
export async function visibleRuns(
  services: BotServices,
  context: TurnContext,
  limit: number,
): Promise<Run[]> {
  const runs = await services.engine.list({ limit: Math.max(limit, 200), tenantId: tenantOf(context) });
  const seen = await Promise.all(runs.map((run) => canSeeRun(services.roles, context, run)));
  return runs.filter((_, i) => seen[i]).slice(0, limit);
}

export async function guard(
  services: BotServices,
  context: TurnContext,
  action: string,
  permission: Permission,
  target: GuardTarget = {},
): Promise<Guarded> {
  const actor = actorOf(context);
  // Callers reach runs through visibleRun; this holds even if one did not.
  if (target.run && !(await canSeeRun(services.roles, context, target.run))) {
    return { allowed: false, card: unknownRunCard(target.run.id) };
  }
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

/** What an unknown run id gets, and so what a run the asker may not see gets. */
export function unknownRunCard(runId: string): AdaptiveCard {
  return messageCard('Unknown run', `There is no setup run ${runId}. Say "runs" to list them.`, 'Attention');
}
