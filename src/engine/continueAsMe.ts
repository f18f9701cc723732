import { continueAsMeCommand, type AssertionsInHand } from './actingAdmin';
import { applyCommand, type CommandDeps } from './applyCommand';
import type { CommandResult } from './engineApi';
import type { Actor } from './model';
import type { RunLeaseKeeper } from './runLeaseKeeper';

// "Continue as me": the click's SSO token is its step's assertion, held in the memory of the replica
// that took the click and never stored (actingAdmin.ts). With several replicas that replica may not
// hold the run's lease, and the holder has no token: so an accepted click first takes the lease over
// (a handover: the old holder's writes are fenced from then on) and the step runs where its token is
// (docs/engine.md, "State machine": the obo paragraph).

export interface ContinueAsMeDeps {
  commands: CommandDeps;
  assertions: AssertionsInHand;
  /** Several replicas: this replica's leases. */
  keeper?: RunLeaseKeeper;
  /** Tells the old holder that this replica drives the run now (replicaCoordination.ts). */
  notifyHandover?(runId: string): Promise<void>;
}

export async function continueAsMe(
  d: ContinueAsMeDeps,
  runId: string,
  stepId: string,
  actor: Actor,
  rev: number | undefined,
  ssoToken: string,
): Promise<CommandResult> {
  // The assertion is in hand before the click's change wakes the step; a refused click leaves none.
  d.assertions.put(runId, stepId, ssoToken, actor);
  try {
    const handedOver = d.keeper !== undefined && (await accepted(d.commands, runId, stepId, actor, rev));
    if (handedOver) await d.keeper?.handOver(runId);
    // After a handover the old holder is told so (below), not merely woken: it must not drive.
    const commands = handedOver ? { ...d.commands, notifyReplicas: undefined } : d.commands;
    const result = await applyCommand(commands, runId, actor, rev, (run, c) =>
      continueAsMeCommand(run, stepId, c),
    );
    if (!result.ok || !result.changed) d.assertions.take(runId, stepId);
    if (handedOver) {
      // Refused after all (another click came first): this replica holds the run, so it drives it.
      if (!result.ok || !result.changed) d.commands.kick(runId);
      await d.notifyHandover?.(runId).catch(() => undefined);
    }
    return result;
  } catch (error) {
    d.assertions.take(runId, stepId);
    throw error;
  }
}

/** Whether the click would be accepted now: only then is the lease worth taking from its holder. */
async function accepted(
  deps: CommandDeps,
  runId: string,
  stepId: string,
  actor: Actor,
  rev: number | undefined,
): Promise<boolean> {
  const run = await deps.store.get(runId);
  if (!run) return false;
  const c = { actor, at: deps.clock.now().toISOString(), rev, fourEyes: deps.fourEyes };
  return continueAsMeCommand(structuredClone(run), stepId, c).kind === 'change';
}
