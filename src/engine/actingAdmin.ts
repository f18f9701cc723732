import type { Actor, Run, StepState } from './model';
import type { Platform } from './ports';
import type { StepKind } from './stepKinds';
import { moveStep, settle } from './runStateMachine';
import type { CommandContext, CommandOutcome } from './runCommands';
import type { StepTransition } from './runTransitions';

// Who acts is part of the run (AZURE_AUTH=obo, docs/deploy.md "Teams single sign-on"). The dual-write
// gateway takes delegated tokens only, and "only the user who set up the dual-write connection can add
// new table maps" (Learn dual-write-troubleshooting-dual-write-module.md): so these steps run with the
// on-behalf-of token of the admin who linked, never the app's. Such a step waits for that admin's
// "Continue as me", whose fresh SSO token is the assertion: held in memory for that step only, never
// stored (an approval may come hours later, when an older token has long expired).

/** The steps that change the connection through the gateway, so need the linking admin's rights. */
export const STEPS_ACTING_AS_ADMIN: ReadonlySet<StepKind> = new Set<StepKind>([
  'linkEnvironments',
  'applySolution',
  'enableEntityMaps',
  'addCompanyToConnection',
  'initialSync',
]);

/** The platform as one admin, from the admin's SSO token (the platform's on-behalf-of credential). */
export type ActAsAdmin = (userAssertion: string) => Platform;

/** The assertions of "Continue as me" clicks, by run and step, until their step takes them. */
export class AssertionsInHand {
  private readonly held = new Map<string, { assertion: string; by: Actor }>();

  put(runId: string, stepId: string, assertion: string, by: Actor): void {
    this.held.set(`${runId}/${stepId}`, { assertion, by });
  }

  /** Taken once: a step that needs a sign-in again waits for a new click. */
  take(runId: string, stepId: string): { assertion: string; by: Actor } | undefined {
    const key = `${runId}/${stepId}`;
    const held = this.held.get(key);
    this.held.delete(key);
    return held;
  }
}

/** The Platform's refusal when Entra needs the admin (onBehalfOf.ts SignInNeededError). */
export function isSignInNeeded(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'sign_in_needed';
}

/** Why the admin must sign in again, and Entra's claims challenge for that sign-in when it sent one. */
export function signInWanted(error: unknown): [reason: string, claims?: string] {
  const claims = (error as { claims?: unknown }).claims;
  return [(error as Error).message, typeof claims === 'string' ? claims : undefined];
}

/** Who must continue: linking, any admin (the requester by default); later, the one who linked. */
export function actingAdminFor(run: Run, step: StepState): Actor | undefined {
  if (step.kind === 'linkEnvironments') return undefined;
  return run.actingAdmin ?? run.requestedBy;
}

/**
 * The step waits for "Continue as me": when it is reached (pending, or approved), when Entra wants a
 * sign-in or a call needs an admin (running), or when a manual step's check needs one (confirmed).
 */
export function awaitActingAdmin(stepId: string, reason?: string, claims?: string): StepTransition {
  return {
    stepId,
    action: 'act_as.requested',
    apply(current, at) {
      const step = current.steps.find((s) => s.id === stepId);
      const approved = step?.status === 'awaiting_approval' && step.approval?.decision?.approved;
      const confirmed = step?.status === 'awaiting_manual' && step.confirmation;
      if (!step || (step.status !== 'pending' && step.status !== 'running' && !approved && !confirmed))
        return null;
      moveStep(step, 'awaiting_manual');
      delete step.confirmation;
      const admin = actingAdminFor(current, step);
      step.actAs = {
        since: at,
        ...(admin ? { admin } : {}),
        ...(reason ? { reason } : {}),
        ...(claims ? { claims } : {}),
      };
      step.waitingSinceRev = current.rev + 1;
      const who = admin ? admin.name : 'the admin who links';
      return {
        run: settle(current, at),
        audit: [
          { at, actor: null, action: 'act_as.requested', stepId, detail: reason ?? `waits for ${who}` },
        ],
      };
    },
  };
}

/** "Continue as me": the step runs now with the clicking admin's rights, if they may act for it. */
export function continueAsMeCommand(run: Run, stepId: string, c: CommandContext): CommandOutcome {
  const refuse = (code: 'not_found' | 'invalid_state' | 'forbidden' | 'stale', message: string) =>
    ({ kind: 'refuse', code, message }) as const;
  const step = run.steps.find((s) => s.id === stepId);
  if (!step) return refuse('not_found', `Run ${run.id} has no step ${stepId}.`);
  if (step.status !== 'awaiting_manual' || !step.actAs)
    return refuse(
      'invalid_state',
      `"${step.title}" is not waiting for an admin to continue (it is ${step.status}).`,
    );
  if (c.rev !== undefined && step.waitingSinceRev !== undefined && c.rev < step.waitingSinceRev)
    return refuse('stale', 'This card is out of date; here is the current state.');
  const admin = step.actAs.admin;
  if (admin && admin.id !== c.actor.id)
    return refuse(
      'forbidden',
      run.actingAdmin
        ? `Only ${admin.name}, who linked, can act for this step: the dual-write service lets only that user change maps.`
        : `Only ${admin.name}, who asked for this setup, can act for this step until an admin links the environments.`,
    );
  if (step.kind === 'linkEnvironments') run.actingAdmin = c.actor;
  delete step.actAs;
  // A manual step is checked with the admin's rights (its "Done, verify"); any other runs with them.
  if (step.mode === 'manual') step.confirmation = { by: c.actor, at: c.at };
  else moveStep(step, 'running');
  return {
    kind: 'change',
    run: settle(run, c.at),
    audit: [{ at: c.at, actor: c.actor, action: 'act_as.continued', stepId, detail: `as ${c.actor.name}` }],
  };
}
