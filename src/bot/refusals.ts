import type { TurnContext } from 'botbuilder';
import type { Actor } from '../engine/engineApi';
import type { BotServices } from './botServices';

// Every refused action leaves a trace. A refusal that concerns a run goes into that run's audit trail
// (`refused <action>`, with actor and reason, shown by `audit <run>`). Every refusal, with or without
// a run (a non-admin's setup, Review or Start: no run exists then, and a refused attempt must not
// create one), is also one structured warn line `access.refused` in the log, which is where a
// security review looks for who tried what.

export async function recordRefusal(
  services: BotServices,
  context: TurnContext,
  actor: Actor,
  action: string,
  reason: string,
  target: { runId?: string; stepId?: string } = {},
): Promise<void> {
  services.logger.warn(
    {
      event: 'access.refused',
      action,
      actorId: actor.id,
      actorName: actor.name,
      conversationId: context.activity.conversation?.id,
      ...target,
    },
    `refused ${action}: ${reason}`,
  );
  if (target.runId) await services.engine.recordRefusal(target.runId, actor, action, reason, target.stepId);
}
